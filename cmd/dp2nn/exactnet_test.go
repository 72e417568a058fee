package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/progress"
)

// Numerics of the exact networks (adv3 D1, D3, D5, D6, D9): what no type
// or lowering can compute exactly is refused with exit 2 and a reason,
// nothing written.
func TestExactNetRefusals(t *testing.T) {
	t.Setenv(progress.DelayEnv, "1h")
	dir := filepath.Join("testdata", "exactnet")
	tmp := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"solve float32 past 2^24", []string{"solve", filepath.Join(dir, "big24.dp"), "-instance", filepath.Join(dir, "big24.json"), "-dtype", "float32"},
			"float32 cannot run big24 exactly: the network's sums for max(a, b) (testdata/exactnet/big24.dp:7:13) may reach 3.355e+07"},
		{"solve exact topk (-inf)", []string{"solve", "examples/topk.dp", "-instance", "testdata/smooth/top2of5.json"},
			"examples/topk.dp:11:1: the initial value of v[1] is -inf, which an exact network cannot hold"},
		{"verify exact topk (-inf)", []string{"verify", "examples/topk.dp", "-set", "k=1", "-random", "5"},
			"examples/topk.dp:11:1: the initial value of v[1] is -inf"},
		{"compile exact topk (-inf)", []string{"compile", "examples/topk.dp", "-o", filepath.Join(tmp, "topk.onnx")},
			"examples/topk.dp:11:1: the initial value of v[1] is -inf"},
		{"compile factors folding to +inf", []string{"compile", filepath.Join(dir, "factors.dp"), "-o", filepath.Join(tmp, "f.onnx")},
			"testdata/exactnet/factors.dp:6:13: the constant factors of f[i] * 1e308 * 1e308 multiply to more than"},
		{"verify factors folding to +inf", []string{"verify", filepath.Join(dir, "factors.dp"), "-random", "2"},
			"testdata/exactnet/factors.dp:6:13: the constant factors"},
		{"compile float32 data of 1e200", []string{"compile", filepath.Join(dir, "huge200.dp"), "-o", filepath.Join(tmp, "h.onnx")},
			"testdata/exactnet/huge200.dp:6:1: float32 cannot run huge200: f ranges over -1e+200..1e+200, past the largest float32 3.403e+38"},
		{"compile max of 1e308", []string{"compile", filepath.Join(dir, "huge308.dp"), "-dtype", "float64", "-o", filepath.Join(tmp, "h.onnx")},
			"testdata/exactnet/huge308.dp:8:13: float64 cannot run huge308: the network's sums for max(x, y) (testdata/exactnet/huge308.dp:8:13) may pass the largest float64"},
		{"verify max of 1e308", []string{"verify", filepath.Join(dir, "huge308.dp"), "-random", "5"},
			"float64 cannot run huge308: the network's sums for max(x, y)"},
		{"solve search answer with a reduction", []string{"solve", filepath.Join(dir, "searchred.dp"), "-instance", filepath.Join(dir, "ansred.json")},
			"testdata/exactnet/searchred.dp:8:20: the search answer of a program with per-step inputs compares f[p] + max(k in 1..n: f[k]), which has a reduction"},
		{"verify search answer with a reduction", []string{"verify", filepath.Join(dir, "searchred.dp"), "-random", "2"},
			"testdata/exactnet/searchred.dp:8:20: the search answer"},
		{"compile selection over a range past float64", []string{"compile", filepath.Join(dir, "selbig.dp"), "-o", filepath.Join(tmp, "s.onnx")},
			"testdata/exactnet/selbig.dp:10:29: read v[c - w] has a run-time offset, so the selection gadget weighs its indicators by the width of v's range, but -1e+308..1e+308 is wider than the largest float64"},
		{"verify float32 past 2^24", []string{"verify", filepath.Join(dir, "big24.dp"), "-dtype", "float32", "-random", "2"},
			"float32 cannot run big24 exactly"},
	} {
		t.Run(c.name, func(t *testing.T) {
			chdirRepo(t)
			stdout, stderr, code := runCLI(c.args...)
			assert.Equal(t, 2, code, "stdout %q stderr %q", stdout, stderr)
			assert.Contains(t, stderr, c.want)
			assert.NotContains(t, stderr, "goroutine", "no stack trace")
			assert.Empty(t, strings.TrimSpace(stdout), "no partial output")
		})
	}
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "no output file written")
}

// A value answer with a reduction in a program with per-step inputs is
// solved and verified (adv3 D9: both refused it on every instance).
func TestExactNetReductionAnswer(t *testing.T) {
	chdirRepo(t)
	dir := filepath.Join("testdata", "exactnet")
	stdout, stderr, code := runCLI("solve", filepath.Join(dir, "ansred.dp"), "-instance", filepath.Join(dir, "ansred.json"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "answer max(k in 1..n: f[k]) = 9 ")
	assert.Contains(t, stdout, "check: the answer equals the exact interpreter's 9")
	stdout, stderr, code = runCLI("verify", filepath.Join(dir, "ansred.dp"), "-random", "10")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "10 cases checked, 0 mismatches")
}
