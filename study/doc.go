// Package study runs the papers' studies and reports them: the widths of
// compiled networks against the published sizes and bounds, sweeps and
// plots of them, and the quality of the FPTAS-NN.
//
// Widths measures a network layer by layer (every neuron group with the
// rule and the DSL term that made it) and Paper sets its widths beside the
// construction of Hertrich & Skutella (problems.PaperWidths); Sweep does
// both at every value of a param, PlotSweep draws it. For programs with
// data, MeasureData sets the size and depth of the cell and of the
// unrolled network against the O() bounds of problems.Table, DataSweep
// over a sweep with a summary of each ratio, DataSweepReport.Plot draws
// it. FPTAS compiles the FPTAS-NN for several table sizes P, runs it on
// the lowdim instances and Pisinger's generated families, requires p_NN
// to equal the rounded DP exactly and measures p_NN/OPT against the
// guarantee 1 − n²/P.
//
// Width is the paper's empirical study (§5, Appendices C–D): nets of
// package train fitted to one knapsack DP step (NewKnapsackStream) at
// growing widths until a test MSE threshold, per p*, with the quadratic
// fit and its t-test, each net's rate of exact optima as an RNN cell
// (OptimumRate) and the compiled DP-NN's widest layer beside it; a run
// resumes from its results file (OpenWidthResults). ExportTrained and
// WriteTrained write one trained net as an ONNX cell of
// examples/knapsack.dp for verify.Trained (docs/widthstudy.md).
//
// Every report is a JSON-ready value with a WriteText method (and the
// FPTAS study a markdown table and a plot); writing files is the caller's.
//
//	rep, err := study.FPTAS(study.FPTASConfig{Program: "examples/knapsack_int.dp",
//		Families: []string{"uncorrelated"}, N: []int{10}, P: []int{50, 200}, Per: 8, Seed: 1, R: 1000})
//	if err != nil {
//		return err
//	}
//	rep.WriteText(os.Stdout)
package study
