package instance_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/diag"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/problems"
)

// errorMessages returns every message of err, one per error of a list.
func errorMessages(err error) []string {
	var list diag.ErrorList
	if errors.As(err, &list) {
		msgs := make([]string, len(list))
		for i, e := range list {
			msgs[i] = e.Error()
		}
		return msgs
	}
	return []string{err.Error()}
}

func TestReadInstanceBad(t *testing.T) {
	// Each file under testdata/bad and a substring of one of its errors,
	// position included.
	tests := map[string]string{
		"empty.txt":                 "bad/empty.txt: empty instance",
		"only_comment.txt":          "bad/only_comment.txt: empty instance",
		"missing_weight.txt":        "bad/missing_weight.txt:3: item 2: missing weight",
		"extra_number.txt":          "bad/extra_number.txt:2:6: item 1: extra number 9",
		"n_extra.txt":               "bad/n_extra.txt:1:3: extra number 20 after n",
		"n_mismatch.txt":            "bad/n_mismatch.txt:1:1: n mismatch: n = 3 but the file has 2 item lines",
		"n_mismatch_more.txt":       "bad/n_mismatch_more.txt:1:1: n mismatch: n = 1 but the file has 2 item lines",
		"n_not_integer.txt":         "bad/n_not_integer.txt:1:1: n must be a positive integer, got 2.5",
		"nan.txt":                   "bad/nan.txt:2:4: item 1: weight NaN is not a finite number",
		"inf.txt":                   "bad/inf.txt:2:1: item 1: profit Inf is not a finite number",
		"profit_fraction.txt":       "bad/profit_fraction.txt:3:1: item 2: profit 2.5 is not an integer",
		"profit_zero.txt":           "bad/profit_zero.txt:2:1: item 1: profit 0 is below 1",
		"profit_negative.txt":       "bad/profit_negative.txt:2:1: item 1: profit -5 is below 1",
		"weight_zero.txt":           "bad/weight_zero.txt:3:3: item 2: weight 0: size must be positive",
		"weight_negative.txt":       "bad/weight_negative.txt:2:4: item 1: weight -3: size must be positive",
		"weight_above_capacity.txt": "bad/weight_above_capacity.txt:3:3: item 2: weight 30 is above the capacity 20 (testdata/bad/weight_above_capacity.txt:4)",
		"capacity_zero.txt":         "bad/capacity_zero.txt:3:1: capacity 0 must be positive",
		"capacity_negative.txt":     "bad/capacity_negative.txt:3:1: capacity -1e3 must be positive",
		"capacity_extra.txt":        "bad/capacity_extra.txt:3:4: extra number kg after the capacity",
		"not_a_number.txt":          `bad/not_a_number.txt:2:1: item 1: profit "abc" is not a number`,
		"missing_capacity.txt":      "bad/missing_capacity.txt:1: missing capacity",
		"syntax.json":               "bad/syntax.json:3:28: JSON syntax error: invalid character",
		"truncated.json":            "bad/truncated.json:3:1: JSON syntax error: unexpected end of input",
		"trailing.json":             "bad/trailing.json:1:24: extra data after the instance object",
		"unknown_field.json":        `bad/unknown_field.json: unknown field "weights"`,
		"wrong_type.json":           "bad/wrong_type.json: items.profit: got true, want a number",
		"items_not_array.json":      "bad/items_not_array.json:1:33: items: got a string, want an array",
		"item_not_object.json":      "bad/item_not_object.json:1:29: items: got a number, want an object",
		"top_array.json":            "bad/top_array.json:1:2: the instance: got an array, want an object",
		"name_number.json":          "bad/name_number.json:1:11: name: got a number, want a string",
		"both_forms.json":           `bad/both_forms.json: both "items" (knapsack form) and "steps" (generic form)`,
		"neither_form.json":         `bad/neither_form.json: no "items" (knapsack form) and no "params", "steps" or "data" (generic form)`,
		// adv3 M6: encoding/json keeps the last of two equal keys.
		"dup_data_key.json": `bad/dup_data_key.json:1:20: key "a" appears twice in the same object (first at 1:10); give it once`,
		"dup_step_key.json": `bad/dup_step_key.json:3:26: key "price" appears twice in the same object (first at 3:14); give it once`,
		"dup_top_key.json":  `bad/dup_top_key.json:1:25: key "steps" appears twice in the same object (first at 1:2); give it once`,
		// adv4: encoding/json matches a struct's keys up to case, so
		// "Capacity" beside "capacity" won silently.
		"case_top_key.json":  `bad/case_top_key.json:1:18: key "Capacity": keys are case-sensitive; did you mean "capacity"?`,
		"case_item_key.json": `bad/case_item_key.json:1:42: key "Profit": keys are case-sensitive; did you mean "profit"?`,
		"case_only_key.json": `bad/case_only_key.json:1:22: key "Steps": keys are case-sensitive; did you mean "steps"?`,
		// adv4: a 30 MB literal was quoted whole in the message.
		"long_number.json":                "bad/long_number.json: data x: element [0]: 1" + strings.Repeat("0", 79) + "… is not a finite number",
		"item_missing_weight.json":        `bad/item_missing_weight.json: item 2: missing "weight"`,
		"json_profit_fraction.json":       "bad/json_profit_fraction.json: item 1: profit 1.5 is not an integer",
		"json_weight_above_capacity.json": "bad/json_weight_above_capacity.json: item 1: weight 21 is above the capacity 20",
		"json_no_capacity.json":           `bad/json_no_capacity.json: missing "capacity"`,
		"json_no_items.json":              "bad/json_no_items.json: no items",
		"generic_not_a_number.json":       `bad/generic_not_a_number.json: steps: got the string "abc", want a number`,
		"generic_nested.json":             "bad/generic_nested.json: steps: got an object, want a number",
		"generic_empty.json":              `bad/generic_empty.json: "steps" is empty`,
		"generic_capacity.json":           `bad/generic_capacity.json: "capacity" belongs to the knapsack form`,
		"generic_param_inf.json":          "bad/generic_param_inf.json: param amax 1e999 is not a finite number",
		"generic_params_array.json":       "bad/generic_params_array.json:1:34: params: got an array, want an object",
	}
	files, err := filepath.Glob("testdata/bad/*")
	require.NoError(t, err)
	for _, f := range files {
		_, ok := tests[filepath.Base(f)]
		assert.True(t, ok, "%s has no expected error in the table", f)
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			in, err := instance.ReadInstanceFile(filepath.Join("testdata", "bad", name))
			require.Error(t, err)
			assert.Nil(t, in)
			msgs := errorMessages(err)
			found := false
			for _, m := range msgs {
				found = found || strings.Contains(m, want)
			}
			assert.True(t, found, "no error contains %q; got:\n%s", want, strings.Join(msgs, "\n"))
		})
	}
}

func TestReadInstanceTextAndJSONAgree(t *testing.T) {
	text, err := instance.ReadInstanceFile("../testdata/lowdim/f4_l-d_kp_4_11.txt")
	require.NoError(t, err)
	js, err := instance.ReadInstanceFile("testdata/good/f4.json")
	require.NoError(t, err)
	commented, err := instance.ReadInstanceFile("testdata/good/comments.txt")
	require.NoError(t, err)

	assert.Equal(t, "f4_l-d_kp_4_11", text.Name)
	assert.Equal(t, "f4_l-d_kp_4_11", js.Name, "the JSON name field")
	assert.Equal(t, "item", text.StepNoun)
	assert.Equal(t, []int{2, 3, 4, 5}, text.StepLines)
	assert.Equal(t, []int{4, 5, 6, 7}, commented.StepLines, "lines count blank and comment lines")
	assert.Equal(t, []int{0, 0, 0, 0}, js.StepLines)
	want := map[string]float64{"capacity": 11, "n": 4}
	for _, in := range []*instance.Instance{text, js, commented} {
		assert.Equal(t, want, in.Scalars)
		assert.Equal(t, text.Steps, in.Steps)
		require.Len(t, in.Exact, 4)
		assert.Equal(t, "4/11", in.Exact[1]["size"].RatString(), "size = weight/capacity exactly")
	}
	assert.Equal(t, map[string]float64{"profit": 10, "weight": 4, "size": 4.0 / 11}, text.Steps[1])
}

func TestReadInstanceDecimalsExact(t *testing.T) {
	in, err := instance.ReadInstanceFile("testdata/good/decimals.txt")
	require.NoError(t, err)
	var sizes []string
	for _, e := range in.Exact {
		sizes = append(sizes, e["size"].RatString())
	}
	assert.Equal(t, []string{"1/10", "1/5", "7/10"}, sizes, "decimals are read as written, not as float64")
	assert.Equal(t, 0.1, in.Steps[0]["size"])
}

func TestReadInstanceGenericJSON(t *testing.T) {
	in, err := instance.ReadInstanceFile("testdata/good/change.json")
	require.NoError(t, err)
	assert.Equal(t, "coins", in.Name)
	assert.Equal(t, "step", in.StepNoun)
	assert.Equal(t, map[string]float64{"amax": 10, "K": 100}, in.Scalars)
	assert.Equal(t, []map[string]float64{{"coin": 3}, {"coin": 5}, {"coin": 2}}, in.Steps)
	assert.Equal(t, "testdata/good/change.json: step 2", in.Where(1))
}

// adv3 M7: a program with a steps line, no inputs and no data (fib) takes
// an instance of its params alone.
func TestReadInstanceParamsOnly(t *testing.T) {
	in, err := instance.ReadInstanceFile("testdata/good/params_only.json")
	require.NoError(t, err)
	assert.Equal(t, "fib30", in.Name)
	assert.Equal(t, map[string]float64{"n": 30}, in.Scalars)
	assert.Empty(t, in.Steps)
	assert.Nil(t, in.Data)
}

func TestReadInstanceByContent(t *testing.T) {
	// A name without .json is still read as JSON when it starts with '{'.
	in, err := instance.ReadInstance("instance", []byte(`  {"steps": [{"x": 0.5}]}`))
	require.NoError(t, err)
	assert.Equal(t, []map[string]float64{{"x": 0.5}}, in.Steps)
	assert.Equal(t, "instance", in.Name)
}

func TestReadLowDim(t *testing.T) {
	instances, err := problems.LowDim()
	require.NoError(t, err)
	names := make([]string, len(instances))
	for i, in := range instances {
		names[i] = in.Name
		// The file names end in n and the capacity, e.g. f1_l-d_kp_10_269.
		parts := strings.Split(in.Name, "_")
		assert.Equal(t, parts[len(parts)-2], strconv.FormatFloat(in.Scalars["n"], 'f', -1, 64), in.Name)
		assert.Equal(t, parts[len(parts)-1], strconv.FormatFloat(in.Scalars["capacity"], 'f', -1, 64), in.Name)
		assert.Len(t, in.Steps, int(in.Scalars["n"]))
	}
	assert.Equal(t, []string{"f10_l-d_kp_20_879", "f1_l-d_kp_10_269", "f2_l-d_kp_20_878", "f3_l-d_kp_4_20",
		"f4_l-d_kp_4_11", "f6_l-d_kp_10_60", "f7_l-d_kp_7_50", "f8_l-d_kp_23_10000", "f9_l-d_kp_5_80"}, names)
}

func TestReadOptima(t *testing.T) {
	opt, err := instance.ReadOptima("../testdata/lowdim/optima.txt")
	require.NoError(t, err)
	assert.Equal(t, int64(295), opt["f1_l-d_kp_10_269"])
	assert.Len(t, opt, 9)

	dir := t.TempDir()
	tests := []struct{ text, want string }{
		{"a 1\na 2\n", "optima.txt:2:1: a appears twice (first on line 1)"},
		{"a 1.5\n", `optima.txt:1:3: optimum "1.5" is not an integer`},
		{"# c\na\n", `optima.txt:2:1: want "name optimum", got 1 fields`},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, "optima.txt")
		require.NoError(t, os.WriteFile(path, []byte(tt.text), 0o644))
		_, err := instance.ReadOptima(path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tt.want)
	}
}

func FuzzReadInstance(f *testing.F) {
	for _, dir := range []string{"../testdata/lowdim", "testdata/good", "testdata/bad"} {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		require.NoError(f, err)
		for _, file := range files {
			data, err := os.ReadFile(file)
			require.NoError(f, err)
			f.Add(filepath.Base(file), data)
		}
	}
	// Instances with data (docs/beyond.md).
	f.Add("d.json", []byte(`{"params": {"n": 2}, "data": {"c": [[0, "inf"], [-1, 2.5]], "x": [1, 2], "R": 30}}`))
	f.Add("d.json", []byte(`{"data": {"t": [[[1], [2]], [[3], [4]]], "e": []}, "steps": [{"a": 1}]}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		in, err := instance.ReadInstance(name, data)
		if err != nil {
			require.Nil(t, in)
			require.NotEmpty(t, err.Error())
			return
		}
		for k, arr := range in.Data {
			cells := 1
			for _, n := range arr.Shape {
				cells *= n
			}
			require.Len(t, arr.Values, cells, "data %s", k)
			for _, v := range arr.Values {
				require.False(t, math.IsNaN(v) || math.IsInf(v, -1), "data %s: %v", k, v)
			}
		}
		if len(in.Steps) == 0 {
			require.True(t, len(in.Data) > 0 || in.Named, "an instance without steps has data, or is params alone")
			return
		}
		require.Len(t, in.Exact, len(in.Steps))
		require.Len(t, in.StepLines, len(in.Steps))
		for _, step := range in.Steps {
			for k, v := range step {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s = %v", k, v)
			}
		}
		for k, v := range in.Scalars {
			require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s = %v", k, v)
		}
	})
}
