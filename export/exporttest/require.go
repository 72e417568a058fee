package exporttest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// EnvRequireRuntimes names the variable scripts/test.sh (and so CI) sets
// to 1 after installing ONNX Runtime and Python's onnx: then a test whose
// runtime is missing fails instead of skipping.
const EnvRequireRuntimes = "DP2NN_REQUIRE_RUNTIMES"

// RequireRuntime skips t because a runtime is missing (msg says which and
// how to get it), or fails it when EnvRequireRuntimes is 1.
func RequireRuntime(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(EnvRequireRuntimes) == "1" {
		t.Fatalf("%s=1 but %s", EnvRequireRuntimes, msg)
	}
	t.Skip(msg + " (scripts/test.sh installs it)")
}

// RequireONNXPython returns a Python that can import onnx, or skips or
// fails t as RequireRuntime does.
func RequireONNXPython(t testing.TB) string {
	t.Helper()
	py, tried := ONNXPython()
	if py == "" {
		RequireRuntime(t, fmt.Sprintf("%v (tried %s)", ErrNoONNXPython, strings.Join(tried, ", ")))
	}
	return py
}
