package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/verify"
)

// The times of "dp2nn optimum" change from run to run; goldens mask them.
var (
	textTime = regexp.MustCompile(`[0-9]+\.[0-9]{3} ms`)
	jsonTime = regexp.MustCompile(`"time_ms":[0-9.e+-]+`)
)

func TestOptimumGolden(t *testing.T) {
	chdirRepo(t)
	t.Setenv(progress.DelayEnv, "1h")
	cases := []struct {
		name string
		args []string
	}{
		{"optimum_lowdim", []string{"optimum", "-instance", "testdata/lowdim"}},
		{"optimum_f8_proximity", []string{"optimum", "-instance", "testdata/lowdim/f8_l-d_kp_23_10000.txt", "-method", "proximity"}},
		{"optimum_json4_json", []string{"optimum", "-instance", "cmd/dp2nn/testdata/optimum/json4.json", "-json"}},
		{"optimum_dir_json_errors", []string{"optimum", "-instance", "cmd/dp2nn/testdata/optimum", "-method", "weight-dp", "-json"}},
		{"help_optimum", []string{"help", "optimum"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkGolden(t, c.name, c.args, func(got string) string {
				return jsonTime.ReplaceAllString(textTime.ReplaceAllString(got, "T ms"), `"time_ms":T`)
			})
		})
	}
}

// Every method gives the published optimum of every lowdim instance, with
// items of that value that fit.
func TestOptimumEveryMethod(t *testing.T) {
	chdirRepo(t)
	optima, err := instance.OptimaIn("testdata/lowdim")
	require.NoError(t, err)
	files, err := instance.Files("testdata/lowdim")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, method := range verify.OptimumMethods {
		stdout, stderr, code := runCLI("optimum", "-instance", "testdata/lowdim", "-method", method, "-json", "-quiet")
		require.Equal(t, 0, code, stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		require.Len(t, lines, len(files), method)
		for k, line := range lines {
			var r verify.OptimumReport
			require.NoError(t, json.Unmarshal([]byte(line), &r))
			want, ok := optima[r.Instance]
			require.True(t, ok, r.Instance)
			assert.Equal(t, want, r.Optimum, "%s by %s", r.Instance, method)
			if method != "auto" {
				assert.Equal(t, method, r.Method)
			}
			in, err := instance.ReadInstanceFile(files[k])
			require.NoError(t, err)
			profits, weights, capacity, err := verify.KnapsackData(in)
			require.NoError(t, err)
			var p, w int64
			for _, i := range r.Items {
				p, w = p+profits[i-1], w+weights[i-1]
			}
			assert.Equal(t, r.Optimum, p, "%s by %s: value of the items", r.Instance, method)
			assert.Equal(t, r.Weight, w)
			assert.LessOrEqual(t, w, capacity)
		}
	}
}

func TestOptimumBadInput(t *testing.T) {
	chdirRepo(t)
	t.Setenv(progress.DelayEnv, "1h")
	dir := filepath.Join("cmd", "dp2nn", "testdata", "optimum")
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no instance", []string{"optimum"}, "optimum: missing -instance FILE|DIR"},
		{"positional", []string{"optimum", "x.txt"}, `optimum: unexpected argument "x.txt"`},
		{"unknown method", []string{"optimum", "-instance", "testdata/lowdim", "-method", "dp"}, `optimum: unknown -method "dp"`},
		{"missing file", []string{"optimum", "-instance", "nope.txt"}, "optimum: -instance: stat nope.txt"},
		{"empty dir", []string{"optimum", "-instance", empty}, "optimum: no instance files"},
		{"fractional weight", []string{"optimum", "-instance", filepath.Join(dir, "fractional.txt")}, "fractional.txt:2: item 1: weight 2.5 is not an integer"},
		{"not knapsack", []string{"optimum", "-instance", filepath.Join(dir, "generic.json")}, "not a knapsack instance"},
		{"refused", []string{"optimum", "-instance", filepath.Join(dir, "huge.txt"), "-method", "weight-dp"}, "instance too large for this method: weight DP needs 3 items"},
		{"refused proximity", []string{"optimum", "-instance", filepath.Join(dir, "huge.txt"), "-method", "proximity"}, "instance too large for this method: proximity predicts"},
		{"bad flag", []string{"optimum", "-instance", "testdata/lowdim", "-n", "3"}, "optimum: flag provided but not defined: -n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(tt.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, "panic")
		})
	}
	// -h prints the usage, as "dp2nn help optimum" does.
	want, _, _ := runCLI("help", "optimum")
	stdout, _, code := runCLI("optimum", "-h")
	assert.Equal(t, 0, code)
	assert.Equal(t, want, stdout)
}
