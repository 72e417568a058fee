// Package engine is dp2nn's one way to run a network: the Go evaluator of
// a compiled network (Observe, in float64 or float32) and an exported ONNX
// model in any of three runtimes — dp2nn's own interpreter (Go, package
// engine/onnxref), ONNX Runtime (ORT, engine/onnxrt) and onnx-go's
// gorgonnx backend (OnnxGo, dense layout and cell form only: gorgonnx has
// no Loop, Gather or Expand). Every run reports what it computed on an
// instance as an Observed, which verify.Compare checks against the ground
// truth.
//
//	obs, _ := engine.Observe(net, engine.Float32, steps) // the Go evaluator
//
//	run, _ := engine.Open("k.onnx", engine.ORT, net)
//	defer run.Close()
//	obs, _ = run.Observe(steps)
//	c, _ := verify.Compare(net, "instance", steps, []engine.Observed{obs}, nil)
//
// A program with data and a steps line runs with ObserveData (data as
// given, +inf as math.Inf(1)); its states come back in the network's
// representation (compile.Network.Exact reads them back):
//
//	obs, _ := run.ObserveData(data, model.Steps)
//	final := net.Exact(obs.States[model.Steps])
package engine
