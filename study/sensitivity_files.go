package study

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// Files is the family of the instance files of
// SensitivityConfig.Instances in the Sensitivity study.
const Files = "files"

// fileInstances reads every instance file of dir (instance.Files: *.txt
// and *.json in any format instance.ReadInstanceFile reads) as a knapsack
// instance, in name order, and optima.txt there when there is one (an
// empty map when not). A file that is not a knapsack instance with
// integer profits, weights and capacity is an error naming it.
func fileInstances(dir string) ([]knapsack.Instance, map[string]int64, error) {
	files, err := instance.Files(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("study: -instances: %v", err)
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("study: -instances: no instance files (*.txt, *.json) in %s", dir)
	}
	optima, err := instance.OptimaIn(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("study: -instances: %v", err)
	}
	out := make([]knapsack.Instance, 0, len(files))
	for _, file := range files {
		in, err := instance.ReadInstanceFile(file)
		if err != nil {
			return nil, nil, fmt.Errorf("study: %v", err)
		}
		kin, err := knapsackOf(in)
		if err != nil {
			return nil, nil, fmt.Errorf("study: %v", err)
		}
		kin.Name = instance.NameOf(file)
		out = append(out, kin)
	}
	return out, optima, nil
}

// knapsackOf is the knapsack instance of a read instance: every step
// needs an integer profit and weight (their exact values), and the
// capacity is weight/size of any item (exact too; the reader derives size
// from both). The reader has already required profits ≥ 1 and weights in
// (0, capacity] of knapsack files.
func knapsackOf(in *instance.Instance) (knapsack.Instance, error) {
	if len(in.Exact) == 0 || len(in.Exact) != len(in.Steps) {
		return knapsack.Instance{}, fmt.Errorf("%s: not a knapsack instance (want items with profit and weight, and a capacity)", in.Source)
	}
	out := knapsack.Instance{Name: in.Name}
	var capacity *big.Rat
	for i, step := range in.Exact {
		p, w, s := step["profit"], step["weight"], step["size"]
		if p == nil || w == nil || s == nil || s.Sign() <= 0 {
			return knapsack.Instance{}, fmt.Errorf("%s: not a knapsack item (want profit and weight, and a capacity)", in.Where(i))
		}
		pi, err := int64Of(p)
		if err != nil {
			return knapsack.Instance{}, fmt.Errorf("%s: profit %s %v", in.Where(i), p.RatString(), err)
		}
		wi, err := int64Of(w)
		if err != nil {
			return knapsack.Instance{}, fmt.Errorf("%s: weight %s %v", in.Where(i), w.RatString(), err)
		}
		if c := new(big.Rat).Quo(w, s); capacity == nil {
			capacity = c
		} else if c.Cmp(capacity) != 0 {
			return knapsack.Instance{}, fmt.Errorf("%s: weight/size = %s differs from the capacity %s of item 1", in.Where(i), c.RatString(), capacity.RatString())
		}
		out.Profits = append(out.Profits, pi)
		out.Weights = append(out.Weights, wi)
	}
	c, err := int64Of(capacity)
	if err != nil {
		return knapsack.Instance{}, fmt.Errorf("%s: capacity %s %v", in.Source, capacity.RatString(), err)
	}
	out.Capacity = c
	return out, nil
}

// int64Of is r as an int64, or why it is not one.
func int64Of(r *big.Rat) (int64, error) {
	if !r.IsInt() {
		return 0, errors.New("is not an integer (the exact knapsack solvers take integers)")
	}
	if !r.Num().IsInt64() {
		return 0, errors.New("does not fit in 64 bits")
	}
	return r.Num().Int64(), nil
}
