package study

import (
	"fmt"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/instance"
)

// KnapsackStream is the width study's data (Hertrich & Skutella,
// Appendix D): instances drawn as instance.AppendixD draws them (AppendixDItems) for one p*, each item
// one point (f_in, p_in, s_in) → f_out of the profit-indexed DP step
// f_out[p] = min(f_in[p], f_in[p−p_in] + s_in) (f[p ≤ 0] = 0, f = 2 before
// the first item), shuffled through a buffer of Pool points the way
// TensorFlow's Dataset.shuffle does (each point drawn is replaced by the
// next one generated). The stream is infinite and never repeats a point
// it has given out.
type KnapsackStream struct {
	PStar int
	rng   *rand.Rand
	pool  []float64 // Pool points of In+Out values
	queue []float64 // the points of the current instance
	qpos  int       // the next of them to give out
	f     []float64 // DP state while unrolling an instance
	// the current instance's items
	profits []int
	sizes   []float64
	gen     Generator
	// Instances and Points count what the stream has drawn so far.
	Instances, Points int
}

// In and Out are the point's sizes: p*+2 inputs, p* outputs.
func (s *KnapsackStream) In() int  { return s.PStar + 2 }
func (s *KnapsackStream) Out() int { return s.PStar }

// DefaultPool is the shuffle buffer of the authors' code: one epoch's
// points (32·1000).
const DefaultPool = 32000

// Generator is how a KnapsackStream draws its instances.
type Generator int

const (
	// VerifiedGenerator draws as instance.AppendixD, the generator dp2nn verifies
	// with: an instance with a single item or an item larger than the
	// capacity is drawn again (examples/knapsack.dp takes sizes in 0..1).
	VerifiedGenerator Generator = iota
	// PaperGenerator draws as the paper and its authors' code do, keeping those
	// instances: a single item of profit p*, items of size above 1.
	PaperGenerator
)

// ParseGenerator reads "dp2nn" (VerifiedGenerator) or "paper" (PaperGenerator).
func ParseGenerator(s string) (Generator, error) {
	switch s {
	case "dp2nn":
		return VerifiedGenerator, nil
	case "paper":
		return PaperGenerator, nil
	}
	return 0, fmt.Errorf("unknown generator %q (valid: dp2nn, paper)", s)
}

func (g Generator) String() string {
	if g == PaperGenerator {
		return "paper"
	}
	return "dp2nn"
}

// NewKnapsackStream starts a stream of VerifiedGenerator instances for p* >= 2
// from seed with a shuffle buffer of pool points (1 = no shuffling).
func NewKnapsackStream(pstar int, seed uint64, pool int) *KnapsackStream {
	return NewKnapsackStreamOf(pstar, seed, pool, VerifiedGenerator)
}

// NewKnapsackStreamOf is NewKnapsackStream with instances drawn by gen.
func NewKnapsackStreamOf(pstar int, seed uint64, pool int, gen Generator) *KnapsackStream {
	if pstar < 2 || pool < 1 {
		panic(fmt.Sprintf("study: knapsack stream with p* = %d, pool %d", pstar, pool))
	}
	s := &KnapsackStream{PStar: pstar, rng: instance.NewRand(seed), f: make([]float64, pstar), gen: gen}
	w := s.In() + s.Out()
	s.pool = make([]float64, 0, pool*w)
	for len(s.pool) < pool*w {
		s.pool = append(s.pool, s.next()...)
	}
	return s
}

// next returns the next generated point (a slice of the queue, valid
// until the following call).
func (s *KnapsackStream) next() []float64 {
	w := s.In() + s.Out()
	if s.qpos == len(s.queue) {
		if s.gen == PaperGenerator {
			s.profits, s.sizes = paperItems(s.rng, s.PStar, s.profits, s.sizes)
		} else {
			s.profits, s.sizes = instance.AppendixDItems(s.rng, s.PStar, s.profits, s.sizes)
		}
		s.Instances++
		s.queue = AppendKnapsackPoints(s.queue[:0], s.profits, s.sizes, s.PStar, s.f)
		s.qpos = 0
	}
	pt := s.queue[s.qpos : s.qpos+w]
	s.qpos += w
	s.Points++
	return pt
}

// AppendKnapsackPoints appends the points of one knapsack instance (its
// items' profits and sizes) for p* to dst, each In()+Out() values
// (f_in[1..p*], profit, size, then f_out[1..p*]); f is scratch of p*
// values.
func AppendKnapsackPoints(dst []float64, profits []int, sizes []float64, pstar int, f []float64) []float64 {
	f = f[:pstar]
	for i := range f {
		f[i] = 2
	}
	for k, profit := range profits {
		size := sizes[k]
		dst = append(dst, f...)
		dst = append(dst, float64(profit), size)
		// Descending p reads f_in[p−profit] before it is overwritten.
		for p := pstar; p >= 1; p-- {
			take := size
			if p > profit {
				take += f[p-profit-1]
			}
			f[p-1] = min(f[p-1], take)
		}
		dst = append(dst, f...)
	}
	return dst
}

// Batch fills x (rows×In) and y (rows×Out) with the next points.
func (s *KnapsackStream) Batch(x, y []float64) {
	in, out := s.In(), s.Out()
	w := in + out
	pool := len(s.pool) / w
	for r := range len(x) / in {
		k := s.rng.IntN(pool) * w
		copy(x[r*in:(r+1)*in], s.pool[k:k+in])
		copy(y[r*out:(r+1)*out], s.pool[k+in:k+w])
		copy(s.pool[k:k+w], s.next())
	}
}

// paperItems draws one instance as Appendix D and the authors' code
// (get_random_knapsack_instance) do: profits uniform in 1..remaining
// until they sum to p*, shuffled; sizes uniform in [0, 1) scaled to a
// total uniform in (1, 2), even when that makes an item larger than the
// capacity. profits and sizes are reused.
func paperItems(rng *rand.Rand, pstar int, profits []int, sizes []float64) ([]int, []float64) {
	profits = instance.AppendixDProfits(rng, pstar, profits)
	n := len(profits)
	if cap(sizes) < n {
		sizes = make([]float64, n)
	}
	sizes = sizes[:n]
	for {
		var sum float64
		for i := range sizes {
			sizes[i] = rng.Float64()
			sum += sizes[i]
		}
		target := 1 + rng.Float64()
		if sum == 0 || target == 1 {
			continue
		}
		for i := range sizes {
			sizes[i] *= target / sum
		}
		return profits, sizes
	}
}
