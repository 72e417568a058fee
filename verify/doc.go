// Package verify is dp2nn's harness: it runs a network (in a runtime of
// package engine) on instances and compares every state and answer with
// the ground truth of package truth — the exact DP interpreter, the
// rounded DP for the fptas scheme — and the guarantees of the problem
// (truth/knapsack.CheckGuarantee for the FPTAS-NN).
//
// Compare checks what one or more runs observed on one instance against
// the exact DP, cell by cell with the network's term named at a mismatch;
// AgainstDP and AgainstRounded run the Go evaluator first. The truth
// shares no code with the lowering it checks (see package truth); verify
// is the one package that imports both.
//
//	net, _ := compile.Lower(m, compile.Options{})
//	c, _ := verify.AgainstDP(net, "f1", steps, []engine.DType{engine.Float32, engine.Float64}, nil)
//	if c.Mismatch != "" {
//		// the network disagrees with the exact DP: c says where and how
//	}
package verify
