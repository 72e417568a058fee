// Package engine runs a compiled network or an ONNX model written by
// dp2nn, in any of its forms, in a chosen runtime, and reports what it
// computed on an instance as an Observed, so that verify.Compare can
// check it against the exact DP.
//
// Observe runs a compile.Network in the Go evaluator (float64 or
// float32). Open prepares a model file in one of the runtimes: the Go
// ONNX interpreter (Go, engine/onnxref), ONNX Runtime (ORT, through
// engine/onnxrt) and onnx-go's gorgonnx backend (OnnxGo, dense layout and
// cell form only: gorgonnx has no Loop, Gather or Expand).
//
//	run, _ := engine.Open("k.onnx", engine.ORT, net)
//	defer run.Close()
//	obs, _ := run.Observe(steps)
//	c, _ := verify.Compare(net, "instance", steps, []engine.Observed{obs}, nil)
//
// A program with data and a steps line runs with ObserveData (data as
// given, +inf as math.Inf(1)); its states come back in the network's
// representation (compile.Network.Exact reads them back):
//
//	obs, _ := run.ObserveData(data, model.Steps)
//	final := net.Exact(obs.States[model.Steps])
//
// The model's metadata says what it was compiled from: SourceOf records
// the program, params and scheme of a network for export.Options.Source,
// and Recompile compiles the same network again from a model read back,
// the network Open needs. ExportOptions and DecodeTail give the rest of
// the export options of a network.
package engine
