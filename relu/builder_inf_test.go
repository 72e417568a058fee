package relu

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A weight or bias that is not finite (a rule fed a range past the
// largest float64) makes Build return an error: no panic, no graph that
// computes NaN.
func TestBuildRefusesNonFinite(t *testing.T) {
	for _, c := range []struct {
		name string
		aff  func(x Unit) Affine
		want string
	}{
		{"finite", func(x Unit) Affine { return Var(x).Scale(1e308) }, ""},
		{"weight +Inf", func(x Unit) Affine { return Var(x).Scale(1e308).Scale(1e308) }, "weight +Inf"},
		{"weight -Inf", func(x Unit) Affine { return Var(x).Scale(-1e308).Scale(1e308) }, "weight -Inf"},
		{"bias NaN", func(x Unit) Affine { return Var(x).AddConst(math.NaN()) }, "NaN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := NewBuilder()
			in := b.Input("x", 1)
			g := b.Group(GroupInfo{Name: "g"})
			h := b.ReLU(g, c.aff(in[0]))
			b.Output("y", []int{1}, g, []Affine{Var(h)})
			var (
				gr  *Graph
				err error
			)
			require.NotPanics(t, func() { gr, err = b.Build() })
			if c.want == "" {
				require.NoError(t, err)
				assert.NotNil(t, gr)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
