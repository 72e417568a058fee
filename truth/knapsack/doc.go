// Package knapsack is the knapsack ground truth of dp2nn: exact solvers,
// instance generators and files, and the rounded dynamic program that the
// FPTAS network of Hertrich & Skutella computes.
//
// Exact optima come from five independent methods — a weight-indexed DP,
// a profit-indexed DP, a depth-first branch and bound with the
// Martello–Toth bound, a DP over an expanding core after Pisinger's
// minknap, and Proximity, Jin's exchange DP from the greedy solution over
// weight classes, whose cost grows with the largest weight and not the
// capacity (docs/truth.md) — and Solve picks one that terminates quickly
// for the instance at hand. BruteForce, in brute.go, enumerates every subset and checks
// them all on small instances. Generate draws seeded instances of
// Pisinger's classic families; ReadInstance and ReadOptima read the files
// under testdata/lowdim.
//
// FPTAS runs, with plain loops, the rounded DP that the FPTAS-NN cell
// computes once per item, and keeps every step's table so a network can be
// compared with it cell by cell. CheckGuarantee checks its answer against
// p_NN ≤ OPT and p_NN ≥ (1 − n²/P)·OPT in exact rational arithmetic, and
// Study runs that check over many instances and values of P. The rounded DP
// and the proof of the guarantee are written out in docs/fptas.md.
//
//	inst := knapsack.Generate(knapsack.Spec{Family: knapsack.StronglyCorrelated,
//		N: 20, R: 100, Fraction: 0.5}, 1)
//	opt, _ := knapsack.Optimum(inst.Profits, inst.Weights, inst.Capacity)
//	tr, _ := knapsack.FPTASWeights(inst.Profits, inst.Weights, inst.Capacity, 1000)
//	err := knapsack.CheckGuarantee(tr.Value(), opt, len(inst.Profits), 1000)
//	// err == nil: the network's answer is within 1 − 20²/1000 of OPT
package knapsack
