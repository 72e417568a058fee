// Package sensitivity measures the average sensitivity of knapsack
// algorithms (Kumabe & Yoshida, "Average sensitivity of the knapsack
// problem", ESA 2022): how many items an algorithm's selection changes,
// on average over the deleted item, when one item of the instance is
// deleted.
//
// For a deterministic algorithm (a Selector: Exact, Greedy, FPTAS, the
// FPTAS-NN's RoundedDP) Deterministic computes it exactly: the mean over
// all n deletions of the Hamming distance |A(I) Δ A(I − i)|, the deleted
// item counting when A(I) has it. For a randomised algorithm the distance
// is the earth mover's distance between the two output distributions;
// Coupled estimates, by sampling, the mean distance under a coupling of
// the two (a Coupler: KY, Smoothed), which bounds the EMD from above, with
// a 95% confidence interval. Relaxed is the L1 distance between relaxed
// selections (the smoothed DP's marginals). EMD computes the exact EMD
// between two explicit distributions (an LP), for tests on tiny instances.
//
// KY is the paper's stable-on-average (1 − ε)-approximation (Theorem 1.1)
// as reconstructed from its prose, the formulas being lost in our copy
// (docs/sensitivity.md gives the reconstruction, its proof of the
// approximation ratio and what is ours); KY.Incremental is the dynamic
// algorithm of Theorem 1.5 built on it; SimpleKnapsack is a deterministic
// (1 − ε)-approximation for simple knapsack (profit ∝ weight) with
// sensitivity at most 2 + 2/ε, Theorem 1.4's setting (the paper's
// Algorithm 4 is also lost; this one and its proof are ours); Twin is an
// instance on which exact optimisation has sensitivity n (Proposition 1.2).
//
//	k, err := sensitivity.NewKY(in, 0.1, seed)
//	if err != nil { ... }                        // ε outside (0, 1), no items
//	r, err := sensitivity.Coupled(in, k, 32)     // r.Sensitivity ± r.CI
//	e, err := sensitivity.Deterministic(in, sensitivity.Exact)
//
// The package is a measuring tool beside the compiler: it uses the ground
// truth (truth/knapsack, smooth) and nothing of the lowering.
package sensitivity
