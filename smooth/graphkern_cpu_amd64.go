//go:build amd64 && !purego

package smooth

import "golang.org/x/sys/cpu"

// haveAVX2 is whether the AVX2 kernels run (the processor and the
// operating system support them).
var haveAVX2 = cpu.X86.HasAVX2
