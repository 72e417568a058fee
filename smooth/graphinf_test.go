package smooth

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/testprog"
)

// Graphs whose outputs are infinite or constant (data "inf" folded into
// them) and graphs with no smoothed node at all: every call of a run
// works on them. testdata/programs/mini.dp with c = [inf, inf] left a
// graph whose only node is the constant output: VJP sliced a scratch of
// maxOpts = 0 entries and panicked.
func TestGraphInfiniteOrConstantOutputs(t *testing.T) {
	inf := math.Inf(1)
	mini := testprog.File(t, "../testdata/programs/mini.dp", nil)
	grid := testprog.File(t, "../testdata/programs/gridobs.dp", nil)
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

// Forward refuses a γ whose bound C + T·max|θ| + γ·B on the values passes
// 2^1000 (graphmag.go): at γ = 1e308 DTW gave −Inf and zero marginals.
// Just under MaxGamma the value is finite, at most the exact minimum and
// within γ·Bound of it, and the marginals (expected uses of the costs
// and cells) are finite and in [0, 1]; just over it Forward refuses.
func TestGraphRefusesOverflowingGamma(t *testing.T) {
	m := testprog.File(t, "../testdata/programs/dtw.dp", map[string]int64{"m": 3, "n": 4, "cmax": 9})
	c := []float64{1, 5, 2, 7, 3, 0, 9, 1, 4, 4, 1, 2}
	g, err := NewGraph(m, [][]float64{c}, nil, GraphLimits{})
	require.NoError(t, err)
	hard, err := g.Hard(nil)
	require.NoError(t, err)
	require.Equal(t, 4.0, hard[0]) // (1,1) (2,2) (3,3) (3,4): 1 + 0 + 1 + 2
	for _, reg := range []Reg{Shannon, Gini, Tsallis} {
		top := g.MaxGamma(reg, nil)
		require.Greater(t, top, 1e299, "%v", reg)
		require.Less(t, top, 1e301, "%v", reg)
		_, err := g.Forward(reg, top*(1+1e-9), nil)
		require.ErrorContains(t, err, "too large for this graph", "%v", reg)
		_, err = g.Forward(reg, 1e308, nil)
		require.ErrorContains(t, err, "could overflow float64", "%v", reg)
		gamma := top * (1 - 1e-9)
		r, err := g.Forward(reg, gamma, nil)
		require.NoError(t, err, "%v", reg)
		v := r.Value()
		require.False(t, math.IsInf(v, 0) || math.IsNaN(v), "%v: %v", reg, v)
		require.LessOrEqual(t, v, hard[0], "%v: a soft min is at most the min", reg)
		require.LessOrEqual(t, hard[0]-v, gamma*g.Bound(reg)[0]*(1+1e-12), "%v", reg)
		y, err := r.Marginals(nil)
		require.NoError(t, err)
		for i, x := range y {
			require.True(t, x >= 0 && x <= 1+1e-12, "%v: marginal %d = %v", reg, i, x)
		}
		h, err := r.VJP(nil, y)
		require.NoError(t, err)
		for i, x := range h {
			require.False(t, math.IsInf(x, 0) || math.IsNaN(x), "%v: VJP %d = %v", reg, i, x)
		}
	}
}

// A cell whose step is a constant equal to its initial value is final
// from the start, so it adds no step to the chains that read it: weighted
// interval scheduling (steps n, chain F[n] … F[1] F[0] with F[0] = 0) and
// the matrix chain (steps n − 1, diagonal m[i, i] = 0) build once and
// their hard evaluation equals a DP written here; one step fewer is
// still refused.
func TestGraphConstantInitialCellsAreFinal(t *testing.T) {
	parse := func(path, from, to string) *dsl.Model {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		text := strings.Replace(string(src), from, to, 1)
		require.NotEqual(t, string(src), text)
		f, err := dsl.Parse(path, []byte(text))
		require.NoError(t, err)
		m, err := dsl.Check(f, nil)
		require.NoError(t, err)
		return m
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		// wis: F[i] = max(F[i−1], F[pr[i]] + w[i]), pr[i] < i.
		const n = 5
		pr, w := make([]float64, n), make([]float64, n)
		for i := range pr {
			pr[i], w[i] = float64(rng.IntN(i+1)), float64(rng.IntN(41))/4
		}
		f := make([]float64, n+1)
		for i := 1; i <= n; i++ {
			f[i] = max(f[i-1], f[int(pr[i-1])]+w[i-1])
		}
		m := testprog.File(t, "../testdata/programs/wis.dp", nil)
		g, err := NewGraph(m, [][]float64{pr, w}, nil, GraphLimits{})
		require.NoError(t, err)
		require.Equal(t, Once, g.Mode)
		hard, err := g.Hard(nil)
		require.NoError(t, err)
		require.InDelta(t, f[n], hard[0], 1e-12)
		short := parse("../testdata/programs/wis.dp", "steps n", "steps n - 1")
		_, err = NewGraph(short, [][]float64{pr, w}, nil, GraphLimits{})
		require.ErrorContains(t, err, "F[5] needs 5 steps to be final (its chain of reads), but wis runs 4")

		// Matrix chain: m[i, j] = min over k of m[i, k] + m[k+1, j] + w[i, k, j].
		wt := make([]float64, 4*4*4)
		for i := range wt {
			wt[i] = float64(rng.IntN(1001))
		}
		var mc [5][5]float64
		for l := 1; l < 4; l++ {
			for i := 1; i+l <= 4; i++ {
				j := i + l
				mc[i][j] = math.Inf(1)
				for k := i; k < j; k++ {
					mc[i][j] = min(mc[i][j], mc[i][k]+mc[k+1][j]+wt[(i-1)*16+(k-1)*4+j-1])
				}
			}
		}
		m = testprog.File(t, "../testdata/programs/mchain.dp", nil)
		g, err = NewGraph(m, [][]float64{wt}, nil, GraphLimits{})
		require.NoError(t, err)
		require.Equal(t, Once, g.Mode)
		hard, err = g.Hard(nil)
		require.NoError(t, err)
		require.Equal(t, mc[1][4], hard[0])
		short = parse("../testdata/programs/mchain.dp", "steps n - 1", "steps n - 2")
		_, err = NewGraph(short, [][]float64{wt}, nil, GraphLimits{})
		require.ErrorContains(t, err, "needs 3 steps to be final")
	}
}
