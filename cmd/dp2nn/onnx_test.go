package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/verify"
)

func checkModel(t *testing.T, path string) {
	t.Helper()
	report, err := exporttest.CheckONNX([]string{path})
	require.NoError(t, err, report)
}

// The acceptance run: every layout × form × dtype of the knapsack
// network at pmax = 20 passes the official checker, and ONNX Runtime's
// outputs equal the exact DP on 1000 random instances; the dense cell runs
// in onnx-go too.
func TestONNXEndToEnd(t *testing.T) {
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	exporttest.RequireONNXPython(t)
	chdirRepo(t)
	dir := t.TempDir()
	for _, layout := range []string{"dense", "structured"} {
		for _, form := range []string{"cell", "unrolled", "loop"} {
			for _, dtype := range []string{"float32", "float64"} {
				name := fmt.Sprintf("%s_%s_%s", layout, form, dtype)
				t.Run(name, func(t *testing.T) {
					path := filepath.Join(dir, name+".onnx")
					args := []string{"compile", "examples/knapsack.dp", "-set", "pmax=20", "-o", path, "-layout", layout, "-form", form, "-dtype", dtype}
					if form == "unrolled" {
						args = append(args, "-steps", "6")
					}
					if form != "cell" && dtype == "float64" {
						// The answer tail, checked against the exact DP
						// too. Not in float32 here: with real sizes its
						// tolerance (for -decode-steps 1000) is wide enough
						// to take a size sum just above 1 for 1; the
						// integer program below is exact in float32.
						args = append(args, "-decode")
					}
					_, stderr, code := runCLI(args...)
					require.Equal(t, 0, code, stderr)
					checkModel(t, path)
					stdout, stderr, code := runCLI("verify", path, "-runtime", "ort", "-random", "1000", "-seed", "5")
					require.Equal(t, 0, code, "%s%s", stdout, stderr)
					assert.Contains(t, stdout, "\n0 mismatches")
					if layout == "dense" && form == "cell" {
						stdout, stderr, code = runCLI("verify", path, "-runtime", "onnxgo", "-random", "200")
						require.Equal(t, 0, code, "%s%s", stdout, stderr)
					}
				})
			}
		}
	}
}

// Integer data are exact in float32, decode tail included: knapsack_int.dp
// (integer sizes, capacity C, infeasible 2C) in every layout and form.
func TestONNXFloat32ExactOnIntegers(t *testing.T) {
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	chdirRepo(t)
	dir := t.TempDir()
	for _, layout := range []string{"dense", "structured"} {
		for _, form := range []string{"cell", "unrolled", "loop"} {
			t.Run(layout+"_"+form, func(t *testing.T) {
				path := filepath.Join(dir, layout+"_"+form+".onnx")
				args := []string{"compile", "examples/knapsack_int.dp", "-set", "pmax=20,capacity=50", "-o", path, "-layout", layout, "-form", form, "-dtype", "float32", "-decode"}
				if form == "unrolled" {
					args = append(args, "-steps", "5")
				}
				_, stderr, code := runCLI(args...)
				require.Equal(t, 0, code, stderr)
				stdout, stderr, code := runCLI("verify", path, "-runtime", "ort", "-random", "500", "-steps", "6")
				require.Equal(t, 0, code, "%s%s", stdout, stderr)
				var r verify.Report
				stdout, _, _ = runCLI("verify", path, "-runtime", "ort", "-random", "500", "-steps", "6", "-json")
				require.NoError(t, json.Unmarshal([]byte(stdout), &r))
				for _, row := range r.Rows {
					for label, e := range row.MaxErr {
						assert.Zero(t, e, "%s: integer data must be exact in float32", label)
					}
				}
			})
		}
	}
}

// Real instances through ONNX Runtime: each lowdim instance whose profit
// sum is small enough for a quick structured export, compiled with its own
// pmax (the sum of its profits), answers its known optimum.
func TestONNXLowdim(t *testing.T) {
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	chdirRepo(t)
	dir := t.TempDir()
	held := 0
	for _, c := range []struct {
		file string
		pmax int
	}{{"f3_l-d_kp_4_20", 48}, {"f4_l-d_kp_4_11", 41}, {"f6_l-d_kp_10_60", 105}, {"f7_l-d_kp_7_50", 188}, {"f9_l-d_kp_5_80", 142}, {"f1_l-d_kp_10_269", 412}} {
		path := filepath.Join(dir, c.file+".onnx")
		_, stderr, code := runCLI("compile", "examples/knapsack.dp", "-set", fmt.Sprintf("pmax=%d", c.pmax), "-o", path, "-layout", "structured", "-form", "loop", "-dtype", "float64")
		require.Equal(t, 0, code, stderr)
		inst := filepath.Join(dir, c.file)
		require.NoError(t, os.MkdirAll(inst, 0o755))
		for _, f := range []string{c.file + ".txt", "optima.txt"} {
			b, err := os.ReadFile(filepath.Join("testdata", "lowdim", f))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(inst, f), b, 0o644))
		}
		stdout, stderr, code := runCLI("verify", path, "-runtime", "ort", "-instances", inst)
		require.Equal(t, 0, code, "%s%s", stdout, stderr)
		require.NotContains(t, stdout, "skipped")
		held++
	}
	assert.Equal(t, 6, held)
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

// The FPTAS-NN exported as ONNX: every layout and form runs in ONNX
// Runtime with states equal to the rounded DP, answers equal to it and
// within the guarantee — with P below pmax (rounding happens) and above it.
func TestONNXFPTAS(t *testing.T) {
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	exporttest.RequireONNXPython(t)
	chdirRepo(t)
	dir := t.TempDir()
	for _, P := range []string{"12", "50"} {
		for _, layout := range []string{"dense", "structured"} {
			for _, form := range []string{"cell", "unrolled", "loop"} {
				name := fmt.Sprintf("P%s_%s_%s", P, layout, form)
				t.Run(name, func(t *testing.T) {
					path := filepath.Join(dir, name+".onnx")
					args := []string{"compile", "examples/knapsack.dp", "-scheme", "fptas", "-P", P, "-set", "pmax=30", "-o", path, "-layout", layout, "-form", form, "-dtype", "float64"}
					if form == "unrolled" {
						args = append(args, "-steps", "5")
					}
					_, stderr, code := runCLI(args...)
					require.Equal(t, 0, code, stderr)
					checkModel(t, path)
					stdout, stderr, code := runCLI("verify", path, "-runtime", "ort", "-random", "60", "-seed", "9")
					require.Equal(t, 0, code, "%s%s", stdout, stderr)
					assert.Contains(t, stdout, "\n0 mismatches")
				})
			}
		}
	}
}

// The smooth scheme exported as ONNX (value and marginals, the backward
// pass in the graph): the checker accepts it, and ONNX Runtime matches the
// Go reference to 1e-5 in float32 and 1e-12 in float64, for knapsack and
// top-k and every regulariser.
func TestONNXSmooth(t *testing.T) {
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	exporttest.RequireONNXPython(t)
	chdirRepo(t)
	dir := t.TempDir()
	for _, reg := range []string{"shannon", "gini", "tsallis"} {
		for _, dtype := range []string{"float32", "float64"} {
			for _, prog := range [][]string{
				{"examples/knapsack_value.dp", "-instance", "testdata/smooth/knapsack5.json"},
				{"examples/topk.dp", "-set", "k=3", "-steps", "6"},
			} {
				name := fmt.Sprintf("%s_%s_%s", filepath.Base(prog[0]), reg, dtype)
				t.Run(name, func(t *testing.T) {
					path := filepath.Join(dir, name+".onnx")
					args := append([]string{"compile"}, prog...)
					args = append(args, "-scheme", "smooth", "-reg", reg, "-gamma", "0.8", "-dtype", dtype, "-o", path)
					_, stderr, code := runCLI(args...)
					require.Equal(t, 0, code, stderr)
					checkModel(t, path)
					for _, rt := range []string{"ort", "go"} {
						stdout, stderr, code := runCLI("verify", path, "-runtime", rt, "-random", "100")
						require.Equal(t, 0, code, "%s%s", stdout, stderr)
						assert.Contains(t, stdout, "\n0 mismatches")
					}
				})
			}
		}
	}
	_, stderr, code := runCLI("compile", "examples/topk.dp", "-scheme", "smooth", "-form", "loop", "-steps", "3", "-o", filepath.Join(dir, "x.onnx"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "takes no -form")
	_, stderr, code = runCLI("compile", "examples/knapsack_value.dp", "-scheme", "smooth", "-steps", "3", "-o", filepath.Join(dir, "x.onnx"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "needs it fixed")
}
