package verify

import (
	"fmt"
	"go/scanner"
	"go/token"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
)

// DataArray is the value of one data declaration in an instance: a scalar
// (Shape empty, one value) or an array given as nested lists, Shape[k]
// being the length of the lists at depth k. Values are row-major (the
// last index varies fastest), math.Inf(1) for inf. The first element of
// every list is the first index value of its dimension (1 for
// "u in 1..n"), whatever the dimension's lower end.
type DataArray struct {
	Shape  []int
	Values []float64
}

// maxDataErrors bounds the errors reported per data array: a matrix of
// wrong values says so without a message per cell.
const maxDataErrors = 10

// BindData returns, per m.Data in order, the values of inst's data of
// that name, row-major with math.Inf(1) for inf: what RunDPData takes. It
// checks that every declared data is given, that the instance gives no
// other, that each has the declared shape (the dimension sizes under m's
// params), and that every value is an integer for int data, inside the
// declared range, or inf only where the data says "or inf". Errors come
// back as a go/scanner.ErrorList naming the file, the element and the
// value, e.g.
//
//	g.json: data c[2, 3] = 11 is outside -10..10
//
// with the index values as declared (c[u in 1..n, v in 1..n]: u = 2, v = 3).
func BindData(m *dsl.Model, inst *Instance) ([][]float64, error) {
	var errs scanner.ErrorList
	pos := token.Position{Filename: inst.Source}
	add := func(format string, args ...any) { errs.Add(pos, fmt.Sprintf(format, args...)) }
	declared := make(map[string]bool)
	out := make([][]float64, len(m.Data))
	for k, d := range m.Data {
		declared[d.Name] = true
		arr, ok := inst.Data[d.Name]
		if !ok || arr == nil {
			add("missing data %s (%s, %s)", d.Name, dataDeclText(d), declPos(d.Decl))
			continue
		}
		want := dataShape(d)
		if !slices.Equal(arr.Shape, want) {
			decl := ""
			if len(want) > 0 {
				decl = " (" + dataDeclText(d) + ")"
			}
			add("data %s is %s, want %s%s", d.Name, shapeText(arr.Shape), shapeText(want), decl)
			continue
		}
		if len(arr.Values) != d.Cells() {
			add("data %s has %d values for %d cells", d.Name, len(arr.Values), d.Cells())
			continue
		}
		bad := 0
		for c, v := range arr.Values {
			if msg := dataValueProblem(d, v); msg != "" {
				if bad < maxDataErrors {
					add("data %s = %s %s", dataCellName(d, c), formatData(v), msg)
				}
				bad++
			}
		}
		if bad > maxDataErrors {
			add("data %s: %d more values are wrong", d.Name, bad-maxDataErrors)
		}
		out[k] = arr.Values
	}
	for _, name := range slices.Sorted(maps.Keys(inst.Data)) {
		if !declared[name] {
			add("data %s is not declared by %s (%s)", name, m.Name, declaredDataText(m))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// dataValues checks data against m.Data (as BindData does, without a
// file) and converts it to exact values.
func dataValues(m *dsl.Model, data [][]float64) ([][]Value, error) {
	if len(data) != len(m.Data) {
		if len(m.Data) > 0 && data == nil {
			return nil, fmt.Errorf("%s declares data (%s): run it with RunDPData", m.Name, declaredDataText(m))
		}
		return nil, fmt.Errorf("%d data arrays for the %d data of %s (%s)", len(data), len(m.Data), m.Name, declaredDataText(m))
	}
	if len(data) == 0 {
		return nil, nil
	}
	out := make([][]Value, len(data))
	for k, d := range m.Data {
		if len(data[k]) != d.Cells() {
			return nil, fmt.Errorf("data %s: %d values for its %d cells (%s)", d.Name, len(data[k]), d.Cells(), dataDeclText(d))
		}
		out[k] = make([]Value, len(data[k]))
		for c, f := range data[k] {
			if msg := dataValueProblem(d, f); msg != "" {
				return nil, fmt.Errorf("data %s = %s %s (%s)", dataCellName(d, c), formatData(f), msg, declPos(d.Decl))
			}
			out[k][c], _ = FloatValue(f)
		}
	}
	return out, nil
}

// dataValueProblem says what is wrong with v as a value of d ("is outside
// 1..4", ...), or "" when nothing is.
func dataValueProblem(d *dsl.Data, v float64) string {
	switch {
	case math.IsNaN(v):
		return "is not a number"
	case math.IsInf(v, 1) && d.MayInf:
		return ""
	case math.IsInf(v, 1):
		return fmt.Sprintf("is not allowed: %s is not declared \"or inf\"", d.Name)
	case v < d.Lo || v > d.Hi:
		return fmt.Sprintf("is outside %s..%s", formatData(d.Lo), formatData(d.Hi))
	case d.Type == dsl.Int && v != math.Trunc(v):
		return fmt.Sprintf("is not an integer (%s is int)", d.Name)
	}
	return ""
}

// dataShape is the shape a DataArray of d must have.
func dataShape(d *dsl.Data) []int {
	shape := make([]int, len(d.Dims))
	for k, dim := range d.Dims {
		shape[k] = dim.Size()
	}
	return shape
}

// shapeText prints a shape: "a scalar", "a list of 6", "a 6×6 array".
func shapeText(shape []int) string {
	switch len(shape) {
	case 0:
		return "a scalar"
	case 1:
		return fmt.Sprintf("a list of %d", shape[0])
	}
	parts := make([]string, len(shape))
	for k, n := range shape {
		parts[k] = strconv.Itoa(n)
	}
	return "a " + strings.Join(parts, "×") + " array"
}

// dataDeclText prints the index ranges of d as bound, e.g.
// "c[u in 1..6, v in 1..6]" or "R" for a scalar.
func dataDeclText(d *dsl.Data) string {
	if len(d.Dims) == 0 {
		return d.Name + " is a scalar"
	}
	parts := make([]string, len(d.Dims))
	for k, dim := range d.Dims {
		parts[k] = fmt.Sprintf("%s in %d..%d", dim.Var, dim.Lo, dim.Hi)
	}
	return fmt.Sprintf("%s[%s]", d.Name, strings.Join(parts, ", "))
}

func declaredDataText(m *dsl.Model) string {
	if len(m.Data) == 0 {
		return "it declares no data"
	}
	names := make([]string, len(m.Data))
	for k, d := range m.Data {
		names[k] = d.Name
	}
	return "its data: " + strings.Join(names, ", ")
}

// dataCellName names cell c (row-major) of d by its index values, e.g.
// "c[2, 3]"; a scalar by its name.
func dataCellName(d *dsl.Data, c int) string {
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

// formatData prints a data value as the JSON instance writes it: inf,
// -inf, or the shortest decimal that reads back as v.
func formatData(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// NewDataInstance returns the instance holding data (per m.Data, as
// RunDPData takes it) and m's params as scalars, e.g. for writing a
// generated instance with WriteInstance. It panics when data does not fit
// m.Data's shapes, which is the caller's bug.
func NewDataInstance(m *dsl.Model, name string, data [][]float64) *Instance {
	if len(data) != len(m.Data) {
		panic(fmt.Sprintf("verify: NewDataInstance: %d data arrays for %d data of %s", len(data), len(m.Data), m.Name))
	}
	inst := &Instance{Name: name, Source: name, StepNoun: "step", Scalars: map[string]float64{}, Data: map[string]*DataArray{}}
	for _, p := range m.Params {
		inst.Scalars[p.Name] = float64(p.Value)
	}
	for k, d := range m.Data {
		if len(data[k]) != d.Cells() {
			panic(fmt.Sprintf("verify: NewDataInstance: %d values for the %d cells of %s", len(data[k]), d.Cells(), d.Name))
		}
		inst.Data[d.Name] = &DataArray{Shape: dataShape(d), Values: slices.Clone(data[k])}
	}
	return inst
}
