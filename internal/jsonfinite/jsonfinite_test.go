package jsonfinite_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/jsonfinite"
)

type inner struct {
	A    float64 `json:"a"`
	B    int     `json:"b,omitempty"`
	Hide string  `json:"-"`
}

type Embedded struct {
	E     float64
	Same  int `json:"same"`
	Other int
}

type marshals float64

func (m marshals) MarshalJSON() ([]byte, error) { return []byte(`"m"`), nil }

type sample struct {
	Name     string             `json:"name"`
	Value    *float64           `json:"value,omitempty"`
	Cells    []float64          `json:"cells,omitempty"`
	Totals   map[string]float64 `json:"totals,omitempty"`
	F32      float32            `json:"f32"`
	Inner    inner              `json:"inner"`
	PInner   *inner             `json:"pinner"`
	Any      any                `json:"any"`
	Ints     map[int]float64    `json:"ints"`
	Bytes    []byte             `json:"bytes"`
	Arr      [2]float64         `json:"arr"`
	Quoted   float64            `json:"quoted,string"`
	M        marshals           `json:"m"`
	Time     time.Time          `json:"time"`
	Nil      []int              `json:"nil"`
	Empty    []int              `json:"empty"`
	HTML     string             `json:"html"`
	unexport float64
	Embedded
	Same   string `json:"same"` // hides Embedded.Same
	Untagd bool
}

func finiteSample() sample {
	v := 3.5
	return sample{
		Name: "x", Value: &v, Cells: []float64{1, -2.25, 1e21, 1e-7}, Totals: map[string]float64{"b": 2, "a": 1},
		F32: 0.1, Inner: inner{A: 1.5, Hide: "h"}, Any: []any{1.0, "s", nil, map[string]any{"k": 2.0}},
		Ints: map[int]float64{10: 1, 2: 2}, Bytes: []byte("hi"), Arr: [2]float64{1, 2}, Quoted: 2.5, M: 1,
		Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Empty: []int{}, HTML: "<a&b>", unexport: 1,
		Embedded: Embedded{E: 7, Same: 8, Other: 9}, Same: "outer", Untagd: true,
	}
}

// Without non-finite floats, the output is encoding/json's byte for byte,
// on the slow path too (forced by one +Inf elsewhere, then compared
// against the same value with that one float finite).
func TestSameAsEncodingJSON(t *testing.T) {
	s := finiteSample()
	want, err := json.Marshal(s)
	require.NoError(t, err)
	got, err := jsonfinite.Marshal(s)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	type wrap struct {
		X    float64 `json:"x"`
		Rest sample  `json:"rest"`
	}
	slow, err := jsonfinite.Marshal(wrap{X: math.Inf(1), Rest: s})
	require.NoError(t, err)
	fast, err := json.Marshal(wrap{X: 0, Rest: s})
	require.NoError(t, err)
	assert.Equal(t, string(bytes.Replace(fast, []byte(`{"x":0,`), []byte(`{"x":"inf",`), 1)), string(slow))
}

// adv3 D7: encoding/json refused the whole report ("json: unsupported
// value: +Inf").
func TestNonFinite(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"value", struct {
			V *float64 `json:"value"`
		}{&inf}, `{"value":"inf"}`},
		{"cells", []float64{1, math.Inf(-1), nan}, `[1,"-inf","nan"]`},
		{"map", map[string]float64{"a": inf}, `{"a":"inf"}`},
		{"float32", struct{ F float32 }{float32(math.Inf(-1))}, `{"F":"-inf"}`},
		{"nested any", map[string]any{"x": []any{inf}}, `{"x":["inf"]}`},
		{"quoted", struct {
			Q float64 `json:"q,string"`
		}{inf}, `{"q":"inf"}`},
		{"omitempty keeps inf", struct {
			V float64 `json:"v,omitempty"`
		}{inf}, `{"v":"inf"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := jsonfinite.Marshal(tc.v)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(b))
			assert.True(t, json.Valid(b))
		})
	}
}

func TestWriteIndents(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, jsonfinite.Write(&buf, map[string]float64{"a": math.Inf(1)}, "  "))
	assert.Equal(t, "{\n  \"a\": \"inf\"\n}\n", buf.String())
	buf.Reset()
	require.NoError(t, jsonfinite.Write(&buf, []int{1}, ""))
	assert.Equal(t, "[1]\n", buf.String())
}

// Errors other than non-finite floats are encoding/json's.
func TestOtherErrors(t *testing.T) {
	_, err := jsonfinite.Marshal(map[string]any{"c": make(chan int)})
	assert.Error(t, err)
}

func FuzzMarshal(f *testing.F) {
	f.Add(1.5, 2.0, "a")
	f.Add(math.Inf(1), math.NaN(), "<b>")
	f.Fuzz(func(t *testing.T, x, y float64, k string) {
		v := struct {
			X  float64            `json:"x"`
			Ys []float64          `json:"ys,omitempty"`
			M  map[string]float64 `json:"m"`
		}{x, []float64{y, x}, map[string]float64{k: y}}
		b, err := jsonfinite.Marshal(v)
		require.NoError(t, err)
		require.True(t, json.Valid(b), "%s", b)
		if !math.IsInf(x, 0) && !math.IsNaN(x) && !math.IsInf(y, 0) && !math.IsNaN(y) {
			want, err := json.Marshal(v)
			require.NoError(t, err)
			require.Equal(t, string(want), string(b))
		}
	})
}
