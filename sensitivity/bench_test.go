package sensitivity

import (
	"strconv"
	"testing"

	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

func benchInstance(n int) knapsack.Instance {
	return knapsack.Generate(knapsack.Spec{Family: knapsack.StronglyCorrelated, N: n, R: 100, Fraction: 0.5}, 1).Fitting()
}

// One instance, all n deletions: the exact DP, greedy and the FPTAS-NN's
// rounded DP.
func BenchmarkDeterministic(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		sel  Selector
	}{
		{"exact/n=100", 100, Exact},
		{"greedy/n=1000", 1000, Greedy},
		{"roundedDP_P=100/n=100", 100, RoundedDP(100)},
		{"fptas_eps=0.1/n=100", 100, FPTAS(0.1)},
		{"simple_eps=0.1/n=1000", 1000, SimpleKnapsack(0.1)},
	} {
		in := benchInstance(c.n)
		if c.name[:6] == "simple" { // needs profit ∝ weight
			in = knapsack.Generate(knapsack.Spec{Family: knapsack.SubsetSum, N: c.n, R: 100, Fraction: 0.5}, 1)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Deterministic(in, c.sel); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// 16 draws with a coupled draw for every deletion.
func BenchmarkCoupled(b *testing.B) {
	for _, n := range []int{100, 1000} {
		in := benchInstance(n)
		for _, eps := range []float64{0.25, 0.1} {
			b.Run("KY/n="+itoa(n)+"/eps="+ftoa(eps), func(b *testing.B) {
				for b.Loop() {
					k, err := NewKY(in, eps, 1)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := Coupled(in, k, 16); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	in := benchInstance(100)
	for _, sweep := range []bool{false, true} {
		name := "smoothed_gini/n=100"
		if sweep {
			name = "smoothed_gini_sweep/n=100"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				s, err := NewSmoothed(in, smooth.Gini, 0.3, 1)
				if err != nil {
					b.Fatal(err)
				}
				if sweep {
					if err := s.Sweep(16); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := Coupled(in, s, 16); err != nil {
					b.Fatal(err)
				}
				if _, err := Relaxed(in, s.Relax); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// One padded deletion of the smoothed DP (forward pass and marginals) at
// n = 1000 and R = 100 (capacity ⌊Σw/2⌋ ≈ 25000, 2.5·10⁷ cells): a full
// sweep runs n of them, divided among the cores.
func BenchmarkSmoothedPass(b *testing.B) {
	in := knapsack.Generate(knapsack.Spec{Family: knapsack.Uncorrelated, N: 1000, R: 100, Fraction: 0.5}, 1).Fitting()
	for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
		s, err := NewSmoothed(in, reg, 0.3, 1)
		if err != nil {
			b.Fatal(err)
		}
		t := new(smooth.Tables)
		y := make([]float64, in.Len())
		b.Run(reg.String()+"/n=1000/R=100", func(b *testing.B) {
			del := 0
			for b.Loop() {
				if err := s.padded(t, del%in.Len()); err != nil {
					b.Fatal(err)
				}
				if err := t.MarginalsInto(y); err != nil {
					b.Fatal(err)
				}
				del++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/SmoothedCells(in), "ns/cell")
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
