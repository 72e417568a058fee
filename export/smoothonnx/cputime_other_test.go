//go:build !unix

package smoothonnx_test

// processCPU is not measured outside unix; the cpu-ns/cell metric reads 0.
func processCPU() float64 { return 0 }
