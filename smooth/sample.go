package smooth

import "math/rand/v2"

// Sample draws k selections by ancestral sampling (Alg. 3): start at
// capacity c = C, and for i = n down to 1 pick item i with probability
// q[i, c], then lower c by w_i if picked. It uses exactly n draws of
// rng.Float64 per selection; k ≤ 0 returns nil.
//
// Every selection is feasible: q[i, c] = 0 when c < w_i, and for TopK the
// walk only enters cells with a finite value, so it ends at count 0 with
// exactly k items picked. The marginal probability of picking item i is
// Marginals()[i]; for Shannon the selections follow the Gibbs distribution
// P(S) ∝ exp(θ(S)/γ) over feasible subsets S.
func (t *Tables) Sample(rng *rand.Rand, k int) [][]bool {
	t.mustHaveRun()
	if k <= 0 {
		return nil
	}
	n, W := len(t.weights), t.capacity+1
	all := make([]bool, k*n)
	out := make([][]bool, k)
	for s := range out {
		pick := all[s*n : (s+1)*n : (s+1)*n]
		c := t.capacity
		for i := n - 1; i >= 0; i-- {
			if rng.Float64() < t.q[i*W+c] {
				pick[i] = true
				c -= t.weights[i]
			}
		}
		out[s] = pick
	}
	return out
}
