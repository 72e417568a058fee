package truth

import (
	"fmt"
	"math/big"

	"github.com/dp2nn/dp2nn/dsl"
)

// The rounded DP of the fptas scheme, computed directly from its
// definition (Hertrich & Skutella, Section 4), not through a network.
//
// A one-dimensional state f[p in 1..hi] whose step reads f[p] and f[p − u]
// (u an integer input) is kept as a table g(1..P) at granularity D/P,
// D = max(P, S), S the sum of u over the steps so far. A step with input u
// turns D_old = max(P, S) into D_new = max(P, S + u) and computes every
// cell p from the step expression with
//
//	f[p]     read as g_old(⌈p·D_new / D_old⌉)
//	f[p − u] read as g_old(⌈(p·D_new − P·u) / D_old⌉)
//
// where g_old(q) is the lower end of f's range for q ≤ 0 and the upper end
// for q > P: the smallest old cell that certainly covers the profit p·D_new
// needs (resp. p·D_new − u). Rounding up never claims more than the exact
// DP can reach, so the answer p_NN = p·D_n/P is at most the optimum.

// RoundedTrace is the rounded DP of one instance.
type RoundedTrace struct {
	P      int
	Totals []int64      // S after every step (step 0: 0)
	Tables [][]*big.Rat // g after every step (step 0: the initial table)
}

type roundedDP struct {
	state      *dsl.State
	offset     *dsl.Input
	p          int64
	dOld, dNew int64
	lo, hi     Value
}

// RunRoundedDP runs the rounded DP of m with table size P on steps (per
// step, the values of m.Inputs in order). m must have the shape the fptas
// rule accepts: one state, read at p and at p − u.
func RunRoundedDP(m *dsl.Model, steps [][]float64, P int) (*RoundedTrace, error) {
	if len(m.States) != 1 || len(m.States[0].Dims) != 1 {
		return nil, fmt.Errorf("verify: the rounded DP needs one one-dimensional state")
	}
	s := m.States[0]
	r := &roundedDP{state: s, p: int64(P)}
	var find func(t *dsl.Term)
	find = func(t *dsl.Term) {
		if t.Kind == dsl.TRead && t.State == s && len(t.Index[0].Terms) == 1 {
			r.offset = t.Index[0].Terms[0].Input
		}
		for _, a := range t.Args {
			find(a)
		}
	}
	find(s.Body)
	if r.offset == nil {
		return nil, fmt.Errorf("verify: the rounded DP needs a read %s[p - u]", s.Name)
	}
	var ok bool
	if r.lo, ok = FloatValue(s.Lo); !ok {
		return nil, fmt.Errorf("verify: bad range of %s", s.Name)
	}
	if r.hi, ok = FloatValue(s.Hi); !ok {
		return nil, fmt.Errorf("verify: bad range of %s", s.Name)
	}
	if s.InitTerm != nil {
		return nil, fmt.Errorf("verify: the rounded DP starts from one initial value of %s; it has a value per cell", s.Name)
	}
	init, ok := FloatValue(s.Init)
	if !ok {
		return nil, fmt.Errorf("verify: bad initial value of %s", s.Name)
	}
	tr := &RoundedTrace{P: P, Totals: []int64{0}}
	table := make([]Value, P)
	for i := range table {
		table[i] = init
	}
	tr.Tables = append(tr.Tables, rats(table))
	var total int64
	for k, step := range steps {
		if len(step) != len(m.Inputs) {
			return nil, fmt.Errorf("step %d: %d inputs, want %d", k+1, len(step), len(m.Inputs))
		}
		inputs := make([]Value, len(step))
		for i, f := range step {
			if inputs[i], ok = FloatValue(f); !ok {
				return nil, fmt.Errorf("step %d: input %s is NaN", k+1, m.Inputs[i].Name)
			}
		}
		u, ok := inputs[r.offset.Index].Int64()
		if !ok || u < 0 {
			return nil, fmt.Errorf("step %d: %s = %v is not a non-negative integer", k+1, r.offset.Name, inputs[r.offset.Index])
		}
		r.dOld, r.dNew = max(r.p, total), max(r.p, total+u)
		next := make([]Value, P)
		for c := range next {
			e := &evalEnv{prev: [][]Value{table}, inputs: inputs, vars: []int{c + 1}, rounded: r}
			v, err := e.eval(s.Body)
			if err != nil {
				return nil, fmt.Errorf("step %d: cell %d: %v", k+1, c+1, err)
			}
			next[c] = v
		}
		table, total = next, total+u
		tr.Tables = append(tr.Tables, rats(table))
		tr.Totals = append(tr.Totals, total)
	}
	return tr, nil
}

// read evaluates f[p] or f[p − u] at the rounded index.
func (r *roundedDP) read(e *evalEnv, t *dsl.Term) (Value, error) {
	ix := t.Index[0]
	p := int64(e.vars[0])
	num := p * r.dNew
	if len(ix.Terms) == 1 {
		u, _ := e.inputs[ix.Terms[0].Input.Index].Int64()
		num -= r.p * u
	} else if ix.Const != 0 || !ix.HasVar {
		return Value{}, fmt.Errorf("the rounded DP reads only f[p] and f[p - u], not %s", t.Text)
	}
	q := ceilDiv(num, r.dOld)
	switch {
	case q <= 0:
		return r.lo, nil
	case q > r.p:
		return r.hi, nil
	}
	return e.prev[0][q-1], nil
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

func rats(vs []Value) []*big.Rat {
	out := make([]*big.Rat, len(vs))
	for i, v := range vs {
		out[i] = v.Rat()
	}
	return out
}

// Answer is the largest p·D/P (as a fraction) for which the program's
// answer condition holds on the final table, with D = max(P, S_n); 0 when
// no cell qualifies and the boundary at 0 does.
func (tr *RoundedTrace) Answer(m *dsl.Model) (*big.Rat, bool, error) {
	a := m.Answer
	if a == nil || a.Kind != dsl.AnswerMaxIndex {
		return nil, false, fmt.Errorf("verify: the rounded DP decodes only \"answer max p where ...\"")
	}
	final := tr.Tables[len(tr.Tables)-1]
	vals := make([]Value, len(final))
	for i, r := range final {
		vals[i] = RatValue(r)
	}
	D := max(int64(tr.P), tr.Totals[len(tr.Totals)-1])
	s := m.States[0]
	lo, _ := FloatValue(s.Lo)
	hi, _ := FloatValue(s.Hi)
	// Read the table as it is (granularity unchanged): f[p] is cell p,
	// lo below 1 and hi above P, whatever the program's declared range.
	table := &roundedDP{state: s, p: int64(tr.P), dOld: 1, dNew: 1, lo: lo, hi: hi}
	for p := tr.P; p >= 0; p-- {
		e := &evalEnv{prev: [][]Value{vals}, vars: []int{p}, rounded: table}
		l, err := e.eval(a.LHS)
		if err != nil {
			return nil, false, err
		}
		rv, err := e.eval(a.RHS)
		if err != nil {
			return nil, false, err
		}
		if cmpHolds(a.Op, l.Cmp(rv)) {
			return big.NewRat(int64(p)*D, int64(tr.P)), true, nil
		}
	}
	return nil, false, nil
}
