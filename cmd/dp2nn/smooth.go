package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/verify"
	"github.com/dp2nn/dp2nn/verify/smoothdp"
)

// smoothFor completes smooth-scheme options for one instance: the network
// is unrolled over its steps, and every input that offsets a read is fixed
// to the instance's values.
func smoothFor(opt compile.Options, m *dsl.Model, steps [][]float64) compile.Options {
	opt.Steps = len(steps)
	opt.Fixed = map[string][]float64{}
	for _, s := range m.States {
		walkReads(s.Body, func(ix *dsl.IndexExpr) {
			for _, t := range ix.Terms {
				vals := make([]float64, len(steps))
				for i, st := range steps {
					vals[i] = st[t.Input.Index]
				}
				opt.Fixed[t.Input.Name] = vals
			}
		})
	}
	return opt
}

func walkReads(t *dsl.Term, visit func(*dsl.IndexExpr)) {
	if t.Kind == dsl.TRead {
		for _, ix := range t.Index {
			visit(ix)
		}
	}
	for _, a := range t.Args {
		walkReads(a, visit)
	}
}

// SmoothReport is the JSON output of "dp2nn solve -scheme smooth".
type SmoothReport struct {
	Program   string               `json:"program"`
	Instance  string               `json:"instance"`
	Reg       string               `json:"reg"`
	Gamma     float64              `json:"gamma"`
	Steps     int                  `json:"steps"`
	Size      int                  `json:"size"`
	Depth     int                  `json:"depth"`
	Value     float64              `json:"value"`
	Hard      string               `json:"hard_value"`
	Marginals map[string][]float64 `json:"marginals"`
}

// solveSmooth runs the smooth network on one instance: the smoothed value,
// the hard value of the exact DP beside it, and the marginals (the
// gradient of the value with respect to every run-time input: for knapsack
// and top-k, the relaxed selection).
func solveSmooth(stdout io.Writer, json bool, instance string, m *dsl.Model, opt compile.Options, steps [][]float64) error {
	opt = smoothFor(opt, m, steps)
	net, err := lower(m, opt)
	if err != nil {
		return err
	}
	in, err := net.SmoothInputs(steps)
	if err != nil {
		return err
	}
	grad, out, err := relu.VJP(net.Cell, in, []float64{1})
	if err != nil {
		return err
	}
	st := net.Cell.Stats()
	r := &SmoothReport{Program: m.Name, Instance: instance, Reg: opt.Reg.String(), Gamma: opt.Gamma, Steps: len(steps),
		Size: st.Size, Depth: st.Depth, Value: out[0], Marginals: map[string][]float64{}}
	for _, blk := range net.Cell.Inputs {
		r.Marginals[blk.Name] = grad[blk.Start : blk.Start+blk.Len]
	}
	if tr, err := verify.RunDP(m, steps); err == nil {
		if a, err := tr.Answer(); err == nil {
			r.Hard = fmt.Sprintf("%.10g", a.Float64())
		}
	}
	if json {
		return writeJSON(stdout, r)
	}
	fmt.Fprintf(stdout, "program %s, scheme smooth (%s, γ = %g), unrolled over %d steps: %d smooth neurons, depth %d\n", r.Program, r.Reg, r.Gamma, r.Steps, r.Size, r.Depth)
	fmt.Fprintf(stdout, "value %.10g (hard DP: %s)\n", r.Value, orDash(r.Hard))
	for _, name := range sortedKeys(r.Marginals) {
		fmt.Fprintf(stdout, "marginals ∂value/∂%s:", name)
		for _, y := range r.Marginals[name] {
			fmt.Fprintf(stdout, " %.6f", y)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// verifySmooth compares smooth networks with the smoothed DP interpreter
// (verify.RunSmoothDP) on random instances: the value to 1e-9 relative
// (both evaluate the same recursion with different stable formulas), and
// the marginals against central finite differences of the interpreter with
// step 1e-5, to 1e-5 absolute plus 1e-4 relative (the truncation error of
// central differences on these piecewise-smooth functions).
func verifySmooth(stdout io.Writer, m *dsl.Model, opt compile.Options, count int, seed uint64, nsteps int) error {
	ref, err := smoothdp.ParseReg(opt.Reg.String())
	if err != nil {
		return err
	}
	gen, genName := verify.RandomFor(m, nsteps)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var worstValue, worstGrad float64
	mismatches := 0
	for i := 0; i < count; i++ {
		steps := gen(rng)
		// Scores drawn over the whole declared range (±1000) would make
		// every smoothed max a hard one; draw real inputs at the scale of γ
		// (normal, standard deviation 2γ) so that smoothing matters.
		for _, st := range steps {
			for _, in := range m.Inputs {
				if in.Type == dsl.Real {
					st[in.Index] = math.Min(math.Max(rng.NormFloat64()*2*opt.Gamma, in.Lo), in.Hi)
				}
			}
		}
		o := smoothFor(opt, m, steps)
		net, err := lower(m, o)
		if err != nil {
			return err
		}
		in, err := net.SmoothInputs(steps)
		if err != nil {
			return err
		}
		grad, out, err := relu.VJP(net.Cell, in, []float64{1})
		if err != nil {
			return err
		}
		want, err := verify.RunSmoothDP(m, steps, ref, opt.Gamma)
		if err != nil {
			return err
		}
		ev := math.Abs(out[0]-want) / (1 + math.Abs(want))
		worstValue = math.Max(worstValue, ev)
		bad := !(ev <= 1e-9)
		for _, blk := range net.Cell.Inputs {
			idx := inputIndex(m, blk.Name)
			for t := 0; t < blk.Len; t++ {
				const h = 1e-5
				up := cloneSteps(steps)
				up[t][idx] += h
				dn := cloneSteps(steps)
				dn[t][idx] -= h
				vu, err1 := verify.RunSmoothDP(m, up, ref, opt.Gamma)
				vd, err2 := verify.RunSmoothDP(m, dn, ref, opt.Gamma)
				if err1 != nil || err2 != nil {
					continue // a step out of the input's range at its edge
				}
				fd := (vu - vd) / (2 * h)
				eg := math.Abs(grad[blk.Start+t] - fd)
				worstGrad = math.Max(worstGrad, eg)
				if !(eg <= 1e-5+1e-4*math.Abs(fd)) {
					bad = true
				}
			}
		}
		if bad {
			mismatches++
			if mismatches <= 10 {
				fmt.Fprintf(stdout, "MISMATCH random #%d: value %g, smoothed DP %g; steps %v\n", i+1, out[0], want, steps)
			}
		}
	}
	fmt.Fprintf(stdout, "verify %s (scheme smooth, %s, γ = %g): %d random instances (%s, real inputs normal with deviation 2γ, seed %d)\n", m.Name, opt.Reg, opt.Gamma, count, genName, seed)
	fmt.Fprintf(stdout, "value vs the smoothed DP interpreter: worst relative error %.3g (tolerance 1e-9)\n", worstValue)
	fmt.Fprintf(stdout, "marginals vs central differences of the interpreter: worst absolute error %.3g\n", worstGrad)
	fmt.Fprintf(stdout, "%d mismatches\n", mismatches)
	if mismatches > 0 {
		return &mismatchError{fmt.Sprintf("%d mismatches between the smooth network and the smoothed DP", mismatches)}
	}
	return nil
}

func inputIndex(m *dsl.Model, name string) int {
	for _, in := range m.Inputs {
		if in.Name == name {
			return in.Index
		}
	}
	return -1
}

func cloneSteps(s [][]float64) [][]float64 {
	out := make([][]float64, len(s))
	for i := range s {
		out[i] = append([]float64(nil), s[i]...)
	}
	return out
}
