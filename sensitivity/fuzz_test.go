package sensitivity

import (
	"testing"

	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// FuzzSimpleKnapsack: on any simple instance the algorithm returns a
// feasible set worth at least (1 − ε)·OPT, or refuses; it never panics.
func FuzzSimpleKnapsack(f *testing.F) {
	f.Add([]byte{9, 8, 7, 4, 3, 3, 2, 1}, uint16(20), uint8(25), uint8(1))
	f.Add([]byte{6, 6, 5, 5, 5}, uint16(10), uint8(50), uint8(3))
	f.Add([]byte{}, uint16(0), uint8(1), uint8(1))
	f.Add([]byte{0, 0, 200}, uint16(7), uint8(99), uint8(0))
	f.Fuzz(func(t *testing.T, ws []byte, capacity uint16, epsPct, lambda uint8) {
		if len(ws) > 24 {
			ws = ws[:24]
		}
		eps := float64(epsPct%99+1) / 100
		in := knapsack.Instance{Name: "fuzz", Capacity: int64(capacity % 600)}
		for _, w := range ws {
			in.Weights = append(in.Weights, int64(w))
			in.Profits = append(in.Profits, int64(lambda)*int64(w))
		}
		s, err := SimpleKnapsack(eps)(in)
		if err != nil {
			t.Fatalf("refused a simple instance: %v", err)
		}
		if err := CheckFeasible(in, s); err != nil {
			t.Fatal(err)
		}
		if in.Len() == 0 {
			return
		}
		opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
		if err != nil {
			t.Fatal(err)
		}
		if v := Profit(in, s); float64(v) < (1-eps)*float64(opt) {
			t.Fatalf("value %d < (1 − %v)·%d", v, eps, opt)
		}
	})
}
