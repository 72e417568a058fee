package dsl

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzNarrowing writes a step "if G1 then w[E1] else if G2 then w[E2] ...
// else w[En]" over two index variables p, q in 0..4 (or, when the last
// input byte is odd, three: p, q, r) with random guards (comparisons with
// constants, of one variable with another plus a constant, memberships of
// constant sets, and, or, not) and random affine indices, and compares
// the checker's verdict with brute force over all 25 (125) cells: a guard
// tree of its own (not the checker's Static) picks each cell's branch and
// computes the index it reads. Half the programs read the state y[p, q]
// (y[p, q, r]) itself instead of data w, with one boundary line y[p <=
// -1] = inf: a read is then safe when its first index is at most 4 and
// the others are in 0..4.
//
// The checker must never admit a program that reads outside w (or
// outside y and its boundary) on some cell. Unless a region grew past
// maxBoxes, or the last branch is a reduction (its domain's ends may be
// sums, narrowed by interval propagation), it must admit every program
// that reads in range on every cell: the difference bounds of a
// conjunction, over three variables too, are closed exactly, and every
// index (coefficients −1, 0, 1: p + q, p − q + r too) is bounded exactly
// on a closed box. An admitted model must read, on every cell,
// exactly the index brute force reads (the branches it dropped are taken
// by no cell), and a read that reaches the boundary on some cell must be
// marked as possibly inf.
func FuzzNarrowing(f *testing.F) {
	for _, seed := range []string{"", "\x01\x02\x03", "grid path", "\xff\x00\x7f\x10\x20\x30\x40\x50", "a or b and not c", "\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05"} {
		f.Add([]byte(seed))
	}
	// Three variables (the last byte is odd): "if (p < q) and (q < r) then
	// w[r − p − 1] else w[1]" with w indexed 0..4, admitted only because
	// the closure gives r − p >= 2 (pairwise bounds gave r − p − 1 in
	// −1..3).
	f.Add([]byte{2, 0, 0, 0, 4, 0, 2, 0, 0, 0, 2, 1, 0, 2, 1, 0, 0, 2, 1, 0, 1, 0, 2, 1, 1, 2, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		g := newGuardGen(data)
		prog := g.program()
		src := prog.source()
		safe := true
		for _, c := range prog.cells() {
			if !prog.safeAt(c) {
				safe = false
			}
		}
		hulls := hullFallbacks.Load()
		file, err := Parse("fuzz.dp", []byte(src))
		require.NoError(t, err, "%s", src)
		m, err := Check(file, nil)
		capped := hullFallbacks.Load() != hulls
		if err != nil {
			require.Regexp(t, "of data w ranges over|outside the index range 0..4 of y, and no boundary line covers it|the domain .* is always empty", err.Error(), "%s", src)
			require.True(t, !safe || capped || !prog.red.exact(prog), "a safe program was refused:\n%s\n%v", src, err)
			return
		}
		require.True(t, safe, "an unsafe program was admitted:\n%s", src)
		st := m.States[0]
		env := make(Env, m.NumVars)
		for _, c := range prog.cells() {
			for k := range prog.nvars {
				env[st.StepVars[k].ID] = int64(c[k])
			}
			body := st.Body
			for body.Kind == TIf {
				if body.Cond.Eval(env) != 0 {
					body = body.Args[0]
				} else {
					body = body.Args[1]
				}
			}
			want := prog.index(c)
			if prog.red != nil && body.Kind == TClamp {
				continue // the reduction: safeAt checked its reads
			}
			if !prog.state {
				require.Equal(t, TData, body.Kind, "%s", src)
				require.Equal(t, int64(want[0]), body.Index[0].Static.Eval(env), "cell %v:\n%s", c, src)
				continue
			}
			require.Equal(t, TRead, body.Kind, "%s", src)
			for k := range prog.nvars {
				require.Equal(t, int64(want[k]), body.Index[k].Static.Eval(env), "cell %v, index %d:\n%s", c, k+1, src)
			}
			if want[0] < 0 {
				require.True(t, body.MayInf, "cell %v reads the boundary inf, but %s is not marked inf:\n%s", c, body.Text, src)
			}
		}
	})
}

// guardGen draws a program from fuzz bytes; it reads zeros past the end.
type guardGen struct {
	data  []byte
	at    int
	nvars int // 2 (p, q) or 3 (p, q, r)
}

// varNames are the index variables of the fuzzed step, in order.
var varNames = []string{"p", "q", "r"}

// newGuardGen reads the number of variables from the last byte (odd:
// three), so that inputs found with two variables keep their meaning.
func newGuardGen(data []byte) *guardGen {
	g := &guardGen{data: data, nvars: 2}
	if len(data) > 0 && data[len(data)-1]&1 == 1 {
		g.nvars = 3
	}
	return g
}

func (g *guardGen) next(n int) int {
	if g.at >= len(g.data) {
		g.at++
		return 0
	}
	b := g.data[g.at]
	g.at++
	return int(b) % n
}

// variable draws the index of one variable.
func (g *guardGen) variable() int { return g.next(g.nvars) }

// operand is a variable plus a constant (v = -1: the constant alone).
type operand struct{ v, k int }

func (o operand) String() string {
	switch {
	case o.v < 0:
		return fmt.Sprint(o.k)
	case o.k > 0:
		return fmt.Sprintf("%s + %d", varNames[o.v], o.k)
	case o.k < 0:
		return fmt.Sprintf("%s - %d", varNames[o.v], -o.k)
	}
	return varNames[o.v]
}

func (o operand) at(cell []int) int {
	if o.v < 0 {
		return o.k
	}
	return cell[o.v] + o.k
}

// guard is a condition tree: a comparison (op on a, b), a membership (a
// in set), or and, or, not of guards.
type guard struct {
	kind   string // "cmp", "in", "and", "or", "not"
	op     string
	a, b   operand
	set    []int
	args   []*guard
	negSet bool // notin
}

func (g *guardGen) guard(depth int) *guard {
	k := g.next(6)
	if depth >= 3 {
		k %= 3
	}
	switch k {
	case 0, 1:
		ops := []string{"==", "!=", "<", "<=", ">", ">="}
		x := &guard{kind: "cmp", op: ops[g.next(len(ops))], a: operand{v: g.variable()}}
		// Another variable (1 in 5; with three, 2 in 5 and plus a
		// constant: p < q + 2 is the difference bound p − q <= 1).
		if other := g.next(5); other == 0 || g.nvars == 3 && other == 1 {
			x.b = operand{v: 1 - x.a.v}
			if g.nvars == 3 {
				x.b = operand{v: (x.a.v + 1 + g.next(2)) % 3, k: g.next(5) - 2}
			}
		} else {
			x.b = operand{v: -1, k: g.next(7) - 1}
		}
		if g.next(2) == 0 {
			x.a, x.b = x.b, x.a
		}
		return x
	case 2:
		x := &guard{kind: "in", a: operand{v: g.variable()}, negSet: g.next(2) == 0}
		for e := 0; e <= 5; e++ {
			if g.next(2) == 0 {
				x.set = append(x.set, e)
			}
		}
		return x
	case 3:
		return &guard{kind: "not", args: []*guard{g.guard(depth + 1)}}
	}
	return &guard{kind: []string{"and", "or"}[k-4], args: []*guard{g.guard(depth + 1), g.guard(depth + 1)}}
}

func (x *guard) String() string {
	switch x.kind {
	case "cmp":
		return x.a.String() + " " + x.op + " " + x.b.String()
	case "in":
		var elems []string
		for _, e := range x.set {
			elems = append(elems, fmt.Sprint(e))
		}
		word := "in"
		if x.negSet {
			word = "notin"
		}
		return fmt.Sprintf("%s %s {%s}", x.a, word, strings.Join(elems, ", "))
	case "not":
		return "not (" + x.args[0].String() + ")"
	}
	return "(" + x.args[0].String() + ") " + x.kind + " (" + x.args[1].String() + ")"
}

// holds evaluates the guard at the cell.
func (x *guard) holds(cell []int) bool {
	switch x.kind {
	case "cmp":
		a, b := x.a.at(cell), x.b.at(cell)
		return map[string]bool{"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[x.op]
	case "in":
		found := false
		for _, e := range x.set {
			found = found || e == x.a.at(cell)
		}
		return found != x.negSet
	case "not":
		return !x.args[0].holds(cell)
	case "and":
		return x.args[0].holds(cell) && x.args[1].holds(cell)
	}
	return x.args[0].holds(cell) || x.args[1].holds(cell)
}

// affineIdx is Σ c[v]·v + k.
type affineIdx struct {
	c [3]int
	k int
}

func (a affineIdx) String() string {
	s := fmt.Sprint(a.k)
	for v, c := range a.c {
		if c != 0 {
			s += fmt.Sprintf(" + %d * %s", c, varNames[v])
		}
	}
	return s
}

func (a affineIdx) at(cell []int) int {
	s := a.k
	for v := range cell {
		s += a.c[v] * cell[v]
	}
	return s
}

// guardProgram is "if guards[0] then w[reads[0][0]] else if ... else
// w[reads[n][0]]" with w indexed lo..hi, or the same reading y[reads[k]...]
// (one index per variable) when state is set.
type guardProgram struct {
	nvars  int
	guards []*guard
	reads  [][]affineIdx
	lo, hi int
	state  bool
	red    *reduction // the last branch is a reduction (data only)
}

func (g *guardGen) program() *guardProgram {
	prog := &guardProgram{nvars: g.nvars, lo: g.next(3), hi: 2 + g.next(3), state: g.next(2) == 1}
	if g.nvars == 3 {
		// Wider, for indices of three variables: −4..4 up to 0..8.
		prog.lo, prog.hi = 2*prog.lo-4, 2*prog.hi
	}
	n := 1 + g.next(3)
	for range n {
		prog.guards = append(prog.guards, g.guard(0))
	}
	idx := func() affineIdx {
		a := affineIdx{c: [3]int{g.next(3) - 1, g.next(3) - 1}, k: g.next(7) - 1}
		if g.nvars == 3 {
			a.c[2] = g.next(3) - 1
		}
		return a
	}
	for range n + 1 {
		read := []affineIdx{idx()}
		if prog.state {
			for range g.nvars - 1 {
				read = append(read, idx())
			}
		}
		prog.reads = append(prog.reads, read)
	}
	if !prog.state && g.next(3) == 0 {
		prog.red = &reduction{lo: idx(), hi: idx(), ck: g.next(3) - 1}
	}
	return prog
}

// reduction makes the last branch clamp(min(k in lo..hi: w[E + ck·k]),
// 0, 9), E the last read, lo and hi affine in the variables.
type reduction struct {
	lo, hi affineIdx
	ck     int
}

// exact reports whether the checker must narrow the reduction's body
// exactly: its domain's ends are a variable plus a constant, or a
// constant (so lo <= k and k <= hi are difference bounds), and the
// domain holds a value on some cell that takes the last branch (else
// the checker keeps the branch's region, or calls the domain empty).
// No reduction is exact too.
func (r *reduction) exact(prog *guardProgram) bool {
	if r == nil {
		return true
	}
	for _, end := range []affineIdx{r.lo, r.hi} {
		n := 0
		for _, c := range end.c {
			if c == -1 {
				return false
			}
			n += c
		}
		if n > 1 {
			return false
		}
	}
	for _, c := range prog.cells() {
		if prog.taken(c) == len(prog.guards) && r.lo.at(c) <= r.hi.at(c) {
			return true
		}
	}
	return false
}

// cells lists every cell, each variable in 0..4.
func (prog *guardProgram) cells() [][]int {
	out := [][]int{{}}
	for range prog.nvars {
		var next [][]int
		for _, c := range out {
			for x := 0; x <= 4; x++ {
				next = append(next, append(slices.Clone(c), x))
			}
		}
		out = next
	}
	return out
}

// safeAt reports whether every read of the cell is allowed.
func (prog *guardProgram) safeAt(cell []int) bool {
	i := prog.index(cell)
	if prog.red == nil || prog.taken(cell) < len(prog.guards) {
		return prog.inRange(i)
	}
	r := prog.red
	for k := r.lo.at(cell); k <= r.hi.at(cell); k++ {
		if !prog.inRange([]int{i[0] + r.ck*k}) {
			return false
		}
	}
	return true
}

// taken is the branch the cell takes.
func (prog *guardProgram) taken(cell []int) int {
	for i, x := range prog.guards {
		if x.holds(cell) {
			return i
		}
	}
	return len(prog.guards)
}

func (prog *guardProgram) source() string {
	var b strings.Builder
	names := varNames[:prog.nvars]
	read := func(i int) string {
		if prog.state {
			var idx []string
			for _, a := range prog.reads[i] {
				idx = append(idx, a.String())
			}
			return fmt.Sprintf("y[%s]", strings.Join(idx, ", "))
		}
		return fmt.Sprintf("w[%s]", prog.reads[i][0])
	}
	var dims []string
	for _, v := range names {
		dims = append(dims, v+" in 0..4")
	}
	if prog.state {
		fmt.Fprintf(&b, "dp fuzz\nstate y[%s] int in 0..9 or inf = 0\ny[p <= -1] = inf\nstep y[%s] = ", strings.Join(dims, ", "), strings.Join(names, ", "))
	} else {
		fmt.Fprintf(&b, "dp fuzz\ndata w[i in %d..%d] int in 0..9\nstate y[%s] int in 0..9 = 0\nstep y[%s] = ", prog.lo, prog.hi, strings.Join(dims, ", "), strings.Join(names, ", "))
	}
	for i, x := range prog.guards {
		fmt.Fprintf(&b, "if %s then %s\n  else ", x, read(i))
	}
	if r := prog.red; r != nil {
		fmt.Fprintf(&b, "clamp(min(k in %s..%s: w[%s + %d * k]), 0, 9)\n", r.lo, r.hi, prog.reads[len(prog.guards)][0], r.ck)
	} else {
		fmt.Fprintf(&b, "%s\n", read(len(prog.guards)))
	}
	return b.String()
}

// index is the index the cell reads: of w (the first entry), or of y
// (one per variable).
func (prog *guardProgram) index(cell []int) []int {
	var out []int
	for _, a := range prog.reads[prog.taken(cell)] {
		out = append(out, a.at(cell))
	}
	return out
}

// inRange reports whether reading index i is allowed: inside w, or
// inside y or below it in p (the boundary line).
func (prog *guardProgram) inRange(i []int) bool {
	if !prog.state {
		return i[0] >= prog.lo && i[0] <= prog.hi
	}
	for _, x := range i[1:] {
		if x < 0 || x > 4 {
			return false
		}
	}
	return i[0] <= 4
}
