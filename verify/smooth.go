package verify

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
)

// This file runs and checks networks of the smooth scheme: their value
// against the smoothed DP interpreter (truth.RunSmoothDP) and their
// gradient, the marginals, against central differences of it or against
// the Go network's.

// SmoothReport is the JSON output of "dp2nn solve -scheme smooth".
type SmoothReport struct {
	Program  string  `json:"program"`
	Instance string  `json:"instance"`
	Reg      string  `json:"reg"`
	Gamma    float64 `json:"gamma"`
	Steps    int     `json:"steps"`
	Size     int     `json:"size"`
	Depth    int     `json:"depth"`
	Value    float64 `json:"value"`
	Hard     string  `json:"hard_value"`
	// Bound is γ·B, the bound on |value − hard value| that the smoothed
	// DP interpreter carries through the recursion
	// (truth.RunSmoothDPBound); absent where none is known (a bracket on a
	// smoothed value, or a program the interpreter does not evaluate).
	Bound     *Number              `json:"bound,omitempty"`
	Marginals map[string][]float64 `json:"marginals"`
}

// SolveSmooth runs the smooth network of m (opt completed for the
// instance by Options.SmoothInstance) on one instance (path names it):
// the smoothed value, the hard value of the exact DP beside it, and the
// marginals (the gradient of the value with respect to every run-time
// input: for knapsack and top-k, the relaxed selection).
func SolveSmooth(m *dsl.Model, opt compile.Options, path string, steps [][]float64) (*SmoothReport, error) {
	opt = opt.SmoothInstance(m, steps)
	net, err := compile.Lower(m, opt)
	if err != nil {
		return nil, err
	}
	in, err := net.SmoothInputs(steps)
	if err != nil {
		return nil, err
	}
	grad, out, err := relu.VJP(net.Cell, in, []float64{1})
	if err != nil {
		return nil, err
	}
	st := net.Cell.Stats()
	r := &SmoothReport{Program: m.Name, Instance: path, Reg: opt.Reg.String(), Gamma: opt.Gamma, Steps: len(steps),
		Size: st.Size, Depth: st.Depth, Value: out[0], Marginals: map[string][]float64{}}
	for _, blk := range net.Cell.Inputs {
		r.Marginals[blk.Name] = grad[blk.Start : blk.Start+blk.Len]
	}
	hard := math.NaN()
	if tr, err := truth.RunDP(m, steps); err == nil {
		if a, err := tr.Answer(); err == nil {
			hard = a.Float64()
			r.Hard = fmt.Sprintf("%.10g", hard)
		}
	}
	// The network's values are not bounded ahead (its neurons' affine
	// coefficients are the program's): a value or marginal that overflowed
	// float64 is refused rather than printed (γ = 1e308 gave +Inf).
	bad := math.IsNaN(out[0]) || math.IsInf(out[0], 0) && !math.IsInf(hard, 0)
	for _, g := range grad {
		bad = bad || math.IsNaN(g) || math.IsInf(g, 0)
	}
	if bad {
		return nil, fmt.Errorf("%s: the smooth network of %s at γ = %g gives value %g (hard DP %s): its values overflow float64; use a smaller -gamma", path, m.Name, opt.Gamma, out[0], orDash(r.Hard))
	}
	// The smoothed DP interpreter, which shares no code with the network:
	// the bound, and a value that differs from the network's is refused
	// rather than printed (1e-9 relative, as verify -scheme smooth).
	if ref, err := smooth.ParseReg(opt.Reg.String()); err == nil {
		if want, b, err := truth.RunSmoothDPBound(m, steps, ref, opt.Gamma); err == nil {
			if d := math.Abs(out[0] - want); !(d <= 1e-9*(1+math.Abs(want))) && !(out[0] == want) {
				return nil, fmt.Errorf("%s: the smooth network of %s gives value %.17g, the smoothed DP interpreter %.17g: the network is wrong (please report it)", path, m.Name, out[0], want)
			}
			if !math.IsInf(b, 0) && !math.IsNaN(b) {
				bound := Number(opt.Gamma * b)
				r.Bound = &bound
			}
		}
	}
	return r, nil
}

// WriteText prints the report.
func (r *SmoothReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "program %s, scheme smooth (%s, γ = %g), unrolled over %d steps: %d smooth neurons, depth %d\n", r.Program, r.Reg, r.Gamma, r.Steps, r.Size, r.Depth)
	if r.Bound != nil {
		fmt.Fprintf(w, "value %.10g (hard DP: %s, |difference| ≤ %.4g)\n", r.Value, orDash(r.Hard), float64(*r.Bound))
	} else {
		fmt.Fprintf(w, "value %.10g (hard DP: %s; no bound known)\n", r.Value, orDash(r.Hard))
	}
	for _, name := range sortedKeys(r.Marginals) {
		fmt.Fprintf(w, "marginals ∂value/∂%s:", name)
		for _, y := range r.Marginals[name] {
			fmt.Fprintf(w, " %.6f", y)
		}
		fmt.Fprintln(w)
	}
}

// SmoothCheck is the outcome of Smooth or SmoothModel; it is the JSON
// output of "dp2nn verify" for the smooth scheme.
type SmoothCheck struct {
	Title string `json:"title"` // what ran on which instances
	Cases int    `json:"cases"` // the instances checked
	// Value and Marginals say what the value and the marginals were
	// compared with and how the error is measured; ValueTol and
	// MarginalsTol the tolerance each is held to.
	Value        string   `json:"value"`
	ValueTol     string   `json:"value_tolerance"`
	Marginals    string   `json:"marginals"`
	MarginalsTol string   `json:"marginals_tolerance"`
	WorstValue   Number   `json:"worst_value_error"`    // the worst relative error of the value
	WorstGrad    Number   `json:"worst_marginal_error"` // the worst error of a marginal
	Mismatches   int      `json:"mismatches"`           // instances where either exceeded its tolerance
	Failures     []string `json:"failures,omitempty"`   // the first 10 of them
	// OpenSeconds is how long the runtime took to prepare a model (ONNX
	// Runtime: to create the session), 0 when no model was opened.
	OpenSeconds float64 `json:"open_seconds,omitempty"`
}

// maxSmoothFailures is how many failures a SmoothCheck keeps.
const maxSmoothFailures = 10

func (c *SmoothCheck) fail(format string, args ...any) {
	c.Mismatches++
	if c.Mismatches <= maxSmoothFailures {
		c.Failures = append(c.Failures, fmt.Sprintf(format, args...))
	}
}

// WriteText prints the failures, then the summary.
func (c *SmoothCheck) WriteText(w io.Writer) {
	for _, f := range c.Failures {
		fmt.Fprintf(w, "MISMATCH %s\n", f)
	}
	if c.Mismatches > len(c.Failures) {
		fmt.Fprintf(w, "(the first %d of the %d mismatching cases are listed)\n", len(c.Failures), c.Mismatches)
	}
	fmt.Fprintln(w, c.Title)
	if c.OpenSeconds > 0 {
		fmt.Fprintf(w, "model opened in %.3g s\n", c.OpenSeconds)
	}
	fmt.Fprintf(w, "%s %.3g (tolerance %s)\n", c.Value, float64(c.WorstValue), c.ValueTol)
	fmt.Fprintf(w, "%s %.3g (tolerance %s)\n", c.Marginals, float64(c.WorstGrad), c.MarginalsTol)
	fmt.Fprintf(w, "%d cases checked, %d mismatches\n", c.Cases, c.Mismatches)
}

// Err is the verdict, as Report.Err.
func (c *SmoothCheck) Err(what string) error {
	switch {
	case c.Mismatches > 0:
		return mismatchf("%d mismatches between %s", c.Mismatches, what)
	case c.Cases == 0:
		return mismatchf("nothing was checked: there was no instance")
	}
	return nil
}

// Smooth compares smooth networks with the smoothed DP interpreter
// (truth.RunSmoothDP) on random instances: the value to 1e-9 relative
// (both evaluate the same recursion with different stable formulas), and
// the marginals against central finite differences of the interpreter with
// step 1e-5, to 1e-5 absolute plus 1e-4 relative (the truncation error of
// central differences on these piecewise-smooth functions). A difference
// whose one-sided halves disagree by more than 1e-3·max(1, |marginal|) is
// at a kink of the interpreter, where there is no derivative to compare
// (an integer input read in an Iverson bracket sits on its threshold):
// it is skipped and counted in the title.
//
// The instances are count random ones from seed (problems.RandomFor, over
// nsteps steps without a generator), their real inputs normal with
// deviation 2γ, where smoothing changes the value (smoothScore).
// progress, when not nil, is told after each instance how many are done.
func Smooth(m *dsl.Model, opt compile.Options, count int, seed uint64, nsteps int, progress func(done int)) (*SmoothCheck, error) {
	ref, err := smooth.ParseReg(opt.Reg.String())
	if err != nil {
		return nil, err
	}
	gen, genName := problems.RandomFor(m, nsteps)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	c := &SmoothCheck{}
	kinks, bounded, infinite := 0, 0, 0
	for i := 0; i < count; i++ {
		steps := gen(rng)
		for _, st := range steps {
			for _, in := range m.Inputs {
				if in.Type == dsl.Real {
					st[in.Index] = smoothScore(rng, in, opt.Gamma)
				}
			}
		}
		want, bound, err := truth.RunSmoothDPBound(m, steps, ref, opt.Gamma)
		if err != nil {
			return nil, err
		}
		o := opt.SmoothInstance(m, steps)
		net, err := compile.Lower(m, o)
		if err != nil && math.IsInf(want, 0) && strings.Contains(err.Error(), "no feasible choice") {
			// No feasible choice (the exact-sum knapsack with no subset
			// of the weight): the interpreter's answer is infinite and
			// the network, whose answer would be that constant, is
			// refused. They agree.
			infinite++
			c.Cases++
			if progress != nil {
				progress(c.Cases)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		in, err := net.SmoothInputs(steps)
		if err != nil {
			return nil, err
		}
		grad, out, err := relu.VJP(net.Cell, in, []float64{1})
		if err != nil {
			return nil, err
		}
		ev := math.Abs(out[0]-want) / (1 + math.Abs(want))
		c.WorstValue = worse(c.WorstValue, ev)
		bad := !(ev <= 1e-9)
		// The bound solve prints: |value − hard DP| ≤ γ·B.
		if tr, err := truth.RunDP(m, steps); err == nil && !math.IsInf(bound, 0) {
			if a, err := tr.Answer(); err == nil {
				bounded++
				hard := a.Float64()
				if !(math.Abs(out[0]-hard) <= opt.Gamma*bound+1e-9*(1+math.Abs(hard))) && out[0] != hard {
					c.fail("random #%d: value %g is %g from the hard DP's %g, above the bound γ·B = %g; steps %v", i+1, out[0], math.Abs(out[0]-hard), hard, opt.Gamma*bound, steps)
					c.Cases++
					if progress != nil {
						progress(c.Cases)
					}
					continue
				}
			}
		}
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
				if math.Abs((vu-want)/h-(want-vd)/h) > 1e-3*max(1, math.Abs(grad[blk.Start+t])) {
					kinks++ // the interpreter is not differentiable here (an integer input on a bracket's threshold)
					continue
				}
				fd := (vu - vd) / (2 * h)
				eg := math.Abs(grad[blk.Start+t] - fd)
				c.WorstGrad = worse(c.WorstGrad, eg)
				if !(eg <= 1e-5+1e-4*math.Abs(fd)) {
					bad = true
				}
			}
		}
		if bad {
			c.fail("random #%d: value %g, smoothed DP %g; steps %v", i+1, out[0], want, steps)
		}
		c.Cases++
		if progress != nil {
			progress(c.Cases)
		}
	}
	c.Title = fmt.Sprintf("verify %s (scheme smooth, %s, γ = %g): %d random instances (%s, real inputs normal with deviation 2γ, seed %d); %d differences skipped at a kink; |value − hard DP| ≤ γ·B (the bound solve prints) checked on %d", m.Name, opt.Reg, opt.Gamma, count, genName, seed, kinks, bounded)
	if infinite > 0 {
		c.Title += fmt.Sprintf("; %d with no feasible choice (the interpreter's answer infinite, the network refused)", infinite)
	}
	c.Value, c.ValueTol = "value vs the smoothed DP interpreter: worst relative error", "1e-9"
	c.Marginals, c.MarginalsTol = "marginals vs central differences of the interpreter: worst absolute error", "1e-5 + 1e-4·|central difference|"
	return c, nil
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

// SmoothModel runs an exported smooth network (outputs "value" and
// "marginals") in a runtime on random scores and compares both with the
// smoothed-DP interpreter (truth.RunSmoothDP), which shares no code with
// the compiler that built the model: the value to 1e-12 relative in
// float64 and 1e-5 in float32 (float32's unit roundoff 6e-8 over a few
// dozen operations per output), relative to max(1, |value|); the
// marginals against central differences of the interpreter (step 1e-5),
// relative to max(1, largest marginal), to 1e-5 + 1e-4·|difference| (their
// truncation error) and at least the dtype's tolerance. A difference whose
// one-sided halves disagree by more than 1e-3·max(1, |marginal|) is at a
// kink of the interpreter and is skipped (counted in the title). When the
// differences would cost more than maxFiniteDifferenceWork (steps² ×
// cells), the marginals are compared with the gradient of the Go network
// (relu.VJP) instead, and the report says so.
//
// runner is the model prepared in a runtime that runs the gradient output
// (engine.Go or engine.ORT); path and rt name them in the title. The
// scores are count random ones from seed; progress, when not nil, is told
// after each how many are done.
func SmoothModel(runner *engine.Runner, path string, rt engine.Runtime, net *compile.Network, count int, seed uint64, progress func(done int)) (*SmoothCheck, error) {
	return smoothModel(runner.Run, runner.Model, path, rt, net, count, seed, progress)
}

func smoothModel(run func(map[string]export.Tensor) (map[string]export.Tensor, error), model *export.Model, path string, rt engine.Runtime, net *compile.Network, count int, seed uint64, progress func(done int)) (*SmoothCheck, error) {
	m, sm, dtype := net.Model, net.Smooth, model.DType
	ref, err := smooth.ParseReg(sm.Reg.String())
	if err != nil {
		return nil, err
	}
	tol := 1e-12
	if dtype == export.Float32 {
		tol = 1e-5
	}
	cells := 0
	for _, s := range m.States {
		cells += s.Cells()
	}
	differences := net.Steps*net.Steps*cells <= maxFiniteDifferenceWork
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	c := &SmoothCheck{}
	kinks := 0
	for i := 0; i < count; i++ {
		steps := make([][]float64, net.Steps)
		for t := range steps {
			steps[t] = make([]float64, len(m.Inputs))
			for _, in := range m.Inputs {
				if vals, ok := sm.Fixed[in.Name]; ok {
					steps[t][in.Index] = vals[t]
				} else {
					// A float32 model sees its scores rounded to float32;
					// so does the reference.
					steps[t][in.Index] = roundTo(dtype, smoothScore(rng, in, sm.Gamma))
				}
			}
		}
		row, err := net.SmoothInputs(steps)
		if err != nil {
			return nil, err
		}
		feeds := map[string]export.Tensor{}
		for _, blk := range net.Cell.Inputs {
			feeds[blk.Name] = export.NewTensor(append([]float64(nil), row[blk.Start:blk.Start+blk.Len]...), 1, blk.Len)
		}
		out, err := run(feeds)
		if err != nil {
			return nil, fmt.Errorf("random #%d: %v", i+1, err)
		}
		want, err := truth.RunSmoothDP(m, steps, ref, sm.Gamma)
		if err != nil {
			return nil, err
		}
		val, marg := out["value"], out["marginals"]
		if len(val.Data) != 1 || len(marg.Data) != len(row) {
			return nil, fmt.Errorf("verify: %s lacks the outputs value [1] and marginals [%d]", path, len(row))
		}
		// The reference marginals, NaN where a difference is skipped.
		grad := make([]float64, len(row))
		gtol := func(float64) float64 { return tol }
		if differences {
			for _, blk := range net.Cell.Inputs {
				idx := inputIndex(m, blk.Name)
				for t := 0; t < blk.Len; t++ {
					const h = 1e-5
					up, dn := cloneSteps(steps), cloneSteps(steps)
					up[t][idx] += h
					dn[t][idx] -= h
					vu, err1 := truth.RunSmoothDP(m, up, ref, sm.Gamma)
					vd, err2 := truth.RunSmoothDP(m, dn, ref, sm.Gamma)
					if err1 != nil || err2 != nil {
						return nil, fmt.Errorf("random #%d: central difference at step %d: %v %v", i+1, t+1, err1, err2)
					}
					fd := (vu - vd) / (2 * h)
					if math.Abs((vu-want)/h-(want-vd)/h) > 1e-3*max(1, math.Abs(fd)) {
						kinks++ // the interpreter is not differentiable here
						fd = math.NaN()
					}
					grad[blk.Start+t] = fd
				}
			}
			gtol = func(fd float64) float64 { return math.Max(tol, 1e-5+1e-4*math.Abs(fd)) }
		} else if grad, _, err = relu.VJP(net.Cell, row, []float64{1}); err != nil {
			return nil, err
		}
		ev := math.Abs(val.Data[0]-want) / math.Max(1, math.Abs(want))
		c.WorstValue = worse(c.WorstValue, ev)
		bad := !(ev <= tol)
		scale := 1.0
		for _, g := range grad {
			if !math.IsNaN(g) {
				scale = math.Max(scale, math.Abs(g))
			}
		}
		var worst Number
		for j, g := range grad {
			if math.IsNaN(g) {
				continue
			}
			eg := math.Abs(marg.Data[j]-g) / scale
			worst = worse(worst, eg)
			bad = bad || !(eg <= gtol(g))
		}
		c.WorstGrad = worse(c.WorstGrad, float64(worst))
		if bad {
			c.fail("random #%d: value %g (want %g), marginals %v (want %v)", i+1, val.Data[0], want, marg.Data, grad)
		}
		c.Cases++
		if progress != nil {
			progress(c.Cases)
		}
	}
	c.Title = fmt.Sprintf("verify %s (%s, smooth %s, γ = %g, %d steps, %s form, %s, runtime %s): %d random score vectors", path, m.Name, sm.Reg, sm.Gamma, net.Steps, model.Form, model.DType, rt, count)
	c.Value, c.ValueTol = "value vs the smoothed DP interpreter: worst error relative to max(1, |value|)", fmt.Sprintf("%g (%s)", tol, dtype)
	if differences {
		c.Title += fmt.Sprintf("; %d differences skipped at a kink", kinks)
		c.Marginals = "marginals vs central differences of the interpreter: worst error relative to max(1, largest marginal)"
		c.MarginalsTol = fmt.Sprintf("max(%g, 1e-5 + 1e-4·|central difference|)", tol)
	} else {
		c.Marginals = fmt.Sprintf("marginals vs the Go network's gradient (%d steps² × %d cells are too many for central differences of the interpreter): worst error relative to max(1, largest marginal)", net.Steps, cells)
		c.MarginalsTol = c.ValueTol
	}
	return c, nil
}

// worse is the worse of two errors: NaN is worst.
func worse(old Number, e float64) Number {
	if math.IsNaN(e) || e > float64(old) {
		return Number(e)
	}
	return old
}

// smoothScore draws a score at the scale of γ (normal, deviation 2γ,
// clipped to the input's range), where smoothing changes the value; scores
// drawn over a wide declared range would make every smoothed max hard.
func smoothScore(rng *rand.Rand, in *dsl.Input, gamma float64) float64 {
	return math.Min(math.Max(rng.NormFloat64()*2*gamma, in.Lo), in.Hi)
}
