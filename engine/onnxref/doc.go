// Package onnxref is dp2nn's own ONNX interpreter: a small reference
// runtime for exactly the operators export writes, in float64 or float32
// as the model's dtype says (every product and sum of a float32 model is
// rounded to float32, as a runtime does). It is engine's "go" runtime
// (verify MODEL.onnx -runtime go) and the tests' check of every export
// without ONNX Runtime.
//
//	m, _ := export.Read("k.onnx")
//	s, _ := onnxref.Open(m) // decodes the initializers once
//	out, _ := s.Run(map[string]export.Tensor{"profit": p, "size": s})
//
// OpenBytes opens a model export.Read does not read, such as the smooth
// graph of one instance (export/smoothonnx), with its TopK, CumSum,
// GatherElements and ScatterElements. A scatter writes into its data
// instead of a copy when nothing else can see that tensor (inplace.go),
// so a Loop that scatters into its carried state copies it once, not
// once per iteration.
package onnxref
