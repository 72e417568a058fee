package relu

import (
	"fmt"
	"math"
)

// Recurrence is a smoothed dynamic program vectorised over its state: one
// state vector v of Len cells, updated once per step, every cell by the
// same rule
//
//	v'[c] = max_Ω( v[c − s₀(t)] + a₀(t), v[c − s₁(t)] + a₁(t) )
//
// where max_Ω(a, b) = a + γ·φ((b − a)/γ) is the maximum smoothed by the
// activation Act (Shannon, Gini or Tsallis), sₖ(t) is the shift of option
// k at step t (known when the recurrence is built) and
// aₖ(t) = Const[t] + Σⱼ Coef[j]·xⱼ[t] is affine in the run-time inputs x.
// A read outside 0..Len−1 takes a boundary value: Below[PadBelow + i] for
// i < 0, Above[i − Len] for i ≥ Len. The value is v[Answer] after the last
// step; its gradient with respect to the run-time inputs are the marginals.
//
// Unlike Graph, a Recurrence is not a network of neurons: it is the
// vector form of a smoothed DP that export writes as an ONNX Loop over the
// steps, of size independent of the number of steps. Eval runs it in Go.
type Recurrence struct {
	State  string    // name of the state vector
	Len    int       // cells of the state
	Steps  int       // steps (items)
	Init   []float64 // Len initial values; −∞ is an infeasible cell
	Below  []float64 // boundary values of indices −len(Below)..−1
	Above  []float64 // boundary values of indices Len..Len+len(Above)−1
	Act    Activation
	Gamma  float64
	Inputs []string // run-time per-step inputs, one value per step each
	// Options are the two operands of the smoothed max; q, the probability
	// the smoothed max gives to Options[1], is the "pick" probability.
	Options [2]RecurrenceOption
	Answer  int    // the cell of the final state that is the value
	Doc     string // the source program and its parameters, for the model
	Text    string // the step rule as written, for the model's doc strings
}

// RecurrenceOption is one operand of the smoothed max of a Recurrence:
// v[c − Shift[t]] + Const[t] + Σⱼ Coef[j]·xⱼ[t].
type RecurrenceOption struct {
	Shift []int     // per step; nil: 0 at every step
	Const []float64 // per step; nil: 0 at every step
	Coef  []float64 // one per run-time input
	Text  string    // the DSL term
}

// ShiftAt is the shift of o at step t (0-based).
func (o *RecurrenceOption) ShiftAt(t int) int {
	if o.Shift == nil {
		return 0
	}
	return o.Shift[t]
}

// ConstAt is the constant of o at step t (0-based).
func (o *RecurrenceOption) ConstAt(t int) float64 {
	if o.Const == nil {
		return 0
	}
	return o.Const[t]
}

// Validate reports the first inconsistency of r, or nil.
func (r *Recurrence) Validate() error {
	switch {
	case r.Len < 1 || r.Steps < 1:
		return fmt.Errorf("relu: recurrence of %d cells and %d steps", r.Len, r.Steps)
	case len(r.Init) != r.Len:
		return fmt.Errorf("relu: recurrence has %d initial values for %d cells", len(r.Init), r.Len)
	case r.Act != Shannon && r.Act != Gini && r.Act != Tsallis:
		return fmt.Errorf("relu: recurrence activation %v is not a smoothed max", r.Act)
	case !(r.Gamma > 0) || math.IsInf(r.Gamma, 0):
		return fmt.Errorf("relu: recurrence temperature γ = %g", r.Gamma)
	case r.Answer < 0 || r.Answer >= r.Len:
		return fmt.Errorf("relu: recurrence answer cell %d outside 0..%d", r.Answer, r.Len-1)
	}
	for _, v := range append(append(append([]float64(nil), r.Init...), r.Below...), r.Above...) {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return fmt.Errorf("relu: recurrence initial or boundary value %v (only finite values and −∞ are allowed)", v)
		}
	}
	for k := range r.Options {
		o := &r.Options[k]
		if o.Shift != nil && len(o.Shift) != r.Steps || o.Const != nil && len(o.Const) != r.Steps || len(o.Coef) != len(r.Inputs) {
			return fmt.Errorf("relu: recurrence option %d has tables of the wrong length", k)
		}
		for t := 0; t < r.Steps; t++ {
			s := o.ShiftAt(t)
			if s > len(r.Below) || -s > len(r.Above) {
				return fmt.Errorf("relu: recurrence option %d: shift %d at step %d reads outside the boundary values", k, s, t+1)
			}
			if c := o.ConstAt(t); math.IsNaN(c) || math.IsInf(c, 0) {
				return fmt.Errorf("relu: recurrence option %d: constant %v at step %d", k, c, t+1)
			}
		}
	}
	return nil
}

// PadBelow is len(r.Below), PadAbove len(r.Above).
func (r *Recurrence) PadBelow() int { return len(r.Below) }

// PadAbove is len(r.Above).
func (r *Recurrence) PadAbove() int { return len(r.Above) }

// HasNegInf reports whether −∞ can occur in the state: an initial or
// boundary value is −∞.
func (r *Recurrence) HasNegInf() bool {
	for _, s := range [][]float64{r.Init, r.Below, r.Above} {
		for _, v := range s {
			if math.IsInf(v, -1) {
				return true
			}
		}
	}
	return false
}

// read is v[i] with the boundary values outside 0..Len−1.
func (r *Recurrence) read(v []float64, i int) float64 {
	switch {
	case i < 0:
		return r.Below[len(r.Below)+i]
	case i >= r.Len:
		return r.Above[i-r.Len]
	}
	return v[i]
}

// Eval runs r in float64 on the run-time inputs x (x[j][t] is input j at
// step t) and returns the value and the marginals, grad[j][t] =
// ∂value/∂x[j][t]: the forward pass keeps q of every cell and step, the
// backward pass carries e[c] = ∂value/∂v[c] from the last step to the
// first. It is the reference the exported Loop is tested against.
func (r *Recurrence) Eval(x [][]float64) (value float64, grad [][]float64, err error) {
	if err := r.Validate(); err != nil {
		return 0, nil, err
	}
	if len(x) != len(r.Inputs) {
		return 0, nil, fmt.Errorf("relu: recurrence takes %d inputs, got %d", len(r.Inputs), len(x))
	}
	for j, xs := range x {
		if len(xs) != r.Steps {
			return 0, nil, fmt.Errorf("relu: recurrence input %s has %d values for %d steps", r.Inputs[j], len(xs), r.Steps)
		}
	}
	L := r.Len
	v := append([]float64(nil), r.Init...)
	next := make([]float64, L)
	q := make([]float64, r.Steps*L)
	for t := 0; t < r.Steps; t++ {
		var add [2]float64
		for k := range r.Options {
			o := &r.Options[k]
			add[k] = o.ConstAt(t)
			for j, c := range o.Coef {
				add[k] += c * x[j][t]
			}
		}
		s0, s1 := r.Options[0].ShiftAt(t), r.Options[1].ShiftAt(t)
		for c := 0; c < L; c++ {
			a := r.read(v, c-s0) + add[0]
			b := r.read(v, c-s1) + add[1]
			next[c], q[t*L+c] = smoothMax(r.Act, r.Gamma, a, b)
		}
		v, next = next, v
	}
	value = v[r.Answer]
	grad = make([][]float64, len(r.Inputs))
	for j := range grad {
		grad[j] = make([]float64, r.Steps)
	}
	e := make([]float64, L)
	e[r.Answer] = 1
	prev := make([]float64, L)
	for t := r.Steps - 1; t >= 0; t-- {
		clear(prev)
		s := [2]int{r.Options[0].ShiftAt(t), r.Options[1].ShiftAt(t)}
		var flow [2]float64
		for c := 0; c < L; c++ {
			p1 := e[c] * q[t*L+c]
			p := [2]float64{e[c] - p1, p1}
			for k := range p {
				flow[k] += p[k]
				if i := c - s[k]; i >= 0 && i < L {
					prev[i] += p[k]
				}
			}
		}
		for j := range grad {
			grad[j][t] = flow[0]*r.Options[0].Coef[j] + flow[1]*r.Options[1].Coef[j]
		}
		e, prev = prev, e
	}
	return value, grad, nil
}

// smoothMax is max_Ω(a, b) and q, the probability of b, for the smoothed
// ReLU act: a + γ·φ((b − a)/γ) and φ'((b − a)/γ), exact when an operand
// is −∞ (the other one, q ∈ {0, 1}; q = 0 when both are).
func smoothMax(act Activation, gamma, a, b float64) (float64, float64) {
	switch {
	case math.IsInf(b, -1):
		return a, 0
	case math.IsInf(a, -1):
		return b, 1
	}
	x := (b - a) / gamma
	return a + gamma*act.Apply(x), act.Slope(x)
}
