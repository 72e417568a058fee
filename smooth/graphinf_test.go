package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Graphs whose outputs are infinite or constant (data "inf" folded into
// them) and graphs with no smoothed node at all: every call of a run
// works on them. testdata/programs/mini.dp with c = [inf, inf] left a
// graph whose only node is the constant output: VJP sliced a scratch of
// maxOpts = 0 entries and panicked.
func TestGraphInfiniteOrConstantOutputs(t *testing.T) {
	inf := math.Inf(1)
	mini := loadModel(t, "../testdata/programs/mini.dp", nil)
	grid := loadModel(t, "../testdata/programs/gridobs.dp", nil)
	cases := []struct {
		name string
		g    func() (*Graph, error)
		want float64 // the exact answer: c[1] + c[2], or the grid's cheapest path
	}{
		{"mini both inf", func() (*Graph, error) { return NewGraph(mini, [][]float64{{inf, inf}}, nil, GraphLimits{}) }, inf},
		{"mini c1 inf", func() (*Graph, error) { return NewGraph(mini, [][]float64{{inf, 3}}, nil, GraphLimits{}) }, inf},
		{"mini c2 inf", func() (*Graph, error) { return NewGraph(mini, [][]float64{{2, inf}}, nil, GraphLimits{}) }, inf},
		{"mini finite", func() (*Graph, error) { return NewGraph(mini, [][]float64{{2, 3}}, nil, GraphLimits{}) }, 5},
		{"grid blocked", func() (*Graph, error) {
			return NewGraph(grid, [][]float64{{1, inf, 1, inf, 1, 1, 1, 1, 1}}, nil, GraphLimits{})
		}, inf},
		{"grid all inf", func() (*Graph, error) {
			return NewGraph(grid, [][]float64{{inf, inf, inf, inf, inf, inf, inf, inf, inf}}, nil, GraphLimits{})
		}, inf},
		{"grid obstacle", func() (*Graph, error) {
			return NewGraph(grid, [][]float64{{1, inf, 1, 2, 5, 1, 1, 1, 1}}, nil, GraphLimits{})
		}, 6}, // down, down, right, right: 1 + 2 + 1 + 1 + 1
	}
	for _, tc := range cases {
		g, err := tc.g()
		require.NoError(t, err, tc.name)
		hard, err := g.Hard(nil)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, hard[0], tc.name)
		for _, reg := range []Reg{Shannon, Gini, Tsallis} {
			r, err := g.Forward(reg, 0.5, nil)
			require.NoError(t, err, tc.name)
			v := r.Value()
			y, err := r.Marginals(nil)
			require.NoError(t, err, tc.name)
			z := make([]float64, len(g.Theta))
			for i := range z {
				z[i] = float64(i%3) - 1
			}
			h, err := r.VJP(nil, z)
			require.NoError(t, err, tc.name)
			require.Len(t, h, len(g.Theta))
			s := r.Sample(rand.New(rand.NewPCG(1, 2)), 0)
			require.Len(t, s, len(g.Theta))
			if math.IsInf(hard[0], 0) {
				// An infinite answer stays infinite and has no gradient.
				require.Equal(t, hard[0], v, "%s %v", tc.name, reg)
				require.Equal(t, make([]float64, len(g.Theta)), y, "%s %v marginals", tc.name, reg)
				require.Equal(t, make([]float64, len(g.Theta)), h, "%s %v VJP", tc.name, reg)
				require.Equal(t, make([]float64, len(g.Theta)), s, "%s %v sample", tc.name, reg)
				continue
			}
			require.InDelta(t, hard[0], v, 0.5*g.Bound(reg)[0]+1e-9, "%s %v", tc.name, reg)
			for _, x := range append(append(y, h...), s...) {
				require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s %v", tc.name, reg)
			}
		}
	}
}
