package instance_test

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/testprog"
)

// dataDeclProgram declares data of every kind: a matrix that may be inf
// with an index range starting at 1, a real list starting at 0, a scalar.
const dataDeclProgram = `dp d
param n int = 3
data c[u in 1..n, v in 1..2] int in -10..10 or inf
data w[i in 0..n - 1] real in 0..1
data R int in 0..30
state f[i in 1..1] int in 0..1 = 0
steps 1
step f[i] = f[i]
answer f[1]
`

func TestBindData(t *testing.T) {
	m := testprog.Source(t, dataDeclProgram, nil)
	inst, err := instance.ReadInstance("g.json", []byte(`{"name": "g", "params": {"n": 3},
		"data": {"c": [[0, 3], ["inf", -10], [10, 2]], "w": [0.5, 0, 1], "R": 30}}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{"n": 3}, inst.Scalars)
	assert.Empty(t, inst.Steps)
	data, err := instance.BindData(m, inst)
	require.NoError(t, err)
	inf := math.Inf(1)
	assert.Equal(t, [][]float64{{0, 3, inf, -10, 10, 2}, {0.5, 0, 1}, {30}}, data, "per m.Data in order, row-major")
	steps, err := instance.Bind(m, inst)
	require.NoError(t, err)
	assert.Nil(t, steps, "a program with a steps line takes no per-step inputs")
}

func TestBindDataErrors(t *testing.T) {
	m := testprog.Source(t, dataDeclProgram, nil)
	m6 := testprog.Source(t, dataDeclProgram, map[string]int64{"n": 6})
	good := map[string]string{"c": `[[0, 3], ["inf", -10], [10, 2]]`, "w": `[0.5, 0, 1]`, "R": `30`}
	// with returns the JSON of the good instance with data name replaced
	// (or removed when value is "").
	with := func(name, value string) string {
		var parts []string
		for _, k := range []string{"c", "w", "R", "z"} {
			v, ok := good[k]
			if k == name {
				v, ok = value, value != ""
			}
			if ok {
				parts = append(parts, fmt.Sprintf("%q: %s", k, v))
			}
		}
		return `{"data": {` + strings.Join(parts, ", ") + `}}`
	}
	tests := []struct {
		name, json string
		six        bool // bind to n = 6
		want       []string
	}{
		{name: "wrong shape", json: with("c", `[[0, 3, 1], [1, 2, 3], [1, 1, 1]]`),
			want: []string{"g.json: data c is a 3×3 array, want a 3×2 array (c[u in 1..3, v in 1..2])"}},
		{name: "scalar for a list", json: with("w", `5`),
			want: []string{"g.json: data w is a scalar, want a list of 3 (w[i in 0..2])"}},
		{name: "list for a scalar", json: with("R", `[30]`),
			want: []string{"g.json: data R is a list of 1, want a scalar"}},
		{name: "not an integer", json: with("c", `[[0, 3], [2.5, -10], [10, 2]]`),
			want: []string{"g.json: data c[2, 1] = 2.5 is not an integer (c is int)"}},
		{name: "out of range", json: with("c", `[[0, 11], [1, -10], [10, 2]]`),
			want: []string{"g.json: data c[1, 2] = 11 is outside -10..10"}},
		{name: "below the range, zero-based dimension", json: with("w", `[0.5, -0.25, 1]`),
			want: []string{"g.json: data w[1] = -0.25 is outside 0..1"}},
		{name: "scalar out of range", json: with("R", `31`),
			want: []string{"g.json: data R = 31 is outside 0..30"}},
		{name: "inf where not allowed", json: with("w", `[0.5, "inf", 1]`),
			want: []string{`g.json: data w[1] = inf is not allowed: w is not declared "or inf"`}},
		{name: "unknown data", json: with("z", `1`),
			want: []string{"g.json: data z is not declared by d (its data: c, w, R)"}},
		{name: "missing data", json: with("R", ""),
			want: []string{"g.json: missing data R (R is a scalar, t.dp:5:1)"}},
		{name: "every error", json: `{"data": {"c": [[11, 0], [0, 0], [0, 0.5]], "w": [2, 0, 0], "q": 1}}`,
			want: []string{
				"g.json: data c[1, 1] = 11 is outside -10..10",
				"g.json: data c[3, 2] = 0.5 is not an integer (c is int)",
				"g.json: data w[0] = 2 is outside 0..1",
				"g.json: missing data R (R is a scalar, t.dp:5:1)",
				"g.json: data q is not declared by d (its data: c, w, R)",
			}},
		{name: "at most ten errors per array", six: true,
			json: `{"data": {"c": [[11, 11], [11, 11], [11, 11], [11, 11], [11, 11], [11, 11]], "w": [0, 0, 0, 0, 0, 0], "R": 0}}`,
			want: []string{
				"g.json: data c[1, 1] = 11 is outside -10..10", "g.json: data c[1, 2] = 11 is outside -10..10",
				"g.json: data c[2, 1] = 11 is outside -10..10", "g.json: data c[2, 2] = 11 is outside -10..10",
				"g.json: data c[3, 1] = 11 is outside -10..10", "g.json: data c[3, 2] = 11 is outside -10..10",
				"g.json: data c[4, 1] = 11 is outside -10..10", "g.json: data c[4, 2] = 11 is outside -10..10",
				"g.json: data c[5, 1] = 11 is outside -10..10", "g.json: data c[5, 2] = 11 is outside -10..10",
				"g.json: data c: 2 more values are wrong",
			}},
		// Errors of the JSON form, reported by ReadInstance.
		{name: "ragged lists", json: with("c", `[[0, 3], [1], [10, 2]]`),
			want: []string{"g.json: data c: element [1]: a list of 1, but the first list at this depth has 2 (the nesting must be regular)"}},
		{name: "value among lists", json: with("c", `[[0, 3], 1, [10, 2]]`),
			want: []string{"g.json: data c: element [1]: a value where other elements at this depth are lists (the nesting must be regular)"}},
		{name: "list among values", json: with("w", `[0, [1], 1]`),
			want: []string{"g.json: data w: element [1]: a list where other elements at this depth are values (the nesting must be regular)"}},
		{name: "a string", json: with("c", `[[0, "x"], [1, 2], [10, 2]]`),
			want: []string{`g.json: data c: element [0][1]: got the string "x", want a number or "inf"`}},
		{name: "-inf", json: with("c", `[[0, "-inf"], [1, 2], [10, 2]]`),
			want: []string{`g.json: data c: element [0][1]: got the string "-inf", want a number or "inf"`}},
		{name: "null", json: with("R", `null`),
			want: []string{`g.json: data R: got null, want a number or "inf"`}},
		{name: "an object", json: with("R", `{"v": 1}`),
			want: []string{`g.json: data R: got an object, want a number or "inf"`}},
		{name: "too large", json: with("R", `1e999`),
			want: []string{`g.json: data R: 1e999 is not a finite number`}},
		{name: "data in the knapsack form", json: `{"capacity": 5, "items": [{"profit": 1, "weight": 1}], "data": {"R": 1}}`,
			want: []string{`g.json: "data" belongs to the generic form (with "params" and "steps"), not to the knapsack form (with "items")`}},
		{name: "empty data", json: `{"params": {"n": 3}, "data": {}}`,
			want: []string{`g.json: "data" is empty`}},
		{name: "params only", json: `{"params": {"n": 3}}`,
			want: []string{"g.json: missing data c (c[u in 1..3, v in 1..2], t.dp:3:1)", "g.json: missing data w (w[i in 0..2], t.dp:4:1)", "g.json: missing data R (R is a scalar, t.dp:5:1)"}},
		{name: "nothing", json: `{"name": "x"}`,
			want: []string{`g.json: no "items" (knapsack form) and no "params", "steps" or "data" (generic form)`}},
		{name: "data not an object", json: `{"data": [1, 2]}`,
			want: []string{`g.json:1:11: data: got an array, want an object`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, err := instance.ReadInstance("g.json", []byte(tt.json))
			if err == nil {
				mm := m
				if tt.six {
					mm = m6
				}
				_, err = instance.BindData(mm, inst)
			}
			require.Error(t, err)
			assert.Equal(t, tt.want, errorMessages(err))
		})
	}
}

func TestWriteInstance(t *testing.T) {
	inf := math.Inf(1)
	inst := &instance.Instance{
		Name:    "g",
		Scalars: map[string]float64{"n": 3, "s": 1},
		Data: map[string]*instance.DataArray{
			"c": {Shape: []int{2, 3}, Values: []float64{0, 3, inf, -1.5, 0, 1e21}},
			"x": {Shape: []int{3}, Values: []float64{1, 2, 3}},
			"R": {Values: []float64{30}},
			"t": {Shape: []int{2, 1, 2}, Values: []float64{1, 2, 3, 4}},
		},
		Steps: []map[string]float64{{"profit": 3, "weight": 0.25}, {"profit": 1, "weight": 1}},
	}
	got, err := instance.MarshalInstance(inst)
	require.NoError(t, err)
	want := `{
  "name": "g",
  "params": {"n": 3, "s": 1},
  "data": {
    "R": 30,
    "c": [
      [0, 3, "inf"],
      [-1.5, 0, 1e+21]
    ],
    "t": [
      [
        [1, 2]
      ],
      [
        [3, 4]
      ]
    ],
    "x": [1, 2, 3]
  },
  "steps": [
    {"profit": 3, "weight": 0.25},
    {"profit": 1, "weight": 1}
  ]
}
`
	assert.Equal(t, want, string(got))

	back, err := instance.ReadInstance("g.json", got)
	require.NoError(t, err)
	assert.Equal(t, inst.Name, back.Name)
	assert.Equal(t, inst.Scalars, back.Scalars)
	assert.Equal(t, inst.Steps, back.Steps)
	assert.Equal(t, inst.Data, back.Data)

	var buf bytes.Buffer
	require.NoError(t, instance.WriteInstance(&buf, inst))
	assert.Equal(t, want, buf.String())

	for _, bad := range []struct {
		inst *instance.Instance
		want string
	}{
		{&instance.Instance{Data: map[string]*instance.DataArray{"c": {Shape: []int{2}, Values: []float64{1}}}}, "verify: data c: 1 values for its shape [2]"},
		{&instance.Instance{Data: map[string]*instance.DataArray{"c": {Values: []float64{math.Inf(-1)}}}}, "verify: cannot write data c value -Inf as JSON (only numbers and inf)"},
		{&instance.Instance{Scalars: map[string]float64{"n": math.NaN()}}, "verify: cannot write param n = NaN as JSON"},
		{&instance.Instance{Steps: []map[string]float64{{"x": math.Inf(1)}}}, "verify: cannot write step 1: x = +Inf as JSON"},
	} {
		_, err := instance.MarshalInstance(bad.inst)
		assert.EqualError(t, err, bad.want)
	}
}
