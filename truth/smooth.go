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
	if m.Answer == nil || m.Answer.Kind != dsl.AnswerValue {
		return 0, fmt.Errorf("verify: the smooth DP needs an answer of the form \"answer EXPR\"")
	}
	// The initial cells as the exact interpreter computes them (its own
	// evaluator of the state line's initial value, per cell), in float64.
	state := make([][]float64, len(m.States))
	for si, s := range m.States {
		cells, err := initialCells(m, s, rangeOf(s.Lo, s.Hi))
		if err != nil {
			return 0, err
		}
		state[si] = make([]float64, len(cells))
		for c, v := range cells {
			state[si][c] = v.Float64()
		}
	}
	e := &smoothEnv{reg: reg, gamma: gamma}
	env := make(dsl.Env, m.NumVars)
	for t, in := range steps {
		if len(in) != len(m.Inputs) {
			return 0, fmt.Errorf("step %d: %d inputs, want %d", t+1, len(in), len(m.Inputs))
		}
		next := make([][]float64, len(m.States))
		for si, s := range m.States {
			next[si] = make([]float64, s.Cells())
			for c := range next[si] {
				e.prev, e.inputs, e.vars = state, in, cellIndex(s, c)
				e.env = nil // unbound: indices in the older form
				if len(s.StepVars) == len(s.Dims) && !slices.Contains(s.StepVars, nil) {
					e.env = dsl.BindDims(env, s.Dims, s.StepVars, e.vars)
				}
				v, err := e.eval(s.Body)
				if err != nil {
					return 0, fmt.Errorf("step %d: %v", t+1, err)
				}
				next[si][c] = v
			}
		}
		state = next
	}
	// The answer's indices are constant: its static parts need no variables.
	e.prev, e.inputs, e.vars, e.env = state, nil, nil, make(dsl.Env, m.NumVars)
	return e.eval(m.Answer.Value)
}

type smoothEnv struct {
	reg    smooth.Reg
	gamma  float64
	prev   [][]float64
	inputs []float64
	vars   []int
	env    dsl.Env // the cell's index variables by Var.ID (nil: not bound)
}

func (e *smoothEnv) eval(t *dsl.Term) (float64, error) {
	switch t.Kind {
	case dsl.TConst:
		return t.Value, nil
	case dsl.TInput:
		if e.inputs == nil {
			return 0, fmt.Errorf("input %s read outside a step", t.Input.Name)
		}
		return e.inputs[t.Input.Index], nil
	case dsl.TIndexVar:
		return float64(e.vars[t.Dim]), nil
	case dsl.TRead:
		idx := make([]int, len(t.Index))
		for d, ix := range t.Index {
			i, err := e.index(ix, t.State.Dims[d])
			if err != nil {
				return 0, fmt.Errorf("%s: %v", termPos(t), err)
			}
			idx[d] = i
		}
		if c, out := cellOf(t.State, idx); out < 0 {
			return e.prev[t.State.Index][c], nil
		} else if b, ok := t.State.BoundaryAt(idx[out]); ok {
			return b, nil
		}
		return 0, fmt.Errorf("%s reads %v outside %s with no boundary rule", t.Text, idx, t.State.Name)
	}
	args := make([]float64, len(t.Args))
	for i, a := range t.Args {
		v, err := e.eval(a)
		if err != nil {
			return 0, err
		}
		args[i] = v
	}
	switch t.Kind {
	case dsl.TAdd:
		s := 0.0
		for _, v := range args {
			s += v
		}
		if math.IsNaN(s) {
			return 0, fmt.Errorf("∞ − ∞ in %s", t.Text)
		}
		return s, nil
	case dsl.TNeg:
		return -args[0], nil
	case dsl.TScale:
		return t.Value * args[0], nil
	case dsl.TClamp:
		return math.Min(math.Max(args[0], args[1]), args[2]), nil
	case dsl.TCmp: // an Iverson bracket: hard, 1 or 0, as in the exact DP
		if math.IsInf(args[0], 0) || math.IsInf(args[1], 0) {
			return 0, fmt.Errorf("comparison of %v and %v in %s: an Iverson bracket compares finite values", args[0], args[1], termPos(t))
		}
		if t.Op.Holds(args[0], args[1]) {
			return 1, nil
		}
		return 0, nil
	case dsl.TMin, dsl.TMax:
		for len(args) > 1 {
			var next []float64
			for i := 0; i+1 < len(args); i += 2 {
				next = append(next, e.max2(t.Kind == dsl.TMin, args[i], args[i+1]))
			}
			if len(args)%2 == 1 {
				next = append(next, args[len(args)-1])
			}
			args = next
		}
		if math.IsNaN(args[0]) {
			return 0, fmt.Errorf("smoothed %s of %s is undefined", t.Kind, t.Text)
		}
		return args[0], nil
	}
	return 0, fmt.Errorf("%s: the smoothed DP interpreter (truth.RunSmoothDP) does not evaluate %v terms (%s) of a program with per-step inputs; solve -scheme smooth -instance F checks one instance", termPos(t), t.Kind, t.Text)
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

// max2 is max_Ω(a, b), or min_Ω(a, b) = −max_Ω(−a, −b).
func (e *smoothEnv) max2(isMin bool, a, b float64) float64 {
	if isMin {
		v, _, _ := smooth.Max2(e.reg, e.gamma, -a, -b)
		return -v
	}
	v, _, _ := smooth.Max2(e.reg, e.gamma, a, b)
	return v
}
