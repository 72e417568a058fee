// Package verify is the ground truth of dp2nn: an exact interpreter of
// checked DSL programs against which every network is compared.
//
// RunDP evaluates a dsl.Model step by step in exact rational arithmetic
// extended with ±inf (Value), keeping the state after every step in a
// Trace; Trace.Answer decodes the answer line and Trace.Compare measures a
// network's state against the exact one. The interpreter shares no code
// with compile/: it follows the Model's terms literally, so a network that
// agrees with it computes the program.
//
// Instances come from files (ReadInstanceFile: the knapsack text format
// of testdata/lowdim, or JSON) or from seeded generators (AppendixD, the
// random instances of Hertrich & Skutella; Uniform). Params picks the
// params of a program for an instance (-set values, instance scalars, an
// automatic upper bound, defaults) and Bind turns the instance into step
// inputs, reporting every value the program cannot take with its file
// position and the input's declaration.
//
// Problems is the one table of programs, random instances and
// independent exact answers (brute force over subsets) that the tests of
// every package share; AgainstDP compares a compiled network with RunDP.
//
// Programs with data (lcs, bellmanford, apsp, csp, heldkarp) run with
// RunDPData, which also runs a steps line and checks "require fixpoint"
// (a *FixpointError, e.g. a negative cycle). Their instances are JSON
// with a "data" field (BindData checks it against the declarations;
// WriteInstance writes it), or come from the published files of
// truth/graphs through SequenceInstance, GraphInstance, TSPLIBInstance
// and RCSPInstance. DataProblems is their table, with random instances
// from the truth/graphs generators and exact answers from its solvers.
//
//	f, _ := repo.ReadProgram("examples/knapsack.dp")
//	inst, _ := instance.ReadInstanceFile("testdata/lowdim/f1_l-d_kp_10_269.txt")
//	params, notes, _ := instance.Params(f, inst, nil) // pmax = Σ profits
//	m, _ := dsl.Check(f, params)
//	steps, _ := instance.Bind(m, inst)
//	trace, _ := truth.RunDP(m, steps)
//	answer, _ := trace.Answer() // 295, the optimum
package verify
