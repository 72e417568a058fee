package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/study"
)

// Bad input to "dp2nn study sensitivity": one clear line, exit 2, no
// output on stdout and no file written.
func TestStudySensitivityBadInput(t *testing.T) {
	chdirRepo(t)
	t.Setenv(progress.DelayEnv, "1h")
	dir := t.TempDir()
	// An instance in which no item fits: nothing to delete.
	none := filepath.Join(dir, "none")
	require.NoError(t, os.Mkdir(none, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(none, "heavy.txt"), []byte("2\n5 9\n4 8\n3\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(none, "optima.txt"), []byte("heavy 0\n"), 0o644))
	// An instance with no items at all.
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(empty, "e.txt"), []byte("0\n5\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(empty, "optima.txt"), []byte("e 0\n"), 0o644))
	out := filepath.Join(dir, "t.md")
	tiny := []string{"study", "sensitivity", "-families", "uncorrelated", "-n", "5", "-per", "1", "-P", "5", "-gamma", "1", "-samples", "2", "-o", out}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-eps", "0"}, "study: -eps: ε = 0 must be in (0, 1): the algorithms' value is at least (1 − ε)·OPT"},
		{[]string{"-eps", "1"}, "study: -eps: ε = 1 must be in (0, 1)"},
		{[]string{"-eps", "0.2,-0.1"}, "study: -eps: ε = -0.1 must be in (0, 1)"},
		{[]string{"-eps", "NaN"}, `study: -eps: "NaN" is not a number`},
		{[]string{"-eps", "x"}, `study: -eps: "x" is not a number`},
		{[]string{"-eps", "0.5,0.5"}, "study: -eps: 0.5 is listed twice"},
		{[]string{"-gamma", "0"}, "study: -gamma: γ = 0 must be a finite temperature > 0"},
		{[]string{"-gamma", "-2"}, "study: -gamma: γ = -2 must be a finite temperature > 0"},
		{[]string{"-gamma", "Inf"}, "study: -gamma: γ = Inf must be a finite temperature > 0"},
		{[]string{"-gamma", "nan"}, `study: -gamma: "nan" is not a number`},
		{[]string{"-samples", "1"}, "study: -samples must be between 2 and 10000 (a confidence interval needs 2), got 1"},
		{[]string{"-n", "0"}, "study: -n: n must be at least 1, got 0"},
		{[]string{"-families", "bogus"}, `study: -families: unknown family "bogus"`},
		{[]string{"-lowdim", "testdata/lowdim"}, "study sensitivity: -lowdim does not apply: -lowdim is the directory of the family lowdim, which -families leaves out"},
		{[]string{"-families", "twin", "-per", "1"}, "study sensitivity: -per does not apply: -per counts the instances of the generated families; -families has no generated family"},
		{[]string{"-families", "lowdim", "-lowdim", none, "-per", "1", "-n", "5"}, "study sensitivity: -n does not apply: -n sizes the generated and twin families; -families has only lowdim"},
		{[]string{"-families", "lowdim", "-lowdim", none}, "study: heavy: no item fits into the knapsack, so there is no item to delete"},
		{[]string{"-families", "lowdim", "-lowdim", empty}, "study: e: no item fits into the knapsack, so there is no item to delete"},
		{[]string{"-instances", "testdata/large", "-n", "5"}, "study sensitivity: -n does not apply: -n sizes the generated and twin families; -instances without -random studies its files alone"},
		{[]string{"-instances", "testdata/large", "-per", "2"}, "study sensitivity: -per does not apply: -per counts the instances of the generated families; -instances without -random studies its files alone"},
		{[]string{"-instances", "testdata/large", "-families", "twin"}, "study sensitivity: -families does not apply: -instances without -random studies its files alone (add -random for generated families)"},
		{[]string{"-instances", "testdata/large", "-lowdim", "testdata/lowdim"}, "study sensitivity: -lowdim and -instances both name a directory of instance files; give -instances DIR alone"},
		{[]string{"-instances", ""}, "study sensitivity: -instances needs a directory"},
		{[]string{"-instances", filepath.Join(dir, "missing")}, "study: -instances: open " + filepath.Join(dir, "missing")},
		{[]string{"-instances", empty}, "study: " + filepath.Join(empty, "e.txt") + ":1:1: n must be a positive integer, got 0"},
		{[]string{"-instances", none}, "study: " + filepath.Join(none, "heavy.txt") + ":2:3: item 1: weight 9 is above the capacity 3"},
		{[]string{"-random", "-families", "lowdim,twin"}, "study sensitivity: -families: lowdim is a directory of files, not a generated family of -random: give -instances DIR"},
		{[]string{"-random", "-lowdim", "testdata/lowdim"}, "study sensitivity: -lowdim does not apply: -lowdim is the directory of the family lowdim, which -families leaves out"},
		{[]string{"stray"}, `study sensitivity: takes no arguments besides flags, got "stray"`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{}, tiny...)
			if tt.args[0] == "-families" || tt.args[0] == "-instances" || tt.args[0] == "-random" { // drop the generated-family flags
				args = []string{"study", "sensitivity", "-P", "5", "-gamma", "1", "-samples", "2", "-o", out}
			}
			stdout, stderr, code := runCLI(append(args, tt.args...)...)
			assert.Equal(t, 2, code, "stdout %q stderr %q", stdout, stderr)
			assert.Empty(t, stdout)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			require.NotEmpty(t, lines)
			assert.Equal(t, "dp2nn: "+tt.want, lines[0][:min(len(lines[0]), len("dp2nn: ")+len(tt.want))], stderr)
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err), "no output file on bad input")
		})
	}
}

// The study on the twin family: exact optimisation changes n items on
// average (the twin instance of n = 2m+1 items has sensitivity m), and the
// Kumabe–Yoshida rows meet their guarantee.
func TestStudySensitivityTwin(t *testing.T) {
	chdirRepo(t)
	stdout, stderr, code := runCLI("study", "sensitivity", "-families", "twin,subset-sum", "-n", "11,21", "-per", "1", "-eps", "0.5,0.2", "-P", "10", "-gamma", "1", "-samples", "4", "-json", "-quiet")
	require.Equal(t, 0, code, stderr)
	var rep study.SensitivityReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 0, rep.Violations)
	// every instance and each of its deletions, through the network of
	// P = 10: twin and subset-sum (every item fits), 11 and 21 items
	assert.Equal(t, 2*(12+22), rep.NetworkRuns)
	seen, simple := 0, 0
	for _, r := range rep.Rows {
		if r.Family == study.Twin && r.Algorithm == "exact DP" {
			assert.Equal(t, float64((r.N-1)/2), r.Sensitivity, "twin n = %d", r.N)
			seen++
		}
		if strings.HasPrefix(r.Algorithm, "Kumabe") {
			eps := 0.5
			if strings.HasSuffix(r.Algorithm, "0.2") {
				eps = 0.2
			}
			assert.GreaterOrEqual(t, r.Guarantee, 1-eps, r.Algorithm)
			assert.GreaterOrEqual(t, r.Recourse, 0.0)
		}
		if strings.HasPrefix(r.Algorithm, "KY simple") {
			// only on the simple (subset-sum) instances, within its bounds
			assert.Equal(t, "subset-sum", r.Family)
			eps := 0.5
			if strings.HasSuffix(r.Algorithm, "0.2") {
				eps = 0.2
			}
			assert.GreaterOrEqual(t, r.Worst, 1-eps, r.Algorithm)
			assert.Equal(t, 2+2/eps, r.Bound)
			assert.LessOrEqual(t, r.Max, r.Bound)
			simple++
		}
	}
	assert.Equal(t, 2, seen)
	assert.Equal(t, 4, simple, "KY simple rows: 2 ε × 2 n")
	assert.Equal(t, 0, rep.SimpleViolations)
}

// The command line: -instances DIR (its files, optima by the
// exact solver) with -random (the generated families), -eps and -gamma.
func TestStudySensitivityInstances(t *testing.T) {
	chdirRepo(t)
	stdout, stderr, code := runCLI("study", "sensitivity", "-instances", "testdata/large", "-random", "-families", "twin", "-n", "7",
		"-eps", "0.5", "-gamma", "1", "-samples", "2", "-P", "0", "-json", "-quiet")
	require.Equal(t, 0, code, stderr)
	var rep study.SensitivityReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, "testdata/large", rep.InstanceDir)
	assert.Equal(t, 3, rep.Instances, "two files and one twin instance")
	fams := map[string]int{}
	for _, r := range rep.Rows {
		fams[r.Family]++
		if r.Algorithm == "exact DP" {
			assert.Equal(t, 1.0, r.Ratio, r.Family)
			if r.Family == study.Twin {
				assert.Equal(t, 3.0, r.Sensitivity)
			}
		}
	}
	assert.Positive(t, fams[study.Files])
	assert.Positive(t, fams[study.Twin])
	assert.Len(t, fams, 2)
}

// -random alone: the default families without lowdim (the files of
// -lowdim, which -instances replaces).
func TestStudySensitivityRandom(t *testing.T) {
	chdirRepo(t)
	stdout, stderr, code := runCLI("study", "sensitivity", "-random", "-n", "5", "-per", "1", "-eps", "0.5", "-gamma", "1", "-samples", "2", "-P", "0", "-json", "-quiet")
	require.Equal(t, 0, code, stderr)
	var rep study.SensitivityReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, []string{"uncorrelated", "weakly-correlated", "strongly-correlated", "subset-sum", "twin"}, rep.Families)
	assert.Empty(t, rep.Lowdim)
	assert.Empty(t, rep.InstanceDir)
	for _, r := range rep.Rows {
		assert.NotEqual(t, study.Lowdim, r.Family)
	}
}
