// Package exporttest provides the graphs, inputs and reference results
// that the tests of export and of the runtimes in verify share: random
// sparse layered graphs with skip connections and small hand-made DP
// cells, every layout × form × dtype to export them in, and the expected
// outputs computed with relu's Go evaluator, independently of export.
//
//	for _, c := range exporttest.Cases() {
//		for _, opt := range c.Variants() {
//			model, _ := export.Marshal(c.Graph, opt)
//			in := c.Inputs(rand.New(rand.NewPCG(1, 2)), opt, 5, 3)
//			want, _ := c.Reference(opt, in)
//			got := runSomewhere(model, in)
//			err := exporttest.Compare(got, want, c.Tolerance(opt.DType))
//		}
//	}
package exporttest
