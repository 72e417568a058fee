package truth

import (
	"fmt"
	"math"
	"slices"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/smooth"
)

// RunSmoothDP evaluates m on steps with every min and max smoothed by the
// regulariser reg at strength gamma, in float64, and returns the answer's
// value. It is the ground truth of the smooth scheme for any program: an
// interpreter of the DSL that shares no code with the lowering, with the
// two-element operator of smooth (Max2, exact on −∞ operands).
// An n-ary min or max is smoothed pairwise in a balanced tree — adjacent
// pairs first, an odd last argument carried up — which is how the smooth
// scheme defines it.
func RunSmoothDP(m *dsl.Model, steps [][]float64, reg smooth.Reg, gamma float64) (float64, error) {
	v, _, err := RunSmoothDPBound(m, steps, reg, gamma)
	return v, err
}

// RunSmoothDPBound is RunSmoothDP with B such that |value − the exact
// DP's answer| ≤ γ·B, carried through the recursion beside every value:
// a constant, an input or an initial or boundary value 0; a sum the sum
// of its terms' B, a multiple |c|·B; a clamp the largest B of its
// arguments (it is 1-Lipschitz in each); a smoothed max or min of two
// finite operands the larger B plus reg.RangeN(2) (Proposition 1: max ≤
// max_Ω ≤ max + γ·RangeN(2), and max is 1-Lipschitz), of an infinite
// neutral operand the other's B exactly; an infinite value 0 (infinities
// are exact). An Iverson bracket of values that are not exact could flip:
// B is then +Inf (no bound is known).
func RunSmoothDPBound(m *dsl.Model, steps [][]float64, reg smooth.Reg, gamma float64) (value, bound float64, err error) {
	if m.Answer == nil || m.Answer.Kind != dsl.AnswerValue {
		return 0, 0, fmt.Errorf("verify: the smooth DP needs an answer of the form \"answer EXPR\"")
	}
	// The initial cells as the exact interpreter computes them (its own
	// evaluator of the state line's initial value, per cell), in float64.
	state := make([][]float64, len(m.States))
	bounds := make([][]float64, len(m.States))
	for si, s := range m.States {
		cells, err := initialCells(m, s, rangeOf(s.Lo, s.Hi))
		if err != nil {
			return 0, 0, err
		}
		state[si] = make([]float64, len(cells))
		for c, v := range cells {
			state[si][c] = v.Float64()
		}
		bounds[si] = make([]float64, len(cells))
	}
	e := &smoothEnv{reg: reg, gamma: gamma, step: reg.RangeN(2)}
	env := make(dsl.Env, m.NumVars)
	for t, in := range steps {
		if len(in) != len(m.Inputs) {
			return 0, 0, fmt.Errorf("step %d: %d inputs, want %d", t+1, len(in), len(m.Inputs))
		}
		next := make([][]float64, len(m.States))
		nextB := make([][]float64, len(m.States))
		for si, s := range m.States {
			next[si] = make([]float64, s.Cells())
			nextB[si] = make([]float64, s.Cells())
			for c := range next[si] {
				e.prev, e.prevB, e.inputs, e.vars = state, bounds, in, cellIndex(s, c)
				e.env = nil // unbound: indices in the older form
				if len(s.StepVars) == len(s.Dims) && !slices.Contains(s.StepVars, nil) {
					e.env = dsl.BindDims(env, s.Dims, s.StepVars, e.vars)
				}
				v, b, err := e.evalB(s.Body)
				if err != nil {
					return 0, 0, fmt.Errorf("step %d: %v", t+1, err)
				}
				next[si][c], nextB[si][c] = v, b
			}
		}
		state, bounds = next, nextB
	}
	// The answer's indices are constant: its static parts need no variables.
	e.prev, e.prevB, e.inputs, e.vars, e.env = state, bounds, nil, nil, make(dsl.Env, m.NumVars)
	return e.evalB(m.Answer.Value)
}

type smoothEnv struct {
	reg    smooth.Reg
	gamma  float64
	step   float64 // reg.RangeN(2): the most one smoothed max adds, over γ
	prev   [][]float64
	prevB  [][]float64 // the bound B of every cell of prev
	inputs []float64
	vars   []int
	env    dsl.Env // the cell's index variables by Var.ID (nil: not bound)
}

func (e *smoothEnv) eval(t *dsl.Term) (float64, error) {
	v, _, err := e.evalB(t)
	return v, err
}

// evalB evaluates t and the bound B of its value (RunSmoothDPBound).
func (e *smoothEnv) evalB(t *dsl.Term) (v, b float64, err error) {
	switch t.Kind {
	case dsl.TConst:
		return t.Value, 0, nil
	case dsl.TInput:
		if e.inputs == nil {
			return 0, 0, fmt.Errorf("input %s read outside a step", t.Input.Name)
		}
		return e.inputs[t.Input.Index], 0, nil
	case dsl.TIndexVar:
		return float64(e.vars[t.Dim]), 0, nil
	case dsl.TRead:
		idx := make([]int, len(t.Index))
		for d, ix := range t.Index {
			i, err := e.index(ix, t.State.Dims[d])
			if err != nil {
				return 0, 0, fmt.Errorf("%s: %v", termPos(t), err)
			}
			idx[d] = i
		}
		if c, out := cellOf(t.State, idx); out < 0 {
			return e.prev[t.State.Index][c], e.prevB[t.State.Index][c], nil
		} else if bv, ok := t.State.BoundaryAt(idx[out]); ok {
			return bv, 0, nil
		}
		return 0, 0, fmt.Errorf("%s reads %v outside %s with no boundary rule", t.Text, idx, t.State.Name)
	}
	args := make([]float64, len(t.Args))
	bs := make([]float64, len(t.Args))
	for i, a := range t.Args {
		v, b, err := e.evalB(a)
		if err != nil {
			return 0, 0, err
		}
		args[i], bs[i] = v, b
	}
	// exact: an infinite value is exact (infinities are never smoothed).
	exact := func(v, b float64) (float64, float64, error) {
		if math.IsInf(v, 0) {
			b = 0
		}
		return v, b, nil
	}
	switch t.Kind {
	case dsl.TAdd:
		s, sb := 0.0, 0.0
		for i, v := range args {
			s += v
			sb += bs[i]
		}
		if math.IsNaN(s) {
			return 0, 0, fmt.Errorf("∞ − ∞ in %s", t.Text)
		}
		return exact(s, sb)
	case dsl.TNeg:
		return -args[0], bs[0], nil
	case dsl.TScale:
		return exact(t.Value*args[0], math.Abs(t.Value)*bs[0])
	case dsl.TClamp:
		return exact(math.Min(math.Max(args[0], args[1]), args[2]), max(bs[0], bs[1], bs[2]))
	case dsl.TCmp: // an Iverson bracket: hard, 1 or 0, as in the exact DP
		if math.IsInf(args[0], 0) || math.IsInf(args[1], 0) {
			return 0, 0, fmt.Errorf("comparison of %v and %v in %s: an Iverson bracket compares finite values", args[0], args[1], termPos(t))
		}
		b := 0.0
		if bs[0] > 0 || bs[1] > 0 {
			b = math.Inf(1) // the exact values may fall on the other side of the threshold
		}
		if t.Op.Holds(args[0], args[1]) {
			return 1, b, nil
		}
		return 0, b, nil
	case dsl.TMin, dsl.TMax:
		isMin := t.Kind == dsl.TMin
		for len(args) > 1 {
			var next, nextB []float64
			for i := 0; i+1 < len(args); i += 2 {
				v, b := e.max2(isMin, args[i], args[i+1], bs[i], bs[i+1])
				next, nextB = append(next, v), append(nextB, b)
			}
			if len(args)%2 == 1 {
				next, nextB = append(next, args[len(args)-1]), append(nextB, bs[len(args)-1])
			}
			args, bs = next, nextB
		}
		if math.IsNaN(args[0]) {
			return 0, 0, fmt.Errorf("smoothed %s of %s is undefined", t.Kind, t.Text)
		}
		return exact(args[0], bs[0])
	}
	return 0, 0, fmt.Errorf("%s: the smoothed DP interpreter (truth.RunSmoothDP) does not evaluate %v terms (%s) of a program with per-step inputs; solve -scheme smooth -instance F checks one instance", termPos(t), t.Kind, t.Text)
}

// index evaluates one index of a state read as the exact interpreter
// does (truth.evalEnv.indexValue): its static part (n + 1 − p, 2·p, a set)
// at the cell's index variables plus its run-time offsets, each ±1; an
// index without a static part, or a cell whose variables are not bound,
// in the older form Var + Σ Coef·input + Const.
func (e *smoothEnv) index(ix *dsl.IndexExpr, dim dsl.Dim) (int, error) {
	if ix.Static == nil || e.env == nil {
		i := ix.Const
		if ix.HasVar {
			i += e.vars[ix.Dim]
		}
		for _, term := range ix.Terms {
			i += term.Coef * int(e.inputs[term.Input.Index])
		}
		return i, nil
	}
	i := ix.StaticValue(dim, e.env)
	for _, o := range ix.Offsets {
		v, err := e.eval(o.Term)
		if err != nil {
			return 0, err
		}
		i += o.Coef * int(v)
	}
	return i, nil
}

// max2 is max_Ω(a, b), or min_Ω(a, b) = −max_Ω(−a, −b), and its bound
// from those of a and b: the other's exactly when one is the neutral
// infinity (Max2 returns the other operand), 0 when one is the absorbing
// infinity (the result is that infinity), else the larger plus
// RangeN(2).
func (e *smoothEnv) max2(isMin bool, a, b, ba, bb float64) (float64, float64) {
	neutral := math.Inf(-1)
	if isMin {
		neutral = math.Inf(1)
	}
	bound := max(ba, bb) + e.step
	switch {
	case a == -neutral || b == -neutral:
		// The absorbing infinity (max(+∞, b) = +∞, min(−∞, b) = −∞),
		// exactly, as in the hard DP; Max2 takes no +∞.
		return -neutral, 0
	case a == neutral:
		bound = bb
	case b == neutral:
		bound = ba
	}
	if isMin {
		v, _, _ := smooth.Max2(e.reg, e.gamma, -a, -b)
		return -v, bound
	}
	v, _, _ := smooth.Max2(e.reg, e.gamma, a, b)
	return v, bound
}
