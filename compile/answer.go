package compile

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/dsl"
)

// This file decodes the answers of programs with data or a steps line:
// the final state is read back from the network's representation (a
// value above a state's finite range is +inf) and the answer line is
// evaluated over it and the data, with exact +inf arithmetic. Like every
// decode it runs after the network, outside it.

// DecodeData is Decode for a program with data: data[k] holds the values
// of Model.Data[k] row-major, +inf as +Inf (as given, not as fed).
func (n *Network) DecodeData(final [][]float64, data [][]float64, tol float64) (Answer, error) {
	m := n.Model
	a := m.Answer
	if a == nil {
		return Answer{}, fmt.Errorf("%s: program has no answer line", m.File.Pos())
	}
	if err := n.checkStates(final); err != nil {
		return Answer{}, err
	}
	if len(data) != len(m.Data) {
		return Answer{}, fmt.Errorf("got %d data arrays, program %s has %d", len(data), m.Name, len(m.Data))
	}
	ev := &answerEval{states: n.Exact(final), data: data}
	switch a.Kind {
	case dsl.AnswerState:
		cells := ev.states[a.State.Index]
		return Answer{Kind: a.Kind, Found: true, Cells: append([]float64(nil), cells...), Bound: tol}, nil
	case dsl.AnswerValue:
		v, err := ev.eval(a.Value)
		if err != nil {
			return Answer{}, err
		}
		return Answer{Kind: a.Kind, Found: !math.IsInf(v, 0), Value: v, Bound: n.answerBound(a.Value, tol)}, nil
	}
	lo, hi, k := a.Lo, a.Hi, 1
	if r := n.OffsetRounding; r != nil && r.State == a.State.Name {
		k = r.K // the search runs over rounded offsets: index c' stands for k·c'
	}
	first, last, step := hi, lo, -1
	if a.Kind == dsl.AnswerMinIndex {
		first, last, step = lo, hi, 1
	}
	for i := first; i != last+step; i += step {
		ev.search = i
		l, err := ev.eval(a.LHS)
		if err != nil {
			return Answer{}, err
		}
		r, err := ev.eval(a.RHS)
		if err != nil {
			return Answer{}, err
		}
		ok, err := n.decideAnswer(a, i, l, r, tol)
		if err != nil {
			return Answer{}, err
		}
		if ok {
			return Answer{Kind: a.Kind, Found: true, Index: k * i, Value: float64(k * i)}, nil
		}
	}
	return Answer{Kind: a.Kind}, nil
}

// Exact reads network states back into exact values: a cell of an "or
// inf" state above the state's finite range is +inf.
func (n *Network) Exact(states [][]float64) [][]float64 {
	out := make([][]float64, len(states))
	for i, st := range states {
		out[i] = make([]float64, len(st))
		for c, v := range st {
			if i < len(n.Model.States) {
				v = n.Unrepresent(n.Model.States[i], v)
			}
			out[i][c] = v
		}
	}
	return out
}

// answerEval evaluates answer terms over exact final states and data.
type answerEval struct {
	states [][]float64
	data   [][]float64
	env    dsl.Env
	search int // the value of the answer search's variable
}

func (e *answerEval) eval(t *dsl.Term) (float64, error) {
	switch t.Kind {
	case dsl.TConst:
		return t.Value, nil
	case dsl.TIndexVar:
		if t.Var == nil || t.Var.Kind == dsl.VarSearch {
			return float64(e.search), nil
		}
		return float64(e.env[t.Var.ID]), nil
	case dsl.TInput:
		return 0, fmt.Errorf("%s: %s is a step input, which the answer cannot read", t.Pos(), t.Text)
	case dsl.TData:
		c, ok := e.cell(t.Data.Dims, t.Index)
		if !ok {
			return 0, fmt.Errorf("%s: %s reads outside %s", t.Pos(), t.Text, t.Data.Name)
		}
		return e.data[t.Data.Index][c], nil
	case dsl.TRead:
		s := t.State
		dims := s.Dims
		c, ok := e.cell(dims, t.Index)
		if ok {
			return e.states[s.Index][c], nil
		}
		at := make([]int, len(t.Index))
		for d, ix := range t.Index {
			at[d] = e.index(dims[d], ix)
		}
		if v, ok := s.BoundaryAtIndex(at); ok {
			return v, nil
		}
		return 0, fmt.Errorf("%s: %s reads index %v outside %s", t.Pos(), t.Text, at, s.Name)
	case dsl.TIf:
		if t.Cond.Eval(e.env) != 0 {
			return e.eval(t.Args[0])
		}
		return e.eval(t.Args[1])
	case dsl.TReduce:
		isMin := t.Reduce == dsl.TMin
		acc := math.Inf(1)
		if !isMin {
			acc = math.Inf(-1)
		}
		var err error
		e.env = e.env.Set(t.Var, 0)
		forDomain(t.Domain, e.env, func(x int64) bool {
			e.env[t.Var.ID] = x
			if t.Filter != nil && t.Filter.Eval(e.env) == 0 {
				return true
			}
			var v float64
			v, err = e.eval(t.Args[0])
			if isMin {
				acc = math.Min(acc, v)
			} else {
				acc = math.Max(acc, v)
			}
			return err == nil
		})
		return acc, err
	}
	args := make([]float64, len(t.Args))
	for i, x := range t.Args {
		v, err := e.eval(x)
		if err != nil {
			return 0, err
		}
		args[i] = v
	}
	return arith(t, args), nil
}

// index is the value of a static index (answers have no run-time offsets
// other than data, which they may not use in indices).
func (e *answerEval) index(dim dsl.Dim, ix *dsl.IndexExpr) int {
	if ix.Static == nil {
		v := ix.Const
		if ix.HasVar {
			v += e.search
		}
		return v
	}
	env := e.env
	for _, v := range searchVars(ix.Static) {
		env = env.Set(v, int64(e.search))
	}
	e.env = env
	return ix.StaticValue(dim, env)
}

// searchVars lists the answer-search variables of s.
func searchVars(s *dsl.Static) []*dsl.Var {
	var out []*dsl.Var
	if s.Kind == dsl.SVar && s.Var.Kind == dsl.VarSearch {
		out = append(out, s.Var)
	}
	for _, a := range s.Args {
		out = append(out, searchVars(a)...)
	}
	return out
}

// cell is the row-major cell of dims at the indices, ok false outside.
func (e *answerEval) cell(dims []dsl.Dim, index []*dsl.IndexExpr) (int, bool) {
	c := 0
	for d, ix := range index {
		v := e.index(dims[d], ix)
		if v < dims[d].Lo || v > dims[d].Hi {
			return 0, false
		}
		c = c*dims[d].Size() + v - dims[d].Lo
	}
	return c, true
}
