package engine_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/stretchr/testify/require"
)

// recurrenceCase is a program of the smooth scheme with an instance: the
// fixed offset inputs per step.
type recurrenceCase struct {
	name    string
	program string
	params  map[string]int64
	fixed   func(rng *rand.Rand, n int) map[string][]float64
}

var recurrenceCases = []recurrenceCase{
	{"knapsack", "examples/knapsack_value.dp", map[string]int64{"C": 12}, func(rng *rand.Rand, n int) map[string][]float64 {
		w := make([]float64, n)
		for i := range w {
			w[i] = float64(1 + rng.IntN(6))
		}
		return map[string][]float64{"weight": w}
	}},
	{"topk", "examples/topk.dp", map[string]int64{"k": 3}, func(*rand.Rand, int) map[string][]float64 { return map[string][]float64{} }},
}

// The exported Loop, run by the reference interpreter in float64, gives
// the value and marginals of the recurrence's Go evaluator (the same
// algorithm, operator for operator up to rounding: 1e-12 relative), for
// every regulariser.
func TestRecurrenceLoopInterpreter(t *testing.T) {
	for _, c := range recurrenceCases {
		for _, reg := range []relu.Activation{relu.Shannon, relu.Gini, relu.Tsallis} {
			t.Run(c.name+"/"+reg.String(), func(t *testing.T) {
				m := testprog.Load(t, c.program, c.params)
				rng := rand.New(rand.NewPCG(1, 2))
				const n = 7
				opt := compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 0.7, Steps: n, Fixed: c.fixed(rng, n)}
				rec, err := compile.LowerRecurrence(m, opt)
				require.NoError(t, err)
				b, err := export.MarshalRecurrence(rec, export.RecurrenceOptions{DType: export.Float64})
				require.NoError(t, err)
				model, err := export.Parse(b)
				require.NoError(t, err)
				theta := make([]float64, n)
				for i := range theta {
					theta[i] = rng.NormFloat64() * 1.4
				}
				val, grad, err := rec.Eval([][]float64{theta})
				require.NoError(t, err)
				out, err := onnxref.Run(model, map[string]export.Tensor{"theta": export.NewTensor(theta, 1, n)})
				require.NoError(t, err)
				require.InDelta(t, val, out["value"].Data[0], 1e-12*math.Max(1, math.Abs(val)))
				require.Len(t, out["marginals"].Data, n)
				for i, g := range grad[0] {
					require.InDelta(t, g, out["marginals"].Data[i], 1e-12, "marginal %d", i)
				}
			})
		}
	}
}
