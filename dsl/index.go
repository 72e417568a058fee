package dsl

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// maxIndexMagnitude bounds every intermediate of index arithmetic (2^62) so
// that int64 never overflows.
const maxIndexMagnitude = 1 << 62

// affine is an index expression in the making:
// Σ coef·var + Σ coef·input + Σ coef·data + konst.
type affine struct {
	vars     map[*Var]int64
	varPos   map[*Var]Pos // where each variable first appears
	inputs   map[*Input]int64
	inputPos map[*Input]Pos
	datas    []dataOffset // data reads, each occurrence on its own
	konst    int64
}

// dataOffset is a data read in an index with its coefficient.
type dataOffset struct {
	term *Term
	coef int64
}

func newAffine(k int64) *affine {
	return &affine{vars: map[*Var]int64{}, varPos: map[*Var]Pos{}, inputs: map[*Input]int64{}, inputPos: map[*Input]Pos{}, konst: k}
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
	for _, d := range a.datas {
		if d.coef != 0 {
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
	for _, d := range b.datas {
		a.datas = append(a.datas, dataOffset{term: d.term, coef: s * d.coef})
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
	for i := range a.datas {
		if !fits(float64(a.datas[i].coef) * float64(k)) {
			return false
		}
		a.datas[i].coef *= k
	}
	return true
}

// boxRange is the range of an index on one box of the scope's region.
type boxRange struct {
	box    box
	lo, hi int
}

// indexExpr checks e as the index of dimension k (declared as d) of a
// read. Besides the index, it returns the index's range on each box of
// the scope's region (narrow.go); ie.Lo..ie.Hi is their hull.
func (c *checker) indexExpr(e Expr, k int, d Dim, sc *scope) (*IndexExpr, []boxRange) {
	if d.Set {
		ie := c.setIndex(e, k, d, sc)
		if ie == nil {
			return nil, nil
		}
		var ranges []boxRange
		for _, b := range sc.boxes() {
			ranges = append(ranges, boxRange{box: b, lo: ie.Lo, hi: ie.Hi})
		}
		return ie, ranges
	}
	a := c.affine(e, sc)
	if a == nil {
		return nil, nil
	}
	ie := &IndexExpr{Node: e, Text: c.f.Text(e)}
	vars := make([]*Var, 0, len(a.vars))
	for v, coef := range a.vars {
		if coef != 0 {
			vars = append(vars, v)
		}
	}
	slices.SortFunc(vars, func(x, y *Var) int { return x.ID - y.ID })
	// The static part: Σ coef·var + konst, with its range on each box.
	var parts []*Static
	boxes := sc.boxes()
	los, his := make([]float64, len(boxes)), make([]float64, len(boxes))
	for i, b := range boxes {
		los[i], his[i] = b.formRange(a.vars, a.konst)
	}
	for _, v := range vars {
		coef := a.vars[v]
		sv := &Static{Kind: SVar, Type: SInt, Var: v, Node: e, Text: v.Name}
		if coef != 1 {
			sv = &Static{Kind: SScale, Type: SInt, Value: coef, Args: []*Static{sv}, Node: e, Text: fmt.Sprintf("%d*%s", coef, v.Name)}
		}
		parts = append(parts, sv)
	}
	if a.konst != 0 || len(parts) == 0 {
		parts = append(parts, &Static{Kind: SConst, Type: SInt, Value: a.konst, Node: e, Text: fmt.Sprint(a.konst)})
	}
	ie.Static = parts[0]
	if len(parts) > 1 {
		ie.Static = &Static{Kind: SAdd, Type: SInt, Args: parts, Node: e, Text: ie.Text}
	}
	// The run-time offsets: inputs in declaration order, then data reads.
	inputs := make([]*Input, 0, len(a.inputs))
	for in := range a.inputs {
		inputs = append(inputs, in)
	}
	slices.SortFunc(inputs, func(x, y *Input) int { return x.Index - y.Index })
	for _, in := range inputs {
		coef := a.inputs[in]
		if coef == 0 {
			continue
		}
		if coef != 1 && coef != -1 {
			c.error(a.inputPos[in], "input %s appears with coefficient %d in an index; an input may appear once, with + or -", in.Name, coef)
			return nil, nil
		}
		ie.Terms = append(ie.Terms, IndexInput{Input: in, Coef: int(coef)})
		t := &Term{Kind: TInput, Node: &Name{Ident: &Ident{NamePos: a.inputPos[in], Name: in.Name}}, Text: in.Name, Type: Int, Input: in, Lo: in.Lo, Hi: in.Hi}
		ie.Offsets = append(ie.Offsets, Offset{Term: t, Coef: int(coef)})
		for i := range boxes {
			los[i], his[i] = addOffset(los[i], his[i], coef, in.Lo, in.Hi)
		}
	}
	for _, d := range a.datas {
		switch {
		case d.coef == 0:
			continue
		case d.coef != 1 && d.coef != -1:
			c.error(d.term.Pos(), "data read %s appears with coefficient %d in an index; a run-time offset may appear once, with + or -", d.term.Text, d.coef)
			return nil, nil
		}
		ie.Offsets = append(ie.Offsets, Offset{Term: d.term, Coef: int(d.coef)})
		for i := range boxes {
			los[i], his[i] = addOffset(los[i], his[i], d.coef, d.term.Lo, d.term.Hi)
		}
	}
	// Every summand is at most 2^62 and the float sums are exact below
	// 2^53; above that the index is rejected anyway.
	ranges := make([]boxRange, len(boxes))
	lo, hi := los[0], his[0]
	for i, b := range boxes {
		if !fits(los[i]) || !fits(his[i]) || math.Abs(los[i]) > maxExactInt || math.Abs(his[i]) > maxExactInt {
			c.error(e.Pos(), "index %s is too large: its range exceeds 2^53", ie.Text)
			return nil, nil
		}
		ranges[i] = boxRange{box: b, lo: int(los[i]), hi: int(his[i])}
		lo, hi = math.Min(lo, los[i]), math.Max(hi, his[i])
	}
	ie.Lo, ie.Hi = int(lo), int(hi)
	// The older form: the variable of this dimension with coefficient 1
	// (a step variable, or the answer variable in dimension 0), inputs
	// and a constant.
	simple := len(a.datas) == 0 || allZero(a.datas)
	switch {
	case !simple:
	case len(vars) == 0:
		ie.Simple = true
	case len(vars) == 1 && a.vars[vars[0]] == 1 && ownDim(vars[0], k):
		ie.Simple, ie.HasVar, ie.Dim = true, true, k
	}
	if ie.Simple {
		ie.Const = int(a.konst)
	} else {
		ie.Terms = nil
	}
	return ie, ranges
}

// ownDim reports whether v is the variable of dimension k in the old
// index form.
func ownDim(v *Var, k int) bool {
	switch v.Kind {
	case VarDim:
		return v.Dim == k
	case VarSearch:
		return k == 0
	}
	return false
}

func allZero(ds []dataOffset) bool {
	for _, d := range ds {
		if d.coef != 0 {
			return false
		}
	}
	return true
}

// addOffset widens lo..hi by coef·(olo..ohi), coef = ±1.
func addOffset(lo, hi float64, coef int64, olo, ohi float64) (float64, float64) {
	if coef > 0 {
		return lo + olo, hi + ohi
	}
	return lo - ohi, hi - olo
}

// setIndex checks the index of a subsets dimension: a set expression whose
// elements lie in the dimension's elements.
func (c *checker) setIndex(e Expr, k int, d Dim, sc *scope) *IndexExpr {
	s := c.staticSet(e, sc, fmt.Sprintf("the index of subsets dimension %s", d.Var))
	if s == nil {
		return nil
	}
	may := staticMay(s)
	if out := may &^ rangeMask(int64(d.ElemLo), int64(d.ElemHi)); out != 0 {
		c.error(e.Pos(), "set index %s may contain %d, outside the elements %d..%d of dimension %s", c.f.Text(e), setElems(out)[0], d.ElemLo, d.ElemHi, d.Var)
		return nil
	}
	return &IndexExpr{Node: e, Text: c.f.Text(e), Static: s, Lo: 0, Hi: int(may >> uint(d.ElemLo))}
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
		if s, ok := c.syms[x.Name.Name]; ok && s.kind == symData {
			return c.affineData(c.dataRead(x, x.Name, x.Indices, sc))
		}
		c.error(x.Pos(), "a state value cannot be used in an index: %s", c.f.Text(x))
		return nil
	}
	c.error(e.Pos(), "%s cannot be used in an index; an index is affine in index variables, with integer inputs or data as offsets", c.f.Text(e))
	return nil
}

func (c *checker) affineName(x *Name, sc *scope) *affine {
	r, ok := c.resolve(x.Ident, sc)
	if !ok {
		return nil
	}
	if r.sym == nil {
		if r.v.Set {
			c.error(x.Pos(), "%s is a set; it can index only a subsets dimension", x.Ident.Name)
			return nil
		}
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
	case symData:
		return c.affineData(c.dataRead(x, x.Ident, nil, sc))
	}
	c.error(x.Pos(), "state %s is used without an index; write %s[...]", x.Ident.Name, x.Ident.Name)
	return nil
}

// affineData makes a data read an index offset: an integer that is never
// inf.
func (c *checker) affineData(t *Term) *affine {
	switch {
	case t == nil:
		return nil
	case t.Type != Int:
		c.error(t.Pos(), "index offset needs integer data, but %s is real", t.Text)
		return nil
	case t.MayInf:
		c.error(t.Pos(), "index offset needs finite data, but %s may be inf", t.Text)
		return nil
	}
	a := newAffine(0)
	a.datas = []dataOffset{{term: t, coef: 1}}
	return a
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
	if name == "ceil_log2" {
		t := c.ceilLog2(x, &scope{what: "the argument of ceil_log2"})
		if t == nil {
			return nil
		}
		return newAffine(int64(t.Value))
	}
	if name != "min" && name != "max" && name != "clamp" {
		c.error(x.Func.NamePos, "unknown function %s; %s", name, functionNames)
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
