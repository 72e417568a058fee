// Package onnxgo runs dp2nn's dense-layout ONNX models in onnx-go
// (github.com/owulveryck/onnx-go v0.5.0) with its Gorgonia backend,
// gorgonnx: a second, pure-Go ONNX runtime for the round trip.
//
// gorgonnx implements Gemm, Relu, Add, Sub, Min and Max among the
// operators dp2nn emits, but not Gather, ReduceSum, Expand or Loop, so it
// runs the Dense layout in the Cell form only, without decode tail. Its
// Min, which a model uses to replace +inf by BigM in data blocks
// (export.Inf), works in float32 only and gives NaN for +inf (it computes
// x·[x<y] + y·(1−[x<y])): give such a model its data with +inf already
// replaced by BigM (compile.Network.Feed), in float32.
//
//	model, _ := export.Marshal(g, export.Options{Layout: export.Dense})
//	out, err := onnxgo.Run(model, map[string]export.Tensor{"x": x})
package onnxgo
