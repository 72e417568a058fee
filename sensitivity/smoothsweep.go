package sensitivity

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dp2nn/dp2nn/smooth"
)

// Every deletion as one shape: the instance without item del is the whole
// instance with item del padded, its weight set to C + 1 and its score to
// 0. The padded item is never picked and changes nothing, bit for bit:
// its row of the forward pass has no cell with c ≥ w = C + 1, so
// smooth's forwardRow (and forwardScaled) copies v[i−1, ·] into v[i, ·]
// and sets q[i, ·] = 0 without calling a kernel; the backward pass then
// has pick flow e·0 = 0, so y_del = 0 and e' = e − 0 = e; a sampler's
// uniform in [0, 1) never falls below q = 0. The score 0 keeps Σ|θ|, which
// decides whether Shannon runs in scaled form, the same sum as on the
// instance without the item (adding 0 is exact). Every other row sees the
// same weight, score and previous row as the same item of the instance
// without del. TestPaddedDeletion checks all of it bit for bit against
// Without. All deletions then share one problem shape, n items and
// capacity C, and one Tables per worker serves them all.
//
// smooth's MarginalsBatch runs many score vectors of one Problem on all
// cores, but the padding lives in the weights, which its Problem shares
// between rows, and it returns marginals only, while the coupled sampler
// walks each deletion's pick table. So Sweep runs the same kernels
// (Problem.ForwardInto, Tables.MarginalsInto) in the batch API's pattern:
// GOMAXPROCS workers, each reusing one Tables, taking deletions from a
// shared counter.

// padded runs the forward pass of the instance without del, in padded
// form, into t; it returns the problem it ran.
func (s *Smoothed) padded(t *smooth.Tables, del int) error {
	w := make([]int, s.in.Len())
	theta := make([]float64, s.in.Len())
	copy(theta, s.theta)
	for i, wi := range s.in.Weights {
		w[i] = int(wi)
	}
	w[del], theta[del] = int(s.in.Capacity)+1, 0
	return smooth.NewKnapsack(w, int(s.in.Capacity)).ForwardInto(t, s.reg, s.gamma, theta)
}

// MaxSweepBytes bounds SweepBytes: Sweep refuses above it, and one
// deletion at a time (Relax, Couple without Sweep) needs no such memory.
const MaxSweepBytes = 1 << 28

// SweepBytes bounds the memory Sweep keeps for an instance of n items and
// samples draws: every coupled selection (at most n items of 8 bytes for
// each of n deletions and samples draws) and the marginals.
func SweepBytes(n, samples int) float64 {
	return float64(n) * float64(n) * float64(samples+1) * 8
}

// Sweep computes, for every deletion at once on all cores, the marginals
// (Relax) and the coupled draws 0..samples−1 (Couple), which then read
// them; draws beyond samples fall back to one deletion at a time. Results
// are the same as without Sweep, bit for bit. It refuses, before
// allocating, when SweepBytes exceeds MaxSweepBytes.
func (s *Smoothed) Sweep(samples int) error {
	n := s.in.Len()
	if b := SweepBytes(n, samples); b > MaxSweepBytes {
		return fmt.Errorf("sensitivity: smoothed DP on %s: a sweep of %d deletions × %d draws would keep up to %.3g bytes, more than %d", s.in.Name, n, samples, b, MaxSweepBytes)
	}
	if samples > 0 {
		if _, err := s.Draw(samples - 1); err != nil {
			return err
		}
	}
	marg := make([][]float64, n)
	coupled := make([][][]int, n)
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			t := new(smooth.Tables)
			y := make([]float64, n)
			for {
				del := int(next.Add(1) - 1)
				if del >= n {
					return
				}
				if errs[del] = s.padded(t, del); errs[del] != nil {
					return
				}
				if errs[del] = t.MarginalsInto(y); errs[del] != nil {
					return
				}
				m := make([]float64, 0, n-1)
				m = append(append(m, y[:del]...), y[del+1:]...)
				marg[del] = m
				coupled[del] = make([][]int, samples)
				for k := range samples {
					coupled[del][k] = walk(t, s.in, -1, s.u[k])
				}
			}
		})
	}
	wg.Wait()
	for del, err := range errs {
		if err != nil {
			return s.wrap(del, err)
		}
	}
	for del := range n {
		s.marg[del] = marg[del]
	}
	s.coupled = coupled
	return nil
}
