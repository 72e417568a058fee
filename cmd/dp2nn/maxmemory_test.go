package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// -max-memory takes sizes with units, refuses a fraction of a byte, NaN
// and a negative size, and refuses a job above it before building.
func TestMaxMemoryFlag(t *testing.T) {
	chdirRepo(t)
	for _, tc := range []struct {
		value, want string
	}{
		{"0.3", `widths: invalid value "0.3" for flag -max-memory: want a positive size such as 8GiB or 512MiB, got "0.3"`},
		{"NaN", `want a positive size such as 8GiB or 512MiB, got "NaN"`},
		{"-1GiB", `want a positive size such as 8GiB or 512MiB, got "-1GiB"`},
		{"1KiB", "above -max-memory 1.0 KiB (1024 bytes)"},
	} {
		stdout, stderr, code := runCLI("widths", "examples/knapsack.dp", "-max-memory", tc.value)
		assert.Equal(t, exitUsage, code, tc.value)
		assert.Contains(t, stderr, tc.want, tc.value)
		assert.Empty(t, stdout, tc.value)
	}
	_, stderr, code := runCLI("widths", "examples/knapsack.dp", "-max-memory", "64MiB")
	assert.Equal(t, exitOK, code, stderr)
}
