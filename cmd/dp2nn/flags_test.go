package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/verify"
)

// flagTarget is a command line that takes flags: a command with a file,
// or one study ("dp2nn study NAME").
type flagTarget struct {
	name string   // the flag set's name, as errors say it
	args []string // the command line before the flags
	help []string // the help command that prints the same usage
}

// flagTargets are every command that takes flags and every study.
func flagTargets() []flagTarget {
	var ts []flagTarget
	for _, cmd := range []string{"check", "widths", "solve", "verify", "compile"} {
		ts = append(ts, flagTarget{cmd, []string{cmd, "examples/knapsack.dp"}, []string{"help", cmd}})
	}
	for _, s := range studyNames() {
		ts = append(ts, flagTarget{"study " + s, []string{"study", s}, []string{"help", "study", s}})
	}
	return ts
}

// -h, -help and --help print the command's usage on stdout and exit 0,
// the same as "dp2nn help COMMAND" (or "dp2nn help study NAME").
func TestHelpFlagOnEveryCommand(t *testing.T) {
	for _, tg := range flagTargets() {
		want, _, code := runCLI(tg.help...)
		require.Equal(t, 0, code)
		for _, h := range []string{"-h", "-help", "--help"} {
			t.Run(tg.name+" "+h, func(t *testing.T) {
				stdout, stderr, code := runCLI(append(slices.Clone(tg.args), h)...)
				assert.Equal(t, 0, code)
				assert.Empty(t, stderr)
				assert.Equal(t, want, stdout)
				assert.True(t, strings.HasPrefix(stdout, "dp2nn "+tg.name+" "), stdout)
				assert.Contains(t, stdout, "\nFlags:\n")
			})
		}
	}
	// "dp2nn study -h" lists the studies, as "dp2nn help study" does.
	want, _, _ := runCLI("help", "study")
	stdout, _, code := runCLI("study", "-h")
	assert.Equal(t, 0, code)
	assert.Equal(t, want, stdout)
	for _, s := range studyNames() {
		assert.Contains(t, stdout, "dp2nn study "+s+" ")
	}
}

// An unknown flag is bad input for every command.
func TestUnknownFlagOnEveryCommand(t *testing.T) {
	chdirRepo(t)
	for _, tg := range flagTargets() {
		stdout, stderr, code := runCLI(append(slices.Clone(tg.args), "-bogus")...)
		assert.Equal(t, 2, code, tg.name)
		assert.Equal(t, "dp2nn: "+tg.name+": flag provided but not defined: -bogus\n", stderr)
		assert.Empty(t, stdout)
	}
}

// A flag given where it does not apply, to the command, the input or the
// scheme, is refused with one line saying why, exit 2 and no output; all
// such flags are listed.
func TestFlagsThatDoNotApply(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	model, unrolled := filepath.Join(dir, "k.onnx"), filepath.Join(dir, "u.onnx")
	for _, args := range [][]string{
		{"compile", "examples/knapsack.dp", "-set", "pmax=6", "-o", model},
		{"compile", "examples/knapsack_int.dp", "-set", "pmax=6,capacity=10", "-form", "unrolled", "-steps", "3", "-o", unrolled},
	} {
		_, stderr, code := runCLI(args...)
		require.Equal(t, 0, code, stderr)
	}
	f3 := "testdata/lowdim/f3_l-d_kp_4_20.txt"
	for _, tt := range []struct {
		args []string
		want []string // one line each
	}{
		// widths
		{[]string{"widths", "examples/knapsack.dp", "-gamma", "2"}, []string{"widths: -gamma does not apply: -gamma is the strength of -scheme smooth"}},
		{[]string{"widths", "examples/knapsack.dp", "-reg", "gini", "-eps", "0.1", "-n", "4"}, []string{
			"widths: -eps does not apply: -eps is the target error of -scheme fptas",
			"widths: -n does not apply: -n is the number of items -eps is for (-scheme fptas -eps E)",
			"widths: -reg does not apply: -reg is the regulariser of -scheme smooth"}},
		{[]string{"widths", "examples/knapsack.dp", "-scheme", "fptas", "-P", "3", "-n", "4"}, []string{"widths: -n does not apply"}},
		{[]string{"widths", "examples/knapsack.dp", "-scheme", "smooth", "-P", "3"}, []string{"widths: -P does not apply"}},
		{[]string{"widths", "examples/knapsack.dp", "-plot", "w.png"}, []string{"widths: -plot does not apply: -plot draws a -sweep NAME=LO..HI"}},
		{[]string{"widths", "examples/knapsack.dp", "-steps", "3"}, []string{"widths: -steps does not apply: -steps is the length of -form unrolled or of the smooth network"}},
		{[]string{"widths", "examples/knapsack.dp", "-sweep", "pmax=2..4", "-steps", "3", "-form", "unrolled"}, []string{"widths: -steps does not apply", "widths: -form does not apply: -sweep measures the cell"}},
		{[]string{"widths", "examples/knapsack.dp", "-scheme", "fptas", "-P", "0"}, []string{"-P must be at least 1: P is the size of the FPTAS-NN's table (its width is 2P²+2P), got 0"}},
		// solve
		{[]string{"solve", "examples/knapsack.dp", "-instance", f3, "-gamma", "2"}, []string{"solve: -gamma does not apply"}},
		{[]string{"solve", "examples/knapsack.dp", "-instances", "testdata/lowdim", "-json"}, []string{"solve: -json does not apply: -instances prints one JSON line per instance already"}},
		{[]string{"solve", "examples/knapsack.dp", "-instances", "testdata/lowdim", "-instance", f3}, []string{"solve: -instance does not apply: -instance F solves one instance, -instances a batch: give one of them"}},
		{[]string{"solve", "examples/knapsack.dp", "-instance", f3, "-scheme", "fptas", "-P", "0"}, []string{"-P must be at least 1: P is the size"}},
		{[]string{"solve", "examples/lcs.dp", "-instance", "testdata/seq/clrs-15.8.json", "-scheme", "fptas", "-eps", "0.5"}, []string{"solve: -eps does not apply: a program with data has no number of items n for P = ⌈n²/ε⌉: give -P (the values a rounded offset takes)"}},
		{[]string{"widths", "examples/csp.dp", "-scheme", "fptas", "-eps", "0.5", "-n", "4"}, []string{"widths: -eps does not apply: a program with data has no number"}},
		{[]string{"solve", "examples/topk.dp", "-instance", "testdata/smooth/top2of5.json", "-scheme", "smooth", "-dtype", "float32"}, []string{"solve: -scheme smooth evaluates in float64"}},
		{[]string{"solve", "examples/knapsack.dp"}, []string{"solve: missing -instance FILE (or -instances DIR|FILE.jsonl for a batch)"}},
		{[]string{"solve", "examples/knapsack.dp", "-instance", "testdata/lowdim"}, []string{"solve: -instance testdata/lowdim is a batch: solve it with -instances testdata/lowdim"}},
		// verify FILE.dp
		{[]string{"verify", "examples/knapsack.dp", "-random", "3", "-runtime", "ort"}, []string{"verify: -runtime does not apply: -runtime picks where a .onnx model runs"}},
		{[]string{"verify", "examples/knapsack.dp", "-random", "3", "-steps", "4"}, []string{"verify: -steps does not apply: the random instances of knapsack come from its generator (Appendix D), of their own length"}},
		{[]string{"verify", "examples/subsetsum.dp", "-instances", "testdata/lowdim", "-steps", "4", "-seed", "2"}, []string{
			"verify: -seed does not apply: -seed seeds -random N", "verify: -steps does not apply: -steps is the length of random instances (-random N)"}},
		{[]string{"verify", "examples/topk.dp", "-set", "k=3", "-scheme", "smooth", "-random", "3", "-dtype", "float32", "-instances", "testdata/smooth"}, []string{
			"verify: -dtype does not apply: -scheme smooth is checked in float64", "verify: -instances does not apply: -scheme smooth is checked on random instances (-random N)"}},
		{[]string{"verify", "examples/lcs.dp", "-random", "3", "-steps", "4"}, []string{"verify: -steps does not apply: a program with data runs for the steps of its steps line"}},
		{[]string{"verify", "examples/knapsack.dp", "-random", "0"}, []string{"verify: -random must be between 1 and 10000000, got 0"}},
		{[]string{"verify", "examples/knapsack.dp", "-random", "3", "-P", "0"}, []string{"verify: -P does not apply: -P is the table size of -scheme fptas"}},
		// verify MODEL.onnx
		{[]string{"verify", model, "-random", "3", "-set", "pmax=3", "-dtype", "float32", "-form", "cell", "-max-neurons", "5"}, []string{
			"verify: -set does not apply: a .onnx model carries its own params and scheme", "verify: -dtype does not apply: a .onnx model has its own dtype (float32)",
			"verify: -form does not apply: a .onnx model has its own form (cell)", "verify: -max-neurons does not apply: a .onnx model is built already"}},
		{[]string{"verify", model, "-random", "3", "-steps", "6"}, []string{"verify: -steps does not apply: the random instances of knapsack come from its generator (Appendix D)"}},
		{[]string{"verify", unrolled, "-random", "3", "-steps", "6"}, []string{"verify: -steps does not apply: the unrolled model runs its own 3 steps"}},
		// compile
		{[]string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "x.onnx"), "-instance", f3}, []string{"compile: -instance does not apply: -instance fixes the offset inputs of -scheme smooth"}},
		{[]string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "x.onnx"), "-steps", "3"}, []string{"compile: -steps does not apply: -steps is the length of -form unrolled or of the smooth network"}},
		{[]string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "x.onnx"), "-decode-steps", "10"}, []string{"compile: -decode-steps does not apply"}},
		{[]string{"compile", "examples/knapsack.dp", "-o", filepath.Join(dir, "x.onnx"), "-form", "unrolled", "-steps", "3", "-decode", "-decode-steps", "10"}, []string{"compile: -decode-steps does not apply: -decode-steps sizes the tolerance of the decode tail (-decode) of the cell and loop forms"}},
		// study
		{[]string{"study", "fptas", "-families", "lowdim", "-n", "5", "-per", "2", "-seed", "3", "-R", "10"}, []string{
			"study: -n does not apply: -n sizes the generated families; -families has only lowdim", "study: -per does not apply", "study: -seed does not apply", "study: -R does not apply"}},
		{[]string{"study", "fptas", "-families", "uncorrelated", "-lowdim", "testdata/lowdim"}, []string{"study: -lowdim does not apply: -lowdim is the directory of the family lowdim, which -families leaves out"}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := runCLI(tt.args...)
			assert.Equal(t, 2, code, "stdout %q stderr %q", stdout, stderr)
			assert.Empty(t, stdout, "no output")
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			require.Len(t, lines, len(tt.want), stderr)
			for i, w := range tt.want {
				assert.True(t, strings.HasPrefix(lines[i], "dp2nn: "), lines[i])
				assert.Contains(t, lines[i], w)
			}
		})
	}
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, left, 2, "only the two models: nothing written on bad input")
}

// A long job prints progress lines on stderr (plain lines: the tests'
// stderr is no terminal; DP2NN_PROGRESS_DELAY=0s shows them at once);
// -quiet prints nothing there.
func TestProgressAndQuiet(t *testing.T) {
	chdirRepo(t)
	t.Setenv(progress.DelayEnv, "0s")
	batch := t.TempDir()
	for _, f := range []string{"f3_l-d_kp_4_20.txt", "f4_l-d_kp_4_11.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "lowdim", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(batch, f), b, 0o644))
	}
	for _, tt := range []struct {
		args       []string
		first, end string
	}{
		{[]string{"verify", "examples/knapsack.dp", "-set", "pmax=6", "-random", "5"}, "verify: 1/5 (20%)", "verify: 5/5 (100%)"},
		{[]string{"verify", "examples/lcs.dp", "-random", "300"}, "verify: 1/300 (0%)", "verify: 300/300 (100%)"},
		{[]string{"verify", "examples/topk.dp", "-set", "k=2", "-scheme", "smooth", "-random", "2", "-steps", "4"}, "verify: 1/2 (50%)", "verify: 2/2 (100%)"},
		{[]string{"solve", "examples/knapsack_int.dp", "-instances", batch}, "solve: 1/2 (50%)", "solve: 2/2 (100%)"},
		{[]string{"widths", "examples/knapsack.dp", "-sweep", "pmax=2..4"}, "widths -sweep: 1/3 (33%)", "widths -sweep: 3/3 (100%)"},
		{[]string{"widths", "examples/lcs.dp", "-sweep", "m,n=2..3"}, "widths -sweep: 1/2 (50%)", "widths -sweep: 2/2 (100%)"},
		{[]string{"study", "fptas", "-families", "subset-sum", "-n", "3", "-P", "5,6", "-per", "1"}, "study fptas: 1/2 (50%)", "study fptas: 2/2 (100%)"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stderr, code := runCLI(tt.args...)
			require.Equal(t, 0, code, stderr)
			// The cost model's count may say so first (TestElapsedProgress).
			assert.Contains(t, stderr, tt.first)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			assert.Contains(t, lines[len(lines)-1], tt.end)
			assert.Contains(t, lines[len(lines)-1], "elapsed, done")

			stdout, stderr, code := runCLI(append(tt.args, "-quiet")...)
			require.Equal(t, 0, code)
			assert.Empty(t, stderr, "-quiet prints nothing on stderr")
			assert.NotEmpty(t, stdout)
		})
	}
}

// solve -instances prints one JSON line per instance in input order; a
// bad instance gets its error and does not stop the others; the exit
// code is 2 when any instance is bad input, 1 when a check failed.
func TestSolveBatchCommand(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	for _, f := range []string{"lowdim/f3_l-d_kp_4_20.txt", "lowdim/f4_l-d_kp_4_11.txt", "bad/nan.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644))
	}
	lines := func(stdout string) []verify.BatchLine {
		var out []verify.BatchLine
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(l), &m), l)
			out = append(out, verify.BatchLine{Instance: m["instance"].(string), Status: m["status"].(string), Answer: str(m["answer"]), Error: str(m["error"])})
		}
		return out
	}

	stdout, stderr, code := runCLI("solve", "examples/knapsack_int.dp", "-instances", dir)
	assert.Equal(t, 2, code)
	got := lines(stdout)
	require.Len(t, got, 3)
	assert.Equal(t, verify.BatchLine{Instance: "f3_l-d_kp_4_20", Status: "ok", Answer: "35"}, got[0])
	assert.Equal(t, verify.BatchLine{Instance: "f4_l-d_kp_4_11", Status: "ok", Answer: "23"}, got[1])
	assert.Equal(t, verify.BatchLine{Instance: "nan", Status: "bad input", Error: filepath.Join(dir, "nan.txt") + ":3:1: item 2: profit NaN is not a finite number"}, got[2])
	assert.Equal(t, "dp2nn: solve: 1 of 3 instances failed: 1 bad input, 0 failed checks (their lines say why)\n", stderr)

	require.NoError(t, os.Remove(filepath.Join(dir, "nan.txt")))
	stdout, stderr, code = runCLI("solve", "examples/knapsack_int.dp", "-instances", dir, "-dtype", "float32")
	assert.Equal(t, 0, code, stderr)
	assert.Len(t, lines(stdout), 2)

	// A JSON-lines file: errors name FILE:LINE.
	stdout, stderr, code = runCLI("solve", "examples/knapsack_int.dp", "-instances", "testdata/bad/batch.jsonl")
	assert.Equal(t, 2, code, stderr)
	got = lines(stdout)
	require.Len(t, got, 3)
	assert.Equal(t, verify.BatchLine{Instance: "small", Status: "ok", Answer: "7"}, got[0])
	assert.Equal(t, verify.BatchLine{Instance: "too heavy", Status: "bad input", Error: "testdata/bad/batch.jsonl:2: item 1: weight 40 is above the capacity 10"}, got[1])
	assert.Equal(t, verify.BatchLine{Instance: "pair", Status: "ok", Answer: "2"}, got[2])

	// A published answer that disagrees is a failed check: exit 1.
	lcs := t.TempDir()
	for _, f := range []string{"seq/clrs-15.8.json", "bad/lcs-wrong-published.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(lcs, filepath.Base(f)), b, 0o644))
	}
	stdout, stderr, code = runCLI("solve", "examples/lcs.dp", "-instances", lcs)
	assert.Equal(t, 1, code, stderr)
	got = lines(stdout)
	require.Len(t, got, 2)
	assert.Equal(t, "clrs-15.8", got[0].Instance)
	assert.Equal(t, "ok", got[0].Status)
	assert.Equal(t, "mismatch", got[1].Status)
	assert.Contains(t, got[1].Error, "the answer 4 differs from the published")

	for _, tt := range []struct{ path, want string }{
		{"no-such-dir", "dp2nn: solve: -instances: stat no-such-dir: no such file or directory\n"},
		{"testdata/lowdim/f3_l-d_kp_4_20.txt", "want a directory of instance files or a JSON-lines file"},
	} {
		stdout, stderr, code := runCLI("solve", "examples/knapsack_int.dp", "-instances", tt.path)
		assert.Equal(t, 2, code)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, tt.want)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// A verify run says how many cases it checked; one that checked nothing
// has failed (exit 1) and says why; -random 0 is bad input (exit 2).
func TestVerifyCheckedNothing(t *testing.T) {
	chdirRepo(t)
	empty := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(empty, "README.md"), []byte("no instances"), 0o644))
	model := filepath.Join(t.TempDir(), "k.onnx")
	_, stderr, code := runCLI("compile", "examples/knapsack.dp", "-set", "pmax=6", "-o", model)
	require.Equal(t, 0, code, stderr)
	for _, tt := range []struct {
		args   []string
		code   int
		stdout string // in the report
		stderr string
	}{
		{[]string{"verify", "examples/knapsack.dp", "-set", "pmax=10", "-instances", "testdata/lowdim"}, 1,
			"0 cases checked, 9 skipped, 0 mismatches\n", "dp2nn: verify: nothing was checked: all 9 instance files were skipped (the report says why)\n"},
		{[]string{"verify", "examples/knapsack.dp", "-set", "pmax=10", "-instances", "testdata/lowdim", "-random", "3"}, 1,
			"3 cases checked, 9 skipped, 0 mismatches\n", "dp2nn: verify: nothing of testdata/lowdim was checked: all 9 instance files were skipped (the report says why)\n"},
		{[]string{"verify", model, "-instances", "testdata/lowdim"}, 1,
			"0 cases checked, 9 skipped, 0 mismatches\n", "dp2nn: verify: nothing was checked: all 9 instance files were skipped (the report says why)\n"},
		{[]string{"verify", "examples/knapsack.dp", "-instances", empty}, 1,
			"", "dp2nn: verify: nothing was checked: " + empty + " has no instance files (*.txt, *.json)\n"},
		{[]string{"verify", model, "-instances", empty}, 1,
			"", "dp2nn: verify: nothing was checked: " + empty + " has no instance files (*.txt, *.json)\n"},
		{[]string{"verify", model, "-random", "0"}, 2,
			"", "dp2nn: verify: -random must be between 1 and 10000000, got 0 (a check of no instance checks nothing)\n"},
		{[]string{"verify", "examples/knapsack.dp", "-set", "pmax=6", "-random", "4"}, 0, "4 cases checked, 0 mismatches\n", ""},
		{[]string{"verify", model, "-random", "4"}, 0, "4 cases checked, 0 mismatches\n", ""},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := runCLI(tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Equal(t, tt.stderr, stderr)
			assert.True(t, strings.HasSuffix(stdout, tt.stdout), stdout)
		})
	}
	// The JSON report has the count and the tolerance of every row.
	stdout, _, code := runCLI("verify", "examples/knapsack.dp", "-set", "pmax=10", "-instances", "testdata/lowdim", "-json")
	assert.Equal(t, 1, code)
	var rep verify.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Zero(t, rep.Cases)
	assert.Equal(t, 9, rep.Skipped)
	stdout, _, code = runCLI("verify", "examples/knapsack.dp", "-set", "pmax=6", "-random", "4", "-json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 4, rep.Cases)
	assert.Contains(t, rep.Rows[0].Tolerance, "float64")
	assert.Contains(t, rep.Rows[0].Tolerance, "float32")
	stdout, _, code = runCLI("verify", "examples/topk.dp", "-set", "k=2", "-scheme", "smooth", "-random", "3", "-json")
	require.Equal(t, 0, code)
	var sc verify.SmoothCheck
	require.NoError(t, json.Unmarshal([]byte(stdout), &sc))
	assert.Equal(t, 3, sc.Cases)
	assert.Equal(t, "1e-9", sc.ValueTol)
	assert.NotEmpty(t, sc.MarginalsTol)
}

// Every error of a program is listed, one per line, none dropped.
func TestEveryErrorListed(t *testing.T) {
	chdirRepo(t)
	stdout, stderr, code := runCLI("check", "testdata/bad/twelve_errors.dp")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, lines, 12)
	for i, l := range lines {
		assert.Regexp(t, fmt.Sprintf(`^testdata/bad/twelve_errors\.dp:%d:\d+: undeclared name t%d$`, 4+2*i, i+1), l)
	}
	assert.NotContains(t, stderr, "more error")
}

// Messages about output files name the file the user gave, never the
// temporary file written beside it.
func TestOutputErrorsNameTheUsersFile(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-dir")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"compile", "examples/knapsack.dp", "-o", filepath.Join(missing, "k.onnx")}, "dp2nn: export: cannot write " + filepath.Join(missing, "k.onnx") + ": no such file or directory\n"},
		{[]string{"compile", "examples/knapsack.dp", "-o", dir}, "dp2nn: export: cannot write " + dir + ": it is a directory\n"},
		{[]string{"widths", "examples/knapsack.dp", "-sweep", "pmax=2..3", "-plot", filepath.Join(missing, "w.png")}, "dp2nn: cannot write " + filepath.Join(missing, "w.png") + ": no such file or directory\n"},
		{[]string{"study", "fptas", "-o", filepath.Join(missing, "t.md")}, "dp2nn: study: cannot write " + filepath.Join(missing, "t.md") + ": no such file or directory\n"},
	} {
		stdout, stderr, code := runCLI(tt.args...)
		assert.Equal(t, 2, code)
		assert.Equal(t, tt.want, stderr)
		assert.NotContains(t, stderr, ".tmp")
		if tt.args[0] != "widths" {
			assert.Empty(t, stdout)
		}
	}
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary file left behind")
}

// A build or a count that takes a while says so on stderr, and how long it
// took; stdout is unchanged.
func TestElapsedProgress(t *testing.T) {
	chdirRepo(t)
	t.Setenv(progress.DelayEnv, "0s")
	stdout, stderr, code := runCLI("widths", "examples/knapsack.dp", "-set", "pmax=200")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "widths [400 19900 200]")
	assert.Contains(t, stderr, "widths: counting the network before building it (compile's cost model): done, ")
	assert.Contains(t, stderr, "widths: building the network (20500 hidden neurons): done, ")

	_, stderr, code = runCLI("widths", "examples/knapsack.dp", "-set", "pmax=200", "-quiet")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)

	out := filepath.Join(t.TempDir(), "k.onnx")
	_, stderr, code = runCLI("compile", "examples/knapsack.dp", "-set", "pmax=200", "-o", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "compile: building the network (20500 hidden neurons): done, ")
	assert.Contains(t, stderr, "compile: writing "+out+": done, ")
	_, stderr, code = runCLI("compile", "examples/knapsack.dp", "-set", "pmax=200", "-o", out, "-quiet")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
}
