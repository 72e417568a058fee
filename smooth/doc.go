// Package smooth is the reference implementation of smoothed-max dynamic
// programming for knapsack and top-k selection (Vivier-Ardisson, Sander,
// Parmentier, Blondel, "Differentiable Knapsack and Top-k Operators via
// Dynamic Programming", arXiv 2601.21775).
//
// The DP is indexed by weight: with integer weights w_i ≥ 1, capacity C and
// scores θ_i,
//
//	v[i, c] = max_Ω( v[i−1, c], v[i−1, c−w_i] + θ_i )    (second term when c ≥ w_i)
//
// where max_Ω is the maximum smoothed by a regulariser (Reg: Shannon, Gini,
// Tsallis) at temperature γ, and q[i, c] is the probability it gives to
// "pick". Knapsack starts from v[0, ·] = 0 (subsets of weight ≤ C), TopK
// from v[0, 0] = 0, v[0, c>0] = −∞ with unit weights and C = k (subsets of
// exactly k items). The value is v[n, C].
//
// Problem holds the fixed part (weights, capacity, kind); Forward runs
// Alg. 1 for one score vector and returns Tables, from which Value,
// Marginals (Alg. 2: the relaxed selection y = ∂Value/∂θ), Sample (Alg. 3:
// ancestral sampling of feasible selections) and VJP (Alg. 4: zᵀ·∂y/∂θ)
// are read, each in O(n·C). MarginalsBatch and VJPBatch run many score
// vectors in parallel. Max2 is the two-element operator itself.
//
//	p := smooth.NewKnapsack([]int{3, 2, 2}, 4)
//	tab, err := p.Forward(smooth.Gini, 0.5, []float64{3, 1.6, 1.6})
//	if err != nil { ... }                // every bad argument, by name
//	tab.Value()                          // 3.245
//	tab.Marginals()                      // [0.3 0.7 0.7]
//	tab.VJP([]float64{1, 0, 0})          // [1 −1 −1]
//	tab.Sample(rand.New(rand.NewPCG(1, 2)), 100)
//
// The package is a ground truth for verify/: it shares no code with
// compile/, and its tests check it against enumeration of all subsets,
// an independent hard DP, finite differences and published knapsack
// optima. docs/smooth.md gives the formulas, index conventions, bounds and
// proofs; docs/performance.md the measured speed.
package smooth
