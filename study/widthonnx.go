package study

import (
	"fmt"
	"io"
	"strconv"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/examples"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/train"
	"github.com/dp2nn/dp2nn/verify"
)

// Beyond the paper: a trained net of the width study exported as an RNN
// cell exactly like the compiled DP-NN of examples/knapsack.dp (inputs f,
// profit, size; output f; the program in the metadata), so that "dp2nn
// verify" runs it on random instances beside the compiled one.

// The metadata keys of a trained model; verify.TrainedMark marks one.
const (
	metaTrainedPStar = "trained.pstar"
	metaTrainedMSE   = "trained.test_mse"
	metaTrainedKey   = "trained.settings"
)

// TrainedGraph is net, trained for p* on the DP step, as a relu.Graph
// with the blocks of the compiled knapsack cell: inputs f [p*], profit
// and size (the order of the training inputs), output f [p*]. Every
// weight is carried over as it is, so the graph computes what the net
// computes.
func TrainedGraph(net *train.Net, pstar int) (*relu.Graph, error) {
	if net.In != pstar+2 || net.Out != pstar {
		return nil, fmt.Errorf("study: a net with %d inputs and %d outputs is not one of p* = %d (%d and %d)", net.In, net.Out, pstar, pstar+2, pstar)
	}
	b := relu.NewBuilder()
	in := append(append(b.Input("f", pstar), b.Input("profit", 1)...), b.Input("size", 1)...)
	var prev []relu.Unit
	for l := range net.Layers() {
		wx, wh, bias := net.Weights(l)
		out := len(bias)
		affines := make([]relu.Affine, out)
		for j := range out {
			a := relu.Affine{Const: bias[j]}
			for i, u := range in {
				if c := wx[i*out+j]; c != 0 {
					a.Terms = append(a.Terms, relu.Term{Unit: u, Coef: c})
				}
			}
			for i, u := range prev {
				if c := wh[i*out+j]; c != 0 {
					a.Terms = append(a.Terms, relu.Term{Unit: u, Coef: c})
				}
			}
			affines[j] = a
		}
		if l == net.Layers()-1 {
			g := b.Group(relu.GroupInfo{Name: "output", Rule: "trained"})
			b.Output("f", []int{pstar}, g, affines)
			break
		}
		g := b.Group(relu.GroupInfo{Name: fmt.Sprintf("hidden %d", l+1), Rule: "trained"})
		prev = prev[:0:0]
		for _, a := range affines {
			prev = append(prev, b.ReLU(g, a))
		}
	}
	b.SetDoc(fmt.Sprintf("dp2nn width study: a net of width %d trained on one step of examples/knapsack.dp with pmax=%d (Hertrich & Skutella, Appendix C)", net.Width, pstar))
	return b.Build()
}

// WriteExported prints the point of ExportTrained, written to path: its
// test MSE, training and how often it answers exactly as an RNN cell.
func (p WidthPoint) WriteExported(w io.Writer, path string) {
	fmt.Fprintf(w, "p* = %d, width %d: test MSE %.5f after %d epochs (%.0f s); exact optima as an RNN cell %.1f%% of %d; wrote %s\n",
		p.PStar, p.Width, p.TestMSE, p.Epochs, p.Seconds, 100**p.Optimum, OptimumInstances, path)
}

// ExportTrained trains the net of (p*, w) exactly as the study does
// (same seeds, so the same point as in a results file of the same
// settings) and writes it to path with WriteTrained. It returns the
// trained point.
func ExportTrained(c WidthConfig, pstar, w int, path string) (WidthPoint, error) {
	c.PStars, c.WMax = []int{pstar}, max(c.WMax, w)
	if err := c.Check(); err != nil {
		return WidthPoint{}, fmt.Errorf("study width: %v", err)
	}
	pt, net := trainWidthNet(c, pstar, w)
	return pt, WriteTrained(net, pstar, pt, path)
}

// WriteTrained writes net, trained for p*, to path as a float64 dense
// ONNX cell carrying examples/knapsack.dp with pmax = p* in its metadata,
// as "dp2nn compile -form cell -dtype float64 -layout dense" writes the
// compiled one, and pt (its test MSE, its settings) under the "trained."
// keys.
func WriteTrained(net *train.Net, pstar int, pt WidthPoint, path string) error {
	m, err := problems.Case{Program: "examples/knapsack.dp", Params: map[string]int64{"pmax": int64(pstar)}}.Model()
	if err != nil {
		return err
	}
	src, err := examples.FS.ReadFile("knapsack.dp")
	if err != nil {
		return err
	}
	compiled, err := compile.Lower(m, compile.Options{})
	if err != nil {
		return err
	}
	g, err := TrainedGraph(net, pstar)
	if err != nil {
		return err
	}
	opt := export.Options{Layout: export.Dense, Form: export.Cell, State: compiled.State, Init: compiled.Init, DType: export.Float64,
		Doc: g.Doc, Source: engine.SourceOf(compiled, compile.Options{}, "examples/knapsack.dp", src),
		Metadata: map[string]string{
			metaTrainedPStar: strconv.Itoa(pstar), verify.TrainedMark: strconv.Itoa(net.Width),
			metaTrainedMSE: strconv.FormatFloat(pt.TestMSE, 'g', -1, 64), metaTrainedKey: pt.Key,
		}}
	return export.WriteFile(path, g, opt)
}
