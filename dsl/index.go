package dsl

import (
	"math"
	"slices"
	"strings"
)

// maxIndexMagnitude bounds every intermediate of index arithmetic (2^62) so
// that int64 never overflows.
const maxIndexMagnitude = 1 << 62

// affine is an index expression in the making: Σ coef·var + Σ coef·input + konst.
type affine struct {
	vars     map[int]int64 // scope variable → coefficient
	varPos   map[int]Pos   // where each variable first appears
	inputs   map[*Input]int64
	inputPos map[*Input]Pos
	konst    int64
}

func newAffine(k int64) *affine {
	return &affine{vars: map[int]int64{}, varPos: map[int]Pos{}, inputs: map[*Input]int64{}, inputPos: map[*Input]Pos{}, konst: k}
}

func (a *affine) isConst() bool {
	for _, c := range a.vars {
		if c != 0 {
			return false
		}
	}
	for _, c := range a.inputs {
		if c != 0 {
			return false
		}
	}
	return true
}

// fits reports whether v is small enough for index arithmetic.
func fits(v float64) bool { return math.Abs(v) <= maxIndexMagnitude }

// plus returns a + s·b (s = ±1); ok is false on overflow.
func (a *affine) plus(b *affine, s int64) bool {
	if !fits(float64(a.konst) + float64(s)*float64(b.konst)) {
		return false
	}
	a.konst += s * b.konst
	for v, c := range b.vars {
		if !fits(float64(a.vars[v]) + float64(s)*float64(c)) {
			return false
		}
		a.vars[v] += s * c
		if _, ok := a.varPos[v]; !ok {
			a.varPos[v] = b.varPos[v]
		}
	}
	for in, c := range b.inputs {
		if !fits(float64(a.inputs[in]) + float64(s)*float64(c)) {
			return false
		}
		a.inputs[in] += s * c
		if _, ok := a.inputPos[in]; !ok {
			a.inputPos[in] = b.inputPos[in]
		}
	}
	return true
}

// times multiplies a by k; ok is false on overflow.
func (a *affine) times(k int64) bool {
	if !fits(float64(a.konst) * float64(k)) {
		return false
	}
	a.konst *= k
	for v, c := range a.vars {
		if !fits(float64(c) * float64(k)) {
			return false
		}
		a.vars[v] = c * k
	}
	for in, c := range a.inputs {
		if !fits(float64(c) * float64(k)) {
			return false
		}
		a.inputs[in] = c * k
	}
	return true
}

// indexExpr checks e as the index of dimension dim of a read.
func (c *checker) indexExpr(e Expr, dim int, sc *scope) *IndexExpr {
	a := c.affine(e, sc)
	if a == nil {
		return nil
	}
	ie := &IndexExpr{Node: e, Text: c.f.Text(e), Const: int(a.konst)}
	var varLo, varHi int64
	for _, v := range sortedKeys(a.vars) {
		coef := a.vars[v]
		if coef == 0 {
			continue
		}
		sv := sc.vars[v]
		if sv.dim != dim {
			c.error(a.varPos[v], "index variable %s (dimension %d) is used in dimension %d; each index may use only the variable of its own dimension",
				sv.name, sv.dim+1, dim+1)
			return nil
		}
		if coef != 1 {
			c.error(a.varPos[v], "index variable %s must appear with coefficient +1 in an index, not %d", sv.name, coef)
			return nil
		}
		ie.HasVar, ie.Dim = true, dim
		varLo, varHi = int64(sv.lo), int64(sv.hi)
	}
	inputs := make([]*Input, 0, len(a.inputs))
	for in := range a.inputs {
		inputs = append(inputs, in)
	}
	slices.SortFunc(inputs, func(x, y *Input) int { return x.Index - y.Index })
	lo, hi := float64(varLo)+float64(a.konst), float64(varHi)+float64(a.konst)
	for _, in := range inputs {
		coef := a.inputs[in]
		if coef == 0 {
			continue
		}
		if coef != 1 && coef != -1 {
			c.error(a.inputPos[in], "input %s appears with coefficient %d in an index; an input may appear once, with + or -", in.Name, coef)
			return nil
		}
		ie.Terms = append(ie.Terms, IndexInput{Input: in, Coef: int(coef)})
		if coef > 0 {
			lo, hi = lo+in.Lo, hi+in.Hi
		} else {
			lo, hi = lo-in.Hi, hi-in.Lo
		}
	}
	// Every summand is at most 2^62 and the float sums are exact below
	// 2^53; above that the index is rejected anyway.
	if !fits(lo) || !fits(hi) || math.Abs(lo) > maxExactInt || math.Abs(hi) > maxExactInt {
		c.error(e.Pos(), "index %s is too large: its range exceeds 2^53", ie.Text)
		return nil
	}
	ie.Lo, ie.Hi = int(lo), int(hi)
	return ie
}

func sortedKeys(m map[int]int64) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// affine turns an index expression into Σ coef·var + Σ coef·input + konst,
// reporting what is not affine with integer coefficients.
func (c *checker) affine(e Expr, sc *scope) *affine {
	switch x := e.(type) {
	case *Number:
		switch {
		case !isInteger(x.Value):
			c.error(x.Pos(), "index must be an integer, but %s is not", x.Lit)
			return nil
		case math.Abs(x.Value) > maxExactInt:
			c.error(x.Pos(), "index constant %s is too large", x.Lit)
			return nil
		}
		return newAffine(int64(x.Value))
	case *Paren:
		return c.affine(x.X, sc)
	case *Name:
		return c.affineName(x, sc)
	case *Unary:
		a := c.affine(x.X, sc)
		if a != nil {
			a.times(-1) // cannot overflow: magnitudes are at most 2^62
		}
		return a
	case *Binary:
		return c.affineBinary(x, sc)
	case *Call:
		return c.affineCall(x, sc)
	case *Index:
		c.error(x.Pos(), "a state value cannot be used in an index: %s", c.f.Text(x))
		return nil
	}
	c.error(e.Pos(), "unexpected index expression %s", c.f.Text(e))
	return nil
}

func (c *checker) affineName(x *Name, sc *scope) *affine {
	r, ok := c.resolve(x.Ident, sc)
	if !ok {
		return nil
	}
	if r.sym == nil {
		a := newAffine(0)
		a.vars[r.v], a.varPos[r.v] = 1, x.Pos()
		return a
	}
	s := r.sym
	switch s.kind {
	case symParam:
		if s.bad {
			return nil
		}
		return newAffine(s.value)
	case symInput:
		if !sc.inputs {
			c.notConstant(x, "input", sc)
			return nil
		}
		if s.bad {
			return nil
		}
		if s.input.Type != Int {
			c.error(x.Pos(), "index offset needs a bounded integer input, but %s is real", x.Ident.Name)
			return nil
		}
		a := newAffine(0)
		a.inputs[s.input], a.inputPos[s.input] = 1, x.Pos()
		return a
	}
	c.error(x.Pos(), "state %s is used without an index; write %s[...]", x.Ident.Name, x.Ident.Name)
	return nil
}

func (c *checker) affineBinary(x *Binary, sc *scope) *affine {
	a, b := c.affine(x.X, sc), c.affine(x.Y, sc)
	if a == nil || b == nil {
		return nil
	}
	ok := true
	switch x.Op {
	case '+':
		ok = a.plus(b, 1)
	case '-':
		ok = a.plus(b, -1)
	case '*':
		switch {
		case b.isConst():
			ok = a.times(b.konst)
		case a.isConst():
			ok = b.times(a.konst)
			a = b
		default:
			c.error(x.OpPos, "an index must be affine: * needs a constant on one side, but %s and %s both vary", c.f.Text(x.X), c.f.Text(x.Y))
			return nil
		}
	case '/':
		switch {
		case !a.isConst() || !b.isConst():
			c.error(x.OpPos, "an index cannot divide a varying value: %s", c.f.Text(x))
			return nil
		case b.konst == 0:
			c.divisionByZero(x.Y)
			return nil
		case a.konst%b.konst != 0:
			c.error(x.Pos(), "index must be an integer, but %s is not", c.f.Text(x))
			return nil
		}
		a.konst /= b.konst
	}
	if !ok {
		c.error(x.Pos(), "index %s is too large", c.f.Text(x))
		return nil
	}
	return a
}

// affineCall folds min, max or clamp of constants; varying arguments are
// not affine.
func (c *checker) affineCall(x *Call, sc *scope) *affine {
	name := x.Func.Name
	if name != "min" && name != "max" && name != "clamp" {
		c.error(x.Func.NamePos, "unknown function %s; the functions are min, max and clamp", name)
		return nil
	}
	if name == "clamp" && len(x.Args) != 3 || name != "clamp" && len(x.Args) < 2 {
		c.error(x.Func.NamePos, "%s has the wrong number of arguments (%d); write min(a, b, ...), max(a, b, ...) or clamp(x, lo, hi)", name, len(x.Args))
		return nil
	}
	var vals []int64
	for _, arg := range x.Args {
		a := c.affine(arg, sc)
		if a == nil {
			return nil
		}
		if !a.isConst() {
			c.error(arg.Pos(), "an index must be affine: %s is allowed in an index only on constants, but %s varies", name, c.f.Text(arg))
			return nil
		}
		vals = append(vals, a.konst)
	}
	switch name {
	case "min":
		return newAffine(slices.Min(vals))
	case "max":
		return newAffine(slices.Max(vals))
	}
	if vals[1] > vals[2] {
		c.error(x.Func.NamePos, "clamp(x, lo, hi) needs lo <= hi, got lo = %d and hi = %d", vals[1], vals[2])
		return nil
	}
	return newAffine(min(max(vals[0], vals[1]), vals[2]))
}

// article returns "a" or "an" for word.
func article(word string) string {
	if strings.IndexByte("aeiou", word[0]) >= 0 {
		return "an " + word
	}
	return "a " + word
}
