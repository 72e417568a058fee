// Package onnxrt runs dp2nn's ONNX models in ONNX Runtime (CPU), through
// github.com/yalue/onnxruntime_go (cgo), so that tests and benchmarks can
// compare ONNX Runtime with relu's Go evaluator and the exact DP.
//
// The shared library is ONNX Runtime 1.30.0 from the npm package
// onnxruntime-node, installed by scripts/install-ort.sh into
// ${DP2NN_CACHE:-$HOME/.cache/dp2nn}/ort; $DP2NN_ORT_LIB overrides the
// path. Init loads it once per process and says how to install it when it
// is missing.
//
//	model, _ := export.Marshal(g, export.Options{Layout: export.Structured})
//	s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
//	if err != nil {
//		return err // names the library path and scripts/install-ort.sh
//	}
//	defer s.Close()
//	out, err := s.Run(map[string]export.Tensor{"x0": export.NewTensor(x, 1, len(x))})
package onnxrt
