package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/study"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// chdirRepo runs the command from the repository root, so that paths in the
// output read as a user would type them.
func chdirRepo(t *testing.T) {
	t.Helper()
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	t.Chdir(root)
}

func runCLI(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"help", []string{"help"}},
		{"help_widths", []string{"help", "widths"}},
		{"check_knapsack", []string{"check", "examples/knapsack.dp"}},
		{"widths_knapsack_10", []string{"widths", "examples/knapsack.dp", "-set", "pmax=10"}},
		{"widths_knapsack_10_json", []string{"widths", "examples/knapsack.dp", "-set", "pmax=10", "-json"}},
		{"widths_knapsack_unrolled", []string{"widths", "-form", "unrolled", "-steps", "3", "examples/knapsack.dp", "-set", "pmax=4"}},
		{"widths_subsetsum", []string{"widths", "examples/subsetsum.dp", "-set", "capacity=6"}},
		{"widths_change", []string{"widths", "examples/change.dp", "-set", "amax=5"}},
		{"solve_f3", []string{"solve", "examples/knapsack.dp", "-instance", "testdata/lowdim/f3_l-d_kp_4_20.txt"}},
		{"solve_f3_float32_json", []string{"solve", "examples/knapsack.dp", "-instance", "testdata/lowdim/f3_l-d_kp_4_20.txt", "-dtype", "float32", "-json"}},
		{"solve_mincount_state", []string{"solve", "testdata/programs/mincount.dp", "-set", "amax=9", "-instance", "cmd/dp2nn/testdata/data/mincount5.json"}},
		{"solve_int_f4", []string{"solve", "examples/knapsack_int.dp", "-instance", "testdata/lowdim/f4_l-d_kp_4_11.txt", "-dtype", "float32"}},
		{"verify_random", []string{"verify", "examples/knapsack.dp", "-set", "pmax=6", "-random", "50", "-seed", "3"}},
		{"widths_fptas", []string{"widths", "examples/knapsack.dp", "-scheme", "fptas", "-P", "3"}},
		{"widths_fptas_eps_json", []string{"widths", "examples/knapsack.dp", "-scheme", "fptas", "-eps", "0.5", "-n", "4", "-json"}},
		{"solve_fptas_f1", []string{"solve", "examples/knapsack.dp", "-scheme", "fptas", "-P", "50", "-instance", "testdata/lowdim/f1_l-d_kp_10_269.txt"}},
		{"verify_fptas_lowdim", []string{"verify", "examples/knapsack.dp", "-scheme", "fptas", "-P", "30", "-instances", "testdata/lowdim", "-dtype", "float64"}},
		{"solve_smooth_knapsack", []string{"solve", "examples/knapsack_value.dp", "-instance", "testdata/smooth/knapsack5.json", "-scheme", "smooth", "-reg", "gini", "-gamma", "2"}},
		{"solve_smooth_topk_json", []string{"solve", "examples/topk.dp", "-instance", "testdata/smooth/top2of5.json", "-scheme", "smooth", "-reg", "tsallis", "-gamma", "1", "-json"}},
		{"verify_smooth_topk", []string{"verify", "examples/topk.dp", "-set", "k=3", "-scheme", "smooth", "-reg", "shannon", "-gamma", "0.5", "-random", "30", "-steps", "6"}},
		// The smooth scheme of programs with data or a search (issue 14).
		{"solve_smooth_lcs", []string{"solve", "examples/lcs.dp", "-instance", "testdata/seq/clrs-15.4-1.json", "-scheme", "smooth", "-gamma", "0.5"}},
		{"solve_smooth_bellmanford_json", []string{"solve", "examples/bellmanford.dp", "-instance", "testdata/graphs/clrs-24.4.json", "-scheme", "smooth", "-reg", "gini", "-gamma", "1", "-json"}},
		{"solve_smooth_knapsack_search", []string{"solve", "examples/knapsack.dp", "-instance", "testdata/lowdim/f3_l-d_kp_4_20.txt", "-scheme", "smooth", "-reg", "tsallis", "-gamma", "0.5"}},
		{"verify_smooth_editdistance", []string{"verify", "testdata/programs/editdistance.dp", "-scheme", "smooth", "-reg", "tsallis", "-gamma", "0.5", "-random", "20", "-seed", "4"}},
		{"verify_smooth_apsp", []string{"verify", "examples/apsp.dp", "-set", "n=4", "-scheme", "smooth", "-reg", "gini", "-gamma", "1", "-random", "10"}},
		{"verify_subsetsum", []string{"verify", "examples/subsetsum.dp", "-set", "capacity=8", "-random", "50", "-steps", "6"}},
		{"help_study", []string{"help", "study"}},
		{"help_study_fptas", []string{"help", "study", "fptas"}},
		{"help_study_width", []string{"help", "study", "width"}},
		{"study_fptas_tiny", []string{"study", "fptas", "-families", "lowdim,subset-sum,uncorrelated", "-n", "6,12", "-P", "3,40,200", "-per", "3", "-seed", "5"}},
		{"study_fptas_tiny_json", []string{"study", "fptas", "-families", "strongly-correlated", "-n", "4", "-P", "20", "-per", "2", "-json"}},
		{"help_study_sensitivity", []string{"help", "study", "sensitivity"}},
		{"study_sensitivity_tiny", []string{"study", "sensitivity", "-families", "lowdim,uncorrelated,subset-sum,twin", "-n", "8", "-per", "1", "-eps", "0.5", "-P", "10", "-gamma", "1", "-samples", "4"}},
		// Programs with data (issue 7).
		{"help_solve", []string{"help", "solve"}},
		{"help_verify", []string{"help", "verify"}},
		{"check_bellmanford", []string{"check", "examples/bellmanford.dp"}},
		{"check_heldkarp", []string{"check", "examples/heldkarp.dp"}},
		{"check_csp", []string{"check", "examples/csp.dp"}},
		{"widths_lcs", []string{"widths", "examples/lcs.dp", "-set", "m=3,n=2"}},
		{"widths_bellmanford_json", []string{"widths", "examples/bellmanford.dp", "-set", "n=3", "-json"}},
		{"widths_apsp_unrolled", []string{"widths", "examples/apsp.dp", "-set", "n=3", "-form", "unrolled"}},
		{"widths_sweep_lcs", []string{"widths", "examples/lcs.dp", "-sweep", "m,n=2..9"}},
		{"widths_sweep_bellmanford", []string{"widths", "examples/bellmanford.dp", "-sweep", "n=2..12"}},
		{"widths_sweep_apsp_unrolled", []string{"widths", "examples/apsp.dp", "-sweep", "n=2..10", "-form", "unrolled"}},
		{"widths_sweep_csp_json", []string{"widths", "examples/csp.dp", "-sweep", "n,t=2..5", "-json"}},
		{"widths_sweep_heldkarp", []string{"widths", "examples/heldkarp.dp", "-sweep", "n=4..10"}},
		{"solve_lcs_clrs", []string{"solve", "examples/lcs.dp", "-instance", "testdata/seq/clrs-15.8.json", "-dtype", "float32"}},
		{"solve_bellmanford_clrs", []string{"solve", "examples/bellmanford.dp", "-instance", "testdata/graphs/clrs-24.4.json"}},
		{"solve_bellmanford_clrs_z_json", []string{"solve", "examples/bellmanford.dp", "-set", "s=5", "-instance", "testdata/graphs/clrs-24.4.json", "-json"}},
		{"solve_apsp_clrs", []string{"solve", "examples/apsp.dp", "-instance", "testdata/graphs/clrs-25.2.json"}},
		{"solve_csp4", []string{"solve", "examples/csp.dp", "-instance", "cmd/dp2nn/testdata/data/csp4.json"}},
		{"solve_csp4_fptas", []string{"solve", "examples/csp.dp", "-scheme", "fptas", "-P", "2", "-instance", "cmd/dp2nn/testdata/data/csp4.json", "-dtype", "float32"}},
		{"solve_heldkarp4_json", []string{"solve", "examples/heldkarp.dp", "-instance", "cmd/dp2nn/testdata/data/heldkarp4.json", "-json"}},
		{"verify_bellmanford_random", []string{"verify", "examples/bellmanford.dp", "-set", "n=4", "-random", "60", "-seed", "2"}},
		{"verify_heldkarp_unrolled_json", []string{"verify", "examples/heldkarp.dp", "-random", "20", "-form", "unrolled", "-json"}},
		{"verify_csp_fptas", []string{"verify", "examples/csp.dp", "-scheme", "fptas", "-P", "2", "-random", "40", "-dtype", "float32"}},
		// Base cases as branches of one if, admitted by the checker's
		// union of boxes (docs/dsl.md, Static conditions and sets).
		{"solve_gridpath_3x3", []string{"solve", "examples/gridpath.dp", "-instance", "testdata/branches/gridpath3x3.json"}},
		{"solve_smooth_editdist_kitten", []string{"solve", "examples/editdist.dp", "-instance", "testdata/branches/kitten-sitting.json", "-scheme", "smooth", "-reg", "tsallis", "-gamma", "0.5"}},
		{"verify_palindrome_random", []string{"verify", "examples/palindrome.dp", "-random", "40", "-seed", "2"}},
		{"verify_gridpath_or_random", []string{"verify", "testdata/programs/gridpath_or.dp", "-random", "40", "-seed", "2"}},
		{"solve_rodcut_clrs", []string{"solve", "examples/rodcut.dp", "-instance", "testdata/branches/clrs-15.1-rod.json"}},
	}
	chdirRepo(t)
	// A golden holds no progress: on a loaded machine a slow case would
	// print a progress line that a fast one does not.
	t.Setenv(progress.DelayEnv, "1h")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGolden(t, c.name, c.args, nil) })
	}
}

// checkGolden runs dp2nn with args and compares the command, its output
// and exit code, after scrub (when not nil) masks what changes from run
// to run, with testdata/golden/NAME.txt (rewritten with -update).
func checkGolden(t *testing.T, name string, args []string, scrub func(string) string) {
	t.Helper()
	stdout, stderr, code := runCLI(args...)
	got := fmt.Sprintf("$ dp2nn %s\n%s%s[exit %d]\n", strings.Join(args, " "), stdout, stderr, code)
	if scrub != nil {
		got = scrub(got)
	}
	golden := filepath.Join("cmd", "dp2nn", "testdata", "golden", name+".txt")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./cmd/dp2nn -update to create it")
	assert.Equal(t, string(want), got)
}

// The acceptance line: widths 20, 45, 10 and depth 4 for p* = 10.
func TestWidthsJSONForPaper(t *testing.T) {
	chdirRepo(t)
	stdout, stderr, code := runCLI("widths", "examples/knapsack.dp", "-set", "pmax=10", "-json")
	require.Equal(t, 0, code, stderr)
	var r study.WidthsReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	assert.Equal(t, 4, r.Depth)
	assert.Equal(t, []int{20, 45, 10}, r.Widths)
	require.NotNil(t, r.Paper)
	assert.True(t, r.Paper.Agree)
}

func TestBadInput(t *testing.T) {
	// The messages are compared whole: no progress lines of the slow
	// refusals (TestProgressAndQuiet and TestElapsedProgress check those).
	t.Setenv(progress.DelayEnv, "1h")
	bad := filepath.Join("testdata", "bad")
	data := filepath.Join("cmd", "dp2nn", "testdata", "data")
	tmp := t.TempDir()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"widths", "examples/knapsack.dp", "-bogus"}, "flag provided but not defined: -bogus"},
		{"missing file", []string{"check", "nope.dp"}, "cannot read program"},
		{"two files", []string{"check", "a.dp", "b.dp"}, "want one FILE.dp"},
		{"bad -set", []string{"widths", "examples/knapsack.dp", "-set", "pmax=ten"}, `"ten" is not an integer`},
		{"unknown param", []string{"widths", "examples/knapsack.dp", "-set", "qmax=3"}, "qmax"},
		{"DSL error", []string{"check", filepath.Join(bad, "undeclared.dp")}, "undeclared.dp:5:"},
		{"unknown scheme", []string{"widths", "examples/knapsack.dp", "-scheme", "fuzzy"}, `unknown scheme "fuzzy"`},
		{"unknown form", []string{"widths", "examples/knapsack.dp", "-form", "spiral"}, `unknown -form "spiral"`},
		{"unknown dtype", []string{"solve", "examples/knapsack.dp", "-instance", "testdata/lowdim/f3_l-d_kp_4_20.txt", "-dtype", "float16"}, `unknown -dtype "float16"`},
		{"no instance", []string{"solve", "examples/knapsack.dp"}, "missing -instance"},
		{"missing numbers", []string{"solve", "examples/knapsack.dp", "-instance", filepath.Join(bad, "missing.txt")}, "missing.txt:"},
		{"NaN", []string{"solve", "examples/knapsack.dp", "-instance", filepath.Join(bad, "nan.txt")}, "nan.txt:3"},
		{"zero size", []string{"solve", "examples/knapsack.dp", "-instance", filepath.Join(bad, "zerosize.txt")}, "zerosize.txt:2"},
		{"size above capacity", []string{"solve", "examples/knapsack.dp", "-instance", filepath.Join(bad, "oversize.txt")}, "oversize.txt:2"},
		{"non-integer profit", []string{"solve", "examples/knapsack.dp", "-instance", filepath.Join(bad, "fracprofit.txt")}, "fracprofit.txt:2"},
		{"profit above pmax", []string{"solve", "examples/knapsack.dp", "-set", "pmax=20", "-instance", filepath.Join(bad, "bigprofit.txt")}, "bigprofit.txt:3"},
		{"too large", []string{"solve", "examples/knapsack.dp", "-instance", "testdata/lowdim/f8_l-d_kp_23_10000.txt"}, "above -max-neurons"},
		{"verify nothing", []string{"verify", "examples/knapsack.dp"}, "nothing to verify"},
		{"verify bad dir", []string{"verify", "examples/knapsack.dp", "-instances", "no-such-dir"}, "no-such-dir"},
		{"fptas without P", []string{"widths", "examples/knapsack.dp", "-scheme", "fptas"}, "needs -P N or -eps E"},
		{"fptas P < 1", []string{"widths", "examples/knapsack.dp", "-scheme", "fptas", "-P", "-3"}, "-P must be at least 1"},
		{"fptas eps 0", []string{"solve", "examples/knapsack.dp", "-scheme", "fptas", "-eps", "1", "-instance", "testdata/lowdim/f3_l-d_kp_4_20.txt"}, "strictly between 0 and 1"},
		{"fptas eps without n", []string{"widths", "examples/knapsack.dp", "-scheme", "fptas", "-eps", "0.1"}, "give -n N"},
		{"P with exact", []string{"widths", "examples/knapsack.dp", "-P", "4"}, "widths: -P does not apply: -P is the table size of -scheme fptas"},
		{"fptas on subset sum", []string{"widths", "examples/subsetsum.dp", "-scheme", "fptas", "-P", "4"}, "lower end of its range"},
		{"fptas float32 too large", []string{"solve", "examples/knapsack.dp", "-scheme", "fptas", "-P", "1000", "-dtype", "float32", "-instance", "testdata/lowdim/f8_l-d_kp_23_10000.txt"}, "above 2^24"},
		{"smooth gamma 0", []string{"solve", "examples/topk.dp", "-instance", "testdata/smooth/top2of5.json", "-scheme", "smooth", "-gamma", "0"}, "-gamma must be a positive number"},
		{"smooth gamma NaN", []string{"solve", "examples/topk.dp", "-instance", "testdata/smooth/top2of5.json", "-scheme", "smooth", "-gamma", "NaN"}, "-gamma must be a positive number"},
		{"smooth gamma overflows a graph", []string{"solve", "testdata/programs/dtw.dp", "-instance", "testdata/smooth/dtw3x4.json", "-scheme", "smooth", "-gamma", "1e308"}, "too large for this graph"},
		{"smooth gamma overflows a graph verify", []string{"verify", "testdata/programs/dtw.dp", "-scheme", "smooth", "-reg", "gini", "-gamma", "1e308", "-random", "2"}, "could overflow float64"},
		{"smooth gamma overflows a graph compile", []string{"compile", "testdata/programs/dtw.dp", "-instance", "testdata/smooth/dtw3x4.json", "-scheme", "smooth", "-gamma", "1e308", "-o", filepath.Join(tmp, "dtw.onnx")}, "too large for this graph"},
		{"smooth gamma overflows the network", []string{"solve", "examples/topk.dp", "-instance", "testdata/smooth/top2of5.json", "-scheme", "smooth", "-gamma", "1e308"}, "its values overflow float64"},
		{"smooth unknown reg", []string{"solve", "examples/topk.dp", "-instance", "testdata/smooth/top2of5.json", "-scheme", "smooth", "-reg", "renyi"}, `unknown regulariser "renyi"`},
		{"smooth top-k with k > n", []string{"solve", "examples/topk.dp", "-set", "k=7", "-instance", filepath.Join(data, "top5.json"), "-scheme", "smooth"}, "no feasible choice"},
		{"smooth plot of a smooth network", []string{"solve", "examples/topk.dp", "-instance", "testdata/smooth/top2of5.json", "-scheme", "smooth", "-plot", filepath.Join(tmp, "topk.png")}, "prints its marginals as text"},
		{"plot without smooth", []string{"solve", "examples/lcs.dp", "-instance", "testdata/seq/clrs-15.8.json", "-plot", filepath.Join(tmp, "lcs.png")}, "-plot does not apply"},
		{"unrolled without steps", []string{"widths", "examples/knapsack.dp", "-form", "unrolled"}, "-steps"},
		{"study without a name", []string{"study"}, "want 'dp2nn study NAME [flags]' with NAME one of fptas"},
		{"study unknown", []string{"study", "bogus"}, `unknown study "bogus"`},
		{"study flags before the name", []string{"study", "-n", "3", "fptas"}, `unknown study "-n"`},
		{"study fptas extra argument", []string{"study", "fptas", "extra"}, `takes no arguments besides flags, got "extra"`},
		{"study unknown family", []string{"study", "fptas", "-families", "uncorrelated,bogus"}, `unknown family "bogus"`},
		{"study P < 1", []string{"study", "fptas", "-P", "5,0"}, "P must be at least 1, got 0"},
		{"study n < 1", []string{"study", "fptas", "-n", "-3"}, "n must be at least 1, got -3"},
		{"study n not a number", []string{"study", "fptas", "-n", "10,x"}, `-n: "x" is not an integer`},
		{"study per 0", []string{"study", "fptas", "-per", "0"}, "-per must be between 1"},
		{"study P too large", []string{"study", "fptas", "-families", "subset-sum", "-n", "3", "-P", "5000", "-per", "1"}, "at most 4096"},
		{"study unwritable -o", []string{"study", "fptas", "-o", filepath.Join("no-such-dir", "t.md")}, "cannot write no-such-dir"},
		{"study unwritable -plot", []string{"study", "fptas", "-plot", filepath.Join("no-such-dir", "s.png")}, "cannot write no-such-dir"},
		{"study -o is a directory", []string{"study", "fptas", "-o", "docs"}, "it is a directory"},
		{"study missing lowdim", []string{"study", "fptas", "-lowdim", "no-such-dir"}, "no-such-dir"},
		// Programs with data (issue 7).
		{"negative cycle", []string{"solve", "examples/bellmanford.dp", "-instance", "testdata/graphs/clrs-24.4-negative-cycle.json"},
			"dp2nn: testdata/graphs/clrs-24.4-negative-cycle.json: a negative cycle is reachable from the source: the network's step 5 (one more than the 4 of the steps line) changes d[3] from 4 to 2; the exact interpreter agrees (examples/bellmanford.dp:16:1)\n"},
		{"negative cycle all pairs", []string{"solve", "examples/apsp.dp", "-instance", "testdata/graphs/clrs-24.4-negative-cycle.json", "-dtype", "float32"},
			"dp2nn: testdata/graphs/clrs-24.4-negative-cycle.json: the graph has a negative cycle: the network's step 4 (one more than the 3 of the steps line) changes d[1, 1] from 0 to -2; the exact interpreter agrees (examples/apsp.dp:17:1)\n"},
		{"no tour", []string{"solve", "examples/heldkarp.dp", "-instance", filepath.Join(data, "heldkarp4_notour.json")},
			"dp2nn: " + filepath.Join(data, "heldkarp4_notour.json") + ": no answer: answer min(v in 1..n - 1: f[{1..n - 1}, v] + c[v, 0]) is inf: no tour visits every city; the exact interpreter agrees\n"},
		{"no feasible path", []string{"solve", "examples/csp.dp", "-instance", filepath.Join(data, "csp4_infeasible.json")},
			"dp2nn: " + filepath.Join(data, "csp4_infeasible.json") + ": no answer: answer min c where f[c, t] <= R is none: no walk from s to t has resource at most R; the exact interpreter agrees\n"},
		{"no feasible path fptas", []string{"solve", "examples/csp.dp", "-scheme", "fptas", "-P", "2", "-instance", filepath.Join(data, "csp4_infeasible.json")},
			"dp2nn: " + filepath.Join(data, "csp4_infeasible.json") + ": no answer: answer min c where f[c, t] <= R is none: no walk from s to t has resource at most R; the exact interpreter agrees\n"},
		{"symbol outside alphabet", []string{"solve", "examples/lcs.dp", "-instance", filepath.Join(data, "lcs_symbol.json")},
			filepath.Join(data, "lcs_symbol.json") + ": data x[2] = 3 is outside 1..2\n"},
		{"data out of range", []string{"solve", "examples/apsp.dp", "-instance", filepath.Join(data, "apsp_range.json")},
			filepath.Join(data, "apsp_range.json") + ": data c[2, 1] = 7 is outside -5..5\n"},
		{"data of the wrong shape", []string{"solve", "examples/bellmanford.dp", "-instance", filepath.Join(data, "bellmanford_shape.json")},
			filepath.Join(data, "bellmanford_shape.json") + ": data c is a 3×2 array, want a 3×3 array (c[u in 1..3, v in 1..3])\n"},
		{"data for another program", []string{"solve", "examples/lcs.dp", "-instance", filepath.Join(data, "heldkarp4.json")}, "missing data x"},
		{"held-karp too large", []string{"solve", "examples/heldkarp.dp", "-instance", "testdata/graphs/br17.atsp"},
			"dp2nn: solve: examples/heldkarp.dp with n=17 cmax=74: hidden neurons would be more than 2,000,000, above -max-neurons 2000000 (raise the limit or set smaller params)\n"},
		{"held-karp above a smaller budget", []string{"solve", "examples/heldkarp.dp", "-max-neurons", "2", "-instance", filepath.Join(data, "heldkarp4.json")}, "above -max-neurons 2 "},
		{"rcsp too large", []string{"solve", "examples/csp.dp", "-instance", "testdata/graphs/rcsp1.txt"}, "hidden neurons would be more than 2,000,000, above -max-neurons 2000000"},
		{"source not a vertex", []string{"solve", "examples/bellmanford.dp", "-set", "s=9", "-instance", "testdata/graphs/clrs-24.4.json"}, "source 9 (from -set s) is not a vertex: the graph has 5"},
		{"smooth plot of no block", []string{"solve", "examples/lcs.dp", "-scheme", "smooth", "-instance", "testdata/seq/clrs-15.8.json", "-plot", filepath.Join(tmp, "lcs.png"), "-plot-block", "g"}, `no block of marginals "g" (it has [f])`},
		{"smooth plot unwritable", []string{"solve", "examples/lcs.dp", "-scheme", "smooth", "-instance", "testdata/seq/clrs-15.8.json", "-plot", filepath.Join(tmp, "no-dir", "lcs.png")}, "no-dir"},
		{"smooth negative cycle", []string{"solve", "examples/bellmanford.dp", "-scheme", "smooth", "-instance", "testdata/graphs/clrs-24.4-negative-cycle.json"}, "a negative cycle is reachable from the source"},
		{"smooth plot in a batch", []string{"solve", "examples/lcs.dp", "-scheme", "smooth", "-instances", "testdata/seq", "-plot", filepath.Join(tmp, "lcs.png")}, "-plot does not apply"},
		{"verify data -instances", []string{"verify", "examples/lcs.dp", "-instances", "testdata/seq"}, "-instances is for programs with per-step inputs"},
		{"verify data too large", []string{"verify", "examples/heldkarp.dp", "-set", "n=18", "-random", "1"}, "above -max-neurons 2000000"},
		{"verify data unknown form", []string{"verify", "examples/lcs.dp", "-random", "1", "-form", "spiral"}, `unknown -form "spiral"`},
		{"verify -form for knapsack", []string{"verify", "examples/knapsack.dp", "-random", "1", "-form", "unrolled"}, "verify: -form does not apply: -form picks the form of a program with data"},
		{"widths sweep too large", []string{"widths", "examples/heldkarp.dp", "-sweep", "n=15..18"}, "widths -sweep n=15: examples/heldkarp.dp with n=15 cmax=100: hidden neurons would be more than 2,000,000"},
		{"widths data sweep with steps", []string{"widths", "examples/lcs.dp", "-sweep", "n=2..4", "-steps", "3"}, "widths: -steps does not apply"},
		{"widths csp sweep without t", []string{"widths", "examples/csp.dp", "-sweep", "n=2..4"}, "csp.dp:27:25: read f[c, t] can reach index 5"},
		{"compile data too large", []string{"compile", "examples/heldkarp.dp", "-set", "n=18", "-o", filepath.Join(tmp, "hk.onnx")}, "above -max-neurons 2000000"},
		{"compile smooth data without instance", []string{"compile", "examples/lcs.dp", "-scheme", "smooth", "-steps", "3", "-o", filepath.Join(tmp, "lcs.onnx")}, "-scheme smooth of examples/lcs.dp needs -instance F"},
		{"compile smooth data with steps", []string{"compile", "examples/lcs.dp", "-scheme", "smooth", "-instance", "testdata/seq/clrs-15.8.json", "-steps", "3", "-o", filepath.Join(tmp, "lcs.onnx")}, "-steps does not apply"},
		{"compile smooth data decode", []string{"compile", "examples/lcs.dp", "-scheme", "smooth", "-instance", "testdata/seq/clrs-15.8.json", "-decode", "-o", filepath.Join(tmp, "lcs.onnx")}, "-decode does not apply"},
		{"compile data wrong steps", []string{"compile", "examples/lcs.dp", "-form", "unrolled", "-steps", "3", "-o", filepath.Join(tmp, "lcs.onnx")}, "lcs runs 11 steps (its steps line); -steps 3 does not apply"},
		// adv3: -set against the instance (D8), given twice (M6), a JSON key given twice (M6).
		{"-set contradicts the instance", []string{"solve", "examples/knapsack_int.dp", "-instance", "testdata/lowdim/f1_l-d_kp_10_269.txt", "-set", "capacity=300"},
			"examples/knapsack_int.dp: -set capacity=300 contradicts the instance testdata/lowdim/f1_l-d_kp_10_269.txt, which gives capacity = 269; drop -set capacity or use another instance\n"},
		{"-set contradicts an instance of verify", []string{"verify", "examples/knapsack_int.dp", "-instances", "testdata/lowdim", "-set", "capacity=300"}, "-set capacity=300 contradicts the instance testdata/lowdim/"},
		{"-set twice", []string{"widths", "examples/knapsack.dp", "-set", "pmax=6", "-set", "pmax=5"}, "pmax is set twice (pmax=6 and pmax=5): give it once"},
		{"-max-neurons 0", []string{"widths", "examples/knapsack.dp", "-max-neurons", "0"}, `invalid value "0" for flag -max-neurons: want at least 1, got 0`},
		{"-max-neurons -1", []string{"solve", "examples/knapsack.dp", "-instance", "testdata/lowdim/f3_l-d_kp_4_20.txt", "-max-neurons", "-1"}, `invalid value "-1" for flag -max-neurons: want at least 1, got -1`},
		{"JSON key twice", []string{"solve", "examples/change.dp", "-instance", filepath.Join("instance", "testdata", "bad", "dup_step_key.json")}, `dup_step_key.json:3:26: key "price" appears twice in the same object (first at 3:14); give it once`},
		{"study program not fptas", []string{"study", "fptas", "-program", "examples/subsetsum.dp", "-families", "subset-sum", "-n", "3", "-P", "5", "-per", "1"}, "lower end of its range"},
	}
	chdirRepo(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(c.args...)
			assert.Equal(t, 2, code, "stdout %q stderr %q", stdout, stderr)
			if strings.HasSuffix(c.want, "\n") {
				assert.Equal(t, c.want, stderr, "the whole message")
			} else {
				assert.Contains(t, stderr, c.want)
			}
			assert.NotContains(t, stderr, "goroutine", "no stack trace")
			assert.Empty(t, stdout, "no partial output")
		})
	}
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "no output file written on bad input")
}

// A study whose -plot cannot be written fails before it runs and leaves
// no -o file behind, nor any temporary file.
func TestStudyBadOutputLeavesNoFile(t *testing.T) {
	chdirRepo(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "table.md")
	stdout, stderr, code := runCLI("study", "fptas", "-families", "subset-sum", "-n", "3", "-P", "5", "-per", "1",
		"-o", out, "-plot", filepath.Join(dir, "missing", "plot.png"))
	assert.Equal(t, 2, code, "stderr %q", stderr)
	assert.Contains(t, stderr, "cannot write")
	assert.Empty(t, stdout)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left, "no partial files")

	// With both paths writable, both files appear and nothing else.
	plot := filepath.Join(dir, "plot.png")
	_, stderr, code = runCLI("study", "fptas", "-families", "subset-sum", "-n", "3", "-P", "5", "-per", "1", "-o", out, "-plot", plot)
	require.Equal(t, 0, code, stderr)
	left, err = os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"table.md", "plot.png"}, names)
	md, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(md), "| subset-sum | 3 | 5 | 60 | 1 |")
	png, err := os.ReadFile(plot)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")), "a PNG file")
}
