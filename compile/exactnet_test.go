package compile_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/internal/testprog"
)

// A run refuses a type that cannot hold the network's integers exactly,
// as compile and export do: solve and verify run through a Runner, and a
// float32 run of values at 2^24 would otherwise round an integer state
// and answer wrongly (16777214 for max(-16777214, 16777215)).
func TestRunnerRefusesInexactType(t *testing.T) {
	const big = `dp big
input a int in -16777214..16777215
input b int in -16777214..16777215
state f[i in 1..1] int in -16777214..16777215 = 0
step f[i] = max(a, b)
answer f[1]
`
	const small = `dp small
input a int in -1000..1000
input b int in -1000..1000
state f[i in 1..1] int in -1000..1000 = 0
step f[i] = max(a, b)
answer f[1]
`
	for _, c := range []struct {
		name, src string
		f32, f64  string // "" when the run is allowed, else part of the refusal
	}{
		{"values past 2^24", big, "float32 cannot run big exactly: the network's sums for max(a, b) (t.dp:5:13) may reach 3.355e+07", ""},
		{"small values", small, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := testprog.Source(t, c.src, nil)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			steps := [][]float64{{-1000, 1000}}
			r32, err := compile.NewRunner[float32](net)
			require.NoError(t, err)
			_, err32 := r32.Run(steps)
			_, err32b := r32.RunBatch([][][]float64{steps})
			r64, err := compile.NewRunner[float64](net)
			require.NoError(t, err)
			_, err64 := r64.Run(steps)
			for _, e := range []struct {
				err  error
				want string
			}{{err32, c.f32}, {err32b, c.f32}, {err64, c.f64}} {
				if e.want == "" {
					assert.NoError(t, e.err)
				} else {
					require.Error(t, e.err)
					assert.Contains(t, e.err.Error(), e.want)
				}
			}
		})
	}
}
