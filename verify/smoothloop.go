package verify

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
)

// This file checks a model of the smooth scheme's loop form (export's
// vector layout) against references that share no code with it: the Go
// kernels of package smooth (value and marginals) when the recurrence is
// a knapsack or top-k layer, otherwise the smoothed DP interpreter
// (truth.RunSmoothDP) for the value and its central differences for the
// marginals.

// maxFiniteDifferenceWork bounds steps²·cells, the work of checking the
// marginals by central differences (two interpreter runs per step).
const maxFiniteDifferenceWork = 20_000_000

// SmoothLoopModel runs a loop-form smooth model (outputs "value" [N, 1]
// and "marginals") in a runtime on count random score vectors from seed
// and compares them with the references above. The tolerances, for the
// model's dtype: float64 1e-12, float32 1e-5, both relative to the scale
// of what is compared (the value: max(1, |value|); the marginals:
// max(1, max_i |y_i|), the largest marginal, since a marginal near zero
// has no relative precision of its own — its error is that of the sums
// it is the difference of). Against central differences the marginals are
// held to 1e-5 + 1e-4·|difference| (their truncation error), at least
// the dtype's tolerance.
func SmoothLoopModel(runner *engine.Runner, path string, rt engine.Runtime, rc *engine.Recurrence, count int, seed uint64, progress func(done int)) (*SmoothCheck, error) {
	m, rec, opt := rc.Model, rc.Rec, rc.Options
	reg, err := smooth.ParseReg(opt.Reg.String())
	if err != nil {
		return nil, err
	}
	tol := 1e-12
	if runner.Model.DType == export.Float32 {
		tol = 1e-5
	}
	kernel := smoothProblemOf(rec)
	if kernel == nil && rec.Steps*rec.Steps*rec.Len > maxFiniteDifferenceWork {
		return nil, fmt.Errorf("verify: %s is not a knapsack or top-k layer, whose marginals package smooth computes, and its %d steps × %d cells are too many to check the marginals by central differences (at most %d steps²·cells)", path, rec.Steps, rec.Len, maxFiniteDifferenceWork)
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	c := &SmoothCheck{}
	for i := 0; i < count; i++ {
		steps := make([][]float64, rec.Steps)
		x := make([][]float64, len(rec.Inputs))
		for j := range x {
			x[j] = make([]float64, rec.Steps)
		}
		for t := range steps {
			steps[t] = make([]float64, len(m.Inputs))
			for _, in := range m.Inputs {
				if vals, ok := opt.Fixed[in.Name]; ok {
					steps[t][in.Index] = vals[t]
					continue
				}
				// A float32 model sees its scores rounded to float32; so
				// does the reference.
				steps[t][in.Index] = roundTo(runner.Model.DType, smoothScore(rng, in, opt.Gamma))
				for j, name := range rec.Inputs {
					if name == in.Name {
						x[j][t] = steps[t][in.Index]
					}
				}
			}
		}
		feeds := map[string]export.Tensor{}
		for j, name := range rec.Inputs {
			feeds[name] = export.NewTensor(x[j], 1, rec.Steps)
		}
		out, err := runner.Run(feeds)
		if err != nil {
			return nil, fmt.Errorf("random #%d: %v", i+1, err)
		}
		val, marg := out[export.RecurrenceValue], out[export.RecurrenceMarginals]
		if len(val.Data) != 1 || len(marg.Data) != rec.Steps*len(rec.Inputs) {
			return nil, fmt.Errorf("verify: %s lacks the outputs value [1, 1] and marginals [1, %d]", path, rec.Steps*len(rec.Inputs))
		}
		var want float64
		var grad []float64
		gtol := func(float64) float64 { return tol }
		if kernel != nil {
			tab, err := kernel.Forward(reg, opt.Gamma, x[0])
			if err != nil {
				return nil, err
			}
			want, grad = tab.Value(), tab.Marginals()
		} else {
			if want, err = truth.RunSmoothDP(m, steps, reg, opt.Gamma); err != nil {
				return nil, err
			}
			grad = make([]float64, 0, len(marg.Data))
			for _, name := range rec.Inputs {
				idx := inputIndex(m, name)
				for t := range steps {
					const h = 1e-5
					up, dn := cloneSteps(steps), cloneSteps(steps)
					up[t][idx] += h
					dn[t][idx] -= h
					vu, err1 := truth.RunSmoothDP(m, up, reg, opt.Gamma)
					vd, err2 := truth.RunSmoothDP(m, dn, reg, opt.Gamma)
					if err1 != nil || err2 != nil {
						return nil, fmt.Errorf("random #%d: central difference at step %d: %v %v", i+1, t+1, err1, err2)
					}
					grad = append(grad, (vu-vd)/(2*h))
				}
			}
			gtol = func(fd float64) float64 { return math.Max(tol, 1e-5+1e-4*math.Abs(fd)) }
		}
		ev := math.Abs(val.Data[0]-want) / math.Max(1, math.Abs(want))
		c.WorstValue = worse(c.WorstValue, ev)
		bad := !(ev <= tol)
		scale := 1.0
		for _, g := range grad {
			scale = math.Max(scale, math.Abs(g))
		}
		var worst Number
		for j, g := range grad {
			eg := math.Abs(marg.Data[j]-g) / scale
			worst = worse(worst, eg)
			bad = bad || !(eg <= gtol(g))
		}
		c.WorstGrad = worse(c.WorstGrad, float64(worst))
		if bad {
			c.fail("random #%d: value %g (want %g), value error %.3g, worst marginal error %.3g", i+1, val.Data[0], want, ev, float64(worst))
		}
		c.Cases++
		if progress != nil {
			progress(c.Cases)
		}
	}
	c.Title = fmt.Sprintf("verify %s (%s, smooth %s, γ = %g, %d steps, %d cells, loop form, %s, runtime %s): %d random score vectors", path, m.Name, opt.Reg, opt.Gamma, rec.Steps, rec.Len, runner.Model.DType, rt, count)
	c.ValueTol = fmt.Sprintf("%g (%s)", tol, runner.Model.DType)
	if kernel != nil {
		c.Value = fmt.Sprintf("value vs package smooth's %s kernel: worst error relative to max(1, |value|)", kernel.Kind)
		c.Marginals = "marginals vs package smooth's Algorithm 2: worst error relative to max(1, largest marginal)"
		c.MarginalsTol = c.ValueTol
	} else {
		c.Value = "value vs the smoothed DP interpreter: worst error relative to max(1, |value|)"
		c.Marginals = "marginals vs central differences of the interpreter: worst error relative to max(1, largest marginal)"
		c.MarginalsTol = fmt.Sprintf("max(%g, 1e-5 + 1e-4·|central difference|)", tol)
	}
	return c, nil
}

// smoothProblemOf returns the problem of package smooth that rec is, or
// nil: a knapsack layer (skip v[c], or pick v[c − w_t] + x_t with w_t ≥ 1,
// all cells 0 initially, −∞ below, the answer the last cell: capacity
// Len − 1) or a top-k layer (the same with w_t = 1, the cells −∞
// initially and a 0 just below: the state holds counts 1..k, and package
// smooth's cell 0 is that boundary).
func smoothProblemOf(rec *relu.Recurrence) *smooth.Problem {
	skip, pick := &rec.Options[0], &rec.Options[1]
	if len(rec.Inputs) != 1 || skip.Shift != nil || skip.Const != nil || skip.Coef[0] != 0 ||
		pick.Shift == nil || pick.Const != nil || pick.Coef[0] != 1 || rec.Answer != rec.Len-1 {
		return nil
	}
	for _, s := range pick.Shift {
		if s < 1 {
			return nil
		}
	}
	all := func(v []float64, x float64) bool {
		for _, y := range v {
			if y != x {
				return false
			}
		}
		return true
	}
	negInf := math.Inf(-1)
	switch {
	case all(rec.Init, 0) && all(rec.Below, negInf):
		return smooth.NewKnapsack(append([]int(nil), pick.Shift...), rec.Len-1)
	case all(rec.Init, negInf) && len(rec.Below) == 1 && rec.Below[0] == 0 && all(intsAsFloats(pick.Shift), 1) && rec.Len <= rec.Steps:
		return smooth.NewTopK(rec.Steps, rec.Len)
	}
	return nil
}

func intsAsFloats(v []int) []float64 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return f
}

// roundTo rounds x to the element type d.
func roundTo(d export.DType, x float64) float64 {
	if d == export.Float32 {
		return float64(float32(x))
	}
	return x
}
