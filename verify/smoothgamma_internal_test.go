package verify

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/relu"
)

// threeWay has a step of three options, which the loop form does not
// lower: its bound is the smooth graph's.
const threeWay = `dp threeway
input x real in -10..10
state v[c in 0..3] real in -inf..inf = 0
v[c < 0] = -inf
step v[c] = max(v[c], v[c - 1] + x, v[c - 2] + 2 * x)
answer v[3]
`

// The compile-time γ check of a program with per-step inputs, on the
// loop form's recurrence (top-k) and on the smooth graph (a step of
// three options): the network run in float64 with every input at an end
// of its declared range has finite values and marginals at the largest
// γ accepted, SmoothStepsGamma refuses just above it naming it, and at
// γ = 1e308 (refused) the Shannon run overflows (8 and 10 steps: every
// step adds about γ·log 2 at so large a γ) — the check stands between
// the user and an infinite value. (Gini's run, whose bonus shrinks as
// the options spread, stays below the float64 range there: the bound,
// like Graph.Forward's, keeps a margin of 2^24.)
func TestSmoothStepsGamma(t *testing.T) {
	for _, c := range []struct {
		name, path, src, input string // path: an example; src: a program's text
		steps                  [][]float64
		x                      float64 // the largest declared magnitude of the input
		how                    string
	}{
		{"topk", "examples/topk.dp", "", "theta", [][]float64{{1000}, {-1000}, {1000}, {1000}, {-1000}, {1000}, {1000}, {-1000}, {-1000}, {1000}}, 1000, "bound of its recurrence over 10 steps"},
		{"threeway", "", threeWay, "x", [][]float64{{10}, {-10}, {10}, {10}, {-10}, {-10}, {10}, {10}}, 10, "bound C + T·max|θ| + γ·B of its smooth graph"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var m *dsl.Model
			if c.path != "" {
				m = testprog.Load(t, c.path, map[string]int64{"k": 2})
			} else {
				m = testprog.Source(t, c.src, nil)
			}
			for _, reg := range []relu.Activation{relu.Shannon, relu.Gini, relu.Tsallis} {
				opt := compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 1}.SmoothInstance(m, c.steps)
				b, err := SmoothStepsGammaBound(m, opt, c.steps, SmoothLimit{})
				require.NoError(t, err)
				require.Equal(t, c.how, b.How)
				require.Empty(t, b.Unbounded)
				require.Contains(t, b.Inputs[0], c.input+" in ")
				require.GreaterOrEqual(t, b.Base, c.x*float64(len(c.steps)), "the inputs alone reach steps × max|x|")
				mg := b.MaxGamma()
				require.Positive(t, mg)
				require.Less(t, mg, 1e308)

				run := func(gamma float64) (float64, []float64) {
					o := opt
					o.Gamma = gamma
					net, err := compile.Lower(m, o)
					require.NoError(t, err)
					in, err := net.SmoothInputs(c.steps)
					require.NoError(t, err)
					grad, out, err := relu.VJP(net.Cell, in, []float64{1})
					require.NoError(t, err)
					return out[0], grad
				}
				v, grad := run(mg)
				require.False(t, math.IsInf(v, 0) || math.IsNaN(v), "%v: value %v at the largest γ accepted %g", reg, v, mg)
				for _, g := range grad {
					require.False(t, math.IsInf(g, 0) || math.IsNaN(g), "%v: marginal %v at γ %g", reg, g, mg)
				}
				require.NoError(t, SmoothStepsGamma(m, withGamma(opt, mg), c.steps, false, SmoothLimit{}))
				err = SmoothStepsGamma(m, withGamma(opt, mg*1.000001), c.steps, false, SmoothLimit{})
				require.ErrorContains(t, err, "is too large")
				require.ErrorContains(t, err, "the largest γ accepted is")
				require.ErrorContains(t, err, "float64 (2^1000)")

				// float32: the limit is float32's.
				b.Float32 = true
				mg32 := b.MaxGamma()
				require.Less(t, mg32, 1e32)
				require.ErrorContains(t, SmoothStepsGamma(m, withGamma(opt, 2*mg32), c.steps, true, SmoothLimit{}), "float32 (2^104)")
				require.NoError(t, SmoothStepsGamma(m, withGamma(opt, mg32), c.steps, true, SmoothLimit{}))

				if reg == relu.Shannon { // log-sum-exp adds about γ·log 2 per step at so large a γ
					v, _ = run(1e308)
					require.True(t, math.IsInf(v, 0) || math.IsNaN(v), "%v: γ = 1e308 gives %v: the refused γ does overflow", reg, v)
				}
				require.Error(t, SmoothStepsGamma(m, withGamma(opt, 1e308), c.steps, false, SmoothLimit{}))
			}
		})
	}
}

func withGamma(o compile.Options, g float64) compile.Options { o.Gamma = g; return o }
