//go:build !unix

package onnxrt_test

// processCPU is not measured outside unix; the cpu-ns metrics read 0.
func processCPU() float64 { return 0 }
