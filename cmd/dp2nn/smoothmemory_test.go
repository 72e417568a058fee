package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// -max-memory bounds the smooth scheme's graph: LCS of two length-1000
// strings (about 1 GiB allocated to build and run its graph) is refused
// under 100MiB by solve, compile and verify, with exit 2, the
// -max-memory message, no output file, and before allocating more than
// a few MiB (smooth.NewGraph predicts the bytes from the program before
// it lowers a cell).
func TestSmoothGraphMaxMemory(t *testing.T) {
	chdirRepo(t)
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	out := filepath.Join(t.TempDir(), "lcs.onnx")
	for _, args := range [][]string{
		{"solve", "examples/lcs.dp", "-instance", "testdata/smooth/lcs1000.json", "-scheme", "smooth", "-max-memory", "100MiB"},
		{"solve", "examples/lcs.dp", "-instance", "testdata/smooth/lcs1000.json", "-scheme", "smooth", "-reg", "tsallis", "-max-memory", "100MiB", "-json"},
		{"compile", "examples/lcs.dp", "-instance", "testdata/smooth/lcs1000.json", "-scheme", "smooth", "-max-memory", "100MiB", "-o", out},
		{"verify", "examples/lcs.dp", "-scheme", "smooth", "-random", "1", "-set", "m=1000", "-set", "n=1000", "-max-memory", "100MiB"},
	} {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		stdout, stderr, code := runCLI(args...)
		runtime.ReadMemStats(&m1)
		assert.Equal(t, exitUsage, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, "memory of the smooth graph of lcs and one evaluation of it", args)
		assert.Contains(t, stderr, "above -max-memory 100.0 MiB (104857600 bytes)", args)
		assert.Empty(t, stdout, args)
		assert.Less(t, m1.TotalAlloc-m0.TotalAlloc, uint64(16<<20), "%v allocated before refusing", args)
		_, err := os.Stat(out)
		assert.True(t, os.IsNotExist(err), "%v left %s", args, out)
	}
	// A limit the graph fits runs it.
	_, stderr, code := runCLI("verify", "examples/lcs.dp", "-scheme", "smooth", "-random", "2", "-set", "m=30", "-set", "n=30", "-max-memory", "100MiB")
	assert.Equal(t, exitOK, code, stderr)
}
