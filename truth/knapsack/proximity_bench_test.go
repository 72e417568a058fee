//go:build unix

package knapsack

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// The benchmarks of Proximity against the core DP and the weight DP on
// Pisinger's families (docs/performance.md, "Exact knapsack optimum"):
// the target n = 10^5, R = 1000, capacity half the total weight; time
// against n at R = 1000; time against R (w_max) at n = 10^4.

// benchMethods are the exact methods the benchmarks compare.
var benchMethods = []solver{
	{"Proximity", Proximity},
	{"CoreDP", CoreDP},
	{"WeightDP", WeightDP},
}

// cpuTime is the CPU time the process has used (user and system). The
// solvers run on one goroutine, so the CPU time of a solve is its own
// plus the garbage collector's: unlike ns/op, it hardly moves with the
// load of a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchSolve runs sv on in and reports the work and the CPU time per
// solve (cpu-ns/op); a method that refuses the instance (ErrTooLarge) is
// skipped, not failed.
func benchSolve(b *testing.B, sv solver, in Instance) {
	var s Solution
	start := cpuTime()
	for b.Loop() {
		var err error
		s, err = sv.solve(in.Profits, in.Weights, in.Capacity)
		if errors.Is(err, ErrTooLarge) {
			b.Skip(err)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.Work), "work/op")
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkProximityTarget is the target: n = 10^5 items, R =
// 1000, capacity half the total weight (about 2.5·10^7), every family;
// Solve too, the method chooser that picks Proximity there.
func BenchmarkProximityTarget(b *testing.B) {
	for _, f := range Families {
		in := Generate(Spec{Family: f, N: 100_000, R: 1000, Fraction: 0.5}, 1)
		for _, sv := range append(benchMethods, solver{"Solve", Solve}) {
			b.Run(fmt.Sprintf("%s/%s", f, sv.name), func(b *testing.B) { benchSolve(b, sv, in) })
		}
	}
}

// BenchmarkProximityN grows n from 10^3 to 10^5 at R = 1000.
func BenchmarkProximityN(b *testing.B) {
	for _, f := range Families {
		for _, n := range []int{1000, 3000, 10_000, 30_000, 100_000} {
			in := Generate(Spec{Family: f, N: n, R: 1000, Fraction: 0.5}, 1)
			for _, sv := range benchMethods {
				b.Run(fmt.Sprintf("%s/n=%d/%s", f, n, sv.name), func(b *testing.B) { benchSolve(b, sv, in) })
			}
		}
	}
}

// BenchmarkProximityWmax grows R, the largest weight, from 10 to 10^4 at
// n = 10^4.
func BenchmarkProximityWmax(b *testing.B) {
	for _, f := range Families {
		for _, r := range []int64{10, 30, 100, 300, 1000, 3000, 10_000} {
			in := Generate(Spec{Family: f, N: 10_000, R: r, Fraction: 0.5}, 1)
			for _, sv := range benchMethods {
				b.Run(fmt.Sprintf("%s/R=%d/%s", f, r, sv.name), func(b *testing.B) { benchSolve(b, sv, in) })
			}
		}
	}
}

// unfillableSubsetSum is a worst case for Proximity's bounds: a
// subset-sum instance (p = w, so every item has the same ratio and the LP
// bound fixes nothing) of n − 1 weights that are multiples of 3, uniform
// in [3, wmax], one item of weight 1 (so the weights' gcd is 1) and a
// capacity ≡ 2 mod 3 near half their sum, which no subset fills (the LP
// bound C stays one above the optimum). Every weight class then keeps a
// window of about 4·w_max² net weights: the O(w_max³) of the
// implementation.
func unfillableSubsetSum(n int, wmax int64, seed uint64) Instance {
	rng := rand.New(rand.NewPCG(seed, 2))
	in := Instance{Name: fmt.Sprintf("unfillable-subset-sum-n%d-w%d", n, wmax), Profits: make([]int64, n), Weights: make([]int64, n)}
	total := int64(1)
	in.Profits[0], in.Weights[0] = 1, 1
	for j := 1; j < n; j++ {
		w := 3 * (1 + rng.Int64N(wmax/3))
		in.Profits[j], in.Weights[j] = w, w
		total += w
	}
	in.Capacity = total/2 - total/2%3 + 2
	return in
}

// BenchmarkProximityWorstCase grows w_max on unfillableSubsetSum at n = 10^4,
// to the largest w_max whose predicted cells fit in MaxProximityCells.
func BenchmarkProximityWorstCase(b *testing.B) {
	for _, wmax := range []int64{12, 24, 48, 96, 192, 384} {
		in := unfillableSubsetSum(10_000, wmax, 1)
		for _, sv := range benchMethods {
			b.Run(fmt.Sprintf("wmax=%d/%s", wmax, sv.name), func(b *testing.B) { benchSolve(b, sv, in) })
		}
	}
}
