package instance

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/diag"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/truth"
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
// back as a go/diag.ErrorList naming the file, the element and the
// value, e.g.
//
//	g.json: data c[2, 3] = 11 is outside -10..10
//
// with the index values as declared (c[u in 1..n, v in 1..n]: u = 2, v = 3).
func BindData(m *dsl.Model, inst *Instance) ([][]float64, error) {
	var errs diag.ErrorList
	pos := diag.Pos{File: inst.Source}
	add := func(format string, args ...any) { errs.Add(pos, fmt.Sprintf(format, args...)) }
	declared := make(map[string]bool)
	out := make([][]float64, len(m.Data))
	for k, d := range m.Data {
		declared[d.Name] = true
		arr, ok := inst.Data[d.Name]
		if !ok || arr == nil {
			add("missing data %s (%s, %s)", d.Name, truth.DataDeclText(d), truth.DeclPos(d.Decl))
			continue
		}
		want := dataShape(d)
		if !slices.Equal(arr.Shape, want) {
			decl := ""
			if len(want) > 0 {
				decl = " (" + truth.DataDeclText(d) + ")"
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
			if msg := truth.DataValueProblem(d, v); msg != "" {
				if bad < maxDataErrors {
					add("data %s = %s %s", truth.DataCellName(d, c), truth.FormatData(v), msg)
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
			add("data %s is not declared by %s (%s)", name, m.Name, truth.DeclaredDataText(m))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
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
