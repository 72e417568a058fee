package onnxref

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// unflatten is the coordinate of flat index f in shape (row-major).
func unflatten(f int, shape []int) []int {
	c := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		c[d] = f % shape[d]
		f /= shape[d]
	}
	return c
}

// flatten is the flat index of coordinate c in shape (row-major).
func flatten(c, shape []int) int {
	f := 0
	for d := range shape {
		f = f*shape[d] + c[d]
	}
	return f
}

// FuzzScatterGatherElements checks ScatterElements (every reduction) and
// GatherElements against the specification's loops written plainly:
// for each coordinate of indices, the same coordinate of data with the
// axis coordinate replaced by the index (negative counting from the
// end); out-of-range indices and duplicate updates without reduction are
// errors.
func FuzzScatterGatherElements(f *testing.F) {
	f.Add([]byte{2, 3, 2, 1, 1, 2, 0, 1, 5, 7, 200, 1, 2})
	f.Add([]byte{1, 5, 1, 0, 0, 3, 3, 1, 9})
	f.Add([]byte{3, 2, 2, 2, 2, 1, 1, 1, 4, 255, 0, 1, 2, 3, 4, 5, 6})
	f.Fuzz(func(t *testing.T, b []byte) {
		next := func() int {
			if len(b) == 0 {
				return 0
			}
			v := int(b[0])
			b = b[1:]
			return v
		}
		r := 1 + next()%3
		dshape, ishape := make([]int, r), make([]int, r)
		for d := range r {
			dshape[d] = 1 + next()%4
		}
		axis := next()%(2*r) - r // negative too
		a := axis
		if a < 0 {
			a += r
		}
		for d := range r {
			ishape[d] = 1 + next()%dshape[d]
			if d == a {
				ishape[d] = next() % 5 // may be larger than data's, or 0
			}
		}
		red := reduction(next() % 5)
		data := &value{elem: elemDouble, shape: dshape, f: make([]float64, prod(dshape))}
		for i := range data.f {
			data.f[i] = float64(next()%7) - 3
		}
		n := prod(ishape)
		idx := &value{elem: elemInt64, shape: ishape, i: make([]int64, n)}
		upd := &value{elem: elemDouble, shape: ishape, f: make([]float64, n)}
		for i := range n {
			idx.i[i] = int64(next()%(2*dshape[a]+2) - dshape[a] - 1) // one out of range at each end
			upd.f[i] = float64(next()%9)/4 - 1
		}

		// the specification's loops
		want := append([]float64(nil), data.f...)
		gathered := make([]float64, n)
		written := make([]bool, len(want))
		wantErr := ""
		for i := range n {
			c := unflatten(i, ishape)
			k := int(idx.i[i])
			if k < 0 {
				k += dshape[a]
			}
			if k < 0 || k >= dshape[a] {
				wantErr = "out of range"
				break
			}
			c[a] = k
			j := flatten(c, dshape)
			gathered[i] = data.f[j]
			switch red {
			case reduceNone:
				if written[j] && wantErr == "" {
					wantErr = "two updates"
				}
				want[j] = upd.f[i]
			case reduceAdd:
				want[j] += upd.f[i]
			case reduceMul:
				want[j] *= upd.f[i]
			case reduceMax:
				want[j] = math.Max(want[j], upd.f[i])
			case reduceMin:
				want[j] = math.Min(want[j], upd.f[i])
			}
			written[j] = true
		}

		got, err := scatterElements(data, idx, upd, int64(axis), red, false)
		if wantErr != "" {
			require.ErrorContains(t, err, wantErr)
		} else {
			require.NoError(t, err)
			require.Equal(t, dshape, got.shape)
			require.Equal(t, want, got.f)
		}
		g, err := gatherElements(data, idx, int64(axis))
		if wantErr == "out of range" {
			require.ErrorContains(t, err, "out of range")
			return
		}
		require.NoError(t, err)
		require.Equal(t, ishape, g.shape)
		require.Equal(t, gathered, g.f)
	})
}
