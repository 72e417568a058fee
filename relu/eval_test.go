package relu

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var formulaCases = []struct {
	name  string
	build func(testing.TB) *Graph
	f32   func([]float32) float32
	f64   func([]float64) float64
}{
	{"min", buildMin, minFormula[float32], minFormula[float64]},
	{"max", buildMax, maxFormula[float32], maxFormula[float64]},
	{"abs", buildAbs, absFormula[float32], absFormula[float64]},
	{"skip", buildSkip, skipFormula[float32], skipFormula[float64]},
}

// The formulas are written in the evaluator's order of operations, and
// adding 0 or multiplying by ±1 is exact, so results must be bit-identical
// for any inputs, including non-integers.
func TestEvalMatchesFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range formulaCases {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.build(t)
			const batch = 200 // > tileWidth: several tiles, the last partial
			in := make([]float64, 0, batch*g.NumInputs)
			for range batch * g.NumInputs {
				in = append(in, 10*rng.NormFloat64())
			}
			in[0], in[1] = 0, 0 // ties and zero
			out64, err := Eval(g, in, batch)
			require.NoError(t, err)
			in32 := convert[float32](in)
			out32, err := Eval(g, in32, batch)
			require.NoError(t, err)
			for r := range batch {
				row := in[r*g.NumInputs : (r+1)*g.NumInputs]
				row32 := in32[r*g.NumInputs : (r+1)*g.NumInputs]
				assert.Equal(t, tc.f64(row), out64[r], "float64 row %d %v", r, row)
				assert.Equal(t, tc.f32(row32), out32[r], "float32 row %d %v", r, row32)
			}
		})
	}
}

// float32 arithmetic must happen in float32: h = relu(a + b), out = h − a
// with a = 1e8, b = 1 gives 0 in float32 (1e8 + 1 rounds to 1e8, the
// spacing there is 8) and 1 in float64.
func TestEvalRoundsInElementType(t *testing.T) {
	b := NewBuilder()
	in := b.Input("ab", 2)
	g := b.Group(GroupInfo{Name: "sum"})
	h := b.ReLU(g, Var(in[0]).Plus(Var(in[1])))
	b.Output("out", nil, g, []Affine{Var(h).Minus(Var(in[0]))})
	net := mustBuild(t, b)

	out32, err := Eval(net, []float32{1e8, 1}, 1)
	require.NoError(t, err)
	out64, err := Eval(net, []float64{1e8, 1}, 1)
	require.NoError(t, err)
	assert.Equal(t, []float32{0}, out32)
	assert.Equal(t, []float64{1}, out64)
}

// Every batch size and the parallel path give bit-identical results to the
// one-row trace: the operations per row are the same, in the same order.
func TestRunMatchesTrace(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := randomCell(t, rng, cellOptions{state: 40, stepX: 30, stepY: 30, depth: 5, width: 300, fanIn: 4})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, batch := range []int{1, 2, 63, 64, 65, 700} {
		// 700 rows × ~6000 weights exceeds parallelWork: several goroutines.
		in := randomValues(rng, batch*g.NumInputs, false)
		checkRunMatchesTrace(t, g, convert[float64](in), batch)
		checkRunMatchesTrace(t, g, convert[float32](in), batch)
	}
}

// The same with smooth hidden neurons: the tiles apply φ lane by lane
// exactly as runSingle does, so the results are bit-identical.
func TestRunMatchesTraceSmooth(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	for _, acts := range [][]Activation{{Shannon, Gini, Tsallis}, {ReLU, Shannon}, {ReLU, Gini, Tsallis}} {
		g := randomCell(t, rng, cellOptions{state: 10, stepX: 5, stepY: 3, depth: 4, width: 40, fanIn: 3, acts: acts})
		for _, batch := range []int{1, 7, 64, 65} {
			in := randomValues(rng, batch*g.NumInputs, false)
			checkRunMatchesTrace(t, g, convert[float64](in), batch)
			checkRunMatchesTrace(t, g, convert[float32](in), batch)
		}
	}
}

func checkRunMatchesTrace[T Float](t *testing.T, g *Graph, in []T, batch int) {
	e, err := NewEvaluator[T](g)
	require.NoError(t, err)
	out := make([]T, batch*g.NumOutputs())
	require.NoError(t, e.Run(in, out, batch))
	first := g.NumNeurons() - g.NumOutputs()
	for r := range batch {
		tr, err := e.Trace(in[r*g.NumInputs : (r+1)*g.NumInputs])
		require.NoError(t, err)
		require.Equal(t, tr[first:], out[r*g.NumOutputs():(r+1)*g.NumOutputs()], "batch %d row %d", batch, r)
	}
	// Later runs reuse the scratch memory and must not see old values;
	// narrower tiles (used for large graphs) must not change the result.
	for _, width := range []int{maxTileWidth, lanes, 2 * lanes} {
		e.tileWidth = width
		out2 := make([]T, len(out))
		require.NoError(t, e.Run(in, out2, batch))
		require.Equal(t, out, out2, "tile width %d", width)
	}
}

func TestRunErrors(t *testing.T) {
	g := buildSkip(t) // 2 inputs, 1 output
	e, err := NewEvaluator[float64](g)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		in, out int
		batch   int
		want    string
	}{
		{"short input", 3, 2, 2, "got 3 inputs, want 4"},
		{"long input", 5, 2, 2, "got 5 inputs, want 4"},
		{"short output", 4, 1, 2, "room for 1 outputs, want 2"},
		{"negative batch", 0, 0, -1, "negative batch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.Run(make([]float64, tc.in), make([]float64, tc.out), tc.batch)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	_, err = Eval(g, []float32{1}, 1)
	assert.ErrorContains(t, err, "got 1 inputs, want 2")
	_, err = Trace(g, []float32{1, 2, 3})
	assert.ErrorContains(t, err, "got 3 inputs, want 2")
	out, err := Eval(g, []float64{}, 0)
	assert.NoError(t, err)
	assert.Empty(t, out)

	broken := buildSkip(t)
	broken.Bias = broken.Bias[:2]
	_, err = NewEvaluator[float32](broken)
	assert.ErrorContains(t, err, "neuron arrays disagree")
}

func TestTraceAndFirstMismatch(t *testing.T) {
	g := buildSkip(t)
	tr, err := Trace(g, []float64{3, -1})
	require.NoError(t, err)
	// h1 = 3, h2 = 2, h3 = relu(2 − 1) = 1, out = 1 + 3 + 3.
	assert.Equal(t, []float64{3, 2, 1, 7}, tr)

	other := append([]float64(nil), tr...)
	assert.Equal(t, -1, FirstMismatch(tr, other, 0))
	other[2] += 1e-9
	other[3] += 1
	assert.Equal(t, 2, FirstMismatch(tr, other, 0))
	assert.Equal(t, 3, FirstMismatch(tr, other, 1e-6))
	tr32, err := Trace(g, []float32{3, -1})
	require.NoError(t, err)
	assert.Equal(t, -1, FirstMismatch(tr32, tr, 0))
	assert.Equal(t, 2, FirstMismatch(tr32[:2], tr, 0), "a shorter trace parts where it ends")

	assert.Equal(t, `neuron 2 (layer 3, #0 of group "h3", rule relu)`, g.Describe(2))
	assert.Equal(t, `neuron 0 (layer 1, #0 of group "min", rule min, term "min(a, b)" at t.dp:1:1)`, buildMin(t).Describe(0))
	assert.Equal(t, "neuron 9 (out of range)", g.Describe(9))
}
