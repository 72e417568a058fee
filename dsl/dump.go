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
	for _, x := range f.Data {
		d.line(1, "Data %s %s%s @%s", identName(x.Name), x.Type, orInf(x.OrInf), span(x))
		d.dims(2, x.Dims)
		d.rng(2, x.Range)
	}
	if x := f.StepCount; x != nil {
		d.line(1, "Steps @%s", span(x))
		d.expr(2, "Count: ", x.Count)
	}
	for _, x := range f.Requires {
		d.line(1, "Require %s %q @%s msg@%s", identName(x.What), x.Msg, span(x), at(x.MsgPos))
	}
	for _, s := range f.States {
		d.line(1, "State %s %s%s @%s", identName(s.Name), s.Type, orInf(s.OrInf), span(s))
		d.dims(2, s.Dims)
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
		case AnswerState:
			d.line(1, "Answer state @%s", span(a))
			d.expr(2, "State: ", a.Value)
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

func orInf(b bool) string {
	if b {
		return " or inf"
	}
	return ""
}

// dims prints index dimensions: a range or subsets(LO..HI).
func (d *dumper) dims(depth int, dims []*IndexDim) {
	for _, dim := range dims {
		if sd, ok := dim.Range.Lo.(*SubsetsDim); ok {
			d.line(depth, "Dim %s subsets @%s subsets@%s", identName(dim.Var), at(dim.Var.Pos()), span(sd))
			d.expr(depth+1, "Lo: ", sd.Lo)
			d.expr(depth+1, "Hi: ", sd.Hi)
			continue
		}
		d.line(depth, "Dim %s @%s", identName(dim.Var), at(dim.Var.Pos()))
		d.rng(depth+1, dim.Range)
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
	case *If:
		d.line(depth, "%sIf @%s", label, span(x))
		d.expr(depth+1, "Cond: ", x.Cond)
		d.expr(depth+1, "Then: ", x.Then)
		d.expr(depth+1, "Else: ", x.Else)
	case *Reduce:
		d.line(depth, "%sReduce %s %s @%s", label, identName(x.Func), identName(x.Var), span(x))
		d.expr(depth+1, "Domain: ", x.Domain)
		if x.Filter != nil {
			d.expr(depth+1, "Where: ", x.Filter)
		}
		d.expr(depth+1, "Body: ", x.Body)
	case *Bracket:
		d.line(depth, "%sBracket %s @%s op@%s", label, x.Op, span(x), at(x.OpPos))
		d.expr(depth+1, "", x.X)
		d.expr(depth+1, "", x.Y)
	case *SetLit:
		if x.IsRange {
			d.line(depth, "%sSetRange @%s", label, span(x))
			d.expr(depth+1, "Lo: ", x.Lo)
			d.expr(depth+1, "Hi: ", x.Hi)
			break
		}
		d.line(depth, "%sSet @%s", label, span(x))
		for _, y := range x.Elems {
			d.expr(depth+1, "", y)
		}
	case *RangeSet:
		d.line(depth, "%sRange @%s", label, span(x))
		d.expr(depth+1, "Lo: ", x.Lo)
		d.expr(depth+1, "Hi: ", x.Hi)
	case *Logic:
		d.line(depth, "%sLogic %s @%s op@%s", label, logicName(x.Op), span(x), at(x.OpPos))
		d.expr(depth+1, "", x.X)
		if x.Y != nil {
			d.expr(depth+1, "", x.Y)
		}
	case *Compare:
		op := x.Op.String()
		switch {
		case x.Member && x.Not:
			op = "notin"
		case x.Member:
			op = "in"
		}
		d.line(depth, "%sCompare %s @%s op@%s", label, op, span(x), at(x.OpPos))
		d.expr(depth+1, "", x.X)
		d.expr(depth+1, "", x.Y)
	case *SubsetsDim:
		d.line(depth, "%sSubsets @%s", label, span(x))
		d.expr(depth+1, "Lo: ", x.Lo)
		d.expr(depth+1, "Hi: ", x.Hi)
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
	for _, x := range m.Data {
		var dims []string
		for _, dim := range x.Dims {
			dims = append(dims, fmt.Sprintf("%s in %d..%d", dim.Var, dim.Lo, dim.Hi))
		}
		name := x.Name
		if len(dims) > 0 {
			name += "[" + strings.Join(dims, ", ") + "]"
		}
		d.line(1, "data #%d %s %s in %s..%s%s (%s)", x.Index, name, x.Type, fmtNum(x.Lo), fmtNum(x.Hi), orInf(x.MayInf), count(x.Cells(), "value"))
	}
	if m.Steps > 0 {
		d.line(1, "steps %d", m.Steps)
	}
	if m.Fixpoint != nil {
		d.line(1, "require fixpoint %q", m.Fixpoint.Msg)
	}
	for _, s := range m.States {
		var dims []string
		for _, dim := range s.Dims {
			if dim.Set {
				dims = append(dims, fmt.Sprintf("%s in subsets(%d..%d) = 0..%d", dim.Var, dim.ElemLo, dim.ElemHi, dim.Hi))
			} else {
				dims = append(dims, fmt.Sprintf("%s in %d..%d", dim.Var, dim.Lo, dim.Hi))
			}
		}
		init := fmtNum(s.Init)
		if s.InitTerm != nil {
			init = "init"
		}
		d.line(1, "state #%d %s[%s] %s in %s..%s%s = %s (%d cells)", s.Index, s.Name, strings.Join(dims, ", "),
			s.Type, fmtNum(s.Lo), fmtNum(s.Hi), orInf(s.MayInf), init, s.Cells())
		if s.InitTerm != nil {
			d.term(2, "init: ", s.InitTerm)
		}
		for _, b := range s.Boundaries {
			d.line(2, "boundary %s %s %d: %s", s.Dims[b.Dim].Var, b.Op, b.Bound, fmtNum(b.Value))
		}
		if m.NumVars > 0 && (m.Steps > 0 || len(m.Data) > 0 || s.InitTerm != nil) && len(s.StepVars) > 0 {
			var vars []string
			for _, v := range s.StepVars {
				vars = append(vars, varString(v))
			}
			d.line(2, "step vars: %s", strings.Join(vars, ", "))
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
	case a.Kind == AnswerState:
		d.line(1, "answer state %s (every cell)", a.State.Name)
	default:
		kind := "max"
		if a.Kind == AnswerMinIndex {
			kind = "min"
		}
		of := a.State.Name
		if len(a.State.Dims) > 1 {
			of = fmt.Sprintf("dimension %d of %s", a.Dim, a.State.Name)
		}
		d.line(1, "answer %s %s in %d..%d of %s where lhs %s rhs", kind, a.Var, a.Lo, a.Hi, of, a.Op)
		d.term(2, "lhs: ", a.LHS)
		d.term(2, "rhs: ", a.RHS)
	}
}

// varString prints a variable with its ID and range: "i#1 in 1..6".
func varString(v *Var) string {
	if v.Set {
		return fmt.Sprintf("%s#%d in subsets(%d..%d)", v.Name, v.ID, v.ElemLo, v.ElemHi)
	}
	return fmt.Sprintf("%s#%d in %d..%d", v.Name, v.ID, v.Lo, v.Hi)
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
		if t.Var != nil && t.Var.Kind == VarReduce {
			detail = " " + varString(t.Var)
		} else {
			detail = fmt.Sprintf(" dim %d", t.Dim)
		}
	case TScale:
		detail = " by " + fmtNum(t.Value)
	case TRead, TData:
		var idx []string
		for _, ie := range t.Index {
			idx = append(idx, indexString(ie))
		}
		name := ""
		if t.Kind == TRead {
			name = t.State.Name
		} else {
			name = t.Data.Name
		}
		if len(idx) > 0 {
			name += "[" + strings.Join(idx, ", ") + "]"
		}
		detail = " " + name
	case TCmp:
		detail = " " + t.Op.String()
	case TIf:
		detail = " " + staticString(t.Cond)
	case TReduce:
		detail = fmt.Sprintf(" %s %s#%d in %s", t.Reduce, t.Var.Name, t.Var.ID, domainString(t.Domain))
		if t.Filter != nil {
			detail += " where " + staticString(t.Filter)
		}
	}
	inf := ""
	if t.MayInf {
		inf = " or inf"
	}
	d.line(depth, "%s%s %s [%s, %s]%s%s %q @%s", label, t.Kind, t.Type, fmtNum(t.Lo), fmtNum(t.Hi), inf, detail, t.Text, at(t.Pos()))
	for _, a := range t.Args {
		d.term(depth+1, "", a)
	}
}

// domainString prints a reduction domain: lo..hi for a range, else the set.
func domainString(s *Static) string {
	if s.Kind == SRange {
		return staticString(s.Args[0]) + ".." + staticString(s.Args[1])
	}
	return staticString(s)
}

// staticString prints a static expression in source-like form, with
// variables by name and sets as {a, b}.
func staticString(s *Static) string {
	if s == nil {
		return "<nil>"
	}
	args := func(sep string) string {
		var parts []string
		for _, a := range s.Args {
			parts = append(parts, staticOperand(a))
		}
		return strings.Join(parts, sep)
	}
	switch s.Kind {
	case SConst:
		switch s.Type {
		case SSetT:
			var elems []string
			for _, e := range setElems(s.Value) {
				elems = append(elems, fmt.Sprint(e))
			}
			return "{" + strings.Join(elems, ", ") + "}"
		case SBool:
			return fmt.Sprint(s.Value != 0)
		}
		return fmt.Sprint(s.Value)
	case SVar:
		return s.Var.Name
	case SAdd:
		var b strings.Builder
		for i, a := range s.Args {
			switch {
			case i == 0:
				b.WriteString(staticOperand(a))
			case a.Kind == SNeg:
				b.WriteString(" - " + staticOperand(a.Args[0]))
			case a.Kind == SConst && a.Value < 0:
				fmt.Fprintf(&b, " - %d", -a.Value)
			case a.Kind == SScale && a.Value < 0:
				fmt.Fprintf(&b, " - %d*%s", -a.Value, staticOperand(a.Args[0]))
			default:
				b.WriteString(" + " + staticOperand(a))
			}
		}
		return b.String()
	case SNeg:
		return "-" + staticOperand(s.Args[0])
	case SScale:
		return fmt.Sprintf("%d*%s", s.Value, staticOperand(s.Args[0]))
	case SSet:
		return "{" + args(", ") + "}"
	case SRange:
		return "{" + args("..") + "}"
	case SUnion:
		return args(" + ")
	case SDiff:
		return args(" - ")
	case SCmp:
		return staticOperand(s.Args[0]) + " " + s.Op.String() + " " + staticOperand(s.Args[1])
	case SIn:
		return args(" in ")
	case SNotIn:
		return args(" notin ")
	case SAnd:
		return args(" and ")
	case SOr:
		return args(" or ")
	case SNot:
		return "not " + staticOperand(s.Args[0])
	}
	return "?"
}

// staticOperand parenthesizes compound operands.
func staticOperand(s *Static) string {
	switch s.Kind {
	case SConst, SVar, SSet, SRange, SScale, SNeg:
		return staticString(s)
	}
	return "(" + staticString(s) + ")"
}

// indexString prints an index in the old form as "var0 -profit +0 in
// -9..9" and otherwise as its static part and offsets: "c - len[u, v] in
// -4..15".
func indexString(ie *IndexExpr) string {
	var b strings.Builder
	if !ie.Simple && ie.Static != nil {
		b.WriteString(staticString(ie.Static))
		for _, o := range ie.Offsets {
			sign := " + "
			if o.Coef < 0 {
				sign = " - "
			}
			b.WriteString(sign + o.Term.Text)
		}
		fmt.Fprintf(&b, " in %d..%d", ie.Lo, ie.Hi)
		return b.String()
	}
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
