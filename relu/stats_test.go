package relu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStats(t *testing.T) {
	// A hand-written graph with a zero weight (the Builder would drop it):
	// inputs u0, u1; layer 1: n0 = relu(u0 + 0·u1), n1 = relu(−u1 + 1);
	// layer 2: n2 = relu(n0 − n1 + u0); layer 3 (outputs): n3 = n2 + n1,
	// n4 = u1.
	zero := &Graph{
		NumInputs: 2,
		Inputs:    []Block{{Name: "u", Shape: []int{2}, Start: 0, Len: 2}},
		Outputs:   []Block{{Name: "y", Shape: []int{2}, Start: 3, Len: 2}},
		Groups: []Group{
			{Name: "first", Layer: 1, Start: 0, Len: 2},
			{Name: "second", Layer: 2, Start: 2, Len: 1},
			{Name: "out", Layer: 3, Start: 3, Len: 2},
		},
		Bias:     []float64{0, 1, 0, 0, 0},
		Act:      []Activation{ReLU, ReLU, ReLU, Identity, Identity},
		Layer:    []int32{1, 1, 2, 3, 3},
		RowStart: []int{0, 2, 3, 6, 8, 9},
		Src:      []Unit{0, 1, 1, 2, 3, 0, 4, 3, 1},
		W:        []float64{1, 0, -1, 1, -1, 1, 1, 1, 1},
	}
	for _, tc := range []struct {
		name string
		g    *Graph
		want Stats
	}{
		{"skip", buildSkip(t), Stats{
			Depth: 4, Widths: []int{1, 1, 1}, Size: 3, Outputs: 1,
			Weights: 7,     // h1:1 h2:1 h3:2 out:3
			Params:  7 + 4, // one bias per neuron
			// the dense layout: a matrix per connected pair, plus biases:
			// h1 reads xy (1·2+1), h2 reads h1 (1·1+1), h3 reads h2 and
			// xy (1·1+1·2+1), out reads h3, xy and h1 (1·1+1·2+1·1+1)
			DenseParams: 3 + 2 + 4 + 5,
		}},
		{"abs", buildAbs(t), Stats{
			Depth: 2, Widths: []int{2}, Size: 2, Outputs: 1,
			Weights: 4, Params: 4 + 3,
			DenseParams: (2*1 + 2) + (1*2 + 1), // hidden reads x, the output reads hidden
		}},
		{"zero weight", zero, Stats{
			Depth: 3, Widths: []int{2, 1}, Size: 3, Outputs: 2,
			Weights: 8, Params: 8 + 5,
			DenseParams: (2*2 + 2) + (1*(2+2) + 1) + (2*(1+2+2) + 2), // layer 2 reads u and layer 1, the outputs all three
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.NoError(t, tc.g.Validate())
			assert.Equal(t, tc.want, tc.g.Stats())
		})
	}
	assert.Equal(t, 2, zero.Stats().Width())
	assert.Equal(t, 1, buildMin(t).Stats().Width())
}

func TestLayerGroups(t *testing.T) {
	g := buildSkip(t)
	for l, want := range []string{"", "h1", "h2", "h3", "out", ""} {
		groups := g.LayerGroups(l)
		if want == "" {
			assert.Empty(t, groups, "layer %d", l)
			continue
		}
		if assert.Len(t, groups, 1, "layer %d", l) {
			assert.Equal(t, want, groups[0].Name)
		}
	}
}
