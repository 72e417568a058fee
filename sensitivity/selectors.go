package sensitivity

import (
	"fmt"
	"math"
	"slices"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// Exact is the exact optimum as dp2nn's ground truth computes it
// (knapsack.Solve: one deterministic optimal set, the same for the same
// instance).
func Exact(in knapsack.Instance) ([]int, error) {
	sol, err := knapsack.Solve(in.Profits, in.Weights, in.Capacity)
	if err != nil {
		return nil, fmt.Errorf("sensitivity: exact optimum of %s: %v", in.Name, err)
	}
	return slices.Clone(sol.Items), nil
}

// Greedy is the natural greedy algorithm of Kumabe & Yoshida §3.1: the
// items that fit on their own in non-increasing efficiency p/w (ties by
// index), the longest prefix that fits into the capacity.
func Greedy(in knapsack.Instance) ([]int, error) {
	s := newPrefixSums(in, efficiencyOrder(in, nil))
	out := slices.Clone(s.items[:s.fit(float64(in.Capacity))])
	slices.Sort(out)
	return out, nil
}

// MaxFPTASCells bounds the n × Σp' table of FPTAS (one byte a cell).
const MaxFPTASCells = 1 << 28

// FPTASCells is the table size FPTAS(eps) needs on in, for refusing it
// before it allocates.
func FPTASCells(in knapsack.Instance, eps float64) float64 {
	n := float64(in.Len())
	return n * (n*n/eps + n)
}

// FPTAS returns the textbook FPTAS (Ibarra & Kim; Vazirani §8.2) with
// error eps: profits rounded down to multiples of K = eps·pmax/n (pmax the
// largest profit of an item that fits), the least weight of every rounded
// profit by a DP over the items in index order (an item is taken only if
// it strictly lowers the weight), the largest rounded profit whose weight
// fits, backtracked. Its value is at least (1 − eps)·OPT.
func FPTAS(eps float64) Selector {
	return func(in knapsack.Instance) ([]int, error) {
		if !(eps > 0 && eps < 1) {
			return nil, fmt.Errorf("sensitivity: FPTAS ε = %v, want 0 < ε < 1", eps)
		}
		var live []int
		var pmax int64
		for i, w := range in.Weights {
			if w <= in.Capacity && in.Profits[i] > 0 {
				live = append(live, i)
				pmax = max(pmax, in.Profits[i])
			}
		}
		if len(live) == 0 {
			return nil, nil
		}
		n := float64(in.Len())
		K := eps * float64(pmax) / n
		r := make([]int, len(live))
		total := 0
		for k, i := range live {
			r[k] = int(math.Floor(float64(in.Profits[i]) / K))
			total += r[k]
		}
		if float64(len(live))*float64(total+1) > MaxFPTASCells {
			return nil, fmt.Errorf("sensitivity: FPTAS ε = %v on %d items needs %d×%d cells, more than %d", eps, len(live), len(live), total+1, MaxFPTASCells)
		}
		inf := in.Capacity + 1
		minW := make([]int64, total+1)
		for q := 1; q <= total; q++ {
			minW[q] = inf
		}
		take := make([]bool, len(live)*(total+1))
		for k, i := range live {
			w := in.Weights[i]
			row := take[k*(total+1) : (k+1)*(total+1)]
			for q := total; q >= r[k]; q-- {
				if c := minW[q-r[k]] + w; c < minW[q] && c <= in.Capacity {
					minW[q], row[q] = c, true
				}
			}
		}
		q := total
		for minW[q] > in.Capacity {
			q--
		}
		var out []int
		for k := len(live) - 1; k >= 0 && q > 0; k-- {
			if take[k*(total+1)+q] {
				out = append(out, live[k])
				q -= r[k]
			}
		}
		slices.Sort(out)
		return out, nil
	}
}

// RoundedDP returns the selection of the FPTAS-NN of Hertrich & Skutella
// with table size P: the rounded DP of truth/knapsack (knapsack.FPTASWeights,
// on the items that fit) walked back from its answer index, at each step
// preferring "item left out" on a tie, the rule compile.Backtrack applies
// to the network's stored states. study checks that the compiled network
// gives the same p_NN on every instance and deletion it measures.
func RoundedDP(P int) Selector {
	return func(in knapsack.Instance) ([]int, error) {
		var fit []int
		var profits, weights []int64
		for i, w := range in.Weights {
			if w <= in.Capacity {
				fit = append(fit, i)
				profits, weights = append(profits, in.Profits[i]), append(weights, w)
			}
		}
		if len(fit) == 0 {
			return nil, nil
		}
		t, err := knapsack.FPTASWeights(profits, weights, max(in.Capacity, 1), P)
		if err != nil {
			return nil, fmt.Errorf("sensitivity: rounded DP of %s: %v", in.Name, err)
		}
		var out []int
		p := t.Index
		for i := len(fit); i >= 1 && p >= 1; i-- {
			p1, p2 := t.Sources(i, p)
			left := t.Infinity
			if p1 <= P {
				left = t.G[i-1][p1]
			}
			if t.G[i][p] == left {
				p = p1
				continue
			}
			if t.G[i][p] != t.G[i-1][p2]+min(weights[i-1], t.Infinity) {
				return nil, fmt.Errorf("sensitivity: rounded DP of %s: cell (%d, %d) comes from neither source", in.Name, i, p)
			}
			out = append(out, fit[i-1])
			p = p2
		}
		slices.Sort(out)
		return out, nil
	}
}
