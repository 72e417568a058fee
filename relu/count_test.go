package relu

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptMixed adds, to a Builder or a counting one, a graph with every
// case the Shape tallies: interleaved groups that alignment lifts, a
// constant neuron, rows of several lengths with and without weights 1,
// biases, two input blocks, outputs streamed by AppendOutput whose row
// classes go down, and output groups that run across blocks.
func scriptMixed(b *Builder) {
	x := b.Input("x", 3)
	y := b.InputBlock("y", 2)
	gA := b.Group(GroupInfo{Name: "a", Rule: "min", Term: "min(x, y)", Pos: "t.dp:1:1"})
	gB := b.Group(GroupInfo{Name: "b", Rule: "max"})
	gOut := b.Group(GroupInfo{Name: "out", Rule: "output"})
	a0 := b.ReLU(gA, Var(x[0]).Minus(Var(y)))
	b0 := b.ReLU(gB, Var(a0).Plus(Var(x[1])).AddConst(1)) // layer 2
	a1 := b.ReLU(gA, Var(x[2]))                           // alone on layer 1
	b1 := b.ReLU(gB, Var(y+1))                            // lifted to layer 2 by alignment
	c := b.ReLU(gA, Constant(3))                          // no terms
	wide := Affine{}
	for _, u := range []Unit{x[0], x[1], x[2], y, y + 1} {
		wide = wide.Plus(Var(u))
	}
	w := b.ReLU(gB, wide) // five ones
	b.AppendOutput("f", []int{3}, gOut, Var(b0).Plus(Var(b1)).Plus(Var(w)))
	b.AppendOutput("f", []int{3}, gOut, Var(a1).Scale(2))
	b.AppendOutput("f", []int{3}, gOut, Constant(1))
	b.OutputGroups("g", []int{2}, []int{gOut, gA}, []Affine{Var(c), Var(x[0]).Minus(Var(a0))})
	b.AlignGroups()
}

func TestCounterShapeEqualsGraphShape(t *testing.T) {
	b := NewBuilder()
	scriptMixed(b)
	g, err := b.Build()
	require.NoError(t, err)
	want := g.Shape()
	c := NewCounter(Limit{})
	scriptMixed(c)
	got, err := c.Shape()
	require.NoError(t, err)
	assert.Equal(t, want, got)

	st := g.Stats()
	assert.Equal(t, len(st.Widths)+1, got.Depth())
	assert.Equal(t, int64(st.Size), got.Hidden())
	assert.Equal(t, int64(st.Weights), got.Weights)
	assert.Equal(t, int64(len(g.Src)), got.Entries)
	assert.Equal(t, []int64{3, 3}, got.Widths)
	// Layer 1: a0 (2 entries), a1 (1), c (none: one padded zero entry).
	assert.Equal(t, []RowClass{{Terms: 1, N: 2, Min: 1, Max: 1}, {Terms: 2, N: 1, Min: 2, Max: 2}}, got.Targets[0].Rows)
	// Output f: rows of 3, 1 and 0 entries, so not in class order.
	assert.False(t, got.Targets[2].Ordered)
	assert.Equal(t, []SourceUse{{Source: 2, Terms: 1}, {Source: 3, Terms: 3}}, got.Targets[2].Sources)
}

// The unrolled shape counted without building equals the built one, for
// random cells, with and without settled units.
func TestUnrolledShapeEqualsUnrollWith(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 30 {
		o := cellOptions{state: 1 + rng.IntN(4), stepX: 1 + rng.IntN(3), stepY: rng.IntN(3), depth: 1 + rng.IntN(4), width: 1 + rng.IntN(5), fanIn: 1 + rng.IntN(3), integer: true}
		cell := randomCell(t, rng, o)
		init := map[string][]float64{"f": randomValues(rng, o.state, true)}
		n := 1 + rng.IntN(5)
		opt := UnrollOptions{}
		if trial%2 == 1 {
			settled := make([]int, o.state)
			for i := range settled {
				settled[i] = rng.IntN(n+2) - 1
			}
			opt.Settled = map[string][]int{"f": settled}
		}
		g, err := UnrollWith(cell, n, []string{"f"}, init, opt)
		require.NoError(t, err)
		got, err := UnrolledShape(cell, n, []string{"f"}, init, opt, Limit{})
		require.NoError(t, err)
		assert.Equal(t, g.Shape(), got, "trial %d", trial)
	}
}

func TestCounterLimit(t *testing.T) {
	neurons := Limit{Neurons: 3}
	budget := Limit{NeuronCost: 10, EntryCost: 1, Budget: 35} // three neurons of one entry, not four
	add := func(n int) func(b *Builder, g int, x Unit) {
		return func(b *Builder, g int, x Unit) {
			for range n {
				b.ReLU(g, Var(x))
			}
		}
	}
	for _, tc := range []struct {
		name   string
		limit  Limit
		add    func(b *Builder, g int, x Unit)
		stops  bool
		budget bool
	}{
		{"at the limit", neurons, add(3), false, false},
		{"past the limit", neurons, add(4), true, false},
		{"expected past the limit", neurons, func(b *Builder, g int, x Unit) { b.Expect(4, 0) }, true, false},
		{"expected within the limit", neurons, func(b *Builder, g int, x Unit) {
			b.ReLU(g, Var(x))
			b.Expect(2, 100)
		}, false, false},
		{"within the budget", budget, add(3), false, false},
		{"past the budget", budget, add(4), true, true},
		{"entries past the budget", budget, func(b *Builder, g int, x Unit) { b.Expect(1, 30) }, true, true},
		{"no limit", Limit{}, func(b *Builder, g int, x Unit) {
			b.Expect(1<<40, 1<<50)
			b.ReLU(g, Var(x))
		}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewCounter(tc.limit)
			x := b.InputBlock("x", 1)
			g := b.Group(GroupInfo{Name: "g"})
			err := CatchLimit(func() error { tc.add(b, g, x); return nil })
			if !tc.stops {
				require.NoError(t, err)
				return
			}
			var le *LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tc.limit, le.Limit)
			assert.Equal(t, tc.budget, le.Budget)
			assert.LessOrEqual(t, int64(b.NumHidden()), int64(3))
		})
	}
	// A plain Builder ignores Expect.
	b := NewBuilder()
	b.Expect(1<<40, 0)
	// Any other panic goes on.
	assert.PanicsWithValue(t, "boom", func() { _ = CatchLimit(func() error { panic("boom") }) })
}

func TestCounterShapeErrors(t *testing.T) {
	b := NewCounter(Limit{})
	x := b.InputBlock("x", 1)
	_, err := b.Shape()
	assert.ErrorContains(t, err, "no outputs")
	g := b.Group(GroupInfo{Name: "g"})
	h := b.ReLU(g, Var(x))
	b.Output("y", nil, g, []Affine{Var(h)})
	_, err = b.Shape()
	assert.ErrorContains(t, err, "AlignGroups")
	assert.Panics(t, func() { _, _ = b.Build() })
	assert.Panics(t, func() { _, _ = NewBuilder().Shape() })
}
