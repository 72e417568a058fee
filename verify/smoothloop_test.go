package verify_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/verify"
)

// twoInputs is a smoothed DP that is neither knapsack nor top-k (two
// run-time inputs, a constant offset, a constant added): its loop model is
// checked against the smoothed DP interpreter and its central differences.
const twoInputs = `dp twoinputs
param C int = 6
input theta real in -10..10
input bonus real in -10..10
state v[c in 0..C] real in -inf..inf = 0
v[c < 0] = -inf
step v[c] = max(v[c] + 0.5*bonus, v[c - 2] + theta - 0.25)
answer v[C]
`

// writeLoop writes the loop form of m with opt as dp2nn compile does, the
// metadata recording src (which a test may falsify).
func writeLoop(t *testing.T, path string, rec *relu.Recurrence, dt export.DType, src *export.Source) {
	t.Helper()
	require.NoError(t, export.WriteRecurrenceFile(path, rec, export.RecurrenceOptions{DType: dt, Source: src}))
}

// Loop models of knapsack (package smooth's kernel), top-k (its top-k
// kernel) and a program of neither form (the interpreter) pass
// SmoothLoopModel in ONNX Runtime and the Go interpreter, every
// regulariser, both dtypes.
func TestSmoothLoopModel(t *testing.T) {
	requireORT(t, false)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	weights := make([]float64, 40)
	for i := range weights {
		weights[i] = float64(1 + rng.IntN(9))
	}
	cases := []struct {
		name, program, source string
		params                map[string]int64
		steps                 int
		fixed                 map[string][]float64
		reference             string
	}{
		{"knapsack", "examples/knapsack_value.dp", "", map[string]int64{"C": 30}, 40, map[string][]float64{"weight": weights}, "knapsack kernel"},
		{"topk", "examples/topk.dp", "", map[string]int64{"k": 4}, 25, nil, "top-k kernel"},
		{"twoinputs", "", twoInputs, nil, 8, nil, "interpreter"},
	}
	for _, c := range cases {
		for _, reg := range []relu.Activation{relu.Shannon, relu.Gini, relu.Tsallis} {
			for _, dt := range []export.DType{export.Float32, export.Float64} {
				name := fmt.Sprintf("%s_%v_%v", c.name, reg, dt)
				t.Run(name, func(t *testing.T) {
					m := loopProgram(t, c.program, c.source, c.params)
					opt := compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 0.6, Steps: c.steps, Fixed: c.fixed}
					if opt.Fixed == nil {
						opt.Fixed = map[string][]float64{}
					}
					rec, err := compile.LowerRecurrence(m, opt)
					require.NoError(t, err)
					path := filepath.Join(dir, name+".onnx")
					writeLoop(t, path, rec, dt, engine.RecurrenceSource(m, opt, "p.dp", m.File.Src))
					for _, rt := range []engine.Runtime{engine.ORT, engine.Go} {
						rc, run := openLoop(t, path, rt)
						sc, err := verify.SmoothLoopModel(run, path, rt, rc, 8, 1, nil)
						require.NoError(t, err)
						assert.Zero(t, sc.Mismatches, "%s: %v", rt, sc.Failures)
						assert.Equal(t, 8, sc.Cases)
						assert.Contains(t, sc.Value, c.reference)
						run.Close()
					}
				})
			}
		}
	}
}

// A model whose metadata does not describe it (γ, a param, a fixed weight
// changed after the export) fails the check: verify reads what the model
// records, so what it checks is the model it ran. (Shannon: no exact 0
// or 1 probabilities that could hide a change on some scores.)
func TestSmoothLoopModelCatchesAWrongModel(t *testing.T) {
	dir := t.TempDir()
	m := loopProgram(t, "examples/knapsack_value.dp", "", map[string]int64{"C": 8})
	opt := compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: 1, Steps: 6,
		Fixed: map[string][]float64{"weight": {2, 3, 1, 4, 2, 5}}}
	rec, err := compile.LowerRecurrence(m, opt)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		falsify func(s *export.Source)
	}{
		{"gamma", func(s *export.Source) { s.Gamma = 0.5 }},
		{"capacity", func(s *export.Source) { s.Params["C"] = 9 }},
		{"weight", func(s *export.Source) { s.Fixed["weight"] = []float64{2, 3, 1, 4, 2, 4} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := engine.RecurrenceSource(m, opt, "p.dp", m.File.Src)
			src.Fixed = map[string][]float64{"weight": append([]float64(nil), opt.Fixed["weight"]...)}
			tc.falsify(src)
			path := filepath.Join(dir, tc.name+".onnx")
			writeLoop(t, path, rec, export.Float64, src)
			rc, run := openLoop(t, path, engine.Go)
			defer run.Close()
			sc, err := verify.SmoothLoopModel(run, path, engine.Go, rc, 5, 1, nil)
			require.NoError(t, err)
			assert.Equal(t, 5, sc.Mismatches, "a model checked against the wrong recurrence must fail")
		})
	}
}

func loopProgram(t *testing.T, program, source string, params map[string]int64) *dsl.Model {
	t.Helper()
	if program != "" {
		return testprog.Load(t, program, params)
	}
	return testprog.Source(t, source, params)
}

func openLoop(t *testing.T, path string, rt engine.Runtime) (*engine.Recurrence, *engine.Runner) {
	t.Helper()
	model, err := export.Read(path)
	require.NoError(t, err)
	rc, err := engine.RecompileRecurrence(model)
	require.NoError(t, err)
	run, err := engine.Open(path, rt, nil)
	require.NoError(t, err)
	return rc, run
}
