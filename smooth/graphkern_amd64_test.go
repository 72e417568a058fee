//go:build amd64 && !purego

package smooth

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/testprog"
)

// TestGraphAVX2MatchesScalar: a whole forward sweep and its marginals with
// the AVX2 kernels equal the same sweep with the scalar kernels alone,
// value for value and probability for probability, for every regulariser
// on LCS and edit distance (whose anti-diagonal runs are the vector
// kernels' case) at sizes where runs do and do not fill blocks of four,
// at γ where the Shannon sweep stays scaled, and with θ past the scaled
// range (the sweep falls back to the log domain).
func TestGraphAVX2MatchesScalar(t *testing.T) {
	if !haveAVX2 {
		t.Skip("the processor has no AVX2: only the scalar kernels run")
	}
	rng := rand.New(rand.NewPCG(8, 8))
	for _, prog := range []string{"../examples/lcs.dp", "../testdata/programs/editdistance.dp"} {
		for _, mn := range [][2]int64{{5, 7}, {13, 9}, {40, 41}} {
			m := testprog.File(t, prog, map[string]int64{"m": mn[0], "n": mn[1], "a": 3})
			g, err := NewGraph(m, [][]float64{randInts(rng, int(mn[0]), 3), randInts(rng, int(mn[1]), 3)}, nil, GraphLimits{})
			require.NoError(t, err)
			require.NotNil(t, g.compact, "%s is not in the compact layout", prog)
			theta, huge := make([]float64, len(g.Theta)), make([]float64, len(g.Theta))
			for i := range theta {
				theta[i] = g.Theta[i] + rng.NormFloat64()
				huge[i] = 1e15 * (1 + rng.Float64()) // past 2^50: not scaled
			}
			for _, reg := range regs {
				for _, gamma := range []float64{0.05, 1, 7, 0} {
					theta, wantScaled := theta, reg == Shannon
					if gamma == 0 {
						theta, gamma, wantScaled = huge, 1, false
					}
					t.Run(fmt.Sprintf("%s/%dx%d/%v/γ=%g/θ≤%.0e", prog, mn[0], mn[1], reg, gamma, theta[0]), func(t *testing.T) {
						run := func(avx bool) (*GraphRun, []float64) {
							defer func(was bool) { haveAVX2 = was }(haveAVX2)
							haveAVX2 = avx
							r, err := g.Forward(reg, gamma, theta)
							require.NoError(t, err)
							y, err := r.Marginals(nil)
							require.NoError(t, err)
							return r, y
						}
						rv, yv := run(true)
						rs, ys := run(false)
						require.Equal(t, rs.scaled, rv.scaled, "scaled pass")
						require.Equal(t, wantScaled, rv.scaled, "scaled pass")
						require.Equal(t, rs.Values(), rv.Values())
						require.Equal(t, rs.prob, rv.prob)
						require.Equal(t, ys, yv)
					})
				}
			}
		}
	}
}

// TestShannonScaledAVX2Limit: the vector kernel reports a node whose
// exponent leaves ±scaledExpLimit (the scaled sweep's fallback to the log
// domain) in any lane, and not one just inside.
func TestShannonScaledAVX2Limit(t *testing.T) {
	if !haveAVX2 {
		t.Skip("the processor has no AVX2")
	}
	const n = 8 // options at slots 0..7, 1..8, 2..9; biases at 10, 12, …, 24
	for _, c := range []struct {
		name string
		e    int64 // the exponent of the biases
		lane int   // the node whose bias has it (others: 0)
		ok   bool
	}{
		{"inside", 1<<55 - 4, 5, true},
		{"above", 1 << 55, 5, false},
		{"below", -1<<55 - 4, 2, false},
		{"inside below", -1<<55 + 4, 7, true},
	} {
		sm, se := make([]float64, 26), make([]int64, 26)
		for i := range sm {
			sm[i] = 1
		}
		se[10+2*c.lane] = c.e
		tm, te := [][3]float64{{1, 1, 1}, {1, 1, 1}}, [][3]int64{{0, 0, 0}, {0, 0, 0}}
		outm, oute, p := make([]float64, n), make([]int64, n), make([]float64, 3*n)
		ok := shannonScaledAVX2(sm, se, 0, 1, 2, 10, 16, make([]uint16, n), &tm[0], &te[0], outm, oute, p)
		require.Equal(t, c.ok, ok, c.name)
		for q := range n {
			// three equal options: the sum 3 = 1.5·2^1, probabilities 1/3
			want := int64(1)
			if q == c.lane {
				want += c.e
			}
			require.Equal(t, 1.5, outm[q], "%s: node %d", c.name, q)
			require.Equal(t, want, oute[q], "%s: node %d", c.name, q)
			require.Equal(t, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, p[3*q:3*q+3], "%s: node %d", c.name, q)
		}
	}
}
