package dsl

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzNarrowing writes a step "if G1 then w[E1] else if G2 then w[E2] ...
// else w[En]" over two index variables p, q in 0..4 with random guards
// (comparisons with constants, of p with q, memberships of constant sets,
// and, or, not) and random affine indices, and compares the checker's
// verdict with brute force over all 25 cells: a guard tree of its own
// (not the checker's Static) picks each cell's branch and computes the
// index it reads. Half the programs read the state y[p, q] itself
// instead of data w, with one boundary line y[p <= -1] = inf: a read is
// then safe when its q index is in 0..4 and its p index at most 4.
//
// The checker must never admit a program that reads outside w (or
// outside y and its boundary) on some cell. Unless a region grew past
// maxBoxes, or a guard compares p with q and an index adds them (p + q:
// a box with a difference bound p − q <= c bounds p + q by the ranges
// alone), it must admit every program that reads in range on every
// cell. An admitted model must read, on every cell,
// exactly the index brute force reads (the branches it dropped are taken
// by no cell), and a read that reaches the boundary on some cell must be
// marked as possibly inf.
func FuzzNarrowing(f *testing.F) {
	for _, seed := range []string{"", "\x01\x02\x03", "grid path", "\xff\x00\x7f\x10\x20\x30\x40\x50", "a or b and not c", "\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &guardGen{data: data}
		prog := g.program()
		src := prog.source()
		safe := true
		for p := 0; p <= 4; p++ {
			for q := 0; q <= 4; q++ {
				if !prog.safeAt(p, q) {
					safe = false
				}
			}
		}
		hulls := hullFallbacks.Load()
		file, err := Parse("fuzz.dp", []byte(src))
		require.NoError(t, err, "%s", src)
		m, err := Check(file, nil)
		capped := hullFallbacks.Load() != hulls
		if err != nil {
			require.Regexp(t, "of data w ranges over|outside the index range 0..4 of y, and no boundary line covers it|the domain .* is always empty", err.Error(), "%s", src)
			require.True(t, !safe || g.inexact && prog.sumRead() || capped || prog.red != nil, "a safe program was refused:\n%s\n%v", src, err)
			return
		}
		require.True(t, safe, "an unsafe program was admitted:\n%s", src)
		st := m.States[0]
		env := make(Env, m.NumVars)
		for p := 0; p <= 4; p++ {
			for q := 0; q <= 4; q++ {
				env[st.StepVars[0].ID], env[st.StepVars[1].ID] = int64(p), int64(q)
				body := st.Body
				for body.Kind == TIf {
					if body.Cond.Eval(env) != 0 {
						body = body.Args[0]
					} else {
						body = body.Args[1]
					}
				}
				want := prog.index(p, q)
				if prog.red != nil && body.Kind == TClamp {
					continue // the reduction: safeAt checked its reads
				}
				if !prog.state {
					require.Equal(t, TData, body.Kind, "%s", src)
					require.Equal(t, int64(want[0]), body.Index[0].Static.Eval(env), "p = %d, q = %d:\n%s", p, q, src)
					continue
				}
				require.Equal(t, TRead, body.Kind, "%s", src)
				for k := range 2 {
					require.Equal(t, int64(want[k]), body.Index[k].Static.Eval(env), "p = %d, q = %d, index %d:\n%s", p, q, k+1, src)
				}
				if want[0] < 0 {
					require.True(t, body.MayInf, "p = %d, q = %d reads the boundary inf, but %s is not marked inf:\n%s", p, q, body.Text, src)
				}
			}
		}
	})
}

// guardGen draws a program from fuzz bytes; it reads zeros past the end.
type guardGen struct {
	data    []byte
	at      int
	inexact bool // some guard compares p with q (a difference bound)
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

// guard is a condition tree: a comparison (op on a, b), a membership (a
// in set), or and, or, not of guards.
type guard struct {
	kind   string // "cmp", "in", "and", "or", "not"
	op     string
	a, b   string // "p", "q" or a constant
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
		x := &guard{kind: "cmp", op: ops[g.next(len(ops))], a: []string{"p", "q"}[g.next(2)]}
		if g.next(5) == 0 {
			x.b = map[string]string{"p": "q", "q": "p"}[x.a]
			g.inexact = true
		} else {
			x.b = fmt.Sprint(g.next(7) - 1)
		}
		if g.next(2) == 0 {
			x.a, x.b = x.b, x.a
		}
		return x
	case 2:
		x := &guard{kind: "in", a: []string{"p", "q"}[g.next(2)], negSet: g.next(2) == 0}
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
		return x.a + " " + x.op + " " + x.b
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

// holds evaluates the guard at (p, q).
func (x *guard) holds(p, q int) bool {
	val := func(s string) int {
		switch s {
		case "p":
			return p
		case "q":
			return q
		}
		var v int
		fmt.Sscan(s, &v)
		return v
	}
	switch x.kind {
	case "cmp":
		a, b := val(x.a), val(x.b)
		return map[string]bool{"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[x.op]
	case "in":
		found := false
		for _, e := range x.set {
			found = found || e == val(x.a)
		}
		return found != x.negSet
	case "not":
		return !x.args[0].holds(p, q)
	case "and":
		return x.args[0].holds(p, q) && x.args[1].holds(p, q)
	}
	return x.args[0].holds(p, q) || x.args[1].holds(p, q)
}

// affineIdx is cp·p + cq·q + k.
type affineIdx struct{ cp, cq, k int }

func (a affineIdx) String() string {
	s := fmt.Sprint(a.k)
	if a.cp != 0 {
		s += fmt.Sprintf(" + %d * p", a.cp)
	}
	if a.cq != 0 {
		s += fmt.Sprintf(" + %d * q", a.cq)
	}
	return s
}

// guardProgram is "if guards[0] then w[reads[0]] else if ... else
// w[reads[n]]" with w indexed lo..hi, or the same reading y[reads[k],
// qreads[k]] when state is set.
type guardProgram struct {
	guards []*guard
	reads  []affineIdx
	qreads []affineIdx
	lo, hi int
	state  bool
	red    *reduction // the last branch is a reduction (data only)
}

func (g *guardGen) program() *guardProgram {
	prog := &guardProgram{lo: g.next(3), hi: 2 + g.next(3), state: g.next(2) == 1}
	n := 1 + g.next(3)
	for range n {
		prog.guards = append(prog.guards, g.guard(0))
	}
	idx := func() affineIdx { return affineIdx{cp: g.next(3) - 1, cq: g.next(3) - 1, k: g.next(7) - 1} }
	for range n + 1 {
		prog.reads = append(prog.reads, idx())
		if prog.state {
			prog.qreads = append(prog.qreads, idx())
		}
	}
	if !prog.state && g.next(3) == 0 {
		prog.red = &reduction{lo: idx(), hi: idx(), ck: g.next(3) - 1}
	}
	return prog
}

// reduction makes the last branch clamp(min(k in lo..hi: w[E + ck·k]),
// 0, 9), E the last read, lo and hi affine in p and q.
type reduction struct {
	lo, hi affineIdx
	ck     int
}

// safeAt reports whether every read of the cell (p, q) is allowed.
func (prog *guardProgram) safeAt(p, q int) bool {
	i := prog.index(p, q)
	if prog.red == nil || prog.taken(p, q) < len(prog.guards) {
		return prog.inRange(i)
	}
	r := prog.red
	for k := r.lo.at(p, q); k <= r.hi.at(p, q); k++ {
		if !prog.inRange([2]int{i[0] + r.ck*k}) {
			return false
		}
	}
	return true
}

// taken is the branch the cell (p, q) takes.
func (prog *guardProgram) taken(p, q int) int {
	for i, x := range prog.guards {
		if x.holds(p, q) {
			return i
		}
	}
	return len(prog.guards)
}

func (a affineIdx) at(p, q int) int { return a.cp*p + a.cq*q + a.k }

func (prog *guardProgram) source() string {
	var b strings.Builder
	read := func(i int) string {
		if prog.state {
			return fmt.Sprintf("y[%s, %s]", prog.reads[i], prog.qreads[i])
		}
		return fmt.Sprintf("w[%s]", prog.reads[i])
	}
	if prog.state {
		b.WriteString("dp fuzz\nstate y[p in 0..4, q in 0..4] int in 0..9 or inf = 0\ny[p <= -1] = inf\nstep y[p, q] = ")
	} else {
		fmt.Fprintf(&b, "dp fuzz\ndata w[i in %d..%d] int in 0..9\nstate y[p in 0..4, q in 0..4] int in 0..9 = 0\nstep y[p, q] = ", prog.lo, prog.hi)
	}
	for i, x := range prog.guards {
		fmt.Fprintf(&b, "if %s then %s\n  else ", x, read(i))
	}
	if r := prog.red; r != nil {
		fmt.Fprintf(&b, "clamp(min(k in %s..%s: w[%s + %d * k]), 0, 9)\n", r.lo, r.hi, prog.reads[len(prog.guards)], r.ck)
	} else {
		fmt.Fprintf(&b, "%s\n", read(len(prog.guards)))
	}
	return b.String()
}

// index is the index the cell (p, q) reads: of w (the first entry), or
// of y (both).
func (prog *guardProgram) index(p, q int) [2]int {
	k := len(prog.guards)
	for i, x := range prog.guards {
		if x.holds(p, q) {
			k = i
			break
		}
	}
	r := prog.reads[k]
	out := [2]int{r.cp*p + r.cq*q + r.k}
	if prog.state {
		r := prog.qreads[k]
		out[1] = r.cp*p + r.cq*q + r.k
	}
	return out
}

// inRange reports whether reading index i is allowed: inside w, or
// inside y or below it in p (the boundary line).
func (prog *guardProgram) inRange(i [2]int) bool {
	if prog.state {
		return i[0] <= 4 && i[1] >= 0 && i[1] <= 4
	}
	return i[0] >= prog.lo && i[0] <= prog.hi
}

// sumRead reports whether some index adds p and q (or subtracts both).
func (prog *guardProgram) sumRead() bool {
	for _, r := range append(slices.Clone(prog.reads), prog.qreads...) {
		if r.cp != 0 && r.cp == r.cq {
			return true
		}
	}
	return false
}
