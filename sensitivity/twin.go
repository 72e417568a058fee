package sensitivity

import (
	"fmt"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// Twin is an instance on which every exact algorithm has average
// sensitivity Θ(n) (Proposition 1.2 of Kumabe & Yoshida says such
// instances exist; their construction's numbers did not survive in our
// copy, so this one is ours): n items of weight n+1 and profit n(n+1)+1,
// then n+1 items of weight n and profit n², capacity n(n+1). Either group
// fills the knapsack exactly and no mix does; the first group is the
// unique optimum, and without any one of its items the second group is
// (a mix lacks one unit of profit). Deleting one of the first n items
// changes the optimum by 2n items, deleting one of the others changes
// nothing: the exact sensitivity is 2n²/(2n+1).
func Twin(n int) (knapsack.Instance, error) {
	if n < 2 || n > 1_000_000 {
		return knapsack.Instance{}, fmt.Errorf("sensitivity: twin instance with n = %d, want 2..1000000", n)
	}
	N := int64(n)
	in := knapsack.Instance{Name: fmt.Sprintf("twin-n%d", n), Capacity: N * (N + 1)}
	for range n {
		in.Profits = append(in.Profits, N*(N+1)+1)
		in.Weights = append(in.Weights, N+1)
	}
	for range n + 1 {
		in.Profits = append(in.Profits, N*N)
		in.Weights = append(in.Weights, N)
	}
	return in, nil
}
