package relu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var unrollCases = []struct {
	name  string
	cell  cellOptions
	steps int
}{
	{"affine cell", cellOptions{state: 3, stepX: 2, stepY: 1, depth: 1, fanIn: 2}, 4},
	{"one step", cellOptions{state: 4, stepX: 2, stepY: 2, depth: 3, width: 6, fanIn: 2}, 1},
	{"shallow", cellOptions{state: 4, stepX: 2, stepY: 2, depth: 2, width: 8, fanIn: 2}, 5},
	{"deep", cellOptions{state: 5, stepX: 3, stepY: 2, depth: 4, width: 8, fanIn: 2}, 3},
	{"wide", cellOptions{state: 8, stepX: 4, stepY: 4, depth: 3, width: 30, fanIn: 3}, 3},
}

// unrollInputs lays out random per-step values both ways: steps[t] for
// RunCell, and the unrolled input row (block x as [n, X], then y as
// [n, 1, Y]).
func unrollInputs(rng *rand.Rand, o cellOptions, n int) (steps [][]float64, row []float64) {
	steps = make([][]float64, n)
	var xs, ys []float64
	for t := range steps {
		steps[t] = randomValues(rng, o.stepX+o.stepY, o.integer)
		xs = append(xs, steps[t][:o.stepX]...)
		ys = append(ys, steps[t][o.stepX:]...)
	}
	return steps, append(xs, ys...)
}

func TestUnrollMatchesCell(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range unrollCases {
		for _, integer := range []bool{true, false} {
			name := tc.name + "/real"
			if integer {
				name = tc.name + "/integer"
			}
			t.Run(name, func(t *testing.T) {
				o := tc.cell
				o.integer = integer
				cell := randomCell(t, rng, o)
				init := map[string][]float64{"f": randomValues(rng, o.state, integer)}
				net, err := Unroll(cell, tc.steps, []string{"f"}, init)
				require.NoError(t, err)
				assert.LessOrEqual(t, net.Depth(), tc.steps*(cell.Depth()-1)+1)
				require.Len(t, net.Outputs, 1, "aux is dropped")
				assert.Equal(t, Block{Name: "f", Shape: []int{o.state}, Start: net.NumNeurons() - o.state, Len: o.state}, net.Outputs[0])
				assert.Equal(t, []Block{
					{Name: "x", Shape: []int{tc.steps, o.stepX}, Start: 0, Len: tc.steps * o.stepX},
					{Name: "y", Shape: []int{tc.steps, 1, o.stepY}, Start: tc.steps * o.stepX, Len: tc.steps * o.stepY},
				}, net.Inputs)

				for range 5 {
					steps, row := unrollInputs(rng, o, tc.steps)
					checkUnroll[float64](t, cell, net, init, steps, row, integer)
					checkUnroll[float32](t, cell, net, init, steps, row, integer)
				}
			})
		}
	}
}

// checkUnroll compares the unrolled graph with n runs of the cell in T.
//
// Integer cells (weights ±1, biases and inputs small integers) are compared
// exactly: every partial sum is an integer below 2^24 (checked below), so
// every operation of either evaluation is exact whatever the order.
//
// Real cells are compared with a rounding-error bound. Substitution
// multiplies weights out and merges terms, so the unrolled graph sums the
// same products in another order. For sums of k terms the rounding error is
// at most about k·u·Σ|terms| (u the unit roundoff of T); ReLU does not
// increase errors, and the error of a neuron reaches an output scaled by
// the path weights, so over L layers each evaluation is off by at most
// L·(k+2)·u·scale, where scale is the output of the same cell run with
// |weights|, |biases| and |inputs| (it bounds every Σ|terms|; the +2 covers
// rounding the weights and their products to T). The bound is taken twice,
// once per evaluation. A wrong substitution is off by O(scale), far above.
func checkUnroll[T Float](t *testing.T, cell, net *Graph, init map[string][]float64, steps [][]float64, row []float64, integer bool) {
	t.Helper()
	ts := make([][]T, len(steps))
	for i, s := range steps {
		ts[i] = convert[T](s)
	}
	want, err := RunCell(cell, []string{"f"}, init, ts)
	require.NoError(t, err)
	got, err := Eval(net, convert[T](row), 1)
	require.NoError(t, err)

	scale := absScale(t, cell, init, steps)
	var u float64
	var zero T
	switch any(zero).(type) {
	case float32:
		u = 0x1p-24
	default:
		u = 0x1p-53
	}
	if integer {
		require.Less(t, maxAbsValue(t, cell, net, init, steps, row), 1/u, "integer test out of exact range; shrink the case")
		require.Equal(t, want, got)
		return
	}
	layers := float64(len(steps) * cell.Depth())
	k := float64(max(maxFanIn(cell), maxFanIn(net)))
	// A smoothed ReLU is 1-Lipschitz like ReLU (0 ≤ φ' ≤ 1), so it does not
	// amplify errors either, but it rounds: φ is computed in float64 with a
	// few roundings (exp, log1p, sqrt, sums) and then to T, within 4·u·|φ|,
	// and |φ(x)| ≤ scale (the absolute-value cell has φ(x) ≥ max(x, φ(0))).
	if slices.ContainsFunc(cell.Act, func(a Activation) bool { return a.Hidden() && a != ReLU }) {
		k += 4
	}
	for i := range want {
		tol := 2 * layers * (k + 2) * u * scale[i]
		assert.InDelta(t, float64(want[i]), float64(got[i]), tol, "output %d (scale %g)", i, scale[i])
	}
}

// absGraph returns g with |weights| and |biases|. Fed |inputs|, its ReLUs
// are identities and each neuron's value is the sum of the absolute values
// of all products that make it up, which bounds every partial sum of that
// neuron in g.
func absGraph(g *Graph) *Graph {
	abs := *g
	abs.W = absValues(g.W)
	abs.Bias = absValues(g.Bias)
	return &abs
}

func absValues(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Abs(x)
	}
	return out
}

func absInputs(init map[string][]float64, steps [][]float64) (map[string][]float64, [][]float64) {
	absInit := map[string][]float64{}
	for k, v := range init {
		absInit[k] = absValues(v)
	}
	absSteps := make([][]float64, len(steps))
	for i, s := range steps {
		absSteps[i] = absValues(s)
	}
	return absInit, absSteps
}

// absScale is the output of the cell run on absolute values.
func absScale(t *testing.T, cell *Graph, init map[string][]float64, steps [][]float64) []float64 {
	absInit, absSteps := absInputs(init, steps)
	scale, err := RunCell(absGraph(cell), []string{"f"}, absInit, absSteps)
	require.NoError(t, err)
	return scale
}

// maxAbsValue bounds every partial sum computed by RunCell and by the
// unrolled net: the largest neuron value of the absolute-value cell over
// all steps and of the absolute-value net.
func maxAbsValue(t *testing.T, cell, net *Graph, init map[string][]float64, steps [][]float64, row []float64) float64 {
	absInit, absSteps := absInputs(init, steps)
	absCell := absGraph(cell)
	m := 0.0
	for i := range steps {
		state, err := RunCell(absCell, []string{"f"}, absInit, absSteps[:i])
		require.NoError(t, err)
		tr, err := Trace(absCell, append(state, absSteps[i]...)) // cell inputs are f, x, y
		require.NoError(t, err)
		m = max(m, slices.Max(tr))
	}
	tr, err := Trace(absGraph(net), absValues(row))
	require.NoError(t, err)
	return max(m, slices.Max(tr))
}

func maxFanIn(g *Graph) int {
	k := 0
	for j := range g.NumNeurons() {
		k = max(k, g.RowStart[j+1]-g.RowStart[j])
	}
	return k
}

// chainCell: h1 = relu(f + x), h2 = relu(h1 − x), f' = h2 + f. The state
// passes through both hidden layers, so n steps need exactly 2n+1 layers.
func chainCell(t testing.TB) *Graph {
	b := NewBuilder()
	f := Var(b.Input("f", 1)[0])
	x := Var(b.Input("x", 1)[0])
	g1 := b.Group(GroupInfo{Name: "h1", Rule: "relu"})
	g2 := b.Group(GroupInfo{Name: "h2", Rule: "relu"})
	g3 := b.Group(GroupInfo{Name: "next f", Rule: "sum", Term: "h2 + f", Pos: "chain.dp:3:5"})
	h1 := b.ReLU(g1, f.Plus(x))
	h2 := b.ReLU(g2, Var(h1).Minus(x))
	b.Output("f", []int{1}, g3, []Affine{Var(h2).Plus(f)})
	return mustBuild(t, b)
}

func TestUnrollDepthAndGroups(t *testing.T) {
	cell := chainCell(t)
	require.Equal(t, 3, cell.Depth())
	for n := 1; n <= 4; n++ {
		net, err := Unroll(cell, n, []string{"f"}, map[string][]float64{"f": {1}})
		require.NoError(t, err)
		s := net.Stats()
		assert.Equal(t, n*(cell.Depth()-1)+1, s.Depth, "n=%d", n)
		assert.Equal(t, n*2, s.Size, "two hidden neurons per step")
		for l := 1; l < s.Depth; l++ {
			step := (l + 1) / 2
			want := []string{"", "h1", "h2"}[2-l%2]
			groups := net.LayerGroups(l)
			require.Len(t, groups, 1)
			assert.Equal(t, "step "+string(rune('0'+step))+": "+want, groups[0].Name)
		}
		last := net.LayerGroups(s.Depth)
		require.Len(t, last, 1)
		assert.Equal(t, Group{Name: "step " + string(rune('0'+n)) + ": next f", Rule: "sum", Term: "h2 + f", Pos: "chain.dp:3:5", Layer: s.Depth, Start: 2 * n, Len: 1}, last[0])
	}
}

// A hidden neuron fed only by the initial state is a constant and folds
// away: h = relu(f), f' = h + x keeps no neuron in step 1.
func TestUnrollFoldsConstants(t *testing.T) {
	b := NewBuilder()
	f := Var(b.Input("f", 1)[0])
	x := Var(b.Input("x", 1)[0])
	g := b.Group(GroupInfo{Name: "g"})
	h := b.ReLU(g, f)
	b.Output("f", nil, g, []Affine{Var(h).Plus(x)})
	cell := mustBuild(t, b)

	for _, init := range []float64{-2, 3} {
		net, err := Unroll(cell, 3, []string{"f"}, map[string][]float64{"f": {init}})
		require.NoError(t, err)
		assert.Equal(t, 2, net.Stats().Size, "steps 2 and 3 keep their neuron")
		for _, xs := range [][]float64{{1, 2, 3}, {-1, -5, 4}, {0.5, -0.25, 0}} {
			f := init
			for _, x := range xs {
				f = max(f, 0) + x
			}
			got, err := Eval(net, xs, 1)
			require.NoError(t, err)
			// Each step adds one dyadic value to a value of the same kind:
			// exact in float64, so equality is required.
			assert.Equal(t, []float64{f}, got, "init %v xs %v", init, xs)
		}
	}
}

// Unroll of cells with smooth neurons (and ReLUs) equals running the cell
// n times, within checkUnroll's rounding-error bound.
func TestUnrollSmoothMatchesCell(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, tc := range unrollCases {
		for _, acts := range [][]Activation{{Shannon, Gini, Tsallis}, {ReLU, Gini}, {Tsallis}} {
			t.Run(tc.name+"/"+fmt.Sprint(acts), func(t *testing.T) {
				o := tc.cell
				o.acts = acts
				cell := randomCell(t, rng, o)
				init := map[string][]float64{"f": randomValues(rng, o.state, false)}
				net, err := Unroll(cell, tc.steps, []string{"f"}, init)
				require.NoError(t, err)
				assert.LessOrEqual(t, net.Depth(), tc.steps*(cell.Depth()-1)+1)
				for j := range net.NumNeurons() - net.NumOutputs() {
					assert.Contains(t, acts, net.Act[j], "neuron %d keeps a cell activation", j)
				}
				for range 5 {
					steps, row := unrollInputs(rng, o, tc.steps)
					checkUnroll[float64](t, cell, net, init, steps, row, false)
					checkUnroll[float32](t, cell, net, init, steps, row, false)
				}
			})
		}
	}
}

// Smooth neurons fed only by init fold into the constant φ(init): for Gini
// φ(−2) = 0 and φ(½) = 9/16. The unrolled net then does the cell's
// operations in the cell's order (adding 0 and multiplying by 1 are exact),
// so equality is required.
func TestUnrollFoldsSmoothConstants(t *testing.T) {
	b := NewBuilder()
	f := Var(b.Input("f", 1)[0])
	x := Var(b.Input("x", 1)[0])
	g := b.Group(GroupInfo{Name: "g"})
	h := b.Neuron(g, Gini, f)
	b.Output("f", nil, g, []Affine{Var(h).Plus(x)})
	cell := mustBuild(t, b)

	for _, tc := range []struct{ init, folded float64 }{{-2, 0}, {0.5, 9.0 / 16}} {
		net, err := Unroll(cell, 3, []string{"f"}, map[string][]float64{"f": {tc.init}})
		require.NoError(t, err)
		assert.Equal(t, 2, net.Stats().Size, "steps 2 and 3 keep their neuron")
		assert.Equal(t, tc.folded, net.Bias[0], "step 2 reads the folded step-1 value φ(%v)", tc.init)
		for _, xs := range [][]float64{{1, 2, 3}, {-1, -5, 4}, {0.5, -0.25, 0}} {
			want, err := RunCell(cell, []string{"f"}, map[string][]float64{"f": {tc.init}}, [][]float64{{xs[0]}, {xs[1]}, {xs[2]}})
			require.NoError(t, err)
			got, err := Eval(net, xs, 1)
			require.NoError(t, err)
			assert.Equal(t, want, got, "init %v xs %v", tc.init, xs)
		}
	}
}

func TestUnrollErrors(t *testing.T) {
	cell := randomCell(t, rand.New(rand.NewPCG(7, 8)), cellOptions{state: 3, stepX: 2, stepY: 2, depth: 2, width: 4, fanIn: 2})
	ok := map[string][]float64{"f": {1, 2, 3}}
	for _, tc := range []struct {
		name  string
		n     int
		state []string
		init  map[string][]float64
		want  []string
	}{
		{"zero steps", 0, []string{"f"}, ok, []string{"cannot unroll 0 steps"}},
		{"no state", 2, nil, nil, []string{"cell has no state"}},
		{"unknown state", 2, []string{"f", "g"}, ok, []string{`state "g" is neither an input nor an output`}},
		{"input only", 2, []string{"x"}, map[string][]float64{"x": {1, 2}}, []string{`state "x" is not an output`}},
		{"output only", 2, []string{"aux"}, map[string][]float64{"aux": {1}}, []string{`state "aux" is not an input`}},
		{"twice", 2, []string{"f", "f"}, ok, []string{`state "f" named twice`}},
		{"missing init", 2, []string{"f"}, nil, []string{`state "f" has no initial value`}},
		{"short init", 2, []string{"f"}, map[string][]float64{"f": {1}}, []string{`initial value of state "f" has 1 entries, want 3`}},
		{"init of non-state", 2, []string{"f"}, map[string][]float64{"f": {1, 2, 3}, "x": {0, 0}}, []string{`initial value for "x", which is not a state`}},
		{"all reported", 2, []string{"g", "f"}, map[string][]float64{"f": {1}}, []string{`state "g" is neither`, `initial value of state "f" has 1 entries`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Unroll(cell, tc.n, tc.state, tc.init)
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}

	mismatch := NewBuilder()
	s := mismatch.Input("s", 2)
	g := mismatch.Group(GroupInfo{Name: "g"})
	mismatch.Output("s", nil, g, []Affine{Var(s[0])})
	_, err := Unroll(mustBuild(t, mismatch), 2, []string{"s"}, map[string][]float64{"s": {0, 0}})
	assert.ErrorContains(t, err, `state "s" has 2 inputs but 1 outputs`)

	broken := chainCell(t)
	broken.Layer[0] = 2
	_, err = Unroll(broken, 2, []string{"f"}, map[string][]float64{"f": {0}})
	assert.ErrorContains(t, err, "relu: cell: ")

	_, err = RunCell(chainCell(t), []string{"f"}, map[string][]float64{"f": {0}}, [][]float64{{1}, {1, 2}})
	assert.ErrorContains(t, err, "step 2 has 2 inputs, want 1")
}

func TestUnrollGroupNames(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	cell := randomCell(t, rng, cellOptions{state: 4, stepX: 2, stepY: 2, depth: 3, width: 5, fanIn: 2})
	const n = 3
	net, err := Unroll(cell, n, []string{"f"}, map[string][]float64{"f": randomValues(rng, 4, false)})
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, g := range net.Groups {
		step, name, ok := strings.Cut(g.Name, ": ")
		require.True(t, ok, g.Name)
		assert.Contains(t, []string{"step 1", "step 2", "step 3"}, step)
		seen[name] = true
		if g.Layer == net.Depth() {
			assert.Equal(t, "step 3", step, "outputs come from the last step")
		}
	}
	assert.Equal(t, map[string]bool{"layer 1": true, "layer 2": true, "out A": true, "out B": true}, seen)
	last := net.LayerGroups(net.Depth())
	require.Len(t, last, 4, "out A and out B alternate over the 4 state outputs")
	assert.Equal(t, "step 3: out A", last[0].Name)
	assert.Equal(t, "step 3: out B", last[1].Name)
}
