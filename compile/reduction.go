package compile

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// This file holds the rules for the terms of programs with data: reading
// a data array, comparing integers, and reductions over an index range or
// a set.

// dataRead lowers a read of a data array at static indices: the data
// input unit itself, no neuron.
func (l *lowering) dataRead(t *dsl.Term) (value, error) {
	d := t.Data
	c := 0
	for k, ix := range t.Index {
		dim := d.Dims[k]
		v := ix.StaticValue(dim, l.env)
		if v < dim.Lo || v > dim.Hi {
			return value{}, fmt.Errorf("%s: %s reads %s at index %d of dimension %d, outside %d..%d", t.Pos(), t.Text, d.Name, v, k+1, dim.Lo, dim.Hi)
		}
		c = c*dim.Size() + v - dim.Lo
	}
	return l.val(relu.Var(l.dataUnits[d.Index] + relu.Unit(c))), nil
}

// offsetAffine returns the run-time offset Σ coef·x of an index (inputs,
// or data read at static indices) as an affine function of units.
//
// The range dlo..dhi comes from the offsets' own ranges (the affine's
// interval can be looser when an offset is itself computed, as a rounded
// offset is).
func (l *lowering) offsetAffine(ix *dsl.IndexExpr) (d relu.Affine, dlo, dhi float64, err error) {
	d = relu.Constant(0)
	if len(ix.Offsets) == 0 {
		for _, in := range ix.Terms {
			d = d.Plus(relu.Var(l.inputUnits[in.Input.Index]).Scale(float64(in.Coef)))
		}
		dlo, dhi = l.interval(d)
		return d, dlo, dhi, nil
	}
	for _, o := range ix.Offsets {
		var x value
		switch o.Term.Kind {
		case dsl.TInput:
			x = l.val(relu.Var(l.inputUnits[o.Term.Input.Index]))
		case dsl.TData:
			x, err = l.dataRead(o.Term)
			if err == nil && l.oround != nil && l.oround.Data == o.Term.Data.Name {
				x = l.roundedOffset(o.Term, x)
			}
		default:
			err = fmt.Errorf("%s: offset %s is neither an input nor data", o.Term.Pos(), o.Term.Text)
		}
		if err != nil {
			return relu.Affine{}, 0, 0, err
		}
		d = d.Plus(x.a.Scale(float64(o.Coef)))
		if o.Coef > 0 {
			dlo, dhi = dlo+x.lo, dhi+x.hi
		} else {
			dlo, dhi = dlo-x.hi, dhi-x.lo
		}
	}
	return d, dlo, dhi, nil
}

// compare lowers the Iverson bracket [a op b] of two integer values. With
// d the integer difference, [d ≥ 0] = clamp(d + 1, 0, 1): the clamp rule,
// two neurons side by side, one layer. [a == b] = [d ≥ 0] + [−d ≥ 0] − 1
// (the equality gadget: four neurons, one layer) and [a != b] is 1 minus
// that. Intervals that already decide a side save its neurons.
func (l *lowering) compare(t *dsl.Term, idx []int) (value, error) {
	a, err := l.term(t.Args[0], idx)
	if err != nil {
		return value{}, err
	}
	b, err := l.term(t.Args[1], idx)
	if err != nil {
		return value{}, err
	}
	atLeast := func(d relu.Affine, role string) value { // [d ≥ 0] for integer d
		x := l.val(d.AddConst(1))
		return l.clampRole(t, role, x, 0, 1)
	}
	ab := b.a.Minus(a.a) // b − a
	ba := a.a.Minus(b.a) // a − b
	var out value
	switch t.Op {
	case dsl.LE:
		out = atLeast(ab, "cmp")
	case dsl.LT:
		out = atLeast(ab.AddConst(-1), "cmp")
	case dsl.GE:
		out = atLeast(ba, "cmp")
	case dsl.GT:
		out = atLeast(ba.AddConst(-1), "cmp")
	case dsl.EQ, dsl.NE:
		le := atLeast(ab, "eq-le")
		ge := atLeast(ba, "eq-ge")
		eq := le.a.Plus(ge.a).AddConst(-1)
		if t.Op == dsl.NE {
			eq = relu.Constant(1).Minus(eq)
		}
		out = l.val(eq)
	default:
		panic(fmt.Sprintf("compile: comparison %v", t.Op))
	}
	out.lo, out.hi = math.Max(out.lo, 0), math.Min(out.hi, 1)
	return out, nil
}

// reduction lowers min or max over the values of a variable: the body is
// lowered once per value of the domain that passes the filter (with the
// variable bound), and the results are combined by the balanced tree of
// reduce.
func (l *lowering) reduction(t *dsl.Term, idx []int) (value, error) {
	v := t.Var
	saved := int64(0)
	if v.ID < len(l.env) {
		saved = l.env[v.ID]
	}
	defer func() { l.env[v.ID] = saved }()
	var args []value
	var err error
	each := func(x int64) bool {
		l.env = l.env.Set(v, x)
		if t.Filter != nil && t.Filter.Eval(l.env) == 0 {
			return true
		}
		var a value
		a, err = l.term(t.Args[0], idx)
		if err != nil {
			return false
		}
		args = append(args, a)
		return true
	}
	l.env = l.env.Set(v, 0)
	forDomain(t.Domain, l.env, each)
	if err != nil {
		return value{}, err
	}
	return l.reduce(t, t.Reduce == dsl.TMin, args), nil
}

// forDomain calls each for every element of the set-valued static
// expression dom, in increasing order, until each returns false.
func forDomain(dom *dsl.Static, env dsl.Env, each func(int64) bool) {
	if dom.Kind == dsl.SRange {
		lo, hi := dom.Args[0].Eval(env), dom.Args[1].Eval(env)
		for x := lo; x <= hi; x++ {
			if !each(x) {
				return
			}
		}
		return
	}
	for m := uint64(dom.Eval(env)); m != 0; m &= m - 1 {
		if !each(int64(bits.TrailingZeros64(m))) {
			return
		}
	}
}
