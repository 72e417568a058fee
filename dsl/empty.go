package dsl

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// A reduction over an empty domain is +inf (min) or -inf (max), so the
// checker must know whether a reduction can be empty for some cell. The
// bounds of the domain's ends and a filter's mere presence say "maybe";
// decideEmpty then decides it exactly when that is cheap: the domain and
// the filter are static (they depend on constants, params and index
// variables only), and so are the conditions under which the reduction is
// evaluated (its scope's guards: the enclosing ifs' conditions, the
// enclosing reductions' domains and filters). It enumerates the values of
// the variables these use, on each box of the scope's region (a superset
// of the cells that reach the reduction, narrow.go; set variables over
// all their subsets), keeps the assignments every guard accepts, and
// evaluates the domain and the filter for each value of the reduction
// variable. "Never empty" is answered only when every such assignment
// keeps an element; otherwise the first assignment found empty is a cell
// (and enclosing reduction values) where it is. Beyond maxEmptyCells
// assignments (or maxEmptyEvals evaluations) the checker keeps its
// conservative answer.

// pathGuard is an exact condition, over vars, on the cells that reach a
// scope.
type pathGuard struct {
	vars  []*Var
	holds func(env Env) bool
}

// condGuard guards the branch of an if taken when cond is want.
func condGuard(cond *Static, want bool) pathGuard {
	return pathGuard{vars: staticVars(cond), holds: func(env Env) bool { return (cond.Eval(env) != 0) == want }}
}

// reduceGuard guards the body of the reduction t: its variable
// is in the domain and passes the filter.
func reduceGuard(t *Term) pathGuard {
	v := t.Var
	return pathGuard{vars: append(staticVars(t.Domain, t.Filter), v), holds: func(env Env) bool {
		x := env[v.ID]
		if d := t.Domain; d.Kind == SRange {
			if x < d.Args[0].Eval(env) || x > d.Args[1].Eval(env) {
				return false
			}
		} else if x < 0 || x > maxElem || d.Eval(env)>>uint(x)&1 == 0 {
			return false
		}
		return t.Filter == nil || t.Filter.Eval(env) != 0
	}}
}

// reaches reports whether every guard holds under env.
func reaches(guards []pathGuard, env Env) bool {
	for _, g := range guards {
		if !g.holds(env) {
			return false
		}
	}
	return true
}

// staticVars lists the variables the statics use (nil statics allowed).
func staticVars(ss ...*Static) []*Var {
	var vars []*Var
	var walk func(s *Static)
	walk = func(s *Static) {
		if s == nil {
			return
		}
		if s.Kind == SVar && !slices.Contains(vars, s.Var) {
			vars = append(vars, s.Var)
		}
		for _, a := range s.Args {
			walk(a)
		}
	}
	for _, s := range ss {
		walk(s)
	}
	return vars
}

// maxEmptyCells caps the assignments decideEmpty enumerates.
const maxEmptyCells = 1 << 16

// maxEmptyEvals caps the filter evaluations decideEmpty makes.
const maxEmptyEvals = 1 << 22

// decideEmpty reports whether the reduction t (its Var, Domain and Filter
// set), in scope sc, may be empty for some cell, and when it found such a
// cell, that cell. decided is false when enumerating is too costly.
func decideEmpty(t *Term, sc *scope) (empty bool, where string, decided bool) {
	var vars []*Var
	add := func(vs []*Var) {
		for _, v := range vs {
			if v != t.Var && !slices.Contains(vars, v) {
				vars = append(vars, v)
			}
		}
	}
	add(staticVars(t.Domain, t.Filter))
	for _, g := range sc.guards {
		add(g.vars)
	}
	slices.SortFunc(vars, func(a, b *Var) int { return a.ID - b.ID })
	n := t.Var.ID + 1
	for _, v := range vars {
		n = max(n, v.ID+1)
	}
	env := make(Env, n)

	// Each box's ranges for the variables (set variables over all their
	// subsets: the boxes narrow integer variables only).
	boxes := sc.boxes()
	ranges := make([][][2]int, len(boxes))
	cells := 0
	for bi, b := range boxes {
		count := 1
		for _, v := range vars {
			lo, hi := v.Lo, v.Hi
			if !v.Set {
				lo, hi = b.bounds(v)
			}
			if lo > hi {
				count = 0
				break
			}
			ranges[bi] = append(ranges[bi], [2]int{lo, hi})
			if count > maxEmptyCells/(hi-lo+1) {
				return true, "", false
			}
			count *= hi - lo + 1
		}
		if count == 0 {
			ranges[bi] = nil
			continue
		}
		cells += count
		if cells > maxEmptyCells {
			return true, "", false
		}
	}
	vlo, vhi := t.Var.Lo, t.Var.Hi
	if cells > maxEmptyEvals/(vhi-vlo+1) {
		return true, "", false
	}
	value := func(v *Var, x int) int64 {
		if v.Set {
			return int64(x) << uint(v.ElemLo)
		}
		return int64(x)
	}
	nonEmpty := func() bool {
		if t.Domain.Kind == SRange {
			lo, hi := t.Domain.Args[0].Eval(env), t.Domain.Args[1].Eval(env)
			lo, hi = max(lo, int64(vlo)), min(hi, int64(vhi))
			for k := lo; k <= hi; k++ {
				env[t.Var.ID] = k
				if t.Filter == nil || t.Filter.Eval(env) != 0 {
					return true
				}
			}
			return false
		}
		for _, k := range setElems(t.Domain.Eval(env)) {
			env[t.Var.ID] = int64(k)
			if t.Filter == nil || t.Filter.Eval(env) != 0 {
				return true
			}
		}
		return false
	}
	for bi := range boxes {
		r := ranges[bi]
		if r == nil {
			continue
		}
		x := make([]int, len(vars))
		for k := range vars {
			x[k] = r[k][0]
		}
		for {
			for k, v := range vars {
				env[v.ID] = value(v, x[k])
			}
			if reaches(sc.guards, env) && !nonEmpty() {
				return true, assignment(vars, env), true
			}
			k := len(vars) - 1
			for ; k >= 0; k-- {
				if x[k] < r[k][1] {
					x[k]++
					break
				}
				x[k] = r[k][0]
			}
			if k < 0 {
				break
			}
		}
	}
	return false, "", true
}

// assignment prints the values of vars in env: "i = 2, j = 0", sets as
// {1, 3}.
func assignment(vars []*Var, env Env) string {
	if len(vars) == 0 {
		return ""
	}
	parts := make([]string, len(vars))
	for k, v := range vars {
		if v.Set {
			elems := setElems(env[v.ID])
			s := make([]string, len(elems))
			for e, x := range elems {
				s[e] = fmt.Sprint(x)
			}
			parts[k] = fmt.Sprintf("%s = {%s}", v.Name, strings.Join(s, ", "))
			continue
		}
		parts[k] = fmt.Sprintf("%s = %d", v.Name, env[v.ID])
	}
	return strings.Join(parts, ", ")
}

// emptyNote explains, for a message about a term t whose interval a
// includes -inf or inf, which reduction under t may be empty and for
// which cell: "; max(k in 1..3 where k != i: f[k]) at 4:13 may be empty
// (a max of nothing is -inf), e.g. for i = 2". It is "" when a has
// neither or no reduction under t may be empty.
func (c *checker) emptyNote(t *Term, a ival) string {
	negInf := a.lo < 0 && a.lo == -posInf
	if !negInf && !a.inf {
		return ""
	}
	var found *Term
	var walk func(t *Term)
	walk = func(t *Term) {
		if found != nil || t == nil {
			return
		}
		if t.Kind == TReduce && c.analysis.mayEmpty[t] && (t.Reduce == TMax && negInf || t.Reduce == TMin && a.inf) {
			found = t
			return
		}
		for _, x := range t.Args {
			walk(x)
		}
	}
	walk(t)
	if found == nil {
		return ""
	}
	what, nothing := "max", "-inf"
	if found.Reduce == TMin {
		what, nothing = "min", "inf"
	}
	note := fmt.Sprintf("; %s at %s may be empty (a %s of nothing is %s)", Shorten(found.Text), found.Pos(), what, nothing)
	switch where, ok := c.emptyWhy[found]; {
	case ok && where != "":
		note += ", e.g. for " + where
	case ok:
		note += ": too many cells to decide it"
	}
	return note
}

// maxShown caps the length of an expression quoted in a message.
const maxShown = 80

// Shorten returns an expression's text for a message: its runs of
// spaces and newlines as one space, cut to 80 bytes (at a character
// boundary) with "…" when longer.
func Shorten(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= maxShown {
		return text
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}
