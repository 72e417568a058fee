// Package verify is dp2nn's harness: it runs compiled networks and
// exported models on instances and compares everything they compute with
// a ground truth that shares no code with the lowering (package truth:
// the exact interpreter, the rounded DP, the smoothed DP; the independent
// solvers of problems.Table).
//
// Compare checks what one evaluation observed (engine.Observed) on one
// instance, every state of every step it shows and the decoded answer,
// against the exact DP, or against the rounded DP and the FPTAS-NN's
// guarantee for the fptas scheme; AgainstDP runs the Go evaluator first.
// The checks of a command run over many instances and collect a Report
// (one Row per source of instances, the first failures):
//
//   - Random, Instances and Model: programs with per-step inputs, on random
//     instances (problems.RandomFor), on instance files, and as a model file
//     in a runtime (engine.Runner);
//   - DataRandom and ModelData: programs with data and a steps line, on
//     random instances of their row of problems.Table, every cell of every
//     step against the exact interpreter, the "require fixpoint" step, the
//     answer also against the row's independent solver;
//   - Smooth and SmoothModel: networks of the smooth scheme (compiled, or
//     exported unrolled and run in a runtime), their value against the
//     smoothed DP and their gradient against its central differences (the
//     Go network's gradient only for a model too large to difference), and
//     Smooth the value against the hard DP within the bound solve prints,
//     as a SmoothCheck.
//
// A Report counts the cases it checked and the tolerance each dtype was
// held to (derived from the dtype's roundoff, the steps and the values,
// never chosen per test); Report.Err is its verdict, which fails on a
// mismatch and on a check that checked nothing. ±inf and NaN print in
// JSON as strings (Number); NaN is never equal to anything.
//
// Solve, SolveData and SolveSmooth run one instance and report what the
// network answers beside what is checked about it (the backtracked
// selection, the interpreter on every cell, a published answer);
// SolveFile reads an instance file and picks among them, SolveBatch runs
// a batch (instance.Batch) on several goroutines, one BatchLine per
// instance in input order. A disagreement with the ground truth is a
// *MismatchError.
//
//	rep := &verify.Report{Program: "examples/knapsack.dp", Scheme: "exact"}
//	err := verify.Random(rep, net, []engine.DType{engine.Float64, engine.Float32}, 1000, 1, 10)
//	rep.WriteText(os.Stdout, []engine.DType{engine.Float64, engine.Float32})
package verify
