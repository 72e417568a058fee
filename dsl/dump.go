package dsl

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Dump writes a deterministic, indented text form of n, one node per line,
// for golden tests and debugging. n may be a *File (the syntax tree with
// line:col positions), an Expr, a *Model (the checked program with the
// type and interval of every term) or a *Term.
func Dump(w io.Writer, n any) error {
	d := &dumper{w: bufio.NewWriter(w)}
	switch n := n.(type) {
	case *File:
		d.file(n)
	case Expr:
		d.expr(0, "", n)
	case *Model:
		d.model(n)
	case *Term:
		d.term(0, "", n)
	default:
		return fmt.Errorf("dsl.Dump: cannot dump %T", n)
	}
	return d.w.Flush()
}

type dumper struct {
	w *bufio.Writer
}

func (d *dumper) line(depth int, format string, args ...any) {
	d.w.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(d.w, format, args...)
	d.w.WriteByte('\n')
}

// at prints a position as line:col, without the file name, so golden
// files do not depend on where the test runs.
func at(p Pos) string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

func span(n Node) string { return at(n.Pos()) + "-" + at(n.End()) }

func (d *dumper) file(f *File) {
	name := "<none>"
	if f.Name != nil {
		name = f.Name.Name
	}
	d.line(0, "File %s @%s-%s", name, at(f.DpPos), at(f.EndPos))
	for _, p := range f.Params {
		d.line(1, "Param %s %s @%s", identName(p.Name), p.Type, span(p))
		if p.Default != nil {
			d.expr(2, "Default: ", p.Default)
		}
	}
	for _, in := range f.Inputs {
		d.line(1, "Input %s %s @%s", identName(in.Name), in.Type, span(in))
		d.rng(2, in.Range)
	}
	for _, s := range f.States {
		d.line(1, "State %s %s @%s", identName(s.Name), s.Type, span(s))
		for _, dim := range s.Dims {
			d.line(2, "Dim %s @%s", identName(dim.Var), at(dim.Var.Pos()))
			d.rng(3, dim.Range)
		}
		d.rng(2, s.Range)
		d.expr(2, "Init: ", s.Init)
	}
	for _, b := range f.Boundaries {
		d.line(1, "Boundary %s[%s %s] @%s op@%s", identName(b.Name), identName(b.Var), b.Op, span(b), at(b.OpPos))
		d.expr(2, "Bound: ", b.Bound)
		d.expr(2, "Value: ", b.Value)
	}
	for _, s := range f.Steps {
		var vars []string
		for _, v := range s.Vars {
			vars = append(vars, identName(v))
		}
		d.line(1, "Step %s[%s] @%s", identName(s.Name), strings.Join(vars, ", "), span(s))
		d.expr(2, "Body: ", s.Body)
	}
	if a := f.Answer; a != nil {
		switch a.Kind {
		case AnswerValue:
			d.line(1, "Answer value @%s", span(a))
			d.expr(2, "Value: ", a.Value)
		default:
			kind := "max"
			if a.Kind == AnswerMinIndex {
				kind = "min"
			}
			d.line(1, "Answer %s %s where %s @%s", kind, identName(a.Var), a.Op, span(a))
			d.expr(2, "LHS: ", a.LHS)
			d.expr(2, "RHS: ", a.RHS)
		}
	}
}

func identName(id *Ident) string {
	if id == nil {
		return "<nil>"
	}
	return id.Name
}

func (d *dumper) rng(depth int, r Range) {
	d.expr(depth, "Lo: ", r.Lo)
	d.expr(depth, "Hi: ", r.Hi)
}

func (d *dumper) expr(depth int, label string, e Expr) {
	switch x := e.(type) {
	case nil:
		d.line(depth, "%s<nil>", label)
	case *Number:
		kind := "real"
		if x.Int {
			kind = "int"
		}
		d.line(depth, "%sNumber %s (%s literal, value %s) @%s", label, x.Lit, kind, fmtNum(x.Value), span(x))
	case *Name:
		d.line(depth, "%sName %s @%s", label, identName(x.Ident), span(x))
	case *Index:
		d.line(depth, "%sIndex %s @%s", label, identName(x.Name), span(x))
		for _, y := range x.Indices {
			d.expr(depth+1, "", y)
		}
	case *Call:
		d.line(depth, "%sCall %s @%s", label, identName(x.Func), span(x))
		for _, y := range x.Args {
			d.expr(depth+1, "", y)
		}
	case *Unary:
		d.line(depth, "%sUnary %c @%s", label, x.Op, span(x))
		d.expr(depth+1, "", x.X)
	case *Binary:
		d.line(depth, "%sBinary %c @%s op@%s", label, x.Op, span(x), at(x.OpPos))
		d.expr(depth+1, "", x.X)
		d.expr(depth+1, "", x.Y)
	case *Paren:
		d.line(depth, "%sParen @%s", label, span(x))
		d.expr(depth+1, "", x.X)
	default:
		d.line(depth, "%s%T", label, e)
	}
}

func (d *dumper) model(m *Model) {
	d.line(0, "Model %s", m.Name)
	for _, p := range m.Params {
		how := "default"
		if p.Set {
			how = "set"
		}
		d.line(1, "param %s = %d (%s)", p.Name, p.Value, how)
	}
	for _, in := range m.Inputs {
		d.line(1, "input #%d %s %s in %s..%s", in.Index, in.Name, in.Type, fmtNum(in.Lo), fmtNum(in.Hi))
	}
	for _, s := range m.States {
		var dims []string
		for _, dim := range s.Dims {
			dims = append(dims, fmt.Sprintf("%s in %d..%d", dim.Var, dim.Lo, dim.Hi))
		}
		d.line(1, "state #%d %s[%s] %s in %s..%s = %s (%d cells)", s.Index, s.Name, strings.Join(dims, ", "),
			s.Type, fmtNum(s.Lo), fmtNum(s.Hi), fmtNum(s.Init), s.Cells())
		for _, b := range s.Boundaries {
			d.line(2, "boundary %s %s %d: %s", s.Dims[0].Var, b.Op, b.Bound, fmtNum(b.Value))
		}
		d.term(2, "step: ", s.Body)
	}
	a := m.Answer
	switch {
	case a == nil:
		d.line(1, "no answer")
	case a.Kind == AnswerValue:
		d.line(1, "answer value")
		d.term(2, "", a.Value)
	default:
		kind := "max"
		if a.Kind == AnswerMinIndex {
			kind = "min"
		}
		d.line(1, "answer %s %s in %d..%d of %s where lhs %s rhs", kind, a.Var, a.Lo, a.Hi, a.State.Name, a.Op)
		d.term(2, "lhs: ", a.LHS)
		d.term(2, "rhs: ", a.RHS)
	}
}

// term prints "kind type [lo, hi] details "text" @pos" and the arguments.
func (d *dumper) term(depth int, label string, t *Term) {
	if t == nil {
		d.line(depth, "%s<nil>", label)
		return
	}
	var detail string
	switch t.Kind {
	case TConst:
		detail = " " + fmtNum(t.Value)
	case TInput:
		detail = " " + t.Input.Name
	case TIndexVar:
		detail = fmt.Sprintf(" dim %d", t.Dim)
	case TScale:
		detail = " by " + fmtNum(t.Value)
	case TRead:
		var idx []string
		for _, ie := range t.Index {
			idx = append(idx, indexString(ie))
		}
		detail = fmt.Sprintf(" %s[%s]", t.State.Name, strings.Join(idx, ", "))
	}
	d.line(depth, "%s%s %s [%s, %s]%s %q @%s", label, t.Kind, t.Type, fmtNum(t.Lo), fmtNum(t.Hi), detail, t.Text, at(t.Pos()))
	for _, a := range t.Args {
		d.term(depth+1, "", a)
	}
}

// indexString prints an index as "var0 - profit + 0 in -9..9".
func indexString(ie *IndexExpr) string {
	var b strings.Builder
	if ie.HasVar {
		fmt.Fprintf(&b, "var%d ", ie.Dim)
	}
	for _, in := range ie.Terms {
		sign := "+"
		if in.Coef < 0 {
			sign = "-"
		}
		fmt.Fprintf(&b, "%s%s ", sign, in.Input.Name)
	}
	fmt.Fprintf(&b, "%+d in %d..%d", ie.Const, ie.Lo, ie.Hi)
	return b.String()
}
