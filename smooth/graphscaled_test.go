package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// logDomain runs g's Shannon forward pass in the log domain (exp and log
// per node), the reference of the scaled form.
func logDomain(t *testing.T, g *Graph, gamma float64, theta []float64) *GraphRun {
	r := new(GraphRun)
	saved := g.scaledOK
	g.scaledOK = false
	defer func() { g.scaledOK = saved }()
	require.NoError(t, g.ForwardInto(r, Shannon, gamma, theta))
	require.False(t, r.scaled)
	return r
}

// The scaled Shannon pass equals the log-domain pass (values and
// marginals to 1e-12 relative to max(1, |x|): both are a few ulps per
// node) on every program it applies to, at γ from 1e-3 to 1e3; at
// γ = 1e-300 (|θ/γ| past 2^50) it falls back to the log domain.
func TestGraphShannonScaledMatchesLogDomain(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 14))
	scaled := 0
	names := map[string]bool{}
	for trial := range 3 {
		for name, g := range allGraphs(t, rng) {
			if !g.scaledOK {
				continue
			}
			for _, gamma := range []float64{1e-3, 0.1, 1, 1e3, 1e-300} {
				theta, seed := noisy(t, g, rng)
				r, err := g.Forward(Shannon, gamma, theta)
				require.NoError(t, err)
				require.Equal(t, gamma != 1e-300, r.scaled, "%s γ=%g", name, gamma)
				want := logDomain(t, g, gamma, theta)
				for k, v := range r.Values() {
					w := want.Values()[k]
					require.InDelta(t, w, v, 1e-12*max(1, math.Abs(w)), "%s trial %d γ=%g %s", name, trial, gamma, g.Outputs[k])
				}
				y, err := r.Marginals(seed)
				require.NoError(t, err)
				wy, err := want.Marginals(seed)
				require.NoError(t, err)
				for i := range y {
					require.InDelta(t, wy[i], y[i], 1e-12*max(1, math.Abs(wy[i])), "%s γ=%g θ[%d]", name, gamma, i)
				}
				scaled++
				names[name] = true
			}
		}
	}
	require.Positive(t, scaled)
	t.Logf("scaled: %v", names)
}

// The three-option Gini and Tsallis kernels equal the generic n-ary
// routine (values and p to 1e-14 relative: the same formulas, summed in
// another order), ties and far-apart options included.
func TestSparse3MatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	var w naryWork
	for i := range 20000 {
		x := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		switch i % 4 {
		case 1:
			x[1] = x[0] // a tie
		case 2:
			x[2] = x[0] + 50 // one option far ahead
		case 3:
			x[0], x[1], x[2] = math.Round(x[0]), math.Round(x[1]), math.Round(x[2]) // integer data: ties and kinks
		}
		gamma := math.Exp(2 * rng.NormFloat64())
		for _, reg := range []Reg{Gini, Tsallis} {
			want := make([]float64, 3)
			v := w.maxGeneric(reg, gamma, 1/gamma, x, want)
			got := make([]float64, 3)
			g := sparse3(reg, x[0], x[1], x[2], gamma, 1/gamma, got)
			require.InDelta(t, v, g, 1e-14*max(1, math.Abs(v)), "%v x=%v γ=%g", reg, x, gamma)
			for j := range got {
				require.InDelta(t, want[j], got[j], 1e-14, "%v x=%v γ=%g p[%d]", reg, x, gamma, j)
			}
		}
	}
}
