package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A JSON instance that names a param or a step value the program does
// not read (a typo) is refused by every command that reads it: exit 2,
// a message naming the name, the file and what the program reads, and no
// output file.
func TestUnreadInstanceFields(t *testing.T) {
	chdirRepo(t)
	tmp := t.TempDir()
	const u = "instance/testdata/unread/"
	dir := filepath.Join(tmp, "dir")
	require.NoError(t, os.Mkdir(dir, 0o755))
	b, err := os.ReadFile(u + "change_step_typo.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "change.json"), b, 0o644))
	lcsParam := `"params" gives nn, which lcs does not declare (its params: m, n, a)`
	// The knapsack form names its own fields: a misspelt one is unknown.
	items := filepath.Join(tmp, "items.json")
	require.NoError(t, os.WriteFile(items, []byte(`{"capacity": 5, "items": [{"profit": 1, "weight": 2, "wieght": 3}]}`), 0o644))
	out := filepath.Join(tmp, "out.onnx")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"solve data", []string{"solve", "examples/lcs.dp", "-instance", u + "lcs_param_typo.json"}, u + "lcs_param_typo.json: " + lcsParam},
		{"solve csp", []string{"solve", "examples/csp.dp", "-instance", u + "csp_extra_params.json"}, u + `csp_extra_params.json: "params" gives source, which csp does not declare (its params: n, s, t, lmax, rmax, cmax)`},
		{"solve steps", []string{"solve", "examples/change.dp", "-instance", u + "change_step_typo.json"}, u + "change_step_typo.json: step 2: coins is not an input of change (its inputs: coin)"},
		{"solve smooth", []string{"solve", "examples/knapsack_value.dp", "-instance", u + "knapsack_value_extra.json", "-scheme", "smooth"}, "step 1: profit is not an input of knapsack_value (its inputs: weight, theta)"},
		{"verify instances", []string{"verify", "examples/change.dp", "-instances", dir}, "change.json: step 2: coins is not an input of change (its inputs: coin)"},
		{"compile smooth", []string{"compile", "examples/knapsack_value.dp", "-instance", u + "knapsack_value_extra.json", "-scheme", "smooth", "-o", out}, `"params" gives gamma, which knapsack_value does not declare (its params: C)`},
		{"optimum", []string{"optimum", "-instance", items}, items + `: unknown field "wieght"`},
		{"solve knapsack form", []string{"solve", "examples/knapsack.dp", "-instance", items}, items + `: unknown field "wieght"`},
		{"compile smooth graph", []string{"compile", "examples/lcs.dp", "-instance", u + "lcs_param_typo.json", "-scheme", "smooth", "-o", out}, lcsParam},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(tc.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Empty(t, stdout)
		})
	}
	// A batch reports the instance as bad input on its line.
	batch := filepath.Join(tmp, "b.jsonl")
	require.NoError(t, os.WriteFile(batch, []byte(`{"params": {"m": 1, "nn": 1, "a": 2}, "data": {"x": [1], "y": [2]}}`+"\n"), 0o644))
	stdout, stderr, code := runCLI("solve", "examples/lcs.dp", "-instances", batch, "-quiet")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stdout, `"status":"bad input"`)
	assert.Contains(t, stdout, `gives nn, which lcs does not declare (its params: m, n, a)`)
	_, err = os.Stat(out)
	assert.True(t, os.IsNotExist(err), "no output file written on bad input")
}
