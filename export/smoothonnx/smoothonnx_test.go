package smoothonnx_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/smooth"
)

func requireORT(t testing.TB) {
	t.Helper()
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
}

// program is one example program at a small size.
type program struct {
	path   string
	params map[string]int64
	steps  int // programs with per-step inputs: the steps of an instance
}

var programs = []program{
	{"../../examples/lcs.dp", map[string]int64{"m": 5, "n": 6, "a": 3}, 0},
	{"../../testdata/programs/editdistance.dp", map[string]int64{"m": 5, "n": 4, "a": 3}, 0},
	{"../../examples/gridpath.dp", map[string]int64{"m": 3, "n": 4, "cmax": 9}, 0},
	{"../../examples/editdist.dp", map[string]int64{"m": 4, "n": 3, "a": 3}, 0},
	{"../../examples/palindrome.dp", map[string]int64{"n": 5, "a": 2}, 0},
	{"../../examples/bellmanford.dp", map[string]int64{"n": 5}, 0},
	{"../../examples/apsp.dp", map[string]int64{"n": 4}, 0},
	{"../../examples/csp.dp", map[string]int64{"n": 4, "t": 4, "lmax": 3, "rmax": 5}, 0},
	{"../../examples/heldkarp.dp", map[string]int64{"n": 5}, 0},
	{"../../examples/knapsack.dp", map[string]int64{"pmax": 4}, 5},
	{"../../examples/knapsack_value.dp", map[string]int64{"C": 8}, 5},
	{"../../examples/knapsack_int.dp", map[string]int64{"pmax": 5, "capacity": 10}, 5},
	{"../../examples/topk.dp", map[string]int64{"k": 2}, 6},
	{"../../examples/change.dp", map[string]int64{"amax": 6, "K": 20}, 4},
	{"../../examples/subsetsum.dp", map[string]int64{"capacity": 8}, 5},
	{"../../examples/rodcut.dp", map[string]int64{"n": 6, "pmax": 9}, 0},
}

// graph binds the program to a random instance (a random graph with a
// negative cycle, which the exact scheme refuses too, is drawn again).
func (p program) graph(t testing.TB, rng *rand.Rand) *smooth.Graph {
	m := testprog.File(t, p.path, p.params)
	for range 50 {
		var data, steps [][]float64
		switch {
		case p.steps > 0:
			gen, _ := problems.RandomFor(m, p.steps)
			steps = gen(rng)
		default:
			if pr, ok := problems.Identify(m); ok && pr.HasData() {
				data = pr.Random(rng, m)
			} else {
				for _, d := range m.Data { // edit distance: strings over 1..a
					v := make([]float64, d.Cells())
					for i := range v {
						v[i] = float64(1 + rng.IntN(int(p.params["a"])))
					}
					data = append(data, v)
				}
			}
		}
		g, err := smooth.NewGraph(m, data, steps, smooth.GraphLimits{})
		if err == nil {
			return g
		}
		require.Contains(t, err.Error(), "clamp", "%s", p.path) // a clamp that binds: draw again
	}
	t.Fatalf("%s: no instance in 50 draws", p.path)
	return nil
}

// batch is θ near the instance's (moved off the integers, so no options
// tie) and a random seed, for rows instances.
func batch(g *smooth.Graph, rng *rand.Rand, rows int) (theta, seed []float64) {
	for range rows {
		for _, v := range g.Theta {
			theta = append(theta, v+0.3*rng.NormFloat64())
		}
		for range g.Outputs {
			seed = append(seed, rng.Float64())
		}
	}
	return theta, seed
}

// compare checks got against want elementwise, relative to max(1, |want|)
// (smoothonnx.RelErr, as dp2nn verify does).
func compare(t *testing.T, what string, got, want []float64, tol float64) float64 {
	t.Helper()
	worst, at, err := smoothonnx.RelErr(got, want)
	require.NoError(t, err, what)
	if at >= 0 {
		require.LessOrEqual(t, worst, tol, "%s[%d]: ONNX Runtime %v, Go %v", what, at, got[at], want[at])
	}
	return worst
}

// modelCase is one model of eachModel: the graph, its export and a batch
// of θ and seeds (rounded to float32 for a float32 model: Go sees what
// the model sees).
type modelCase struct {
	g           *smooth.Graph
	reg         smooth.Reg
	dtype       smoothonnx.DType
	model       []byte
	theta, seed []float64
	in          map[string]export.Tensor
}

const (
	modelRows  = 3
	modelGamma = 0.5
)

// eachModel runs f in a subtest for every example program, regulariser,
// dtype and form, on a model at γ = modelGamma and modelRows rows.
func eachModel(t *testing.T, rng *rand.Rand, f func(t *testing.T, c *modelCase)) {
	for _, p := range programs {
		g := p.graph(t, rng)
		name := strings.TrimSuffix(p.path[strings.LastIndex(p.path, "/")+1:], ".dp")
		for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
			for _, dtype := range []smoothonnx.DType{smoothonnx.Float64, smoothonnx.Float32} {
				for _, form := range []smoothonnx.Form{smoothonnx.Loop, smoothonnx.Unrolled} {
					t.Run(fmt.Sprintf("%s/%v/%v/%v", name, reg, dtype, form), func(t *testing.T) {
						model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: reg, Gamma: modelGamma, DType: dtype, Form: form})
						require.NoError(t, err)
						c := &modelCase{g: g, reg: reg, dtype: dtype, model: model}
						c.theta, c.seed = batch(g, rng, modelRows)
						if dtype == smoothonnx.Float32 {
							for i := range c.theta {
								c.theta[i] = float64(float32(c.theta[i]))
							}
							for i := range c.seed {
								c.seed[i] = float64(float32(c.seed[i]))
							}
						}
						c.in = map[string]export.Tensor{
							"theta": export.NewTensor(c.theta, modelRows, len(g.Theta)),
							"seed":  export.NewTensor(c.seed, modelRows, len(g.Outputs)),
						}
						f(t, c)
					})
				}
			}
		}
	}
}

// againstGo checks a runtime's outputs out of c.model against
// smooth.GraphRun's value and marginals, row by row, to the dtype's
// tolerance.
func (c *modelCase) againstGo(t *testing.T, runtime string, out map[string]export.Tensor) {
	t.Helper()
	np, no := len(c.g.Theta), len(c.g.Outputs)
	require.Equal(t, []int{modelRows, no}, out["value"].Shape)
	require.Equal(t, []int{modelRows, np}, out["marginals"].Shape)
	tol := smoothonnx.Tolerance(c.dtype)
	for r := range modelRows {
		run, err := c.g.Forward(c.reg, modelGamma, c.theta[r*np:(r+1)*np])
		require.NoError(t, err)
		y, err := run.Marginals(c.seed[r*no : (r+1)*no])
		require.NoError(t, err)
		compareRuntime(t, runtime+" value", out["value"].Data[r*no:(r+1)*no], run.Values(), tol)
		compareRuntime(t, runtime+" marginals", out["marginals"].Data[r*np:(r+1)*np], y, tol)
	}
}

// Every example program, regulariser, dtype and form: ONNX Runtime's
// value and marginals equal smooth.GraphRun's (float64 1e-12, float32
// 1e-5, relative to max(1, |x|)), on a batch of θ and seeds.
func TestMatchesGo(t *testing.T) {
	requireORT(t)
	eachModel(t, rand.New(rand.NewPCG(18, 14)), func(t *testing.T, c *modelCase) {
		s, err := onnxrt.NewSession(c.model, onnxrt.Options{Threads: 1})
		require.NoError(t, err)
		defer s.Close()
		out, err := s.Run(c.in)
		require.NoError(t, err)
		c.againstGo(t, "ONNX Runtime", out)
	})
}

// The loop form reads a level from its window when it is at most W
// levels back and from the far store otherwise: with W forced to 1 (every
// older read through the far store) and to 64 (every read through the
// window), every example program still matches Go in float64.
func TestLoopWindow(t *testing.T) {
	requireORT(t)
	rng := rand.New(rand.NewPCG(18, 19))
	defer smoothonnx.SetWindow(0)
	for _, p := range programs {
		g := p.graph(t, rng)
		name := strings.TrimSuffix(p.path[strings.LastIndex(p.path, "/")+1:], ".dp")
		for _, w := range []int{1, 64} {
			for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Tsallis} {
				t.Run(fmt.Sprintf("%s/W=%d/%v", name, w, reg), func(t *testing.T) {
					smoothonnx.SetWindow(w)
					model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: reg, Gamma: 0.5, DType: smoothonnx.Float64, Form: smoothonnx.Loop})
					smoothonnx.SetWindow(0)
					require.NoError(t, err)
					s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
					require.NoError(t, err)
					defer s.Close()
					theta, seed := batch(g, rng, 1)
					out, err := s.Run(map[string]export.Tensor{
						"theta": export.NewTensor(theta, 1, len(theta)),
						"seed":  export.NewTensor(seed, 1, len(seed)),
					})
					require.NoError(t, err)
					run, err := g.Forward(reg, 0.5, theta)
					require.NoError(t, err)
					y, err := run.Marginals(seed)
					require.NoError(t, err)
					compare(t, "value", out["value"].Data, run.Values(), 1e-12)
					compare(t, "marginals", out["marginals"].Data, y, 1e-12)
				})
			}
		}
	}
}

// ONNX's own checker (full check: strict shape inference) accepts the
// model of every example program, regulariser and form.
func TestONNXChecker(t *testing.T) {
	exporttest.RequireONNXPython(t)
	rng := rand.New(rand.NewPCG(18, 15))
	dir := t.TempDir()
	var paths []string
	for i, p := range programs {
		g := p.graph(t, rng)
		for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
			for _, form := range []smoothonnx.Form{smoothonnx.Loop, smoothonnx.Unrolled} {
				model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: reg, Gamma: 1, DType: smoothonnx.Float32, Form: form})
				require.NoError(t, err)
				path := fmt.Sprintf("%s/%d_%v_%v.onnx", dir, i, reg, form)
				require.NoError(t, os.WriteFile(path, model, 0o644))
				paths = append(paths, path)
			}
		}
	}
	out, err := exporttest.CheckONNX(paths)
	require.NoError(t, err)
	t.Log(out)
}

// The constants Marshal measures before writing a loop model are its
// size: the model is at least that many bytes (8 per constant) and at
// most that plus 64 KiB of operators, names and metadata; the unrolled
// form's prediction is an upper bound.
func TestElementsPredictSize(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 20))
	for _, p := range append(programs, program{"../../examples/lcs.dp", map[string]int64{"m": 120, "n": 100, "a": 4}, 0}) {
		g := p.graph(t, rng)
		for _, form := range []smoothonnx.Form{smoothonnx.Loop, smoothonnx.Unrolled} {
			model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: smooth.Gini, Gamma: 1, DType: smoothonnx.Float64, Form: form})
			require.NoError(t, err)
			n := 8 * smoothonnx.Elements(g, form, smooth.Gini)
			if form == smoothonnx.Loop {
				require.GreaterOrEqual(t, len(model), n-8, "%s", p.path) // rounded up to 8 bytes
				require.LessOrEqual(t, len(model), n+64<<10, "%s", p.path)
			} else {
				require.LessOrEqual(t, len(model), n+64<<10, "%s", p.path)
			}
		}
	}
}

// Auto writes a graph of at most AutoUnrolledLevels levels unrolled and a
// longer one as a Loop; an explicit form is kept; the model records the
// form it was written in.
func TestAutoForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 21))
	lcs := func(m, n int64) *smooth.Graph {
		return program{"../../examples/lcs.dp", map[string]int64{"m": m, "n": n, "a": 3}, 0}.graph(t, rng)
	}
	short, long := lcs(8, 8), lcs(9, 9) // 8 + 8 − 1 cells' levels and the answer's: 16 and 18
	for _, c := range []struct {
		g          *smooth.Graph
		form, want smoothonnx.Form
	}{
		{short, smoothonnx.Auto, smoothonnx.Unrolled},
		{long, smoothonnx.Auto, smoothonnx.Loop},
		{short, smoothonnx.Loop, smoothonnx.Loop},
		{long, smoothonnx.Unrolled, smoothonnx.Unrolled},
	} {
		require.Equal(t, c.want, smoothonnx.FormFor(c.g, c.form))
		model, err := smoothonnx.Marshal(c.g, smoothonnx.Options{Reg: smooth.Gini, Gamma: 1, DType: smoothonnx.Float64, Form: c.form})
		require.NoError(t, err)
		info, err := smoothonnx.Inspect(model)
		require.NoError(t, err)
		require.Equal(t, c.want, info.Form)
	}
	// past MaxRowBytes, Auto writes the unrolled form (and Loop is
	// refused: TestBadOptions)
	model, err := smoothonnx.Marshal(long, smoothonnx.Options{Reg: smooth.Gini, Gamma: 1, DType: smoothonnx.Float64, MaxRowBytes: 1000})
	require.NoError(t, err)
	info, err := smoothonnx.Inspect(model)
	require.NoError(t, err)
	require.Equal(t, smoothonnx.Unrolled, info.Form)
}

// Bad options are refused by name, and a graph past the limit on
// constants before anything is built.
func TestBadOptions(t *testing.T) {
	g := programs[0].graph(t, rand.New(rand.NewPCG(1, 1)))
	for _, c := range []struct {
		opt  smoothonnx.Options
		want string
	}{
		{smoothonnx.Options{Reg: smooth.Reg(7), Gamma: 1, DType: smoothonnx.Float64}, "unknown regulariser"},
		{smoothonnx.Options{Reg: smooth.Gini, Gamma: 0, DType: smoothonnx.Float64}, "γ = 0"},
		{smoothonnx.Options{Reg: smooth.Gini, Gamma: math.NaN(), DType: smoothonnx.Float64}, "γ = NaN"},
		{smoothonnx.Options{Reg: smooth.Gini, Gamma: 1}, "dtype"},
		{smoothonnx.Options{Reg: smooth.Gini, Gamma: 1, DType: smoothonnx.Float64, Form: smoothonnx.Form(9)}, "form Form(9)"},
		{smoothonnx.Options{Reg: smooth.Gini, Gamma: 1, DType: smoothonnx.Float32, MaxElements: 100}, "more than the limit 100"},
		{smoothonnx.Options{Reg: smooth.Gini, Gamma: 1, DType: smoothonnx.Float32, Form: smoothonnx.Loop, MaxElements: 10}, "at least 31 constants"},
		{smoothonnx.Options{Reg: smooth.Gini, Gamma: 1, DType: smoothonnx.Float32, Form: smoothonnx.Loop, MaxRowBytes: 1000}, "per batch row at run time"},
	} {
		_, err := smoothonnx.Marshal(g, c.opt)
		require.ErrorContains(t, err, c.want)
	}
}

// The loop form stacks per batch row only what the reverse sweep cannot
// compute again cheaply: the forward Loop's scan outputs are the values
// [N, K] per level and, for Gini and Tsallis, the threshold τ of their
// sort (the option probabilities, M times the values' size, are formed
// again by the reverse Loop from the values' window, which it carries,
// and τ), and the reverse Loop's are the adjoints [N, K] and their θ
// indices [K] (with θ terms, their flows and indices). For LCS (three
// options) that is 20 (Shannon) or 28 bytes per padded node instead of
// 40.
func TestLoopStacks(t *testing.T) {
	g := programs[0].graph(t, rand.New(rand.NewPCG(18, 22))) // LCS: three options, no θ terms
	for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
		model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: reg, Gamma: 1, DType: smoothonnx.Float64, Form: smoothonnx.Loop})
		require.NoError(t, err)
		var mp onnxpb.ModelProto
		require.NoError(t, proto.Unmarshal(model, &mp))
		var scans [][]string // per Loop: its scan outputs' element type and rank
		for _, n := range mp.GetGraph().GetNode() {
			if n.GetOpType() != "Loop" {
				continue
			}
			body := n.GetAttribute()[0].GetG()
			carried := len(n.GetInput()) - 2
			var s []string
			for _, o := range body.GetOutput()[1+carried:] {
				tt := o.GetType().GetTensorType()
				s = append(s, fmt.Sprintf("%v/%d", onnxpb.TensorProto_DataType(tt.GetElemType()), len(tt.GetShape().GetDim())))
			}
			scans = append(scans, s)
		}
		fwd := []string{"DOUBLE/2"}
		if reg != smooth.Shannon {
			fwd = append(fwd, "DOUBLE/2")
		}
		require.Equal(t, [][]string{fwd, {"DOUBLE/2", "INT32/1"}}, scans, "%v", reg)
	}
}
