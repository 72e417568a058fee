package compile_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth"
)

var (
	f32 = compile.Float32Roundoff
	f64 = compile.Float64Roundoff
)

// What each program guarantees in each type: integer programs are exact
// while their values stay below 2^24 (float32) or 2^53 (float64), which
// the analysis decides from the declared ranges, with the selection
// gadget's large M·|D − k| terms allowed because they only occur where
// its ReLU gives 0; real-valued ones get a finite bound that grows with
// the number of steps, or none (unknown steps, the fptas scheme).
func TestPrecision(t *testing.T) {
	for _, c := range []struct {
		name     string
		program  string
		params   map[string]int64
		scheme   compile.Scheme
		u        float64
		steps    int
		exact    bool
		integers bool
		bound    float64 // upper limit of Bound when not exact (+Inf: none)
		why      string
	}{
		{"knapsack_int float32", "examples/knapsack_int.dp", map[string]int64{"pmax": 10, "capacity": 100}, compile.Exact, f32, -1, true, true, 0, ""},
		{"knapsack_int values near 2^24", "examples/knapsack_int.dp", map[string]int64{"pmax": 20, "capacity": 8388000}, compile.Exact, f32, -1, true, true, 0, ""},
		{"knapsack_int values at 2^24", "examples/knapsack_int.dp", map[string]int64{"pmax": 20, "capacity": 8388608}, compile.Exact, f32, -1, false, false, math.Inf(1),
			"the network's sums for f[p - profit] (examples/knapsack_int.dp:15:23) may reach 1.678e+07, at or above 2^24"},
		{"knapsack_int at 2^24 in float64", "examples/knapsack_int.dp", map[string]int64{"pmax": 20, "capacity": 8388608}, compile.Exact, f64, -1, true, true, 0, ""},
		{"subsetsum", "examples/subsetsum.dp", map[string]int64{"capacity": 20}, compile.Exact, f32, -1, true, true, 0, ""},
		{"change", "examples/change.dp", map[string]int64{"amax": 20, "K": 100}, compile.Exact, f32, -1, true, true, 0, ""},
		{"lcs", "examples/lcs.dp", nil, compile.Exact, f32, -1, true, true, 0, ""},
		{"bellmanford", "examples/bellmanford.dp", nil, compile.Exact, f32, -1, true, true, 0, ""},
		{"heldkarp", "examples/heldkarp.dp", nil, compile.Exact, f32, -1, true, true, 0, ""},
		{"knapsack float64, 40 steps", "examples/knapsack.dp", map[string]int64{"pmax": 20}, compile.Exact, f64, 40, false, true, 1e-11, "state f is real-valued (it adds the real input size)"},
		{"knapsack float32, 40 steps", "examples/knapsack.dp", map[string]int64{"pmax": 20}, compile.Exact, f32, 40, false, true, 1e-2, "state f is real-valued"},
		{"knapsack, steps not given", "examples/knapsack.dp", map[string]int64{"pmax": 20}, compile.Exact, f64, -1, false, true, math.Inf(1), "the rounding error grows with the number of steps, which is not given"},
		{"knapsack fptas", "examples/knapsack.dp", map[string]int64{"pmax": 100}, compile.FPTAS, f64, 10, false, true, math.Inf(1), "the fptas scheme's rounded reads"},
		{"knapsack_int fptas", "examples/knapsack_int.dp", map[string]int64{"pmax": 100, "capacity": 50}, compile.FPTAS, f32, 10, true, true, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := lowerScheme(t, c.program, c.params, c.scheme)
			p := net.Precision(c.u, c.steps)
			assert.Equal(t, c.exact, p.Exact, p.Why)
			assert.Equal(t, c.integers, p.Integers, p.Why)
			switch {
			case c.exact:
				assert.Zero(t, p.Bound)
			case math.IsInf(c.bound, 1):
				assert.True(t, math.IsInf(p.Bound, 1), "bound %v", p.Bound)
			default:
				assert.Positive(t, p.Bound)
				assert.Less(t, p.Bound, c.bound)
			}
			assert.Contains(t, p.Why, c.why)
			assert.Equal(t, p.Bound, net.DecodeTolerance(c.u, c.steps))
		})
	}
}

func lowerScheme(t testing.TB, path string, params map[string]int64, scheme compile.Scheme) *compile.Network {
	t.Helper()
	if scheme == compile.FPTAS {
		return lowerFPTAS(t, path, params, 10)
	}
	return lowerProgram(t, path, params)
}

// The bound holds: over random knapsack.dp runs in float32 and float64,
// no state is farther from the exact DP than Precision's bound for that
// many steps, while the bound stays within a modest factor of what is
// seen (it is an a-priori worst case over every summation order).
func TestPrecisionBoundHolds(t *testing.T) {
	net := lowerProgram(t, "examples/knapsack.dp", map[string]int64{"pmax": 20})
	rng := instance.NewRand(7)
	for _, dt := range []engine.DType{engine.Float32, engine.Float64} {
		worst := 0.0 // largest error / bound
		for range 300 {
			steps := instance.Uniform(rng, net.Model, 1+rng.IntN(40))
			tr, err := truth.RunDP(net.Model, steps)
			require.NoError(t, err)
			o, err := engine.Observe(net, dt, steps)
			require.NoError(t, err)
			bound := net.DecodeTolerance(dt.Roundoff(), len(steps))
			for k, st := range o.States {
				e, _ := tr.Compare(k, 0, st[0])
				require.LessOrEqual(t, e, bound, "%s, step %d of %d", dt, k, len(steps))
				worst = max(worst, e/bound)
			}
		}
		t.Logf("%s: the largest error is %.3g of the bound", dt, worst)
	}
}

// Integer comparisons are made at the half-integer, so any error below
// 1/2 leaves them certain; real ones are certain only farther than the
// bound from the threshold; infinities are exact.
func TestDecide(t *testing.T) {
	for _, c := range []struct {
		op             dsl.CmpOp
		l, r, bound    float64
		integer        bool
		holds, certain bool
	}{
		{dsl.LE, 7, 7, 0, true, true, true},
		{dsl.LE, 8, 7, 0, true, false, true},
		{dsl.LE, 7.3, 7, 0.15, true, true, true}, // 7 off by 0.3
		{dsl.LT, 7, 7, 0, true, false, true},
		{dsl.LT, 6, 7, 0, true, true, true},
		{dsl.GE, 7, 7.2, 0, true, false, true}, // integer ≥ 7.2 means ≥ 8
		{dsl.GT, 8, 7.2, 0, true, true, true},
		{dsl.EQ, 7, 7, 0, true, true, true},
		{dsl.EQ, 7, 7.5, 0, true, false, true},
		{dsl.EQ, 7, 7.5, 0.7, true, false, true}, // no integer equals 7.5
		{dsl.EQ, 7.2, 7, 0.25, true, true, true},
		{dsl.EQ, 7.4, 7, 0.25, true, true, false},
		{dsl.NE, 6, 7, 0, true, true, true},
		{dsl.LE, 7.5, 7, 0.6, true, false, false}, // the bound reaches the half-integer
		{dsl.LE, 1, 1, 0, false, true, true},
		{dsl.LE, 1 + 1e-12, 1, 1e-10, false, true, false},
		{dsl.LE, 1 + 1e-9, 1, 1e-10, false, false, true},
		{dsl.LE, 1 - 1e-9, 1, 1e-10, false, true, true},
		{dsl.GE, 1 - 1e-12, 1, 1e-10, false, false, false},
		{dsl.EQ, 1, 1, 1e-10, false, true, false},
		{dsl.NE, 1, 2, 1e-10, false, true, true},
		{dsl.LE, math.Inf(1), 5, 0.1, false, false, true},
		{dsl.LE, 3, 5, math.Inf(1), false, true, false},
	} {
		t.Run(fmt.Sprintf("%v %s %v ±%v int=%v", c.l, c.op, c.r, c.bound, c.integer), func(t *testing.T) {
			holds, certain := compile.Decide(c.op, c.l, c.r, c.bound, c.integer)
			assert.Equal(t, c.certain, certain, "certain")
			if certain {
				assert.Equal(t, c.holds, holds, "holds")
			}
		})
	}
}

func TestHalfInteger(t *testing.T) {
	for _, c := range []struct {
		op       dsl.CmpOp
		thr      float64
		strict   dsl.CmpOp
		at       float64
		interval [2]float64
	}{
		{dsl.LE, 7, dsl.LT, 7.5, [2]float64{}},
		{dsl.LE, 7.2, dsl.LT, 7.5, [2]float64{}},
		{dsl.LT, 7, dsl.LT, 6.5, [2]float64{}},
		{dsl.LT, 7.2, dsl.LT, 7.5, [2]float64{}},
		{dsl.GE, 7, dsl.GT, 6.5, [2]float64{}},
		{dsl.GT, 7, dsl.GT, 7.5, [2]float64{}},
		{dsl.GT, -0.5, dsl.GT, -0.5, [2]float64{}},
		{dsl.EQ, 7, dsl.EQ, 7, [2]float64{6.5, 7.5}},
		{dsl.EQ, 7.5, dsl.EQ, 7.5, [2]float64{7.5, 7.5}},
		{dsl.NE, 7, dsl.NE, 7, [2]float64{6.5, 7.5}},
	} {
		strict, at, lo, hi := compile.HalfInteger(c.op, c.thr)
		assert.Equal(t, c.strict, strict, "%s %v", c.op, c.thr)
		assert.Equal(t, c.at, at, "%s %v", c.op, c.thr)
		assert.Equal(t, c.interval, [2]float64{lo, hi}, "%s %v", c.op, c.thr)
	}
}

// The composed (unrolled) graph of a program with a steps line is
// analysed through the composition: its sums telescope over the steps,
// so it is exact in float32 for the examples' params and refused where
// the cell alone would still be exact but the composed sums may reach
// 2^24.
func TestCheckUnrolled(t *testing.T) {
	for _, c := range []struct {
		program string
		params  map[string]int64
		u       float64
		want    string
	}{
		{"examples/lcs.dp", nil, f32, ""},
		{"examples/bellmanford.dp", nil, f32, ""},
		{"examples/apsp.dp", nil, f32, ""},
		{"examples/csp.dp", nil, f32, ""},
		{"examples/heldkarp.dp", nil, f32, ""},
		{"examples/bellmanford.dp", map[string]int64{"n": 4, "s": 1, "cmax": 120000}, f32, "float32 cannot run bellmanford unrolled over 3 steps exactly"},
		{"examples/bellmanford.dp", map[string]int64{"n": 4, "s": 1, "cmax": 120000}, f64, ""},
	} {
		net := lowerProgram(t, c.program, c.params)
		require.NoError(t, net.CheckIntegers(c.u, -1), c.program)
		err := net.CheckUnrolled(c.u, net.IterationCount())
		if c.want == "" {
			assert.NoError(t, err, c.program)
		} else {
			assert.ErrorContains(t, err, c.want, c.program)
		}
	}
}

// A knapsack answer that rests on a comparison within the bound is
// undecidable, and says where; the same state decides when the bound
// leaves the comparison clear.
func TestDecodeUndecidable(t *testing.T) {
	net := lowerProgram(t, "examples/knapsack.dp", map[string]int64{"pmax": 3})
	final := [][]float64{{0.5, 1 + 1e-13, 2}}
	_, err := net.Decode(final, 1e-12)
	require.True(t, compile.IsUndecidable(err), "%v", err)
	assert.EqualError(t, err, "examples/knapsack.dp:18:1: undecidable: answer max p where f[p] <= 1 at p = 2: 1.0000000000000999 <= 1 lies within the error bound 1e-12 of its threshold, so the exact value may be on either side")
	ans, err := net.Decode(final, 1e-14)
	require.NoError(t, err)
	assert.Equal(t, 1, ans.Index)
	_, err = net.Decode(final, math.Inf(1))
	assert.ErrorContains(t, err, "no error bound is known")
}

// DecodeSearch refuses every decode tail that could answer wrongly,
// saying why and what to do instead.
func TestDecodeSearch(t *testing.T) {
	real := lowerProgram(t, "examples/knapsack.dp", map[string]int64{"pmax": 20})
	_, err := real.DecodeSearch(f32, 100)
	assert.EqualError(t, err, "examples/knapsack.dp:18:1: float32 cannot decide f[p] <= 1 exactly: state f is real-valued (it adds the real input size), and a value within rounding of 1 may land on either side of it; use -dtype float64, whose decode tail says whether each answer is certain, or an integer program (like examples/knapsack_int.dp)")
	_, err = real.DecodeSearch(f64, -1)
	assert.ErrorContains(t, err, "the cell form's decode tail cannot know how many steps produced its input state: export the loop or unrolled form")
	s, err := real.DecodeSearch(f64, 100)
	require.NoError(t, err)
	assert.False(t, s.Integer)
	assert.Equal(t, real.DecodeTolerance(f64, 100), s.Bound)

	big := lowerProgram(t, "examples/knapsack_int.dp", map[string]int64{"pmax": 20, "capacity": 9000000})
	_, err = big.DecodeSearch(f32, 10)
	assert.ErrorContains(t, err, "float32 cannot decide f[p] <= 9e+06 exactly: the network's sums for f[p - profit]")
	assert.ErrorContains(t, err, "use -dtype float64")
	assert.ErrorContains(t, big.CheckIntegers(f32, -1), "float32 cannot run knapsack_int exactly")
	assert.NoError(t, big.CheckIntegers(f64, -1))
	s, err = big.DecodeSearch(f64, -1)
	require.NoError(t, err)
	assert.True(t, s.Integer)
	assert.Zero(t, s.Bound)

	_, err = lowerFPTAS(t, "examples/knapsack.dp", map[string]int64{"pmax": 20}, 5).DecodeSearch(f64, 10)
	assert.ErrorContains(t, err, "the fptas scheme's answer scales the table index by the running total")
}

// Precision for real-valued knapsack: the bound and why the network is
// not exact.
func ExampleNetwork_Precision() {
	m := knapsackModel()
	net, err := compile.Lower(m, compile.Options{})
	if err != nil {
		panic(err)
	}
	p := net.Precision(compile.Float64Roundoff, 100)
	fmt.Println("exact:", p.Exact, "- why:", p.Why)
	fmt.Println("bound after 100 steps below 1e-9:", p.Bound < 1e-9)
	_, err = net.DecodeSearch(compile.Float32Roundoff, 100)
	fmt.Println(err != nil)
	// Output:
	// exact: false - why: state f is real-valued (it adds the real input size)
	// bound after 100 steps below 1e-9: true
	// true
}
