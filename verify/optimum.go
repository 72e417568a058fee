package verify

import (
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// This file gives the command line the exact optimum of a knapsack
// instance file ("dp2nn optimum"): the truth a network is checked
// against, by the method the user picks or the one knapsack.Solve picks.

// OptimumMethods lists the methods Optimum accepts, "auto" first.
var OptimumMethods = []string{"auto", string(knapsack.MethodWeightDP), string(knapsack.MethodProfitDP),
	string(knapsack.MethodBranchAndBound), string(knapsack.MethodCoreDP), string(knapsack.MethodProximity)}

// OptimumReport is one instance's optimum, as "dp2nn optimum" prints it.
type OptimumReport struct {
	Instance string `json:"instance"`
	Source   string `json:"source"`
	N        int    `json:"n"`
	Capacity int64  `json:"capacity"`
	Optimum  int64  `json:"optimum"`
	Weight   int64  `json:"weight"`
	// Items are the chosen items, numbered from 1 as the file lists them.
	Items  []int   `json:"items"`
	Method string  `json:"method"`
	Work   int64   `json:"work"` // cells, nodes or states, as knapsack.Solution.Work
	TimeMS float64 `json:"time_ms"`
}

// KnapsackData returns the integer profits, weights and capacity of a
// knapsack instance read by the instance package. The exact solvers need
// integers: a fractional or huge weight or capacity is an error naming the
// item and its line.
func KnapsackData(in *instance.Instance) (profits, weights []int64, capacity int64, err error) {
	c, ok := in.Scalars["capacity"]
	if !ok || in.StepNoun != "item" {
		return nil, nil, 0, fmt.Errorf("%s: not a knapsack instance (no capacity and items)", in.Source)
	}
	if c != math.Trunc(c) || c < 0 || c > 1<<53 {
		return nil, nil, 0, fmt.Errorf("%s: capacity %v is not an integer in 0..2^53", in.Source, c)
	}
	capacity = int64(c)
	profits, weights = make([]int64, len(in.Exact)), make([]int64, len(in.Exact))
	for i, e := range in.Exact {
		for _, f := range []struct {
			name string
			dst  *int64
		}{{"profit", &profits[i]}, {"weight", &weights[i]}} {
			v := e[f.name]
			if v == nil || !v.IsInt() || !v.Num().IsInt64() {
				return nil, nil, 0, fmt.Errorf("%s: %s %s is not an integer within int64", in.Where(i), f.name, ratString(v))
			}
			*f.dst = v.Num().Int64()
		}
	}
	if err := knapsack.Validate(profits, weights, capacity); err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %w", in.Source, err)
	}
	return profits, weights, capacity, nil
}

// ratString writes v as the file most likely wrote it: a decimal when
// float64 holds it exactly, else a fraction.
func ratString(v *big.Rat) string {
	if v == nil {
		return "(missing)"
	}
	if f, exact := v.Float64(); exact {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return v.RatString()
}

// Optimum solves a knapsack instance exactly by method (one of
// OptimumMethods; "auto" is knapsack.Solve) and reports the optimum, the
// items and the time. A method that refuses the instance (its table or
// predicted cost is too large) returns its error, which wraps
// knapsack.ErrTooLarge.
func Optimum(in *instance.Instance, method string) (*OptimumReport, error) {
	profits, weights, capacity, err := KnapsackData(in)
	if err != nil {
		return nil, err
	}
	solve := map[string]func(p, w []int64, c int64) (knapsack.Solution, error){
		"auto":                                knapsack.Solve,
		string(knapsack.MethodWeightDP):       knapsack.WeightDP,
		string(knapsack.MethodProfitDP):       knapsack.ProfitDP,
		string(knapsack.MethodBranchAndBound): knapsack.BranchAndBound,
		string(knapsack.MethodCoreDP):         knapsack.CoreDP,
		string(knapsack.MethodProximity):      knapsack.Proximity,
	}[method]
	if solve == nil {
		return nil, fmt.Errorf("unknown method %q (want %s)", method, strings.Join(OptimumMethods, ", "))
	}
	start := time.Now()
	s, err := solve(profits, weights, capacity)
	elapsed := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Source, err)
	}
	r := &OptimumReport{Instance: in.Name, Source: in.Source, N: len(profits), Capacity: capacity,
		Optimum: s.Value, Weight: s.Weight, Items: make([]int, len(s.Items)), Method: string(s.Method),
		Work: s.Work, TimeMS: float64(elapsed.Microseconds()) / 1000}
	for k, i := range s.Items {
		r.Items[k] = i + 1
	}
	return r, nil
}

// OptimumFile is Optimum of the instance file path
// (instance.ReadInstanceFile).
func OptimumFile(path, method string) (*OptimumReport, error) {
	in, err := instance.ReadInstanceFile(path)
	if err != nil {
		return nil, err
	}
	return Optimum(in, method)
}

// WriteText prints the report as "dp2nn optimum" does: the optimum, its
// weight, the method and the time, then the items.
func (r *OptimumReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s: optimum %d, weight %d of %d, %d of %d items, %s, %.3f ms\n",
		r.Instance, r.Optimum, r.Weight, r.Capacity, len(r.Items), r.N, r.Method, r.TimeMS)
	items := make([]string, len(r.Items))
	for k, i := range r.Items {
		items[k] = strconv.Itoa(i)
	}
	fmt.Fprintf(w, "  items: %s\n", strings.Join(items, " "))
}
