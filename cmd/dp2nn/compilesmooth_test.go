package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/verify"
)

// compile -scheme smooth of a program with data writes the smooth graph's
// model, in the form -form asks for (by default unrolled up to 16
// levels, a Loop beyond, as here); in ONNX Runtime, at θ = 0 (LCS's parameters are its cell
// biases) and seed 1, its value and marginals are what solve -scheme
// smooth prints.
func TestCompileSmoothGraph(t *testing.T) {
	for _, form := range []string{"", "auto", "loop", "unrolled"} {
		t.Run("form="+form, func(t *testing.T) { testCompileSmoothGraph(t, form) })
	}
}

func testCompileSmoothGraph(t *testing.T, form string) {
	chdirRepo(t)
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	out := filepath.Join(t.TempDir(), "lcs.onnx")
	args := []string{"examples/lcs.dp", "-instance", "testdata/seq/clrs-15.4-1.json", "-scheme", "smooth", "-reg", "tsallis", "-gamma", "0.5", "-json"}
	cargs := []string{"compile", "-o", out, "-dtype", "float64"}
	if form != "" {
		cargs = append(cargs, "-form", form)
	}
	stdout, stderr, code := runCLI(append(cargs, args...)...)
	require.Equal(t, 0, code, stderr)
	var c SmoothGraphCompileReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &c))
	require.Equal(t, []string{"answer"}, c.Outputs)
	require.Equal(t, map[string]string{"": "loop", "auto": "loop", "loop": "loop", "unrolled": "unrolled"}[form], c.Form) // 8 + 9 levels: auto writes a Loop
	stdout, stderr, code = runCLI(append([]string{"solve"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var s verify.SmoothGraphReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &s))

	model, err := os.ReadFile(out)
	require.NoError(t, err)
	sess, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
	require.NoError(t, err)
	defer sess.Close()
	got, err := sess.Run(map[string]export.Tensor{
		"theta": export.NewTensor(make([]float64, c.Params), 1, c.Params),
		"seed":  export.NewTensor([]float64{1}, 1, 1),
	})
	require.NoError(t, err)
	want := float64(s.Outputs[0].Value)
	require.InDelta(t, want, got["value"].Data[0], 1e-12*max(1, math.Abs(want)))
	var y []float64
	for _, b := range s.Marginals {
		y = append(y, b.Values...)
	}
	require.Len(t, y, c.Params)
	for i := range y {
		require.InDelta(t, y[i], got["marginals"].Data[i], 1e-12*max(1, math.Abs(y[i])), "marginal %d", i)
	}
}

// change.dp's coin is an offset, so its smooth network would have no
// input: compile exports its graph instead, whose value at θ = 0 (cell
// biases) is the smooth network's that solve prints, for every
// regulariser (two implementations: relu's smoothed neurons and
// smooth.Graph).
func TestCompileSmoothOffsetInputs(t *testing.T) {
	chdirRepo(t)
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	for _, reg := range []string{"shannon", "gini", "tsallis"} {
		out := filepath.Join(t.TempDir(), "change.onnx")
		args := []string{"examples/change.dp", "-instance", "cmd/dp2nn/testdata/data/change3.json", "-scheme", "smooth", "-reg", reg, "-gamma", "0.7", "-json"}
		stdout, stderr, code := runCLI(append([]string{"compile", "-o", out, "-dtype", "float64"}, args...)...)
		require.Equal(t, 0, code, stderr)
		var c SmoothGraphCompileReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &c))
		stdout, stderr, code = runCLI(append([]string{"solve"}, args...)...)
		require.Equal(t, 0, code, stderr)
		var s verify.SmoothReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &s))

		model, err := os.ReadFile(out)
		require.NoError(t, err)
		sess, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1})
		require.NoError(t, err)
		got, err := sess.Run(map[string]export.Tensor{
			"theta": export.NewTensor(make([]float64, c.Params), 1, c.Params),
			"seed":  export.NewTensor([]float64{1}, 1, 1),
		})
		require.NoError(t, err)
		require.NoError(t, sess.Close())
		require.InDelta(t, s.Value, got["value"].Data[0], 1e-9*max(1, math.Abs(s.Value)), reg)
	}
}

// verify MODEL of the smooth graph of LCS on CLRS 15.4-1 rebuilds the
// graph from the model's metadata and matches it in ONNX Runtime (float64
// 1e-12, float32 1e-5); a model whose γ was changed after export is a
// mismatch (exit 1), and a model without the program's record, or flags
// that do not apply, are bad input (exit 2).
func TestVerifySmoothGraphModel(t *testing.T) {
	chdirRepo(t)
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(t, err.Error())
	}
	dir := t.TempDir()
	args := []string{"examples/lcs.dp", "-instance", "testdata/seq/clrs-15.4-1.json", "-scheme", "smooth", "-reg", "gini", "-gamma", "0.5"}
	models := map[string]string{}
	for _, dt := range []string{"float64", "float32"} {
		out := filepath.Join(dir, "lcs-"+dt+".onnx")
		_, stderr, code := runCLI(append([]string{"compile", "-o", out, "-dtype", dt}, args...)...)
		require.Equal(t, 0, code, stderr)
		models[dt] = out
		stdout, stderr, code := runCLI("verify", out, "-runtime", "ort", "-random", "4", "-json", "-quiet")
		require.Equal(t, 0, code, stderr)
		var c verify.SmoothCheck
		require.NoError(t, json.Unmarshal([]byte(stdout), &c))
		require.Equal(t, 4, c.Cases)
		require.Zero(t, c.Mismatches)
		require.Contains(t, c.ValueTol, dt)
		require.Positive(t, c.OpenSeconds)
		tol := map[string]float64{"float64": 1e-12, "float32": 1e-5}[dt]
		require.LessOrEqual(t, float64(c.WorstValue), tol)
		require.LessOrEqual(t, float64(c.WorstGrad), tol)
	}

	// rewrite copies the float64 model with its metadata changed by edit.
	rewrite := func(name string, edit func(e *onnxpb.StringStringEntryProto) bool) string {
		b, err := os.ReadFile(models["float64"])
		require.NoError(t, err)
		var mp onnxpb.ModelProto
		require.NoError(t, proto.Unmarshal(b, &mp))
		var keep []*onnxpb.StringStringEntryProto
		for _, e := range mp.MetadataProps {
			if edit(e) {
				keep = append(keep, e)
			}
		}
		mp.MetadataProps = keep
		b, err = proto.Marshal(&mp)
		require.NoError(t, err)
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, b, 0o644))
		return path
	}
	tampered := rewrite("gamma.onnx", func(e *onnxpb.StringStringEntryProto) bool {
		if e.GetKey() == "dp2nn.gamma" {
			e.Value = proto.String("0.6")
		}
		return true
	})
	stdout, stderr, code := runCLI("verify", tampered, "-runtime", "ort", "-random", "3", "-quiet")
	require.Equal(t, 1, code, stdout+stderr)
	require.Contains(t, stdout, "MISMATCH random #1")
	require.Contains(t, stderr, "3 mismatches between the smooth graph model and smooth.Graph")

	old := rewrite("old.onnx", func(e *onnxpb.StringStringEntryProto) bool { return e.GetKey() != "dp2nn.source.program" })
	badData := rewrite("data.onnx", func(e *onnxpb.StringStringEntryProto) bool {
		if e.GetKey() == "dp2nn.source.data" {
			e.Value = proto.String(`["1 2 x"]`)
		}
		return true
	})
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", old, "-runtime", "ort", "-random", "2"}, "has no dp2nn.source.program metadata"},
		{[]string{"verify", badData, "-runtime", "ort", "-random", "2"}, "bad metadata dp2nn.source.data: row 0"},
		{[]string{"verify", models["float64"], "-runtime", "onnxgo", "-random", "2"}, "runs in -runtime ort or go, not onnxgo"},
		{[]string{"verify", models["float64"], "-runtime", "ort", "-random", "2", "-gamma", "1"}, "-gamma"},
		{[]string{"verify", models["float64"], "-runtime", "ort", "-random", "2", "-instances", "testdata/seq"}, "bound to its own instance"},
		{[]string{"verify", models["float64"], "-runtime", "ort", "-random", "0"}, "-random"},
	} {
		stdout, stderr, code := runCLI(c.args...)
		require.Equal(t, 2, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, c.want, "%v", c.args)
		require.Empty(t, stdout, "%v", c.args)
		require.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "%v: one line: %s", c.args, stderr)
	}
}

// verify MODEL -runtime go runs the smooth graph model in dp2nn's own
// interpreter (engine/onnxref), without ONNX Runtime, for every
// regulariser and dtype (float64 in the Loop form, float32 unrolled): the
// same checks and tolerances as -runtime ort;
// a model whose γ was changed after export is a mismatch there too.
func TestVerifySmoothGraphModelGoRuntime(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	for _, reg := range []string{"shannon", "gini", "tsallis"} {
		for _, dt := range []string{"float64", "float32"} {
			form := map[string]string{"float64": "loop", "float32": "unrolled"}[dt]
			out := filepath.Join(dir, reg+"-"+dt+".onnx")
			_, stderr, code := runCLI("compile", "examples/lcs.dp", "-instance", "testdata/seq/clrs-15.4-1.json", "-scheme", "smooth", "-reg", reg, "-gamma", "0.5", "-o", out, "-dtype", dt, "-form", form)
			require.Equal(t, 0, code, stderr)
			stdout, stderr, code := runCLI("verify", out, "-runtime", "go", "-random", "3", "-json", "-quiet")
			require.Equal(t, 0, code, stderr)
			var c verify.SmoothCheck
			require.NoError(t, json.Unmarshal([]byte(stdout), &c))
			require.Equal(t, 3, c.Cases, "%s %s", reg, dt)
			require.Zero(t, c.Mismatches, "%s %s", reg, dt)
			require.Contains(t, c.Title, form+" form, runtime go")
			tol := map[string]float64{"float64": 1e-12, "float32": 1e-5}[dt]
			require.LessOrEqual(t, float64(c.WorstValue), tol)
			require.LessOrEqual(t, float64(c.WorstGrad), tol)
			if reg != "gini" || dt != "float64" {
				continue
			}
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			var mp onnxpb.ModelProto
			require.NoError(t, proto.Unmarshal(b, &mp))
			for _, e := range mp.MetadataProps {
				if e.GetKey() == "dp2nn.gamma" {
					e.Value = proto.String("0.6")
				}
			}
			b, err = proto.Marshal(&mp)
			require.NoError(t, err)
			tampered := filepath.Join(dir, "gamma.onnx")
			require.NoError(t, os.WriteFile(tampered, b, 0o644))
			stdout, stderr, code = runCLI("verify", tampered, "-runtime", "go", "-random", "2", "-quiet")
			require.Equal(t, 1, code, stdout+stderr)
			require.Contains(t, stdout, "MISMATCH random #1")
		}
	}
}

// compile -scheme smooth of a program with data: a form that is not loop
// or unrolled, and flags of the network paths, are refused by name (exit
// 2, one line, no file written).
func TestCompileSmoothGraphBadFlags(t *testing.T) {
	chdirRepo(t)
	out := filepath.Join(t.TempDir(), "x.onnx")
	base := []string{"compile", "examples/lcs.dp", "-instance", "testdata/seq/clrs-15.4-1.json", "-scheme", "smooth", "-o", out}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-form", "cell"}, "-form cell does not apply"},
		{[]string{"-form", "spiral"}, "-form"},
		{[]string{"-form", "unrolled", "-steps", "3"}, "-steps does not apply"},
		{[]string{"-decode-steps", "3"}, "-decode-steps"},
	} {
		stdout, stderr, code := runCLI(append(append([]string{}, base...), c.args...)...)
		require.Equal(t, 2, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, c.want, "%v", c.args)
		require.Empty(t, stdout, "%v", c.args)
		require.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "%v: one line: %s", c.args, stderr)
		require.NoFileExists(t, out)
	}
	// -form auto is the smooth graph's: a network refuses it
	stdout, stderr, code := runCLI("compile", "examples/knapsack.dp", "-set", "pmax=4", "-form", "auto", "-o", out)
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "-form auto chooses the form of -scheme smooth's graph")
	require.Empty(t, stdout)
	require.NoFileExists(t, out)
}

// compile -scheme smooth of a program with per-step inputs records the
// form it wrote: -form unrolled writes the network unrolled over the
// instance's steps and says so (dp2nn.form = unrolled, dp2nn.steps the
// instance's; it once recorded cell), the default writes the Loop; and
// verify MODEL.onnx reads each, naming the form.
func TestCompileSmoothStepForms(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	for _, c := range []struct {
		program, instance string
		steps             int
	}{
		{"examples/topk.dp", "testdata/smooth/top2of5.json", 5},
		{"examples/knapsack_value.dp", "testdata/smooth/knapsack5.json", 5},
	} {
		for _, form := range []string{"unrolled", "loop"} {
			name := strings.TrimSuffix(filepath.Base(c.program), ".dp") + "_" + form
			out := filepath.Join(dir, name+".onnx")
			stdout, stderr, code := runCLI("compile", c.program, "-scheme", "smooth", "-reg", "gini", "-gamma", "0.5", "-instance", c.instance,
				"-form", form, "-dtype", "float64", "-o", out, "-json", "-quiet")
			require.Equal(t, 0, code, "%s: %s", name, stderr)
			var w struct {
				Form  string `json:"form"`
				Steps int    `json:"steps"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &w), name)
			require.Equal(t, form, w.Form, name)
			require.Equal(t, c.steps, w.Steps, name)
			model, err := export.Read(out)
			require.NoError(t, err, name)
			require.Equal(t, form, model.Form.String(), name)
			require.Equal(t, form, model.Metadata["dp2nn.form"], name)
			if form == "unrolled" {
				require.Equal(t, c.steps, model.Steps, name)
			}
			stdout, stderr, code = runCLI("verify", out, "-runtime", "go", "-random", "3", "-quiet")
			require.Equal(t, 0, code, "%s: %s%s", name, stdout, stderr)
			require.Contains(t, stdout, " "+form+" form, float64, runtime go)", name)
			require.Contains(t, stdout, "3 cases checked, 0 mismatches", name)
		}
	}
}

// compile -scheme smooth of a program with per-step inputs refuses a γ
// at which its network could overflow for inputs within their declared
// ranges (top-k at γ = 1e308: the inputs arrive at run time, so the
// model ran to +Inf), naming the largest γ accepted; exit 2, no file.
// The largest γ accepted compiles.
func TestCompileSmoothStepsGammaOverflow(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-instance", "testdata/smooth/top2of5.json", "-dtype", "float64"}, "float64 (2^1000) limit at this γ; the largest γ accepted is 2.14302e+300"},
		{[]string{"-instance", "testdata/smooth/top2of5.json", "-form", "unrolled"}, "float32 (2^104) limit at this γ; the largest γ accepted is 4.05648e+30"},
		{[]string{"-steps", "7", "-dtype", "float64"}, "bound of its recurrence over 7 steps"},
	} {
		out := filepath.Join(dir, "topk.onnx")
		stdout, stderr, code := runCLI(append([]string{"compile", "examples/topk.dp", "-scheme", "smooth", "-gamma", "1e308", "-o", out}, c.args...)...)
		require.Equal(t, 2, code, "%v: %s", c.args, stderr)
		require.Empty(t, stdout)
		require.Contains(t, stderr, "dp2nn: compile: -gamma 1e+308 is too large: the smooth network of topk could overflow for run-time inputs within their declared ranges (theta in -1000..1000)", c.args)
		require.Contains(t, stderr, c.want, c.args)
		require.NoFileExists(t, out)
	}
	ok := filepath.Join(dir, "ok.onnx")
	_, stderr, code := runCLI("compile", "examples/topk.dp", "-scheme", "smooth", "-gamma", "2.143e+300", "-dtype", "float64", "-instance", "testdata/smooth/top2of5.json", "-o", ok, "-quiet")
	require.Equal(t, 0, code, stderr)
	stdout, stderr, code := runCLI("verify", ok, "-runtime", "go", "-random", "3", "-quiet") // the reference checks it too
	require.Equal(t, 0, code, "%s%s", stdout, stderr)
	require.Contains(t, stdout, "3 cases checked, 0 mismatches")
}
