package onnxrt_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/relu"
)

// requireORT skips the test when the ONNX Runtime library is missing, with
// the command that installs it, and fails it instead when
// DP2NN_REQUIRE_RUNTIMES=1 (scripts/test.sh and CI set it after
// installing the library).
func requireORT(t testing.TB) {
	t.Helper()
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
}

// Every layout × form × dtype of every shared case gives in ONNX Runtime
// what relu's Go evaluator gives, exactly for integer data.
func TestMatchesEvaluator(t *testing.T) {
	requireORT(t)
	for _, c := range exporttest.Cases() {
		for _, opt := range c.Variants() {
			t.Run(c.Name+"/"+exporttest.VariantName(opt), func(t *testing.T) {
				model, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
				require.NoError(t, err)
				defer s.Close()
				rng := rand.New(rand.NewPCG(7, uint64(len(c.Name))))
				for _, batch := range []int{1, 7} {
					in := c.Inputs(rng, opt, batch, 5)
					want, err := c.Reference(opt, in)
					require.NoError(t, err)
					got, err := s.Run(in)
					require.NoError(t, err)
					require.NoError(t, exporttest.Compare(got, want, c.Tolerance(opt.DType)), "batch %d", batch)
				}
			})
		}
	}
}

// ONNX Runtime's decode tail agrees with the Go reference for every
// comparison, tolerance, range and fallback, on values next to the
// thresholds, in float32 and float64.
func TestDecodeTails(t *testing.T) {
	requireORT(t)
	c := exporttest.DecodeCase()
	for i, d := range exporttest.DecodeTails() {
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			opt := export.Options{Decode: d, DType: dt, Layout: export.Layout(1 + i%2)}
			model, err := export.Marshal(c.Graph, opt)
			require.NoError(t, err)
			s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
			require.NoError(t, err)
			in := c.Inputs(rand.New(rand.NewPCG(uint64(i), 2)), opt, 64, 0)
			want, err := c.Reference(opt, in)
			require.NoError(t, err)
			got, err := s.Run(in)
			s.Close()
			require.NoError(t, err)
			require.NoError(t, exporttest.Compare(got, want, 0), "%s, %v", describe(d), dt)
		}
	}
}

func describe(d *export.Decode) string {
	return fmt.Sprintf("%s max=%v %s %v integer %v bound %v range %v", d.Name, d.Max, d.Op, d.Threshold, d.Integer, d.Bound, d.Range)
}

// The compiled knapsack cell with pmax = 60 in the structured layout, whose
// select neurons share the partial sum of their indicator terms (export's
// sharedTerms), gives in ONNX Runtime exactly what relu's evaluator gives,
// in float32 and float64.
func TestKnapsackSharedTerms(t *testing.T) {
	requireORT(t)
	f, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"pmax": 60})
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	g := net.Cell
	const batch = 32
	rng := rand.New(rand.NewPCG(9, 9))
	rows := make([]float64, batch*g.NumInputs)
	in := map[string]export.Tensor{}
	for _, blk := range g.Inputs {
		d := make([]float64, batch*blk.Len)
		for i := range d {
			switch blk.Name {
			case "profit":
				d[i] = float64(1 + rng.IntN(60))
			default: // sizes and states in [0, 2], in eighths
				d[i] = float64(rng.IntN(17)) / 8
			}
		}
		in[blk.Name] = export.NewTensor(d, batch, blk.Len)
		for r := range batch {
			copy(rows[r*g.NumInputs+blk.Start:], d[r*blk.Len:(r+1)*blk.Len])
		}
	}
	for _, dt := range []export.DType{export.Float32, export.Float64} {
		model, err := export.Marshal(g, export.Options{Layout: export.Structured, DType: dt})
		require.NoError(t, err)
		require.Contains(t, string(model), "shared index", "the shared partial sum is used")
		s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
		require.NoError(t, err)
		got, err := s.Run(in)
		require.NoError(t, s.Close())
		require.NoError(t, err)
		e, err := relu.NewEvaluator[float64](g)
		require.NoError(t, err)
		want := make([]float64, batch*g.NumOutputs())
		require.NoError(t, e.Run(rows, want, batch))
		assert.Equal(t, want, got["f_next"].Data, "%v", dt)
	}
}
