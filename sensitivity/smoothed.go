package sensitivity

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// Smoothed is the smoothed knapsack DP of the smooth package on one
// instance, with scores θ_i = p_i/max p (so γ is in units of the largest
// profit) and the integer weights: its relaxed selection (the marginals
// y = ∂Value/∂θ, for Relaxed) and its sampler (ancestral sampling, a
// Coupler). Couple uses common random numbers: one uniform per item,
// the same for the item on both instances, a coupling that makes the
// mean Hamming distance an upper bound on the earth mover's distance.
// The tables of each deletion are computed once, and its marginals kept.
type Smoothed struct {
	in    knapsack.Instance
	reg   smooth.Reg
	gamma float64
	seed  uint64
	whole *smooth.Tables
	u     [][]float64 // u[s][i]: the uniform of item i in draw s
	draws [][]int
	del   int
	view  *smooth.Tables    // the tables of deletion del, reused for every deletion
	marg  map[int][]float64 // del → marginals (−1: the whole instance)
	theta []float64         // the scores p_i/max p of the whole instance
	// coupled[del][k] is Couple(k, del), when Sweep computed it.
	coupled [][][]int
}

// NewSmoothed runs the smoothed DP on in (weights must be integers ≥ 1
// below 2^31, the capacity too).
func NewSmoothed(in knapsack.Instance, reg smooth.Reg, gamma float64, seed uint64) (*Smoothed, error) {
	if in.Len() == 0 {
		return nil, ErrEmpty
	}
	if !(gamma > 0) || math.IsInf(gamma, 1) {
		return nil, fmt.Errorf("sensitivity: smoothed DP γ = %v, want a finite γ > 0", gamma)
	}
	for i, w := range in.Weights {
		if w < 1 || w > math.MaxInt32 {
			return nil, fmt.Errorf("sensitivity: smoothed DP on %s: item %d has weight %d; the weight-indexed DP needs weights in 1..2^31−1", in.Name, i, w)
		}
	}
	if in.Capacity > math.MaxInt32 {
		return nil, fmt.Errorf("sensitivity: smoothed DP on %s: capacity %d above 2^31−1", in.Name, in.Capacity)
	}
	s := &Smoothed{in: in, reg: reg, gamma: gamma, seed: seed, del: -2, marg: map[int][]float64{}}
	var pmax int64
	for _, p := range in.Profits {
		pmax = max(pmax, p)
	}
	s.theta = make([]float64, in.Len())
	for i, p := range in.Profits {
		if pmax > 0 {
			s.theta[i] = float64(p) / float64(pmax)
		}
	}
	var err error
	if s.whole, err = s.forward(-1); err != nil {
		return nil, err
	}
	return s, nil
}

// Cells is the size n·(C+1) of one DP table: the cost of one forward
// pass, n+1 of which Smoothed runs.
func SmoothedCells(in knapsack.Instance) float64 {
	return float64(in.Len()) * float64(in.Capacity+1)
}

func (s *Smoothed) forward(del int) (*smooth.Tables, error) {
	in := s.in
	if del >= 0 {
		in = Without(in, del)
	}
	var pmax int64
	for _, p := range s.in.Profits {
		pmax = max(pmax, p)
	}
	w := make([]int, in.Len())
	theta := make([]float64, in.Len())
	for i := range w {
		w[i] = int(in.Weights[i])
		if pmax > 0 {
			theta[i] = float64(in.Profits[i]) / float64(pmax)
		}
	}
	p := smooth.NewKnapsack(w, int(in.Capacity))
	var t *smooth.Tables
	var err error
	if del < 0 {
		t, err = p.Forward(s.reg, s.gamma, theta)
	} else { // one table for every deletion: no n·(C+1) allocation per deletion
		if s.view == nil {
			s.view = new(smooth.Tables)
		}
		t, s.del = s.view, del
		err = p.ForwardInto(t, s.reg, s.gamma, theta)
	}
	if err != nil {
		s.del = -2
		return nil, s.wrap(del, err)
	}
	s.marg[del] = t.Marginals()
	return t, nil
}

// wrap names the instance (and the deletion) in a smooth error.
func (s *Smoothed) wrap(del int, err error) error {
	if del < 0 {
		return fmt.Errorf("sensitivity: smoothed DP on %s: %v", s.in.Name, err)
	}
	return fmt.Errorf("sensitivity: smoothed DP on %s without item %d: %v", s.in.Name, del, err)
}

// Relax returns the marginals on the instance (del = −1) or on the
// instance without item del.
func (s *Smoothed) Relax(del int) ([]float64, error) {
	if y, ok := s.marg[del]; ok {
		return y, nil
	}
	if _, err := s.forward(del); err != nil {
		return nil, err
	}
	return s.marg[del], nil
}

// Draw is sample s on the whole instance.
func (s *Smoothed) Draw(k int) ([]int, error) {
	for len(s.u) <= k {
		r := len(s.u)
		hi, lo := bits.Mul64(s.seed^0x9e3779b97f4a7c15, uint64(r)+1)
		rng := rand.New(rand.NewPCG(hi^lo, 7))
		u := make([]float64, s.in.Len())
		for i := range u {
			u[i] = rng.Float64()
		}
		s.u = append(s.u, u)
		s.draws = append(s.draws, walk(s.whole, s.in, -1, u))
	}
	return s.draws[k], nil
}

// Couple is the sample of the instance without del that uses draw k's
// uniforms.
func (s *Smoothed) Couple(k, del int) ([]int, error) {
	if _, err := s.Draw(k); err != nil {
		return nil, err
	}
	if del >= 0 && del < len(s.coupled) && k < len(s.coupled[del]) {
		return s.coupled[del][k], nil
	}
	if s.del != del {
		if _, err := s.forward(del); err != nil {
			return nil, err
		}
	}
	return walk(s.view, Without(s.in, del), del, s.u[k]), nil
}

// walk is ancestral sampling (smooth.Tables.Sample) with the uniform of
// each item given: u by the item's index in the whole instance.
func walk(t *smooth.Tables, in knapsack.Instance, del int, u []float64) []int {
	var out []int
	c := int(in.Capacity)
	for i := in.Len(); i >= 1; i-- {
		id := i - 1
		if del >= 0 && id >= del {
			id++
		}
		if u[id] < t.Pick(i, c) {
			out = append(out, id)
			c -= int(in.Weights[i-1])
		}
	}
	slices.Sort(out)
	return out
}
