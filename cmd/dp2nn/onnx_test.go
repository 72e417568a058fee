package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export/exporttest"
)

// compile writes a model and verify checks it, through the command line,
// for each scheme and runtime and for random instances and instance
// files; the checker accepts every model. The end-to-end runs of every
// layout, form and dtype are verify's tests (verify/model_test.go): the
// same models, written as compile writes them, through the library.
func TestONNXCommands(t *testing.T) {
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	exporttest.RequireONNXPython(t)
	chdirRepo(t)
	dir := t.TempDir()
	lowdim := filepath.Join(dir, "lowdim")
	require.NoError(t, os.MkdirAll(lowdim, 0o755))
	for _, f := range []string{"f3_l-d_kp_4_20.txt", "optima.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "lowdim", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(lowdim, f), b, 0o644))
	}
	var paths []string
	for _, c := range []struct {
		name    string
		compile []string
		verify  [][]string
	}{
		{"exact dense cell", []string{"examples/knapsack.dp", "-set", "pmax=20", "-layout", "dense"},
			[][]string{{"-runtime", "ort", "-random", "100", "-seed", "5"}, {"-runtime", "onnxgo", "-random", "20"}, {"-runtime", "go", "-random", "20"}}},
		{"exact structured loop decode", []string{"examples/knapsack.dp", "-set", "pmax=48", "-layout", "structured", "-form", "loop", "-dtype", "float64", "-decode"},
			[][]string{{"-runtime", "ort", "-instances", lowdim}, {"-runtime", "ort", "-random", "50"}}},
		{"exact unrolled", []string{"examples/knapsack_int.dp", "-set", "pmax=20,capacity=50", "-form", "unrolled", "-steps", "5", "-decode"},
			[][]string{{"-runtime", "ort", "-random", "50"}}},
		{"fptas", []string{"examples/knapsack_int.dp", "-scheme", "fptas", "-P", "12", "-set", "pmax=30,capacity=50", "-layout", "structured", "-form", "unrolled", "-steps", "5", "-dtype", "float64"},
			[][]string{{"-runtime", "ort", "-random", "20", "-seed", "9"}}},
		{"smooth", []string{"examples/knapsack_value.dp", "-instance", "testdata/smooth/knapsack5.json", "-scheme", "smooth", "-reg", "gini", "-gamma", "0.8", "-dtype", "float32"},
			[][]string{{"-runtime", "ort", "-random", "20"}, {"-runtime", "go", "-random", "20"}}},
		{"smooth topk loop", []string{"examples/topk.dp", "-scheme", "smooth", "-reg", "tsallis", "-gamma", "0.5", "-steps", "9", "-dtype", "float64"},
			[][]string{{"-runtime", "ort", "-random", "20"}, {"-runtime", "go", "-random", "5"}}},
		{"smooth unrolled", []string{"examples/knapsack_value.dp", "-instance", "testdata/smooth/knapsack5.json", "-scheme", "smooth", "-form", "unrolled", "-reg", "gini", "-gamma", "0.8", "-dtype", "float32"},
			[][]string{{"-runtime", "ort", "-random", "20"}, {"-runtime", "go", "-random", "20"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".onnx")
			paths = append(paths, path)
			_, stderr, code := runCLI(append(append([]string{"compile"}, c.compile...), "-o", path)...)
			require.Equal(t, 0, code, stderr)
			for _, v := range c.verify {
				stdout, stderr, code := runCLI(append([]string{"verify", path}, v...)...)
				require.Equal(t, 0, code, "%v: %s%s", v, stdout, stderr)
				assert.Contains(t, stdout, " cases checked, 0 mismatches\n", "%v", v)
				// nothing skipped: no instance, and no difference at a kink
				// (an unrolled smooth model's title counts those, 0 here)
				assert.NotContains(t, strings.ReplaceAll(stdout, "; 0 differences skipped at a kink", ""), "skipped", "%v", v)
			}
		})
	}
	report, err := exporttest.CheckONNX(paths)
	require.NoError(t, err, report)

	_, stderr, code := runCLI("compile", "examples/topk.dp", "-scheme", "smooth", "-form", "cell", "-steps", "3", "-o", filepath.Join(dir, "x.onnx"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-form cell does not apply")
	_, stderr, code = runCLI("compile", "examples/topk.dp", "-scheme", "smooth", "-layout", "dense", "-steps", "3", "-o", filepath.Join(dir, "x.onnx"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-layout dense does not apply")
	_, stderr, code = runCLI("compile", "examples/knapsack.dp", "-layout", "vector", "-o", filepath.Join(dir, "x.onnx"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-layout vector is the layout of -scheme smooth")
	_, stderr, code = runCLI("compile", "examples/knapsack_value.dp", "-scheme", "smooth", "-steps", "3", "-o", filepath.Join(dir, "x.onnx"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "needs it fixed")
}

func TestONNXBadInput(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	notOurs := filepath.Join(dir, "garbage.onnx")
	require.NoError(t, os.WriteFile(notOurs, []byte("this is not a model"), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no output", []string{"compile", "examples/knapsack.dp"}, "missing -o"},
		{"unknown layout", []string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "a.onnx"), "-layout", "sparse"}, "sparse"},
		{"unknown form", []string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "a.onnx"), "-form", "spiral"}, "spiral"},
		{"unknown dtype", []string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "a.onnx"), "-dtype", "int8"}, "int8"},
		{"unrolled without steps", []string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "a.onnx"), "-form", "unrolled"}, "-steps"},
		{"unwritable", []string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "no", "such", "dir", "a.onnx")}, "no/such/dir"},
		{"dense too large", []string{"compile", "examples/knapsack.dp", "-set", "pmax=1000", "-layout", "dense", "-o", filepath.Join(dir, "big.onnx")}, "structured"},
		{"not a model", []string{"verify", notOurs, "-random", "3"}, "not an ONNX model"},
		{"unknown runtime", []string{"verify", notOurs, "-runtime", "tvm", "-random", "3"}, `unknown runtime "tvm"`},
		{"decode with fptas", []string{"compile", "examples/knapsack.dp", "-scheme", "fptas", "-P", "3", "-decode", "-o", filepath.Join(dir, "a.onnx")}, "not available for the fptas scheme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(c.args...)
			assert.Equal(t, 2, code, "stdout %q stderr %q", stdout, stderr)
			assert.Contains(t, stderr, c.want)
			assert.Empty(t, stdout)
		})
	}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"garbage.onnx"}, names, "no partial or temporary files: %s", strings.Join(names, " "))
}
