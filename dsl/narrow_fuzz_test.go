package dsl

import (
	"fmt"
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
// index it reads.
//
// The checker must never admit a program that reads outside w on some
// cell. When no guard compares p with q (interval propagation is not
// exact for two variables) and no region grew past maxBoxes, it must
// admit every program that reads in range on every cell. An admitted
// model must read, on every cell, exactly the index brute force reads:
// the branches it dropped are taken by no cell.
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
				if i := prog.index(p, q); i < prog.lo || i > prog.hi {
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
			require.Contains(t, err.Error(), "of data w ranges over", "%s", src)
			require.True(t, !safe || g.inexact || capped, "a safe program was refused:\n%s\n%v", src, err)
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
				require.Equal(t, TData, body.Kind, "%s", src)
				require.Equal(t, int64(prog.index(p, q)), body.Index[0].Static.Eval(env), "p = %d, q = %d:\n%s", p, q, src)
			}
		}
	})
}

// guardGen draws a program from fuzz bytes; it reads zeros past the end.
type guardGen struct {
	data    []byte
	at      int
	inexact bool // some guard compares p with q
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
// w[reads[n]]" with w indexed lo..hi.
type guardProgram struct {
	guards []*guard
	reads  []affineIdx
	lo, hi int
}

func (g *guardGen) program() *guardProgram {
	prog := &guardProgram{lo: g.next(3), hi: 2 + g.next(3)}
	n := 1 + g.next(3)
	for range n {
		prog.guards = append(prog.guards, g.guard(0))
	}
	for range n + 1 {
		prog.reads = append(prog.reads, affineIdx{cp: g.next(3) - 1, cq: g.next(3) - 1, k: g.next(7) - 1})
	}
	return prog
}

func (prog *guardProgram) source() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dp fuzz\ndata w[i in %d..%d] int in 0..9\nstate y[p in 0..4, q in 0..4] int in 0..9 = 0\nstep y[p, q] = ", prog.lo, prog.hi)
	for i, x := range prog.guards {
		fmt.Fprintf(&b, "if %s then w[%s]\n  else ", x, prog.reads[i])
	}
	fmt.Fprintf(&b, "w[%s]\n", prog.reads[len(prog.guards)])
	return b.String()
}

// index is the index of w the cell (p, q) reads.
func (prog *guardProgram) index(p, q int) int {
	r := prog.reads[len(prog.guards)]
	for i, x := range prog.guards {
		if x.holds(p, q) {
			r = prog.reads[i]
			break
		}
	}
	return r.cp*p + r.cq*q + r.k
}
