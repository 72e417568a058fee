package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
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
	if tr, err := truth.RunDP(m, steps); err == nil {
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
// (truth.RunSmoothDP) on random instances: the value to 1e-9 relative
// (both evaluate the same recursion with different stable formulas), and
// the marginals against central finite differences of the interpreter with
// step 1e-5, to 1e-5 absolute plus 1e-4 relative (the truncation error of
// central differences on these piecewise-smooth functions).
func verifySmooth(stdout io.Writer, m *dsl.Model, opt compile.Options, count int, seed uint64, nsteps int) error {
	ref, err := smooth.ParseReg(opt.Reg.String())
	if err != nil {
		return err
	}
	gen, genName := problems.RandomFor(m, nsteps)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var worstValue, worstGrad float64
	mismatches := 0
	for i := 0; i < count; i++ {
		steps := gen(rng)
		for _, st := range steps {
			for _, in := range m.Inputs {
				if in.Type == dsl.Real {
					st[in.Index] = smoothScore(rng, in, opt.Gamma)
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
		want, err := truth.RunSmoothDP(m, steps, ref, opt.Gamma)
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
				vu, err1 := truth.RunSmoothDP(m, up, ref, opt.Gamma)
				vd, err2 := truth.RunSmoothDP(m, dn, ref, opt.Gamma)
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

// verifyONNXSmooth runs an exported smooth network (outputs "value" and
// "marginals") in a runtime on random scores and compares the value with
// the smoothed-DP interpreter and the marginals with the gradient of the
// Go network (relu.VJP, itself equal to smooth's Algorithm 2 by
// the compile tests): to 1e-12 relative in float64 and 1e-5 in float32
// (float32's unit roundoff 6e-8 over a few dozen operations per output).
func verifyONNXSmooth(path string, model *export.Model, rt engine.Runtime, net *compile.Network, count int, seed uint64, stdout io.Writer) error {
	if count < 1 {
		return userErrorf("verify: a smooth model is checked on random scores: give -random N")
	}
	if rt != engine.Go && rt != engine.ORT {
		return userErrorf("verify: the smooth model's gradient output needs -runtime go or ort")
	}
	runner, err := engine.Open(path, rt, net)
	if err != nil {
		return &userError{err.Error()}
	}
	defer runner.Close()
	run := runner.Run
	m, sm := net.Model, net.Smooth
	ref, err := smooth.ParseReg(sm.Reg.String())
	if err != nil {
		return err
	}
	tol := 1e-12
	if model.DType == export.Float32 {
		tol = 1e-5
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var worstValue, worstGrad float64
	mismatches := 0
	for i := 0; i < count; i++ {
		steps := make([][]float64, net.Steps)
		for t := range steps {
			steps[t] = make([]float64, len(m.Inputs))
			for _, in := range m.Inputs {
				if vals, ok := sm.Fixed[in.Name]; ok {
					steps[t][in.Index] = vals[t]
				} else {
					steps[t][in.Index] = smoothScore(rng, in, sm.Gamma)
				}
			}
		}
		row, err := net.SmoothInputs(steps)
		if err != nil {
			return err
		}
		feeds := map[string]export.Tensor{}
		for _, blk := range net.Cell.Inputs {
			feeds[blk.Name] = export.NewTensor(append([]float64(nil), row[blk.Start:blk.Start+blk.Len]...), 1, blk.Len)
		}
		out, err := run(feeds)
		if err != nil {
			return fmt.Errorf("random #%d: %v", i+1, err)
		}
		want, err := truth.RunSmoothDP(m, steps, ref, sm.Gamma)
		if err != nil {
			return err
		}
		grad, _, err := relu.VJP(net.Cell, row, []float64{1})
		if err != nil {
			return err
		}
		val, marg := out["value"], out["marginals"]
		if len(val.Data) != 1 || len(marg.Data) != len(grad) {
			return userErrorf("verify: %s lacks the outputs value [1] and marginals [%d]", path, len(grad))
		}
		ev := math.Abs(val.Data[0]-want) / math.Max(1, math.Abs(want))
		worstValue = math.Max(worstValue, ev)
		bad := !(ev <= tol)
		for j, g := range grad {
			eg := math.Abs(marg.Data[j]-g) / math.Max(1, math.Abs(g))
			worstGrad = math.Max(worstGrad, eg)
			bad = bad || !(eg <= tol)
		}
		if bad {
			mismatches++
			if mismatches <= 10 {
				fmt.Fprintf(stdout, "MISMATCH random #%d: value %g (want %g), marginals %v (want %v)\n", i+1, val.Data[0], want, marg.Data, grad)
			}
		}
	}
	fmt.Fprintf(stdout, "verify %s (%s, smooth %s, γ = %g, %d steps, %s, runtime %s): %d random score vectors\n", path, m.Name, sm.Reg, sm.Gamma, net.Steps, model.DType, rt, count)
	fmt.Fprintf(stdout, "value vs the smoothed DP interpreter: worst relative error %.3g (tolerance %g)\n", worstValue, tol)
	fmt.Fprintf(stdout, "marginals vs the Go network's gradient: worst relative error %.3g (tolerance %g)\n", worstGrad, tol)
	fmt.Fprintf(stdout, "%d mismatches\n", mismatches)
	if mismatches > 0 {
		return &mismatchError{fmt.Sprintf("%d mismatches between the smooth model and the Go reference", mismatches)}
	}
	return nil
}

// smoothScore draws a score at the scale of γ (normal, deviation 2γ,
// clipped to the input's range), where smoothing changes the value; scores
// drawn over a wide declared range would make every smoothed max hard.
func smoothScore(rng *rand.Rand, in *dsl.Input, gamma float64) float64 {
	return math.Min(math.Max(rng.NormFloat64()*2*gamma, in.Lo), in.Hi)
}
