package dsl

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallParams are the values the "set" goldens give to params of these
// names; any other param gets 5.
var smallParams = map[string]int64{"pmax": 5, "capacity": 7, "amax": 6, "K": 9}

func TestCheckExamplesGolden(t *testing.T) {
	for _, path := range examplePaths(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".dp")
		t.Run(name, func(t *testing.T) {
			f, _ := parseExample(t, path)
			m, err := Check(f, nil)
			require.NoError(t, err)
			checkModel(t, m)
			for _, p := range m.Params {
				assert.False(t, p.Set, "param %s", p.Name)
			}
			var buf bytes.Buffer
			require.NoError(t, Dump(&buf, m))
			golden(t, name+".model", buf.Bytes())

			params := map[string]int64{}
			for _, p := range f.Params {
				v, ok := smallParams[p.Name.Name]
				if !ok {
					v = 5
				}
				params[p.Name.Name] = v
			}
			m, err = Check(f, params)
			require.NoError(t, err)
			checkModel(t, m)
			for _, p := range m.Params {
				assert.True(t, p.Set, "param %s", p.Name)
				assert.Equal(t, params[p.Name], p.Value)
			}
			buf.Reset()
			require.NoError(t, Dump(&buf, m))
			golden(t, name+".set.model", buf.Bytes())
		})
	}
}

func checkSource(t *testing.T, src string, params map[string]int64) *Model {
	t.Helper()
	f, err := Parse("t.dp", []byte(src))
	require.NoError(t, err)
	m, err := Check(f, params)
	require.NoError(t, err)
	checkModel(t, m)
	return m
}

// TestCheckTerms checks the type, interval and shape of step bodies.
func TestCheckTerms(t *testing.T) {
	const decls = `dp t
param n int = 4
input size real in 0..1
input w int in 1..3
state f[p in 1..n] real in 0..2 = 2
f[p <= 0] = 0
f[p > n] = 1
state c[p in 1..n] int in -10..10 = 0
c[p <= 0] = -1
c[p > n] = 5
state big[p in 1..n] real in -inf..inf = 0
`
	tests := []struct {
		state, body string
		kind        TermKind
		typ         Type
		lo, hi      float64
	}{
		{"f", "min(f[p], f[p - w] + size)", TMin, Real, 0, 2},
		{"f", "clamp(f[p] + size, 0, 2)", TClamp, Real, 0, 2},
		{"f", "0.5 * f[p] + 1", TAdd, Real, 1, 2},
		{"f", "f[p] / 2", TScale, Real, 0, 1},
		{"f", "2 - f[p]", TAdd, Real, 0, 2},
		{"f", "-(-f[p])", TNeg, Real, 0, 2},
		{"f", "max(f[p + w], 1)", TMax, Real, 1, 2},
		{"f", "f[p + w]", TRead, Real, 0, 2},
		{"f", "2 * n / 8", TConst, Int, 1, 1},
		{"f", "min(n, 1 + 1) / 4 + 1.5", TConst, Int, 2, 2},
		{"f", "max(0.5, 0.25)", TConst, Real, 0.5, 0.5},
		{"f", "size * 2", TScale, Real, 0, 2},
		{"c", "min(c[p], c[p - w] + 1)", TMin, Int, -10, 10},
		{"c", "clamp(2 * c[p] - 3, -10, 10)", TClamp, Int, -10, 10},
		{"c", "max(-10, min(10, c[p] + w - p))", TMax, Int, -10, 10},
		{"c", "clamp(c[p] + w, -10, 10)", TClamp, Int, -9, 10},
		{"c", "p", TIndexVar, Int, 1, 4},
		// Reads take the declared range joined with the boundary values.
		{"c", "max(c[p - n], c[p + n])", TMax, Int, -10, 10},
		{"c", "c[p - n]", TRead, Int, -10, 10},
		{"c", "-w", TNeg, Int, -3, -1},
		{"big", "big[p] + inf", TAdd, Real, math.Inf(-1), math.Inf(1)},
		{"big", "big[p] * 0", TScale, Real, 0, 0},
		{"big", "min(big[p], inf)", TMin, Real, math.Inf(-1), math.Inf(1)},
		{"big", "-big[p] - inf", TAdd, Real, math.Inf(-1), math.Inf(1)},
		{"big", "clamp(big[p], -1, 1)", TClamp, Real, -1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.state+"="+tt.body, func(t *testing.T) {
			b := stepBody(t, decls, []string{"f", "c", "big"}, tt.state, tt.body)
			assert.Equal(t, tt.kind, b.Kind)
			assert.Equal(t, tt.typ, b.Type)
			assert.Equal(t, tt.lo, b.Lo, "Lo")
			assert.Equal(t, tt.hi, b.Hi, "Hi")
			assert.Equal(t, tt.body, b.Text)
		})
	}
}

func TestCheckIndexExpr(t *testing.T) {
	const decls = `dp t
param n int = 10
param k int = 2
input a int in 1..3
input b int in -2..5
state g[i in 1..n, j in 0..n] real in 0..1 = 0
step g[i, j] = g[i, j]
state f[p in 1..n] real in 0..1 = 0
f[p <= 0] = 0
f[p > n] = 0
`
	tests := []struct {
		index  string
		hasVar bool
		inputs []IndexInput // Input pointers are filled by name
		names  []string
		konst  int
		lo, hi int
		err    string // a regexp the error must match; "" when the index is valid
	}{
		{"p", true, nil, nil, 0, 1, 10, ""},
		{"p - a", true, []IndexInput{{Coef: -1}}, []string{"a"}, 0, -2, 9, ""},
		{"p + b - a + k", true, []IndexInput{{Coef: -1}, {Coef: 1}}, []string{"a", "b"}, 2, -2, 16, ""},
		{"(p + 1) - 1 + 2 * k", true, nil, nil, 4, 5, 14, ""},
		{"-a + 3 * (1 - k) + p + a + a", true, []IndexInput{{Coef: 1}}, []string{"a"}, -3, -1, 10, ""},
		{"n - p", false, nil, nil, 0, 0, 9, ""}, // not the old form: Static only
		{"n", false, nil, nil, 10, 10, 10, ""},
		{"max(k, 3) + p / 1", false, nil, nil, 0, 0, 0, "an index cannot divide a varying value"},
		{"min(n, 3, k) + p", true, nil, nil, 2, 3, 12, ""},
		{"clamp(n, 1, 4) - b", false, []IndexInput{{Coef: -1}}, []string{"b"}, 4, -1, 6, ""},
	}
	for _, tt := range tests {
		t.Run(tt.index, func(t *testing.T) {
			src := decls + "step f[p] = f[" + tt.index + "]\n"
			f, err := Parse("t.dp", []byte(src))
			require.NoError(t, err)
			m, err := Check(f, nil)
			if tt.err != "" {
				require.Error(t, err)
				assert.Regexp(t, tt.err, err.Error())
				return
			}
			require.NoError(t, err)
			checkModel(t, m)
			ie := m.States[1].Body.Index[0]
			assert.Equal(t, tt.hasVar, ie.HasVar)
			for i := range tt.inputs {
				in := m.Inputs[0]
				if tt.names[i] == "b" {
					in = m.Inputs[1]
				}
				tt.inputs[i].Input = in
			}
			if len(tt.inputs) == 0 {
				assert.Empty(t, ie.Terms)
			} else {
				assert.Equal(t, tt.inputs, ie.Terms)
			}
			assert.Equal(t, tt.konst, ie.Const)
			assert.Equal(t, [2]int{tt.lo, tt.hi}, [2]int{ie.Lo, ie.Hi})
			assert.Equal(t, tt.index, ie.Text)
		})
	}
}

func TestCheckBoundaryReach(t *testing.T) {
	// Boundaries overlap: the first rule that holds gives the value, so
	// reads at index 0 see 3 (p == 0 comes first), reads below see 1.
	src := `dp b
input w int in 0..4
state f[p in 1..3] real in 0..5 = 0
f[p == 0] = 3
f[p < 1] = 1
f[p != 99] = 5
step f[p] = f[p - w]
answer max p where f[p] >= f[p + 2]
`
	m := checkSource(t, src, nil)
	s := m.States[0]
	read := s.Body
	require.Equal(t, TRead, read.Kind)
	assert.Equal(t, [2]int{-3, 3}, [2]int{read.Index[0].Lo, read.Index[0].Hi})
	v, ok := s.BoundaryAt(0)
	assert.True(t, ok)
	assert.Equal(t, 3.0, v)
	v, ok = s.BoundaryAt(-2)
	assert.True(t, ok)
	assert.Equal(t, 1.0, v)
	v, ok = s.BoundaryAt(4)
	assert.True(t, ok)
	assert.Equal(t, 5.0, v)

	var st State
	st.Dims = []Dim{{Var: "p", Lo: 1, Hi: 3}}
	st.Boundaries = []*Boundary{{Op: EQ, Bound: 0, Value: 3}, {Op: LT, Bound: 1, Value: 1}, {Op: GT, Bound: 5, Value: 4}}
	vals, _, ok := boundaryReach(&st, -5, 3)
	assert.True(t, ok)
	assert.ElementsMatch(t, []float64{1, 3}, dedupe(vals))
	_, uncovered, ok := boundaryReach(&st, 0, 8)
	assert.False(t, ok)
	assert.Equal(t, 4, uncovered, "4 and 5 are above the range but not > 5")
	vals, _, ok = boundaryReach(&st, 6, 1<<40)
	assert.True(t, ok)
	assert.Equal(t, []float64{4}, dedupe(vals))
}

func dedupe(vs []float64) []float64 {
	var out []float64
	for _, v := range vs {
		if len(out) == 0 || !containsFloat(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func containsFloat(vs []float64, v float64) bool {
	for _, w := range vs {
		if w == v {
			return true
		}
	}
	return false
}

func TestCheckAnswers(t *testing.T) {
	const decls = `dp t
param n int = 5
state f[p in 0..n] int in 0..9 = 0
f[p < 0] = 9
step f[p] = f[p]
state g[i in 1..2, j in 1..3] real in 0..1 = 0
step g[i, j] = g[i, j]
`
	t.Run("value", func(t *testing.T) {
		m := checkSource(t, decls+"answer f[n] + g[2, 3]\n", nil)
		a := m.Answer
		assert.Equal(t, AnswerValue, a.Kind)
		assert.Equal(t, TAdd, a.Value.Kind)
		assert.Equal(t, [2]float64{0, 10}, [2]float64{a.Value.Lo, a.Value.Hi})
	})
	t.Run("min", func(t *testing.T) {
		m := checkSource(t, decls+"answer min q where f[q - 1] + 1 < f[q]\n", nil)
		a := m.Answer
		assert.Equal(t, AnswerMinIndex, a.Kind)
		assert.Equal(t, "q", a.Var)
		assert.Same(t, m.States[0], a.State)
		assert.Equal(t, [2]int{0, 5}, [2]int{a.Lo, a.Hi})
		assert.Equal(t, LT, a.Op)
		assert.Equal(t, [2]float64{1, 10}, [2]float64{a.LHS.Lo, a.LHS.Hi})
		assert.Equal(t, [2]int{-1, 4}, [2]int{a.LHS.Args[0].Index[0].Lo, a.LHS.Args[0].Index[0].Hi})
	})
	t.Run("max with index var value", func(t *testing.T) {
		m := checkSource(t, decls+"answer max q where (f[(q)]) >= q\n", nil)
		a := m.Answer
		assert.Equal(t, AnswerMaxIndex, a.Kind)
		assert.Equal(t, TIndexVar, a.RHS.Kind)
		assert.Equal(t, 0, a.RHS.Dim)
	})
	t.Run("none", func(t *testing.T) {
		m := checkSource(t, decls, nil)
		assert.Nil(t, m.Answer)
	})
}

func TestCheckParams(t *testing.T) {
	src := []byte(`dp p
param a int = 3
param b int = a * 2 + 1
param c int
state f[i in 1..c] int in 0..b = a
step f[i] = f[i]
`)
	f, err := Parse("p.dp", src)
	require.NoError(t, err)

	m, err := Check(f, map[string]int64{"c": 4})
	require.NoError(t, err)
	assert.Equal(t, []ParamValue{{"a", 3, false}, {"b", 7, false}, {"c", 4, true}}, m.Params)
	v, ok := m.Param("b")
	assert.True(t, ok)
	assert.Equal(t, int64(7), v)
	_, ok = m.Param("zz")
	assert.False(t, ok)

	m, err = Check(f, map[string]int64{"a": 1, "c": 2})
	require.NoError(t, err)
	assert.Equal(t, []ParamValue{{"a", 1, true}, {"b", 3, false}, {"c", 2, true}}, m.Params)

	_, err = Check(f, nil)
	assert.EqualError(t, err, "p.dp:4:1: param c has no value; set it with -set c=N")

	_, err = Check(f, map[string]int64{"c": 2, "zeta": 1, "alpha": 2})
	var errs ErrorList
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs, 2)
	assert.Equal(t, Pos{File: "p.dp"}, errs[0].Pos)
	assert.Equal(t, "p.dp: unknown param alpha in -set alpha=2; the params of this program are a, b, c", errs[0].Error())
	assert.Equal(t, "p.dp: unknown param zeta in -set zeta=1; the params of this program are a, b, c", errs[1].Error())

	_, err = Check(f, map[string]int64{"c": 0})
	assert.EqualError(t, err, "p.dp:5:14: the index range of f 1..0 is empty: 1 > 0")
}

// TestCheckReportsAll makes sure independent mistakes are all reported, in
// source order, every one of them.
func TestCheckReportsAll(t *testing.T) {
	var src strings.Builder
	src.WriteString("dp many\n")
	for i := 0; i < 15; i++ {
		fmt.Fprintf(&src, "state s%d[p in 1..2] real in 0..1 = 0\nstep s%d[p] = s%d[p] + 1\n", i, i, i)
	}
	f, err := Parse("m.dp", []byte(src.String()))
	require.NoError(t, err)
	_, err = Check(f, nil)
	var errs ErrorList
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs, 15, "every error, none dropped")
	for i, e := range errs {
		assert.Equal(t, 3+2*i, e.Pos.Line)
		assert.Contains(t, e.Msg, fmt.Sprintf("step value range [1, 2] of s%d is not inside its declared range [0, 1]", i))
	}
}

func TestCheckNil(t *testing.T) {
	_, err := Check(nil, nil)
	assert.EqualError(t, err, "no program to check")
}

// TestCheckFarRanges covers value ranges far from zero and infinite on one
// side, where the random evaluation of checkModel must draw inside them.
func TestCheckFarRanges(t *testing.T) {
	m := checkSource(t, `dp far
input x real in -1..1
state a[p in 1..2] int in 2000000..3000000 = 2000000
state b[p in 1..2] real in -1e300..1e300 = 0
state c[p in 1..2] int in 5..inf = inf
state d[p in 1..2] real in -inf..-7 = -7
step a[p] = clamp(a[p] + 1, 2000000, 3000000)
step b[p] = clamp(b[p] * 0.5 + x, -1e300, 1e300)
step c[p] = min(c[p], c[p] + 1)
step d[p] = min(d[p], d[p] - 1 + x)
`, nil)
	assert.Equal(t, [2]float64{5, math.Inf(1)}, [2]float64{m.States[2].Body.Lo, m.States[2].Body.Hi})
	assert.Equal(t, [2]float64{math.Inf(-1), -7}, [2]float64{m.States[3].Body.Lo, m.States[3].Body.Hi})
}

// stepBody checks decls with a step line for each state (the identity,
// body for the state named state) and returns that state's checked body.
func stepBody(t *testing.T, decls string, states []string, state, body string) *Term {
	t.Helper()
	var src strings.Builder
	src.WriteString(decls)
	for _, s := range states {
		b := s + "[p]"
		if s == state {
			b = body
		}
		fmt.Fprintf(&src, "step %s[p] = %s\n", s, b)
	}
	m := checkSource(t, src.String(), nil)
	for _, s := range m.States {
		if s.Name == state {
			return s.Body
		}
	}
	require.FailNow(t, "no state "+state)
	return nil
}
