// Package export writes relu graphs as ONNX models and reads them back.
//
// Write (and WriteFile, Marshal) emits ONNX IR version 8 with opset 13 of
// the default domain, in one of two layouts:
//
//   - Dense: one Gemm per pair of connected layers (skip connections
//     included) and Relu, the simplest form for any ONNX runtime; limited
//     to MaxDenseParams parameters.
//   - Structured: the nonzero weights only, as index and weight tensors
//     for Gather, Mul and ReduceSum over rows bucketed by length, so the
//     file grows with the number of nonzeros.
//
// Auto, the default, picks Dense up to AutoDenseLimit parameters. A
// recurrent cell is exported in one of three forms: Cell (one step, the
// graph as it is), Unrolled (Steps chained copies sharing their weights)
// or Loop (an ONNX Loop whose trip count is read from the inputs, which
// also returns the state after every step). Data blocks (Options.Data,
// a program's data arrays) are given once per instance and read by every
// step; a cell without per-step inputs loops Options.Steps times; the
// model replaces +inf in data by the network's BigM itself (Options.Inf);
// Options.Settled builds the Unrolled form computing each state unit only
// up to the step it settles at. An optional Decode tail turns
// a state block into one answer per instance. Hidden neurons may use the
// smoothed ReLUs of relu (Shannon, Gini, Tsallis), emitted with standard
// opset-13 operators, and an optional Gradient output unrolls the
// backward pass into the graph (dense layout, Cell and Unrolled forms). Tensors and nodes are named
// after the layers and the relu groups ("L2/select f[p - profit]/relu"),
// and metadata_props record the form, layout, element type and state, so
// a model reads well in Netron. docs/onnx.md describes the format.
//
// Read (and Parse) load a model written by this package; Model.Run
// evaluates it with a small reference interpreter in float32 or float64,
// without ONNX Runtime. engine/onnxrt and engine/onnxgo run the same
// files in ONNX Runtime and onnx-go.
//
//	opt := export.Options{Form: export.Loop, Init: map[string][]float64{"f": init}}
//	if err := export.WriteFile("knapsack.onnx", cell, opt); err != nil {
//		return err
//	}
//	m, err := export.Read("knapsack.onnx")
//	out, err := m.Run(map[string]export.Tensor{"profit": p, "size": s}) // out["f"], out["f_steps"]
package export
