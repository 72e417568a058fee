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
