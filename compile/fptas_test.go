package compile_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/verify"
)

func lowerFPTAS(t testing.TB, path string, params map[string]int64, P int) *compile.Network {
	t.Helper()
	f, err := verify.ReadProgram(path)
	require.NoError(t, err)
	m, err := dsl.Check(f, params)
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: P})
	require.NoError(t, err)
	return net
}

// The FPTAS-NN of Hertrich & Skutella: depth 5, widths 2, 2P²+2P, P²+P, P,
// whatever pmax is.
func TestFPTASWidthsMatchPaper(t *testing.T) {
	for _, P := range []int{1, 2, 5, 10, 50} {
		for _, pmax := range []int64{10, 1000} {
			t.Run(fmt.Sprintf("P=%d/pmax=%d", P, pmax), func(t *testing.T) {
				net := lowerFPTAS(t, "examples/knapsack.dp", map[string]int64{"pmax": pmax}, P)
				st := net.Cell.Stats()
				assert.Equal(t, 5, st.Depth)
				assert.Equal(t, []int{2, 2*P*P + 2*P, P*P + P, P}, st.Widths)
				assert.Equal(t, P+1, st.Outputs, "the table and the running total")
			})
		}
	}
}

// The network equals the rounded DP computed directly, in every cell of
// every step, and its answer keeps the guarantee against the exact optimum.
func TestFPTASMatchesRoundedDP(t *testing.T) {
	for _, P := range []int{1, 3, 10, 25} {
		t.Run(fmt.Sprint(P), func(t *testing.T) {
			net := lowerFPTAS(t, "examples/knapsack.dp", map[string]int64{"pmax": 60}, P)
			rng := rand.New(rand.NewPCG(uint64(P), 9))
			for i := 0; i < 150; i++ {
				inst := verify.AppendixD(rng, 60)
				steps, err := verify.Bind(net.Model, inst)
				require.NoError(t, err)
				c, err := verify.AgainstRounded(net, "case", steps, []verify.DType{verify.Float64, verify.Float32}, nil)
				require.NoError(t, err)
				require.Empty(t, c.Mismatch, "P=%d case %d: steps %v", P, i, steps)
			}
		})
	}
}

// With P at least the profit sum there is no rounding: the answer is the
// optimum.
func TestFPTASExactWhenPLarge(t *testing.T) {
	net := lowerFPTAS(t, "examples/knapsack_int.dp", map[string]int64{"pmax": 30, "capacity": 20}, 30)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 100; i++ {
		steps := verify.Uniform(rng, net.Model, 1+rng.IntN(5))
		total := 0.0
		for _, s := range steps {
			total += s[0]
		}
		if total > 30 {
			continue
		}
		c, err := verify.AgainstRounded(net, "case", steps, []verify.DType{verify.Float32}, nil)
		require.NoError(t, err)
		require.Empty(t, c.Mismatch)
		assert.Equal(t, c.Known, c.Exact, "steps %v", steps)
	}
}

func TestFPTASRefusesOtherShapes(t *testing.T) {
	cases := []struct{ name, path, want string }{
		{"subset sum is not monotone", "examples/subsetsum.dp", "lower end of its range"},
		{"change making has a boundary above lo", "examples/change.dp", "lower end of its range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := verify.ReadProgram(c.path)
			require.NoError(t, err)
			m, err := dsl.Check(f, nil)
			require.NoError(t, err)
			_, err = compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 5})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	src := `dp t
input u int in 0..5
state f[p in 1..9] real in 0..2 = 2
f[p <= 0] = 0
step f[p] = min(f[p], 2 - f[p - u])`
	file, err := dsl.Parse("t.dp", []byte(src))
	require.NoError(t, err)
	m, err := dsl.Check(file, nil)
	require.NoError(t, err)
	_, err = compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 4})
	assert.ErrorContains(t, err, "non-decreasing")
	_, err = compile.Lower(m, compile.Options{Scheme: compile.FPTAS, P: 0})
	assert.ErrorContains(t, err, "at least 1")
}
