package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
)

// A tiny width study (short epochs) reaches the threshold at p* = 3,
// writes its results as it goes, and a rerun on the same results file
// trains nothing and reports the same table.
func TestStudyWidthResume(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "results.jsonl")
	md, plot := filepath.Join(dir, "t.md"), filepath.Join(dir, "w.png")
	args := []string{"study", "width", "-pmax", "3,4", "-wstep", "25", "-wmax", "50", "-batches", "250", "-epochs", "20", "-test", "200", "-pool", "8000",
		"-o", res, "-quiet", "-json"}
	stdout, stderr, code := runCLI(append(args, "-md", md, "-plot", plot)...)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr, "-quiet")
	var rep study.WidthReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	require.Len(t, rep.Rows, 2)
	assert.Equal(t, 25, rep.Rows[0].Required, "p* = 3: %+v", rep.Rows[0].Tried)
	assert.Positive(t, rep.Trained)
	lines := strings.Count(readFile(t, res), "\n")
	assert.Equal(t, rep.Trained, lines, "one line per trained net")
	assert.Contains(t, readFile(t, md), "| 3 | 25 |")
	assert.True(t, strings.HasPrefix(readFile(t, plot), "\x89PNG"))

	// The rerun trains nothing.
	stdout2, stderr, code := runCLI(args...)
	require.Equal(t, 0, code, stderr)
	var again study.WidthReport
	require.NoError(t, json.Unmarshal([]byte(stdout2), &again))
	assert.Zero(t, again.Trained)
	assert.Equal(t, rep.Trained, again.Reused)
	assert.Equal(t, rep.Rows, again.Rows)
	assert.Equal(t, lines, strings.Count(readFile(t, res), "\n"), "nothing appended")

	// A last line cut short by a kill is dropped, and its net trained
	// again.
	data := []byte(readFile(t, res))
	require.NoError(t, os.WriteFile(res, data[:len(data)-10], 0o644))
	_, stderr, code = runCLI(args...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "dropping its unfinished last line")
	assert.Equal(t, withoutSeconds(t, string(data)), withoutSeconds(t, readFile(t, res)), "the same net trained again, deterministically")
	data = []byte(readFile(t, res))

	// Other settings on the same file are refused.
	_, stderr, code = runCLI("study", "width", "-pmax", "3", "-seed", "9", "-o", res, "-quiet")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "other settings")
	assert.Equal(t, string(data), readFile(t, res), "left as it was")
}

// withoutSeconds are the points of a results file without their
// training times.
func withoutSeconds(t *testing.T, text string) []study.WidthPoint {
	t.Helper()
	pts, err := study.ReadWidthPoints(strings.NewReader(text), "results")
	require.NoError(t, err)
	for i := range pts {
		pts[i].Seconds = 0
	}
	return pts
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// Bad input: one message, exit 2, nothing written.
func TestStudyWidthBadInput(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.jsonl")
	require.NoError(t, os.WriteFile(garbage, []byte("{\"key\":\"v1\",\"pstar\":3}\n"), 0o644))
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"pmax below 2", []string{"-pmax", "1:5"}, "must lie in 2..200"},
		{"pmax reversed", []string{"-pmax", "9:3"}, "HI is below LO"},
		{"pmax step 0", []string{"-pmax", "3:9:0"}, "STEP must be at least 1"},
		{"pmax not a number", []string{"-pmax", "3,x"}, `"x" is not an integer`},
		{"pmax four parts", []string{"-pmax", "1:2:3:4"}, "want LO:HI:STEP"},
		{"threshold 0", []string{"-threshold", "0"}, "-threshold must be a positive number"},
		{"threshold NaN", []string{"-threshold", "NaN"}, "-threshold must be a positive number"},
		{"wstep 0", []string{"-wstep", "0"}, "-wstep must be between 1"},
		{"wmax below wstep", []string{"-wmax", "5"}, "-wmax must be between -wstep (10)"},
		{"epochs 0", []string{"-epochs", "0"}, "-epochs must be between 1"},
		{"workers negative", []string{"-workers", "-1"}, "-workers must be between 0"},
		{"too much memory", []string{"-pmax", "200", "-wmax", "5000", "-pool", "4000000"}, "MiB"},
		{"extra argument", []string{"extra"}, `takes no arguments besides flags, got "extra"`},
		{"bad results file", []string{"-o", garbage}, "garbage.jsonl:1: not a result of the width study"},
		{"results file a directory", []string{"-o", dir}, "-o"},
		{"unwritable md", []string{"-md", filepath.Join(dir, "no", "t.md")}, "cannot write"},
		{"net without onnx", []string{"-net", "3,25"}, "-net and -onnx go together"},
		{"onnx without net", []string{"-onnx", filepath.Join(dir, "n.onnx")}, "-net and -onnx go together"},
		{"net one number", []string{"-net", "3", "-onnx", filepath.Join(dir, "n.onnx")}, "want P,W"},
		{"net p* 1", []string{"-net", "1,25", "-onnx", filepath.Join(dir, "n.onnx")}, "want P,W"},
		{"net with pmax", []string{"-net", "3,25", "-onnx", filepath.Join(dir, "n.onnx"), "-pmax", "3:9:3"}, "-pmax does not apply"},
		{"net unwritable onnx", []string{"-net", "3,25", "-onnx", filepath.Join(dir, "no", "n.onnx")}, "cannot write"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(append([]string{"study", "width", "-quiet"}, c.args...)...)
			assert.Equal(t, 2, code, "stderr %q", stderr)
			assert.Contains(t, stderr, c.want)
			assert.NotContains(t, stderr, "goroutine")
			assert.Empty(t, stdout)
		})
	}
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, left, 1, "only the garbage file")
	assert.Equal(t, "{\"key\":\"v1\",\"pstar\":3}\n", readFile(t, garbage))
}

// One net of the study exported as an ONNX cell and run through verify:
// exit 1 with the count of exact answers when it misses any, the
// compiled network exact on every instance.
func TestStudyWidthNetVerify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p4.onnx")
	stdout, stderr, code := runCLI("study", "width", "-net", "4,10", "-onnx", path, "-batches", "100", "-epochs", "3", "-test", "50", "-pool", "3200", "-quiet")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "p* = 4, width 10: test MSE")
	stdout, stderr, code = runCLI("verify", path, "-random", "200", "-quiet", "-json")
	var rep verify.TrainedReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stderr)
	assert.Equal(t, verify.Tally{Exact: 200}, rep.Compiled)
	assert.Equal(t, 200, rep.Trained.Exact+rep.Trained.Wrong+rep.Trained.Undecidable)
	require.Positive(t, rep.Trained.Wrong, "a net trained for 3 short epochs is not exact")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "the trained model gave the exact answer on")
	_, stderr, code = runCLI("verify", path, "-quiet")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "give -random N")
	_, stderr, code = runCLI("verify", path, "-random", "5", "-dtype", "float32", "-quiet")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-dtype does not apply")
}
