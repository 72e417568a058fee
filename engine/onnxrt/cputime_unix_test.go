//go:build unix

package onnxrt_test

import "syscall"

// processCPU returns the user+system CPU time of this process in ns. The
// benchmarks report it beside wall time because the machine they run on
// may be shared: CPU time per cell is what one core spends, wall time per
// cell what the caller waits.
func processCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}
