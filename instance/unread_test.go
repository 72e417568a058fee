package instance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
)

// TestParamsUnread: a file that names its params and step values (the
// generic JSON form) may name only what the program reads; a misspelt
// or extra name is refused, naming it, the file and what the program
// reads. Formats that fix their own names (knapsack text and items,
// converted files) give values a program may leave unread.
func TestParamsUnread(t *testing.T) {
	for _, tc := range []struct {
		program, file string
		err           string // "" when accepted
	}{
		{"examples/lcs.dp", "testdata/unread/lcs_param_typo.json",
			`testdata/unread/lcs_param_typo.json: "params" gives nn, which lcs does not declare (its params: m, n, a)`},
		{"examples/csp.dp", "testdata/unread/csp_extra_params.json",
			"testdata/unread/csp_extra_params.json: \"params\" gives R, which csp does not declare (its params: n, s, t, lmax, rmax, cmax)\n" +
				`testdata/unread/csp_extra_params.json: "params" gives source, which csp does not declare (its params: n, s, t, lmax, rmax, cmax)`},
		{"examples/change.dp", "testdata/unread/change_step_typo.json",
			"testdata/unread/change_step_typo.json: step 2: coins is not an input of change (its inputs: coin)"},
		{"examples/knapsack_value.dp", "testdata/unread/knapsack_value_extra.json",
			"testdata/unread/knapsack_value_extra.json: \"params\" gives gamma, which knapsack_value does not declare (its params: C)\n" +
				"testdata/unread/knapsack_value_extra.json: step 1: profit is not an input of knapsack_value (its inputs: weight, theta)"},
		// Steps in the instance of a program with a steps line: Bind's
		// message, not a list of unread values.
		{"examples/lcs.dp", "testdata/unread/lcs_steps.json", ""},
		{"examples/change.dp", "testdata/good/change.json", ""},
		// The instance of another program: BindData names the data it
		// lacks and the data it should not have.
		{"examples/lcs.dp", "../cmd/dp2nn/testdata/data/heldkarp4.json", ""},
		{"examples/knapsack.dp", "testdata/good/f4.json", ""},                   // items: weight unread
		{"examples/knapsack.dp", "../testdata/lowdim/f1_l-d_kp_10_269.txt", ""}, // text: weight, capacity, n unread
		{"examples/bellmanford.dp", "../testdata/graphs/clrs-24.4.json", ""},    // a graph file
		{"examples/lcs.dp", "../cmd/dp2nn/testdata/data/lcs_symbol.json", ""},   // every name read
		{"examples/knapsack_value.dp", "../testdata/smooth/knapsack5.json", ""}, // every name read
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := parseProgram(t, tc.program)
			var inst *instance.Instance
			if f.StepCount != nil { // a program with data reads converted files too
				df, err := instance.ReadDataFile(tc.file, -1)
				require.NoError(t, err)
				inst = df.Inst
			} else {
				inst = readInstance(t, tc.file)
			}
			_, _, err := instance.Params(f, inst, nil)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tc.err)
		})
	}
}

func TestCheckSet(t *testing.T) {
	inst := readInstance(t, "testdata/good/change.json") // amax 10, K 100
	assert.NoError(t, instance.CheckSet(inst, map[string]int64{"amax": 10, "other": 3}))
	assert.EqualError(t, instance.CheckSet(inst, map[string]int64{"amax": 10, "K": 50}),
		"-set K=50 contradicts the instance testdata/good/change.json, which gives K = 100; drop -set K or use another instance")
}
