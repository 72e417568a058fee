package verify

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/smooth"
)

// The metadata's numbers round-trip exactly: ±Inf, -0, subnormals, empty
// rows and no rows at all.
func TestFloatRowsRoundTrip(t *testing.T) {
	for _, rows := range [][][]float64{
		nil,
		{},
		{{}},
		{{1, 0.1, math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 5e-324, math.MaxFloat64}, {-2.5}},
	} {
		got, err := parseFloatRows("k", floatRows(rows))
		require.NoError(t, err)
		require.Len(t, got, len(rows))
		for i := range rows {
			require.Len(t, got[i], len(rows[i]))
			for j := range rows[i] {
				require.Equal(t, math.Float64bits(rows[i][j]), math.Float64bits(got[i][j]), "row %d col %d", i, j)
			}
		}
	}
	for _, bad := range []string{"", "{", `[1]`, `["1 x"]`} {
		_, err := parseFloatRows("k", bad)
		require.ErrorContains(t, err, "bad metadata k", bad)
	}
}

// The graph rebuilt from an exported model's metadata is the graph that
// was exported: the same parameters, and bit for bit the same value and
// marginals, for a program with data (Bellman-Ford: +Inf for a missing
// edge) and one with per-step inputs (knapsack_value).
func TestSmoothGraphMetadataRebuildsGraph(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	for _, c := range []struct {
		path   string
		params map[string]int64
		steps  int
	}{
		{"examples/bellmanford.dp", map[string]int64{"n": 5}, 0},
		{"examples/knapsack_value.dp", map[string]int64{"C": 8}, 5},
	} {
		m := testprog.Load(t, c.path, c.params)
		var data, steps [][]float64
		if c.steps > 0 {
			gen, _ := problems.RandomFor(m, c.steps)
			steps = gen(rng)
		} else {
			pr, ok := problems.Identify(m)
			require.True(t, ok)
			data = pr.Random(rng, m)
		}
		r, err := SolveSmoothGraph(m, "random", data, steps, compile.Options{Scheme: compile.Smooth, Reg: relu.Tsallis, Gamma: 0.7}, SmoothLimit{})
		require.NoError(t, err, c.path)
		model, err := r.ONNX(false, smoothonnx.Loop, 0)
		require.NoError(t, err)
		info, g, err := SmoothGraphSource(c.path, model, SmoothLimit{})
		require.NoError(t, err, c.path)
		require.Equal(t, 0.7, info.Gamma)
		require.Equal(t, r.graph.Theta, g.Theta, c.path)
		require.Equal(t, r.graph.Outputs, g.Outputs, c.path)
		theta := make([]float64, len(g.Theta))
		for i, v := range g.Theta {
			theta[i] = v + 0.01*rng.NormFloat64()
		}
		want, err := r.graph.Forward(smooth.Tsallis, 0.7, theta)
		require.NoError(t, err)
		got, err := g.Forward(smooth.Tsallis, 0.7, theta)
		require.NoError(t, err)
		require.Equal(t, want.Values(), got.Values(), c.path)
		seed := []float64{0.3}
		if len(g.Outputs) != 1 {
			seed = nil
		}
		wy, err := want.Marginals(seed)
		require.NoError(t, err)
		gy, err := got.Marginals(seed)
		require.NoError(t, err)
		require.Equal(t, wy, gy, c.path)
	}
}

// A model whose recorded params were changed after export (m = 4 → 3 for
// LCS: 12 cell biases become 9) rebuilds a graph of another size: verify says the metadata does
// not describe the model, before running it, instead of passing a
// runtime's shape error through.
func TestSmoothGraphModelMetadataSize(t *testing.T) {
	m := testprog.Load(t, "examples/lcs.dp", map[string]int64{"m": 4, "n": 3, "a": 2})
	data := [][]float64{{1, 2, 1, 2}, {2, 2, 1}}
	r, err := SolveSmoothGraph(m, "x", data, nil, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 0.5}, SmoothLimit{})
	require.NoError(t, err)
	model, err := r.ONNX(false, smoothonnx.Loop, 0)
	require.NoError(t, err)
	var mp onnxpb.ModelProto
	require.NoError(t, proto.Unmarshal(model, &mp))
	for _, e := range mp.MetadataProps {
		if e.GetKey() == metaSrcParams {
			e.Value = proto.String(strings.Replace(e.GetValue(), `"m":4`, `"m":3`, 1))
		}
		if e.GetKey() == metaSrcData {
			e.Value = proto.String(strings.Replace(e.GetValue(), `"1 2 1 2"`, `"1 2 1"`, 1))
		}
	}
	tampered, err := proto.Marshal(&mp)
	require.NoError(t, err)
	info, g, err := SmoothGraphSource("lcs.onnx", tampered, SmoothLimit{})
	require.NoError(t, err)
	runner, err := engine.OpenRaw("lcs.onnx", tampered, engine.Go)
	require.NoError(t, err)
	_, err = SmoothGraphModel(runner, "lcs.onnx", info, g, 2, 1, nil)
	require.ErrorContains(t, err, "lcs.onnx: the model's inputs are theta [N, 12] and seed [N, 1], but the program and instance it records give 9 parameters and 1 outputs: its metadata does not describe it")
}

// A model whose recorded program was changed after export (LCS's param m
// renamed p) is refused naming the recorded params and what the
// recorded program declares, not a -set flag the user never gave; so is
// one whose program declares a param without a default that the record
// lacks.
func TestSmoothGraphModelRecordedParams(t *testing.T) {
	m := testprog.Load(t, "examples/lcs.dp", map[string]int64{"m": 3, "n": 3, "a": 2})
	data := [][]float64{{1, 2, 1}, {2, 2, 1}}
	r, err := SolveSmoothGraph(m, "x", data, nil, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 0.5}, SmoothLimit{})
	require.NoError(t, err)
	model, err := r.ONNX(false, smoothonnx.Loop, 0)
	require.NoError(t, err)
	for _, c := range []struct{ old, new, want string }{
		{"param m int = 6", "param p int = 6", "lcs.onnx: the recorded program: the recorded params (metadata dp2nn.source.params: a = 2, m = 3, n = 3) set m = 3, which the recorded program does not declare (its params: p, n, a)"},
		{"param m int = 6", "param m int = 6\nparam q int", "lcs.onnx: the recorded program: the recorded params (metadata dp2nn.source.params: a = 2, m = 3, n = 3) give no value to q, which the recorded program declares without a default"},
	} {
		var mp onnxpb.ModelProto
		require.NoError(t, proto.Unmarshal(model, &mp))
		for _, e := range mp.MetadataProps {
			if e.GetKey() == metaSrcProgram {
				require.Contains(t, e.GetValue(), c.old)
				e.Value = proto.String(strings.Replace(e.GetValue(), c.old, c.new, 1))
			}
		}
		tampered, err := proto.Marshal(&mp)
		require.NoError(t, err)
		_, _, err = SmoothGraphSource("lcs.onnx", tampered, SmoothLimit{})
		require.ErrorContains(t, err, c.want)
		require.NotContains(t, err.Error(), "-set")
	}
}

// A smooth-graph model of a per-step program is compared, at the
// instance's θ, with the smoothed DP interpreter on the recorded program
// and instance, not only with the smooth.Graph it was exported from: a
// graph that is not the recorded instance's (here exported for weights
// 3, 1, 4 while the record says 1, 1, 4 — what a fault in building the
// graph, shared by the export and its check, would look like) is found;
// the right one passes. The interpreter's comparison applies with Gini
// here (every max of two operands), and with Shannon to any program.
func TestSmoothGraphModelAgainstInterpreter(t *testing.T) {
	m := testprog.Load(t, "testdata/programs/exactsum.dp", map[string]int64{"C": 4})
	steps := [][]float64{{3, 5}, {1, -2}, {4, 1}}
	r, err := SolveSmoothGraph(m, "es3.json", nil, steps, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 2}, SmoothLimit{})
	require.NoError(t, err)
	model, err := r.ONNX(false, smoothonnx.Loop, 0)
	require.NoError(t, err)
	check := func(b []byte, g *smooth.Graph) *SmoothCheck {
		info, _, err := SmoothGraphSource("es.onnx", b, SmoothLimit{})
		require.NoError(t, err)
		runner, err := engine.OpenRaw("es.onnx", b, engine.Go)
		require.NoError(t, err)
		c, err := SmoothGraphModel(runner, "es.onnx", info, g, 3, 1, nil)
		require.NoError(t, err)
		return c
	}
	c := check(model, r.graph)
	require.Zero(t, c.Mismatches, "%v", c.Failures)
	require.Equal(t, 4, c.Cases)
	require.Contains(t, c.Title, "at the instance's θ the value also vs the smoothed DP interpreter")

	var mp onnxpb.ModelProto
	require.NoError(t, proto.Unmarshal(model, &mp))
	for _, e := range mp.MetadataProps {
		if e.GetKey() == metaSrcSteps {
			require.Contains(t, e.GetValue(), `"3 5","1 -2"`)
			e.Value = proto.String(strings.Replace(e.GetValue(), `"3 5","1 -2"`, `"1 5","1 -2"`, 1))
		}
	}
	tampered, err := proto.Marshal(&mp)
	require.NoError(t, err)
	c = check(tampered, r.graph)
	require.Equal(t, 1, c.Mismatches, "the value at the instance's θ: %v", c.Failures)
	require.Contains(t, c.Failures[0], "the smoothed DP interpreter")

	require.False(t, interpreterSmoothsAsGraph(testprog.Source(t, "dp t\ninput x real in -1..1\nstate f[i in 1..1] real in -9..9 = 0\nstep f[i] = max(max(f[i], x), 2 * x)\nanswer f[1]\n", nil), smooth.Gini), "a max of a max: the graph merges them")
	require.True(t, interpreterSmoothsAsGraph(testprog.Source(t, "dp t\ninput x real in -1..1\nstate f[i in 1..1] real in -9..9 = 0\nstep f[i] = max(max(f[i], x), 2 * x)\nanswer f[1]\n", nil), smooth.Shannon))
}
