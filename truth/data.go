package truth

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
)

// DataValues checks data against m.Data (as BindData does, without a
// file) and converts it to exact values.
func DataValues(m *dsl.Model, data [][]float64) ([][]Value, error) {
	if len(data) != len(m.Data) {
		if len(m.Data) > 0 && data == nil {
			return nil, fmt.Errorf("%s declares data (%s): run it with RunDPData", m.Name, DeclaredDataText(m))
		}
		return nil, fmt.Errorf("%d data arrays for the %d data of %s (%s)", len(data), len(m.Data), m.Name, DeclaredDataText(m))
	}
	if len(data) == 0 {
		return nil, nil
	}
	out := make([][]Value, len(data))
	for k, d := range m.Data {
		if len(data[k]) != d.Cells() {
			return nil, fmt.Errorf("data %s: %d values for its %d cells (%s)", d.Name, len(data[k]), d.Cells(), DataDeclText(d))
		}
		out[k] = make([]Value, len(data[k]))
		for c, f := range data[k] {
			if msg := DataValueProblem(d, f); msg != "" {
				return nil, fmt.Errorf("data %s = %s %s (%s)", DataCellName(d, c), FormatData(f), msg, DeclPos(d.Decl))
			}
			out[k][c], _ = FloatValue(f)
		}
	}
	return out, nil
}

// DataValueProblem says what is wrong with v as a value of d ("is outside
// 1..4", ...), or "" when nothing is.
func DataValueProblem(d *dsl.Data, v float64) string {
	switch {
	case math.IsNaN(v):
		return "is not a number"
	case math.IsInf(v, 1) && d.MayInf:
		return ""
	case math.IsInf(v, 1):
		return fmt.Sprintf("is not allowed: %s is not declared \"or inf\"", d.Name)
	case v < d.Lo || v > d.Hi:
		return fmt.Sprintf("is outside %s..%s", FormatData(d.Lo), FormatData(d.Hi))
	case d.Type == dsl.Int && v != math.Trunc(v):
		return fmt.Sprintf("is not an integer (%s is int)", d.Name)
	}
	return ""
}

// DataDeclText prints the index ranges of d as bound, e.g.
// "c[u in 1..6, v in 1..6]" or "R" for a scalar.
func DataDeclText(d *dsl.Data) string {
	if len(d.Dims) == 0 {
		return d.Name + " is a scalar"
	}
	parts := make([]string, len(d.Dims))
	for k, dim := range d.Dims {
		parts[k] = fmt.Sprintf("%s in %d..%d", dim.Var, dim.Lo, dim.Hi)
	}
	return fmt.Sprintf("%s[%s]", d.Name, strings.Join(parts, ", "))
}

func DeclaredDataText(m *dsl.Model) string {
	if len(m.Data) == 0 {
		return "it declares no data"
	}
	names := make([]string, len(m.Data))
	for k, d := range m.Data {
		names[k] = d.Name
	}
	return "its data: " + strings.Join(names, ", ")
}

// DataCellName names cell c (row-major) of d by its index values, e.g.
// "c[2, 3]"; a scalar by its name.
func DataCellName(d *dsl.Data, c int) string {
	if len(d.Dims) == 0 {
		return d.Name
	}
	idx := make([]string, len(d.Dims))
	for k := len(d.Dims) - 1; k >= 0; k-- {
		size := d.Dims[k].Size()
		idx[k] = strconv.Itoa(d.Dims[k].Lo + c%size)
		c /= size
	}
	return fmt.Sprintf("%s[%s]", d.Name, strings.Join(idx, ", "))
}

// FormatData prints a data value as the JSON instance writes it: inf,
// -inf, or the shortest decimal that reads back as v.
func FormatData(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
