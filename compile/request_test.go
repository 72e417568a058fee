package compile_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/relu"
)

func TestPForEps(t *testing.T) {
	cases := []struct {
		eps  float64
		n    int
		want int
		err  string
	}{
		{0.5, 4, 32, ""},
		{0.1, 10, 1000, ""},
		{0.3, 10, 334, ""}, // ⌈100/0.3⌉
		{0.1, 0, 0, "needs the number of items"},
		{0.01, 10, 0, "needs P = 10000, above the supported 4096"},
		{1, 4, 0, "strictly between 0 and 1"},
		{0, 4, 0, "strictly between 0 and 1"},
	}
	for _, c := range cases {
		P, err := compile.PForEps(c.eps, c.n)
		if c.err != "" {
			assert.ErrorContains(t, err, c.err, "ε %g, n %d", c.eps, c.n)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, c.want, P, "ε %g, n %d", c.eps, c.n)
	}
}

// A Request by error takes its P from the instance's n unless N says
// otherwise; every other request is its Options.
func TestRequestFor(t *testing.T) {
	exact := compile.Request{Options: compile.Options{Scheme: compile.Exact}}
	opt, err := exact.For(0)
	require.NoError(t, err)
	assert.Equal(t, exact.Options, opt)

	byP := compile.Request{Options: compile.Options{Scheme: compile.FPTAS, P: 30}}
	opt, err = byP.For(7)
	require.NoError(t, err)
	assert.Equal(t, 30, opt.P)

	byEps := compile.Request{Options: compile.Options{Scheme: compile.FPTAS}, Eps: 0.5}
	opt, err = byEps.For(4)
	require.NoError(t, err)
	assert.Equal(t, compile.Options{Scheme: compile.FPTAS, P: 32}, opt)
	_, err = byEps.For(0)
	assert.ErrorContains(t, err, "needs the number of items")

	byEps.N = 2
	opt, err = byEps.For(100)
	require.NoError(t, err)
	assert.Equal(t, 8, opt.P, "N overrides the instance's n")
}

// SmoothInstance fixes the inputs that offset a read, knapsack's weights,
// and unrolls over the instance; the scores stay inputs.
func TestSmoothInstance(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack_value.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"C": 6})
	require.NoError(t, err)
	steps := [][]float64{{2, 3}, {3, 4.5}, {4, 5}}
	opt := compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 2}.SmoothInstance(m, steps)
	assert.Equal(t, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 2, Steps: 3,
		Fixed: map[string][]float64{"weight": {2, 3, 4}}}, opt)
	net, err := compile.Lower(m, opt)
	require.NoError(t, err)
	assert.Equal(t, []string{"theta"}, func() []string {
		var names []string
		for _, b := range net.Cell.Inputs {
			names = append(names, b.Name)
		}
		return names
	}())
}

// RoundingOf finds the rounding Lower applies, without building the
// network, and refuses what Lower refuses.
func TestRoundingOf(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"pmax": 30})
	require.NoError(t, err)
	r, err := compile.RoundingOf(m, 12)
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 12})
	require.NoError(t, err)
	assert.Equal(t, net.Rounding.P, r.P)
	assert.Equal(t, net.Rounding.State, r.State)
	assert.Equal(t, net.Rounding.Offset, r.Offset)
	assert.Equal(t, "profit", r.Offset.Name)

	f, err = repo.ReadProgram("examples/subsetsum.dp")
	require.NoError(t, err)
	m, err = dsl.Check(f, map[string]int64{"capacity": 6})
	require.NoError(t, err)
	_, err = compile.RoundingOf(m, 4)
	require.Error(t, err)
	_, lerr := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 4})
	assert.EqualError(t, err, lerr.Error())
}

func TestSchemeFlagsRequest(t *testing.T) {
	g := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	flags := compile.SchemeFlags{Reg: "gini", Gamma: 0.5, P: 20, Eps: 0.1, N: 7}
	for _, tc := range []struct {
		name   string
		scheme compile.Scheme
		edit   func(*compile.SchemeFlags)
		given  map[string]bool
		want   compile.Request
		err    string
	}{
		{name: "exact", scheme: compile.Exact, want: compile.Request{Options: compile.Options{Scheme: compile.Exact}}},
		{name: "smooth", scheme: compile.Smooth, want: compile.Request{Options: compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 0.5}}},
		{name: "smooth reg", scheme: compile.Smooth, edit: func(f *compile.SchemeFlags) { f.Reg = "renyi" }, err: `-reg: unknown regulariser "renyi" (want shannon, gini or tsallis)`},
		{name: "smooth gamma 0", scheme: compile.Smooth, edit: func(f *compile.SchemeFlags) { f.Gamma = 0 }, err: "-gamma must be a positive number, got 0"},
		{name: "smooth gamma NaN", scheme: compile.Smooth, edit: func(f *compile.SchemeFlags) { f.Gamma = math.NaN() }, err: "-gamma must be a positive number, got NaN"},
		{name: "smooth gamma inf", scheme: compile.Smooth, edit: func(f *compile.SchemeFlags) { f.Gamma = math.Inf(1) }, err: "-gamma must be a positive number, got +Inf"},
		{name: "fptas P", scheme: compile.FPTAS, given: g("P"), want: compile.Request{Options: compile.Options{Scheme: compile.FPTAS, P: 20}}},
		{name: "fptas eps", scheme: compile.FPTAS, given: g("eps", "n"), want: compile.Request{Options: compile.Options{Scheme: compile.FPTAS}, Eps: 0.1, N: 7}},
		{name: "fptas both", scheme: compile.FPTAS, given: g("P", "eps"), err: "-scheme fptas: give -P or -eps, not both"},
		{name: "fptas neither", scheme: compile.FPTAS, err: "-scheme fptas needs -P N or -eps E"},
		{name: "fptas P 0", scheme: compile.FPTAS, given: g("P"), edit: func(f *compile.SchemeFlags) { f.P = 0 }, err: "-P must be at least 1: P is the size of the FPTAS-NN's table (its width is 2P²+2P), got 0"},
		{name: "fptas eps 1", scheme: compile.FPTAS, given: g("eps"), edit: func(f *compile.SchemeFlags) { f.Eps = 1 }, err: "-eps must lie strictly between 0 and 1, got 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := flags
			if tc.edit != nil {
				tc.edit(&f)
			}
			r, err := f.Request(tc.scheme, tc.given)
			if tc.err != "" {
				assert.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, r)
		})
	}
}

func TestRequestWithoutItems(t *testing.T) {
	opt, err := compile.Request{Options: compile.Options{Scheme: compile.FPTAS}, Eps: 0.5, N: 4}.WithoutItems()
	require.NoError(t, err)
	assert.Equal(t, 32, opt.P, "⌈4²/0.5⌉")
	_, err = compile.Request{Options: compile.Options{Scheme: compile.FPTAS}, Eps: 0.5}.WithoutItems()
	assert.EqualError(t, err, "-eps needs the number of items: give -n N")
	opt, err = compile.Request{Options: compile.Options{Scheme: compile.FPTAS, P: 7}}.WithoutItems()
	require.NoError(t, err)
	assert.Equal(t, 7, opt.P)
}
