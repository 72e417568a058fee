package relu

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzUnroll checks Unroll against RunCell on random integer cells, where
// every operation is exact (see checkUnroll), so results must be equal.
func FuzzUnroll(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint8(1), uint8(3))
	f.Add(uint64(2), uint8(3), uint8(2), uint8(4))
	f.Add(uint64(3), uint8(4), uint8(3), uint8(2))
	f.Add(uint64(4), uint8(2), uint8(4), uint8(5))
	f.Fuzz(func(t *testing.T, seed uint64, steps, depth, width uint8) {
		rng := rand.New(rand.NewPCG(seed, 99))
		o := cellOptions{
			state: 1 + int(seed%5), stepX: 1 + int(seed%3), stepY: int(seed % 2),
			depth: 1 + int(depth%4), width: 1 + int(width%8), fanIn: 1 + int(seed%3), integer: true,
		}
		n := 1 + int(steps%5)
		cell := randomCell(t, rng, o)
		init := map[string][]float64{"f": randomValues(rng, o.state, true)}
		net, err := Unroll(cell, n, []string{"f"}, init)
		require.NoError(t, err)
		require.LessOrEqual(t, net.Depth(), n*(cell.Depth()-1)+1)
		stepValues, row := unrollInputs(rng, o, n)
		if maxAbsValue(t, cell, net, init, stepValues, row) >= 1<<53 {
			t.Skip("values beyond the exact float64 range")
		}
		want, err := RunCell(cell, []string{"f"}, init, stepValues)
		require.NoError(t, err)
		got, err := Eval(net, row, 1)
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}

// FuzzRun checks that every batch size gives the rows of Trace exactly.
func FuzzRun(f *testing.F) {
	f.Add(uint64(1), uint8(1))
	f.Add(uint64(2), uint8(9))
	f.Add(uint64(3), uint8(70))
	f.Fuzz(func(t *testing.T, seed uint64, batch uint8) {
		rng := rand.New(rand.NewPCG(seed, 7))
		g := randomCell(t, rng, cellOptions{state: 1 + int(seed%7), stepX: 2, stepY: 1, depth: 1 + int(seed%5), width: 1 + int(seed%13), fanIn: 2})
		in := randomValues(rng, int(batch)*g.NumInputs, false)
		checkRunMatchesTrace(t, g, in, int(batch))
		checkRunMatchesTrace(t, g, convert[float32](in), int(batch))
	})
}
