package dsl

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// WriteSummary writes what Check made of the program, one indented line
// per input, data array, steps line, state and answer: the bound ranges,
// the cell counts and the value range of every state's step expression.
// "dp2nn check" prints it.
func (m *Model) WriteSummary(w io.Writer) {
	for _, in := range m.Inputs {
		fmt.Fprintf(w, "  input %s %s in %g..%g\n", in.Name, in.Type, in.Lo, in.Hi)
	}
	for _, d := range m.Data {
		name := d.Name
		if len(d.Dims) > 0 {
			name += "[" + dimsText(d.Dims) + "]"
		}
		fmt.Fprintf(w, "  data %s %s in %s, %d values per instance\n", name, d.Type, rangeText(d.Lo, d.Hi, d.MayInf), d.Cells())
	}
	if m.Steps > 0 {
		fix := ""
		if m.Fixpoint != nil {
			fix = fmt.Sprintf(", then one more that must change nothing (require fixpoint %q)", m.Fixpoint.Msg)
		}
		fmt.Fprintf(w, "  steps %d%s\n", m.Steps, fix)
	}
	for _, s := range m.States {
		fmt.Fprintf(w, "  state %s[%s] %s in %s, %d cells, step value range %s\n",
			s.Name, dimsText(s.Dims), s.Type, rangeText(s.Lo, s.Hi, s.MayInf), s.Cells(), rangeText(s.Body.Lo, s.Body.Hi, s.Body.MayInf))
	}
	if a := m.Answer; a != nil {
		fmt.Fprintf(w, "  %s (decoded outside the network)\n", m.File.Text(a.Decl))
	}
}

// dimsText prints index dimensions as declared: "i in 1..6" or, for a
// subsets dimension, "S in subsets(1..4)".
func dimsText(dims []Dim) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		if d.Set {
			parts[i] = fmt.Sprintf("%s in subsets(%d..%d)", d.Var, d.ElemLo, d.ElemHi)
			continue
		}
		parts[i] = fmt.Sprintf("%s in %d..%d", d.Var, d.Lo, d.Hi)
	}
	return strings.Join(parts, ", ")
}

// rangeText prints a value range, "lo..hi" or "lo..hi or inf", with
// infinite ends as the language writes them (-inf, inf).
func rangeText(lo, hi float64, mayInf bool) string {
	end := func(v float64) string {
		switch {
		case math.IsInf(v, 1):
			return "inf"
		case math.IsInf(v, -1):
			return "-inf"
		}
		return fmt.Sprintf("%g", v)
	}
	s := end(lo) + ".." + end(hi)
	if mayInf {
		s += " or inf"
	}
	return s
}
