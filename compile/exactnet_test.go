package compile_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/truth"
)

// A run refuses a type that cannot hold the network's integers exactly,
// as compile and export do: solve and verify run through a Runner, and a
// float32 run of values at 2^24 would otherwise round an integer state
// and answer wrongly (16777214 for max(-16777214, 16777215)).
func TestRunnerRefusesInexactType(t *testing.T) {
	const big = `dp big
input a int in -16777214..16777215
input b int in -16777214..16777215
state f[i in 1..1] int in -16777214..16777215 = 0
step f[i] = max(a, b)
answer f[1]
`
	const small = `dp small
input a int in -1000..1000
input b int in -1000..1000
state f[i in 1..1] int in -1000..1000 = 0
step f[i] = max(a, b)
answer f[1]
`
	for _, c := range []struct {
		name, src string
		f32, f64  string // "" when the run is allowed, else part of the refusal
	}{
		{"values past 2^24", big, "float32 cannot run big exactly: the network's sums for max(a, b) (t.dp:5:13) may reach 3.355e+07", ""},
		{"small values", small, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := testprog.Source(t, c.src, nil)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			steps := [][]float64{{-1000, 1000}}
			r32, err := compile.NewRunner[float32](net)
			require.NoError(t, err)
			_, err32 := r32.Run(steps)
			_, err32b := r32.RunBatch([][][]float64{steps})
			r64, err := compile.NewRunner[float64](net)
			require.NoError(t, err)
			_, err64 := r64.Run(steps)
			for _, e := range []struct {
				err  error
				want string
			}{{err32, c.f32}, {err32b, c.f32}, {err64, c.f64}} {
				if e.want == "" {
					assert.NoError(t, e.err)
				} else {
					require.Error(t, e.err)
					assert.Contains(t, e.err.Error(), e.want)
				}
			}
		})
	}
}

// An exact (or fptas) network computes with finite numbers: an infinity
// that has no finite stand-in (−inf, +inf outside an "or inf" state) and
// would enter the network — as an initial value, as a cell's next value,
// in a neuron — is refused when lowering, at the line that brings it in,
// instead of a network whose max(a, b) = a + relu(b − a) gives NaN when
// a is −inf (examples/topk.dp answered NaN with exit 0). One that folds
// away when compiling (max(-inf, x) is x, clamp(-inf, 0, 1) is 0) is
// fine, and the network computes the interpreter's values.
func TestLowerRefusesInfinities(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      string // "" when it lowers
	}{
		{"-inf initial value", `dp p
input theta real in -10..10
state v[c in 1..2] real in -inf..inf = -inf
v[c == 0] = 0
v[c < 0] = -inf
step v[c] = max(v[c], v[c - 1] + theta)
answer v[2]
`, "t.dp:3:1: the initial value of v[1] is -inf, which an exact network cannot hold"},
		{"-inf per-cell initial value", `dp p
data w[i in 1..2] int in 0..5
state L[v in 1..3] real in -inf..inf = if v == 1 then 0 else -inf
steps 2
step L[v] = max(L[v], L[v - 1] + w[1])
L[v <= 0] = 0
answer L[3]
`, "t.dp:3:40: the initial value of L[2] is -inf"},
		{"-inf boundary read folds away", `dp p
input theta real in -10..10
state v[c in 1..2] real in -inf..inf = 0
v[c <= 0] = -inf
step v[c] = clamp(max(v[c], v[c - 1] + theta), -100, 100)
answer v[2]
`, ""},
		{"-inf constant folds away", `dp p
input theta real in -10..10
state v[c in 1..2] real in -100..100 = 0
step v[c] = clamp(max(v[c] + theta, -inf), -100, 100)
answer v[2]
`, ""},
		{"empty max folds away in a max", `dp p
input theta real in -10..10
state v[c in 1..3] real in -100..100 = 0
step v[c] = clamp(max(v[c], max(k in 1..c - 1: v[k] + theta)), -100, 100)
answer v[3]
`, ""},
		{"empty max as the next value", `dp p
input theta real in -10..10
state v[c in 1..3] real in -inf..inf = 0
step v[c] = max(k in 1..c - 1: v[k] + theta)
answer v[3]
`, "t.dp:4:13: the step of v at v[1] is -inf, which an exact network cannot hold"},
		{"-inf boundary as the next value", `dp p
input theta real in -10..10
state v[c in 1..2] real in -inf..inf = 0
v[c <= 0] = -inf
step v[c] = v[c - 1] + theta
answer v[2]
`, "t.dp:5:13: the step of v at v[1] is -inf"},
		{"+inf outside or inf", `dp p
input x int in 0..10
state f[c in 1..2] int in 0..inf = inf
step f[c] = min(f[c], x)
answer f[2]
`, "is +inf, which an exact network holds only in a state or data declared \"or inf\""},
		{"selection over a range past float64", `dp p
input w int in 1..2
input x real in -1..1
state v[c in 0..2] real in -1e308..1e308 = 0
v[c < 0] = -1e308
step v[c] = clamp(max(v[c], v[c - w] + x), -1e308, 1e308)
answer v[2]
`, "t.dp:6:29: read v[c - w] has a run-time offset, so the selection gadget weighs its indicators by the width of v's range, but -1e+308..1e+308 is wider than the largest float64"},
		{"+inf of an or inf state", `dp p
input x int in -10..10
state f[c in 1..2] int in -10..10 or inf = inf
step f[c] = min(f[c], x)
answer f[2]
`, ""},
		{"finite", `dp p
input theta real in -10..10
state v[c in 1..2] real in -100..100 = -100
v[c <= 0] = 0
step v[c] = clamp(max(v[c], v[c - 1] + theta), -100, 100)
answer v[2]
`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := testprog.Source(t, c.src, nil)
			for _, scheme := range []compile.Scheme{compile.Exact} {
				net, err := compile.Lower(m, compile.Options{Scheme: scheme})
				if c.want != "" {
					require.Error(t, err)
					assert.Contains(t, err.Error(), c.want)
					return
				}
				require.NoError(t, err)
				// What lowers computes the interpreter's values: no NaN.
				r, err := compile.NewRunner[float64](net)
				require.NoError(t, err)
				steps := [][]float64{{3}, {-2}, {5}}
				states, err := r.Run(steps)
				require.NoError(t, err)
				tr, err := truth.RunDP(m, steps)
				require.NoError(t, err)
				for step := range states {
					e, _ := tr.Compare(step, 0, net.Exact(states[step])[0])
					assert.Zero(t, e, "step %d: %v", step, states[step][0])
				}
			}
		})
	}
}

// A network whose values may pass the largest finite number of the type,
// judged from finite declared ranges, is refused for that type
// (compile, solve and verify go through CheckIntegers): data of ±1e200
// cannot even be fed to float32, and max(x, y) = x + relu(y − x) of
// ±1e308 forms y − x = 2e308 in float64. Unbounded ranges are not
// decided a priori.
func TestCheckOverflow(t *testing.T) {
	const huge = `dp huge
data x real in -%[1]s..%[1]s
data y real in -%[1]s..%[1]s
state f[i in 1..1] real in -%[1]s..%[1]s = 0
steps 1
step f[i] = max(x, y)
answer f[1]
`
	const unbounded = `dp free
input theta real in -1000..1000
state v[c in 1..2] real in -inf..inf = 0
step v[c] = max(v[c], v[c] + theta)
answer v[2]
`
	for _, c := range []struct {
		name, src string
		u         float64
		want      string
	}{
		{"1e200 in float32", fmt.Sprintf(huge, "1e200"), f32, "t.dp:4:1: float32 cannot run huge: f ranges over -1e+200..1e+200, past the largest float32 3.403e+38"},
		{"1e200 in float64", fmt.Sprintf(huge, "1e200"), f64, ""},
		{"1e308 in float64", fmt.Sprintf(huge, "1e308"), f64, "t.dp:6:13: float64 cannot run huge: the network's sums for max(x, y) (t.dp:6:13) may pass the largest float64"},
		{"2e38 in float32", fmt.Sprintf(huge, "2e38"), f32, "t.dp:6:13: float32 cannot run huge: the network's sums for max(x, y) (t.dp:6:13) may reach 4e+38, past the largest float32 3.403e+38"},
		{"unbounded state", unbounded, f32, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := testprog.Source(t, c.src, nil)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			err = net.CheckIntegers(c.u, -1)
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// A value answer with a reduction (or an if, or a computed index) in a
// program with per-step inputs is decoded by the general answer
// evaluator (solve and verify had refused it: "index k is not of the
// form VAR + inputs + constant"); a search answer whose comparison needs
// that evaluator is refused when compiling, not on every instance.
func TestDecodeGeneralAnswer(t *testing.T) {
	const prog = `dp p
param n int = 3
input x int in 0..5
state f[i in 1..n] int in 0..100 = 0
step f[i] = clamp(f[i] + x + i, 0, 100)
%s
`
	for _, c := range []struct {
		name, answer string
		want         float64
		err          string
	}{
		{"reduction", "answer max(k in 1..n: f[k])", 9, ""},
		{"reduction minus a cell", "answer max(k in 1..n: f[k]) - f[1]", 4, ""},
		{"if", "answer if n == 3 then f[2] else f[1]", 7, ""},
		{"plain", "answer f[3] + f[1]", 14, ""},
		{"search with a reduction", "answer max p where f[p] + max(k in 1..n: f[k]) <= 30",
			0, "t.dp:6:20: the search answer of a program with per-step inputs compares f[p] + max(k in 1..n: f[k]), which has a reduction"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := testprog.Source(t, fmt.Sprintf(prog, c.answer), nil)
			net, err := compile.Lower(m, compile.Options{})
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			r, err := compile.NewRunner[float64](net)
			require.NoError(t, err)
			states, err := r.Run([][]float64{{1}, {2}}) // f[i] = 3 + 2i
			require.NoError(t, err)
			ans, err := net.Decode(states[len(states)-1], 0)
			require.NoError(t, err)
			assert.True(t, ans.Found)
			assert.Equal(t, c.want, ans.Value)
		})
	}
}

// A program with a steps line is judged on the ranges its steps reach
// (the checker's step-iterated analysis), not only on its declared
// range: fib(40) in a state declared 0..inf is exact in float64 (its
// sums stay below 2^41) and refused in float32; fib(80) is refused in
// both.
func TestPrecisionSteppedRange(t *testing.T) {
	const fib = `dp fibd
param n int = 40
data s int in 0..1
state f[i in 0..n] int in 0..inf = 0
steps n
step f[i] = if i == 0 then 0 else if i == 1 then s else f[i - 1] + f[i - 2]
answer f[n]
`
	for _, c := range []struct {
		name string
		n    int64
		u    float64
		want string
	}{
		{"fib(40) float64", 40, f64, ""},
		{"fib(40) float32", 40, f32, "may reach 1.1e+12, at or above 2^24"},
		{"fib(80) float64", 80, f64, "may reach 1.209e+24, at or above 2^53"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := testprog.Source(t, fib, map[string]int64{"n": c.n})
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			err = net.CheckIntegers(c.u, int(c.n)+1)
			if c.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.want)
				return
			}
			require.NoError(t, err)
			assert.True(t, net.Precision(c.u, int(c.n)).Exact)
			r, err := compile.NewRunner[float64](net)
			require.NoError(t, err)
			states, err := r.RunSteps([][]float64{{1}}, int(c.n))
			require.NoError(t, err)
			assert.Equal(t, 102334155.0, states[len(states)-1][0][c.n])
		})
	}
}
