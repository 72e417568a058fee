// Package problems is the one table of the dynamic programs dp2nn knows:
// for each, its program in examples/, the param settings the tests of
// every package run, generators of random instances, the independent
// exact solver (brute force, truth/knapsack, truth/graphs) that checks the
// DSL interpreter, the network size a paper publishes and the O() bounds
// of Section 6 of Hertrich & Skutella. It is the only package besides
// examples/ and test data that names problems.
//
// Identify matches a program a user wrote to a row of Table by structure
// — the same checked terms, ranges and declarations with the user's
// params — never by its file or program name, so knapsack saved as
// mine.dp gets knapsack's checks and a different program saved as
// knapsack.dp gets only the checks every program gets (the exact
// interpreter of package truth).
//
//	for _, c := range problems.StepCases() {
//		m, _ := c.Model()
//		steps := c.Random(rng, m)
//		want, _ := c.Exact(steps, m) // brute force
//		...
//	}
//	if p, ok := problems.Identify(m); ok && p.Paper != nil {
//		pb, _ := p.Paper(m, 0) // the DP-NN's widths 2p*, p*(p*−1)/2, p*
//	}
//
// LowDim reads the real knapsack instances of testdata/lowdim with their
// known optima.
package problems
