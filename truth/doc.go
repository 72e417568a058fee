// Package truth is the ground truth of dp2nn: an exact interpreter of
// checked DSL programs against which every network is compared, and (in
// truth/knapsack and truth/graphs) independent solvers of the problems
// the examples write.
//
// RunDP evaluates a dsl.Model step by step in exact rational arithmetic
// extended with ±inf (Value), keeping the state after every step in a
// Trace; Trace.Answer decodes the answer line and Trace.Compare measures a
// network's state against the exact one. Programs with data (lcs,
// bellmanford, apsp, csp, heldkarp) run with RunDPData, which also runs a
// steps line and checks "require fixpoint" (a *FixpointError, e.g. a
// negative cycle). RunRoundedDP is the rounded DP of the fptas scheme and
// RunSmoothDP the smoothed DP of the smooth scheme (with package smooth's
// two-element operators); RunSmoothDPBound also carries the bound γ·B on
// its distance from the exact DP that solve -scheme smooth prints.
//
// The interpreter shares no code with the lowering: it imports dsl (and
// smooth's operators) only, never compile, relu or export, and follows
// the Model's terms literally, so a network that agrees with it computes
// the program. internal/archtest enforces this with go list -deps.
//
//	f, _ := repo.ReadProgram("examples/knapsack.dp")
//	m, _ := dsl.Check(f, map[string]int64{"pmax": 20})
//	trace, _ := truth.RunDP(m, steps) // steps from instance.Bind
//	answer, _ := trace.Answer()
package truth
