package verify

import (
	"fmt"
	"math"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
)

// This file refuses, at compile time, a γ at which the smooth network of
// a program with per-step inputs could overflow float64 for some
// run-time input within its declared range: the inputs arrive at run
// time, so the bound on every value (docs/smooth.md, "Bounds") is taken
// at the largest magnitude each input declares.

// smoothMagnitudeLimit is the bound every value must stay within in
// float64: smooth's maxMagnitude, 2^1000, which Graph.Forward and the
// knapsack kernels hold their runs to (24 doublings below the float64
// range, for the differences and sums a smoothed max forms);
// smoothMagnitudeLimit32 the same margin below float32's range, for a
// float32 model (its outputs, and the unrolled form's every neuron, are
// float32).
const (
	smoothMagnitudeLimit   = 0x1p1000
	smoothMagnitudeLimit32 = 0x1p104
)

// SmoothGammaBound is the overflow bound of the smooth network of a
// program with per-step inputs: every value of a run with each run-time
// input within its declared range is at most Base + Gamma·PerGamma in
// magnitude.
type SmoothGammaBound struct {
	Base     float64 // the bound at γ = 0: constants, initial values and inputs at their declared extremes
	PerGamma float64 // the bound's growth per unit of γ: the regulariser's range summed along the deepest chain of maxima
	// Inputs lists the run-time inputs and their declared ranges, as
	// "theta in -1000..1000".
	Inputs []string
	// Unbounded names a run-time input that declares no finite range;
	// the bound is then unknown (Base is +Inf) and only the run refuses.
	Unbounded string
	How       string // what the bound was computed on
	// Float32 holds the bound to float32's range (2^104) instead of
	// float64's (2^1000).
	Float32 bool
}

// limit is the magnitude the bound must stay within, and its name.
func (b *SmoothGammaBound) limit() (float64, string) {
	if b.Float32 {
		return smoothMagnitudeLimit32, "float32 (2^104)"
	}
	return smoothMagnitudeLimit, "float64 (2^1000)"
}

// MaxGamma is the largest γ the bound keeps within the limit (2^1000,
// float32: 2^104): 0 when the declared ranges alone pass it, +Inf when γ
// adds nothing.
func (b *SmoothGammaBound) MaxGamma() float64 {
	lim, _ := b.limit()
	rest := lim - b.Base
	switch {
	case !(rest > 0):
		return 0
	case b.PerGamma == 0:
		return math.Inf(1)
	}
	return rest / b.PerGamma
}

// Check is nil when γ keeps the bound within the limit, else the refusal:
// what could overflow, the bound, the declared ranges and the largest γ
// accepted. A bound with an unbounded input is not checked (nil): the
// run refuses instead.
func (b *SmoothGammaBound) Check(program string, gamma float64) error {
	if b.Unbounded != "" {
		return nil
	}
	lim, limName := b.limit()
	if v := b.Base + gamma*b.PerGamma; v <= lim {
		return nil
	}
	ranges := strings.Join(b.Inputs, ", ")
	mg := b.MaxGamma()
	if mg == 0 {
		return fmt.Errorf("the smooth network of %s could overflow at any γ: with the run-time inputs at the ends of their declared ranges (%s) its values reach %.4g without γ (the %s), beyond the %s limit; declare narrower input ranges",
			program, ranges, b.Base, b.How, limName)
	}
	return fmt.Errorf("-gamma %g is too large: the smooth network of %s could overflow for run-time inputs within their declared ranges (%s): its values are bounded by %.4g + γ·%.4g (the %s), beyond the %s limit at this γ; the largest γ accepted is %.6g",
		gamma, program, ranges, b.Base, b.PerGamma, b.How, limName, mg)
}

// SmoothStepsGamma refuses (an error naming the largest γ accepted) an
// opt.Gamma at which the smooth network of m, a program with per-step
// inputs, could overflow float64 for some run-time input within its
// declared range (SmoothStepsGammaBound), in float32 when f32 (a float32
// model); compile -scheme smooth calls it before writing anything.
func SmoothStepsGamma(m *dsl.Model, opt compile.Options, steps [][]float64, f32 bool, lim SmoothLimit) error {
	b, err := SmoothStepsGammaBound(m, opt, steps, lim)
	if err != nil {
		return err
	}
	b.Float32 = f32
	return b.Check(m.Name, opt.Gamma)
}

// SmoothStepsGammaBound bounds the values of the smooth network of m, a
// program with per-step inputs, compiled with opt (completed by
// compile.Options.SmoothInstance: its steps and fixed inputs), for any
// run-time input within its declared range.
//
// When the program has the loop form (compile.LowerRecurrence), the
// bound is taken on the recurrence in O(steps): with M_0 the largest
// finite initial or boundary value,
//
//	|v_t| ≤ M_{t−1} + max_o (|const_o(t)| + Σ_j |coef_oj|·X_j) + γ
//
// where X_j is input j's largest declared magnitude (γ bounds γ·Range,
// the most a smoothed max adds), so |v_T| ≤ Base + γ·T.
// Otherwise it is smooth.Graph's bound C + T·max|θ| + γ·B
// (Graph.Magnitude, which Graph.Forward holds runs to) on the graph of the instance (steps, nil for a
// program whose inputs are all run-time: they are then set to their
// upper bounds), with every input at its largest declared magnitude (and
// the cell biases, which the compiled network does not have, counted at
// that magnitude too: the bound is the graph's, a little above the
// network's).
func SmoothStepsGammaBound(m *dsl.Model, opt compile.Options, steps [][]float64, lim SmoothLimit) (*SmoothGammaBound, error) {
	reg, err := smooth.ParseReg(opt.Reg.String())
	if err != nil {
		return nil, err
	}
	if rec, err := compile.LowerRecurrence(m, opt); err == nil {
		return recurrenceBound(m, rec), nil
	}
	b := &SmoothGammaBound{How: "bound C + T·max|θ| + γ·B of its smooth graph"}
	if steps == nil {
		steps = make([][]float64, opt.Steps)
		for t := range steps {
			steps[t] = make([]float64, len(m.Inputs))
			for _, in := range m.Inputs {
				steps[t][in.Index] = in.Hi
			}
		}
	}
	g, err := smooth.NewGraph(m, [][]float64{}, steps, lim.graph())
	if err != nil {
		return nil, lim.refusal(err)
	}
	xmax := 0.0
	for _, p := range g.Params {
		if p.Kind != smooth.InputParam {
			continue
		}
		in := inputNamed(m, p.Name)
		if in == nil {
			return nil, fmt.Errorf("the smooth graph of %s has a parameter block %s that is not an input", m.Name, p.Name)
		}
		b.Inputs = append(b.Inputs, declaredRange(in))
		x := max(math.Abs(in.Lo), math.Abs(in.Hi))
		if math.IsInf(x, 0) || math.IsNaN(x) {
			b.Unbounded, b.Base = in.Name, math.Inf(1)
			return b, nil
		}
		xmax = max(xmax, x)
	}
	b.Base, b.PerGamma = g.Magnitude(reg, xmax)
	return b, nil
}

// recurrenceBound is SmoothStepsGammaBound on the loop form's recurrence.
func recurrenceBound(m *dsl.Model, rec *relu.Recurrence) *SmoothGammaBound {
	b := &SmoothGammaBound{How: "bound of its recurrence over " + fmt.Sprint(rec.Steps) + " steps"}
	x := make([]float64, len(rec.Inputs))
	for j, name := range rec.Inputs {
		in := inputNamed(m, name)
		if in == nil {
			b.Unbounded, b.Base = name, math.Inf(1)
			return b
		}
		b.Inputs = append(b.Inputs, declaredRange(in))
		x[j] = max(math.Abs(in.Lo), math.Abs(in.Hi))
		if math.IsInf(x[j], 0) || math.IsNaN(x[j]) {
			b.Unbounded, b.Base = name, math.Inf(1)
			return b
		}
	}
	for _, vals := range [][]float64{rec.Init, rec.Below, rec.Above} {
		for _, v := range vals {
			if !math.IsInf(v, 0) {
				b.Base = max(b.Base, math.Abs(v))
			}
		}
	}
	for t := range rec.Steps {
		step := 0.0
		for k := range rec.Options {
			o := &rec.Options[k]
			a := math.Abs(o.ConstAt(t))
			for j, c := range o.Coef {
				a += math.Abs(c) * x[j]
			}
			step = max(step, a)
		}
		b.Base += step
	}
	// Each smoothed max adds at most γ·Range ≤ γ (log 2, 1/4, 0.39):
	// counting γ per step is the knapsack kernels' own check (Σ|θ| + n·γ
	// ≤ 2^1000), which verify's reference applies to these models, so a
	// model compile accepts is one verify can check.
	b.PerGamma = float64(rec.Steps)
	return b
}

func inputNamed(m *dsl.Model, name string) *dsl.Input {
	for _, in := range m.Inputs {
		if in.Name == name {
			return in
		}
	}
	return nil
}

func declaredRange(in *dsl.Input) string { return fmt.Sprintf("%s in %g..%g", in.Name, in.Lo, in.Hi) }
