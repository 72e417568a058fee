package onnxref

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// broadcastIndex's shortcuts (identity, one element, repeated whole,
// each element repeated) give the table expandIndex builds, on random
// shape pairs that broadcast.
func TestBroadcastIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	modes := map[int8]int{}
	for range 3000 {
		out := make([]int, rng.IntN(5))
		for d := range out {
			out[d] = 1 + rng.IntN(3)
		}
		in := append([]int(nil), out[rng.IntN(len(out)+1):]...) // a suffix
		for d := range in {
			if rng.IntN(3) == 0 {
				in[d] = 1
			}
		}
		b := broadcastIndex(in, out)
		modes[b.mode]++
		want := expandIndex(in, out)
		for f, j := range want {
			require.Equal(t, j, b.at(f), "in %v out %v mode %d at %d", in, out, b.mode, f)
		}
	}
	for m := range int8(5) {
		require.Positive(t, modes[m], "mode %d never drawn", m)
	}
}

// reduce over a suffix of the axes (a contiguous run per output) and
// over any other set give the sums, maxima and minima of plain loops,
// in float32 with every partial sum rounded.
func TestReduceAxes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 10))
	shape := []int{2, 3, 4}
	x := &value{elem: elemFloat, shape: shape, f: make([]float64, 24)}
	for i := range x.f {
		x.f[i] = float64(float32(rng.NormFloat64()))
	}
	for _, axes := range [][]int64{{2}, {1, 2}, {0, 1, 2}, {}, {0}, {1}, {0, 2}, {-1}} {
		red := map[int]bool{}
		for _, a := range axes {
			red[(int(a)+3)%3] = true
		}
		if len(axes) == 0 {
			red = map[int]bool{0: true, 1: true, 2: true}
		}
		for _, op := range []string{"ReduceSum", "ReduceMax", "ReduceMin"} {
			got, err := reduce(op, x, axes, true)
			require.NoError(t, err)
			want := map[[3]int]float64{}
			seen := map[[3]int]bool{}
			for i := range 2 {
				for j := range 3 {
					for k := range 4 {
						o := [3]int{i, j, k}
						for d := range 3 {
							if red[d] {
								o[d] = 0
							}
						}
						v := x.f[(i*3+j)*4+k]
						switch {
						case !seen[o]:
							want[o], seen[o] = v, true
						case op == "ReduceSum":
							want[o] = float64(float32(want[o] + v))
						case op == "ReduceMax":
							want[o] = max(want[o], v)
						default:
							want[o] = min(want[o], v)
						}
					}
				}
			}
			for f, v := range got.f {
				c := unflatten(f, got.shape)
				require.Equal(t, want[[3]int{c[0], c[1], c[2]}], v, "%s over %v at %v", op, axes, c)
			}
			require.Len(t, got.f, len(want))
		}
	}
}
