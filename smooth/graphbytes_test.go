package smooth

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/testprog"
)

// bytesCase is one instance of an example program with data or per-step
// inputs.
type bytesCase struct {
	name, path string
	params     map[string]int64
	data       [][]float64
	steps      [][]float64
}

func bytesCases() []bytesCase {
	rng := rand.New(rand.NewPCG(3, 3))
	const L = 300
	n, lmax := 12, 4
	length := make([]float64, n*n)
	for i := range length {
		length[i] = float64(1 + rng.IntN(lmax))
	}
	ksteps := make([][]float64, 200)
	for i := range ksteps {
		ksteps[i] = []float64{float64(1 + rng.IntN(10)), rng.NormFloat64()}
	}
	return []bytesCase{
		{"lcs/300x300", "../examples/lcs.dp", map[string]int64{"m": L, "n": L, "a": 4}, [][]float64{randInts(rng, L, 4), randInts(rng, L, 4)}, nil},
		{"editdistance/300x300", "../testdata/programs/editdistance.dp", map[string]int64{"m": L, "n": L, "a": 4}, [][]float64{randInts(rng, L, 4), randInts(rng, L, 4)}, nil},
		{"bellmanford/n=60", "../examples/bellmanford.dp", map[string]int64{"n": 60, "cmax": 10}, [][]float64{randArcs(rng, 60, 0, 10, 0.5, true)}, nil},
		{"apsp/n=20", "../examples/apsp.dp", map[string]int64{"n": 20, "cmax": 10}, [][]float64{randArcs(rng, 20, 0, 10, 0.5, false)}, nil},
		{"heldkarp/n=10", "../examples/heldkarp.dp", map[string]int64{"n": 10, "cmax": 100}, [][]float64{randArcs(rng, 10, 0, 100, 0, false)}, nil},
		{"csp/n=12", "../examples/csp.dp", map[string]int64{"n": int64(n), "t": int64(n), "lmax": int64(lmax), "rmax": 10}, [][]float64{length, randArcs(rng, n, 0, 10, 0.5, true), {30}}, nil},
		{"knapsack_value/200x300", "../examples/knapsack_value.dp", map[string]int64{"C": 300}, nil, ksteps},
	}
}

// TestGraphBytesBoundAllocation checks the byte prediction of NewGraph
// (graphbytes.go) against the bytes NewGraph, Forward and Marginals
// allocate (runtime.MemStats.TotalAlloc, every allocation, garbage
// included): the prediction bounds them from above, by at most a factor
// of 5 (the first prediction, from the program alone, counts every
// reduction over its whole declared domain: Held-Karp's subsets make it
// 4.5 times the terms there are).
func TestGraphBytesBoundAllocation(t *testing.T) {
	const factor = 5
	for _, c := range bytesCases() {
		t.Run(c.name, func(t *testing.T) {
			m := testprog.File(t, c.path, c.params)
			for _, reg := range regs {
				var m0, m1 runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m0)
				g, b, err := newGraph(m, c.data, c.steps, GraphLimits{})
				require.NoError(t, err)
				r, err := g.Forward(reg, 1, nil)
				require.NoError(t, err)
				_, err = r.Marginals(nil)
				require.NoError(t, err)
				runtime.ReadMemStats(&m1)
				alloc := float64(m1.TotalAlloc - m0.TotalAlloc)
				t.Logf("%v: predicted %.0f bytes, allocated %.0f (%.2f×)", reg, b.bytes, alloc, b.bytes/alloc)
				assert.GreaterOrEqual(t, b.bytes, alloc, "%v: the prediction must bound the allocation", reg)
				assert.LessOrEqual(t, b.bytes, factor*alloc, "%v: the prediction is more than %d times the allocation", reg, factor)

				// A limit below the prediction refuses, before building.
				lim := int64(b.bytes) - 1
				runtime.ReadMemStats(&m0)
				_, err = NewGraph(m, c.data, c.steps, GraphLimits{MaxBytes: lim})
				runtime.ReadMemStats(&m1)
				var tl *TooLargeError
				require.True(t, errors.As(err, &tl), "%v: want a TooLargeError, got %v", reg, err)
				assert.Equal(t, lim, tl.Limit)
				assert.Contains(t, err.Error(), "above the limit")
				assert.Less(t, float64(m1.TotalAlloc-m0.TotalAlloc), float64(lim), "%v: the refusal allocated past the limit", reg)
				// At the prediction it builds.
				_, err = NewGraph(m, c.data, c.steps, GraphLimits{MaxBytes: int64(b.bytes) + 1})
				require.NoError(t, err)
			}
		})
	}
}
