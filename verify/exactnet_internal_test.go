package verify

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// Solve compares a per-step program's value answer with the exact
// interpreter: a network that computes another value, or NaN, is a
// mismatch (exit 1), never an answer printed with exit 0. The network is
// made wrong here by changing its initial state, which the interpreter
// does not share.
func TestSolveComparesValueAnswer(t *testing.T) {
	const src = `dp best
input theta real in -1000..1000
state v[c in 1..1] real in -1000..1000 = 0
step v[c] = max(v[c], theta)
answer v[1]
`
	for _, c := range []struct {
		name     string
		init     float64
		mismatch string // "" when Solve agrees
		check    string
	}{
		{"right", 0, "", "the answer equals the exact interpreter's 2"},
		{"wrong value", 5, "the network answers 5, the exact interpreter 2", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := repo.Source("t.dp", src, nil)
			require.NoError(t, err)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			net.Init["v"][0] = c.init
			steps := [][]float64{{1.5}, {2}, {-3}}
			r, err := Solve(net, &instance.Instance{Source: "x.json"}, steps, engine.Float64, nil)
			if c.mismatch == "" {
				require.NoError(t, err)
				assert.Equal(t, c.check, r.Check)
				return
			}
			var mm *MismatchError
			require.True(t, errors.As(err, &mm), "%v", err)
			assert.Contains(t, err.Error(), c.mismatch)
		})
	}
	// A NaN answer (which the refusals of compile keep out of a network)
	// equals nothing, whatever its bound.
	m, err := repo.Source("t.dp", src, nil)
	require.NoError(t, err)
	steps := [][]float64{{1.5}, {2}, {-3}}
	for _, a := range []compile.Answer{
		{Kind: dsl.AnswerValue, Found: true, Value: math.NaN()},
		{Kind: dsl.AnswerValue, Found: true, Value: math.NaN(), Bound: math.Inf(1)},
		{Kind: dsl.AnswerValue, Found: true, Value: 2.5, Bound: 0.1},
	} {
		_, err := exactSame(m, steps, a)
		var mm *MismatchError
		assert.True(t, errors.As(err, &mm), "%v: %v", a, err)
	}
	got, err := exactSame(m, steps, compile.Answer{Kind: dsl.AnswerValue, Found: true, Value: 2.05, Bound: 0.1})
	require.NoError(t, err)
	assert.Equal(t, "the answer is within 0.1 of the exact interpreter's 2", got)
}

// The random data generator draws reals in their declared range even
// when the range is wider than the largest float64 (±1e308): lo + (hi −
// lo)·r overflowed to +inf, and the generator refused its own value.
func TestUniformRealWideRange(t *testing.T) {
	for _, c := range []struct{ lo, hi float64 }{
		{-1e308, 1e308}, {-math.MaxFloat64, math.MaxFloat64}, {0, 1}, {-5, -5}, {-1e200, 1e200},
	} {
		for _, r := range []float64{0, 0.25, 0.5, 0.999999} {
			v := uniformReal(r, c.lo, c.hi)
			assert.False(t, math.IsInf(v, 0) || math.IsNaN(v), "%g..%g at %g: %g", c.lo, c.hi, r, v)
			assert.True(t, v >= c.lo && v <= c.hi, "%g..%g at %g: %g", c.lo, c.hi, r, v)
		}
	}
	assert.Equal(t, 0.0, uniformReal(0.5, -1e308, 1e308))
}

// Every comparison of verify can fail: an int state must equal the exact
// DP (no tolerance applies to integers), and a run whose error bound is
// +Inf (here an fptas run whose table leaves its range, so that it
// cannot certify its own bound) is a mismatch, not a pass that no value
// could fail.
func TestCompareCannotPassUnchecked(t *testing.T) {
	steps := [][]float64{{3, 0.5}, {5, 0.25}, {2, 0.5}}
	run := func(t *testing.T, net *compile.Network) engine.Observed {
		o, err := engine.Observe(net, engine.Float64, steps)
		require.NoError(t, err)
		return o
	}
	t.Run("fptas run out of range", func(t *testing.T) {
		m, err := repo.Program("examples/knapsack.dp", map[string]int64{"pmax": 10})
		require.NoError(t, err)
		net, err := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 20})
		require.NoError(t, err)
		o := run(t, net)
		c, err := Compare(net, "x", steps, []engine.Observed{o}, nil)
		require.NoError(t, err)
		require.Empty(t, c.Mismatch, "the honest run passes")
		o.States[2][0][3] = 7 // far outside 0..2
		c, err = Compare(net, "x", steps, []engine.Observed{o}, nil)
		require.NoError(t, err)
		assert.Contains(t, c.Mismatch, "no error bound is known for this run")
	})
	t.Run("int state off by a little", func(t *testing.T) {
		const src = `dp mixed
input n int in 0..5
input x real in 0..1
state c[i in 1..1] int in 0..100 = 0
state s[i in 1..1] real in 0..100 = 0
step c[i] = clamp(c[i] + n, 0, 100)
step s[i] = clamp(s[i] + x, 0, 100)
answer c[1]
`
		m, err := repo.Source("t.dp", src, nil)
		require.NoError(t, err)
		net, err := compile.Lower(m, compile.Options{})
		require.NoError(t, err)
		o := run(t, net)
		tol := net.RunTolerance(o.States, engine.Float64.Roundoff())
		require.Positive(t, tol, "the real state gives the run a tolerance")
		c, err := Compare(net, "x", steps, []engine.Observed{o}, nil)
		require.NoError(t, err)
		require.Empty(t, c.Mismatch)
		o.States[1][0][0] += tol / 2 // within the tolerance, but not an integer
		c, err = Compare(net, "x", steps, []engine.Observed{o}, nil)
		require.NoError(t, err)
		assert.Contains(t, c.Mismatch, "but an int state is computed exactly")
	})
}

// A per-step program whose "or inf" state is read through a run-time
// offset: the network holds +inf as its big M, and both the decoded
// answer (Solve) and the per-step state comparison (AgainstDP) read it
// back as +inf. Before, Solve answered the big M (2, exit 1 after the
// interpreter's check; 2 with exit 0 before that check existed) and
// AgainstDP reported every instance as a mismatch.
func TestOrInfStepsReadBack(t *testing.T) {
	const src = `dp reach
param amax int = 5
input coin int in 1..amax
state c[a in 1..amax] int in 0..1 or inf = inf
c[a == 0] = 0
c[a < 0] = inf
step c[a] = min(c[a], c[a - coin])
answer c[amax]
`
	m, err := repo.Source("reach.dp", src, nil)
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	require.NotZero(t, net.BigM, "the state's +inf needs a stand-in")
	for _, c := range []struct {
		coins  []float64
		answer float64
	}{
		{[]float64{2, 2}, math.Inf(1)}, // 2 and 4 reachable, not 5
		{[]float64{2, 3}, 0},
		{[]float64{5}, 0},
		{[]float64{1, 1, 1}, math.Inf(1)},
	} {
		steps := make([][]float64, len(c.coins))
		for i, v := range c.coins {
			steps[i] = []float64{v}
		}
		for _, dt := range []engine.DType{engine.Float64, engine.Float32} {
			r, err := Solve(net, &instance.Instance{Source: "x.json"}, steps, dt, nil)
			require.NoError(t, err, "coins %v, %v", c.coins, dt)
			assert.Equal(t, compile.ValueText(c.answer), r.Answer, "coins %v, %v", c.coins, dt)
		}
		k, err := AgainstDP(net, "coins", steps, []engine.DType{engine.Float64, engine.Float32}, nil)
		require.NoError(t, err)
		assert.Empty(t, k.Mismatch, "coins %v", c.coins)
		for _, run := range k.Runs {
			assert.Zero(t, run.MaxErr, "coins %v, %s: %s", c.coins, run.Label, run.Worst)
		}
	}
}
