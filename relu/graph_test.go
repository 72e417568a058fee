package relu

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateErrors(t *testing.T) {
	// buildSkip: inputs x, y (units 0, 1); neurons h1, h2, h3 (layers 1..3)
	// and the output (layer 4); rows h1:[x] h2:[h1] h3:[h2 y] out:[h3 x h1].
	for _, tc := range []struct {
		name    string
		corrupt func(g *Graph)
		want    string
	}{
		{"bias too short", func(g *Graph) { g.Bias = g.Bias[:3] }, "neuron arrays disagree"},
		{"weights too short", func(g *Graph) { g.W = g.W[:len(g.W)-1] }, "weight arrays disagree"},
		{"row ends before it starts", func(g *Graph) { g.RowStart[1], g.RowStart[2] = 3, 1 }, "row of neuron 1 ends before it starts"},
		{"input gap", func(g *Graph) { g.Inputs[0].Start = 1 }, `input block "xy" does not follow`},
		{"inputs too few", func(g *Graph) { g.NumInputs = 3 }, "input blocks cover 2 units, want 3"},
		{"layer order", func(g *Graph) { g.Layer[0], g.Layer[1] = 2, 1 }, "neuron 1 is out of layer order"},
		{"hidden identity", func(g *Graph) { g.Act[1] = Identity }, "neuron 1 in layer 2 has activation identity"},
		{"output relu", func(g *Graph) { g.Act[3] = ReLU }, "neuron 3 in layer 4 has activation relu"},
		{"output gini", func(g *Graph) { g.Act[3] = Gini }, "neuron 3 in layer 4 has activation gini"},
		{"output shannon", func(g *Graph) { g.Act[3] = Shannon }, "neuron 3 in layer 4 has activation shannon"},
		{"unknown hidden activation", func(g *Graph) { g.Act[0] = Tsallis + 1 }, "neuron 0 in layer 1 has activation Activation(5)"},
		{"NaN bias", func(g *Graph) { g.Bias[2] = math.NaN() }, "neuron 2 has bias NaN"},
		{"infinite weight", func(g *Graph) { g.W[0] = math.Inf(1) }, "neuron 0 has weight +Inf"},
		{"reads itself", func(g *Graph) { g.Src[1] = 3 }, "neuron 1 reads unit 3"},
		{"reads same layer", func(g *Graph) { g.Layer[1] = 1; g.Groups[1].Layer = 1 }, "neuron 1 (layer 1) reads neuron 0 of layer 1"},
		{"negative unit", func(g *Graph) { g.Src[0] = -1 }, "neuron 0 reads unit -1"},
		{"outputs short", func(g *Graph) { g.Outputs[0].Len = 0 }, "output blocks end at 3, want 4"},
		{"group gap", func(g *Graph) { g.Groups[1].Start = 2 }, `group "h2" does not follow`},
		{"group too long", func(g *Graph) { g.Groups[3].Len = 2 }, `group "out" does not follow`},
		{"groups short", func(g *Graph) { g.Groups = g.Groups[:3] }, "groups cover 3 neurons, want 4"},
		{"group across layers", func(g *Graph) { g.Groups[0].Len = 2; g.Groups[1].Start, g.Groups[1].Len = 2, 0 }, `group "h1" (layer 1) holds neuron 1 of layer 2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := buildSkip(t)
			require.NoError(t, g.Validate())
			tc.corrupt(g)
			assert.ErrorContains(t, g.Validate(), tc.want)
		})
	}
}

// Hidden neurons may use any smoothed ReLU, through the Builder or set
// directly; the Builder refuses Identity for a hidden neuron.
func TestValidateAcceptsSmoothHidden(t *testing.T) {
	g := buildSkip(t)
	g.Act[0], g.Act[1], g.Act[2] = Shannon, Gini, Tsallis
	assert.NoError(t, g.Validate())

	b := NewBuilder()
	in := b.Input("x", 1)
	gr := b.Group(GroupInfo{Name: "g"})
	var hs []Affine
	for _, act := range []Activation{ReLU, Shannon, Gini, Tsallis} {
		hs = append(hs, Var(b.Neuron(gr, act, Var(in[0]))))
	}
	b.Output("y", []int{4}, gr, hs)
	net := mustBuild(t, b)
	assert.NoError(t, net.Validate())
	assert.Equal(t, []Activation{ReLU, Shannon, Gini, Tsallis, Identity, Identity, Identity, Identity}, net.Act)
	assert.PanicsWithValue(t, "relu: identity is not a hidden activation", func() { b.Neuron(gr, Identity, Var(in[0])) })
}

func TestBuilderLayers(t *testing.T) {
	b := NewBuilder()
	in := b.Input("x", 3)
	g := b.Group(GroupInfo{Name: "g"})
	a := b.ReLU(g, Var(in[0]))                       // inputs only: layer 1
	c := b.ReLU(g, Var(a).Plus(Var(in[1])))          // deepest source a: layer 2
	d := b.ReLU(g, Constant(4))                      // no sources: layer 1
	e := b.ReLU(g, Var(c).Plus(Var(d)).Plus(Var(a))) // layer 3
	f := b.ReLU(g, Var(d).Scale(2).Plus(Var(in[2]))) // layer 2
	for _, tc := range []struct {
		unit Unit
		want int
	}{{in[0], 0}, {in[2], 0}, {a, 1}, {c, 2}, {d, 1}, {e, 3}, {f, 2}} {
		assert.Equal(t, tc.want, b.Layer(tc.unit), "unit %d", tc.unit)
	}
	b.Output("y", nil, g, []Affine{Var(f), Var(in[0])})
	net := mustBuild(t, b)
	// Sorted by layer, creation order kept within a layer; outputs on
	// layer 4 above every hidden neuron.
	assert.Equal(t, []int32{1, 1, 2, 2, 3, 4, 4}, net.Layer)
	assert.Equal(t, []float64{0, 4, 0, 0, 0, 0, 0}, net.Bias) // a, d, c, f, e, outputs
	assert.Equal(t, 4, net.Depth())
	assert.Equal(t, []Group{
		{Name: "g", Layer: 1, Start: 0, Len: 2},
		{Name: "g", Layer: 2, Start: 2, Len: 2},
		{Name: "g", Layer: 3, Start: 4, Len: 1},
		{Name: "g", Layer: 4, Start: 5, Len: 2},
	}, net.Groups)
	// e = c + d + a reads the renumbered units.
	row := net.RowStart[4]
	assert.Equal(t, []Unit{3 + 2, 3 + 1, 3 + 0}, net.Src[row:net.RowStart[5]])

	_, err := NewBuilder().Build()
	assert.ErrorContains(t, err, "graph has no outputs")
	assert.PanicsWithValue(t, "relu: affine reads unit 9, only 3 exist", func() {
		b := NewBuilder()
		b.Input("x", 3)
		b.ReLU(b.Group(GroupInfo{}), Var(9))
	})
	assert.PanicsWithValue(t, "relu: unknown group 1", func() {
		b := NewBuilder()
		b.Input("x", 3)
		b.ReLU(1, Var(0))
	})
}

// Neurons of one group id are sorted by group within a layer, so
// interleaved creation still yields one group per layer.
func TestBuilderGroupsInterleaved(t *testing.T) {
	b := NewBuilder()
	in := b.Input("x", 1)
	g1 := b.Group(GroupInfo{Name: "one"})
	g2 := b.Group(GroupInfo{Name: "two"})
	for i := range 6 {
		b.ReLU([]int{g1, g2}[i%2], Var(in[0]).AddConst(float64(i)))
	}
	b.Output("y", nil, g1, []Affine{Var(in[0])})
	net := mustBuild(t, b)
	assert.Equal(t, []float64{0, 2, 4, 1, 3, 5, 0}, net.Bias)
	require.Len(t, net.Groups, 3)
	assert.Equal(t, "one", net.Groups[0].Name)
	assert.Equal(t, 3, net.Groups[0].Len)
	assert.Equal(t, "two", net.Groups[1].Name)
}

func TestGroupOf(t *testing.T) {
	g := &Graph{Groups: []Group{
		{Name: "a", Start: 0, Len: 2},
		{Name: "empty", Start: 2, Len: 0},
		{Name: "b", Start: 2, Len: 3},
		{Name: "c", Start: 5, Len: 1},
	}}
	for _, tc := range []struct {
		neuron int
		want   string
	}{{0, "a"}, {1, "a"}, {2, "b"}, {4, "b"}, {5, "c"}, {6, ""}, {-1, ""}} {
		got := g.GroupOf(tc.neuron)
		if tc.want == "" {
			assert.Nil(t, got, "neuron %d", tc.neuron)
			continue
		}
		require.NotNil(t, got, "neuron %d", tc.neuron)
		assert.Equal(t, tc.want, got.Name, "neuron %d", tc.neuron)
	}
}

func TestAffine(t *testing.T) {
	x, y := Var(0), Var(1)
	a := x.Plus(y.Scale(2)).Minus(x).AddConst(3)
	assert.Equal(t, Affine{Const: 3, Terms: []Term{{1, 2}}}, a, "x cancels, y kept")
	assert.True(t, Constant(1).IsConst())
	assert.False(t, a.IsConst())
	b := a.AddConst(1)
	b.Terms[0].Coef = 7
	assert.Equal(t, 2.0, a.Terms[0].Coef, "AddConst copies the terms")
}
