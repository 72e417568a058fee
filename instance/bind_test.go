package instance_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/internal/testprog"
)

func readInstance(t testing.TB, path string) *instance.Instance {
	t.Helper()
	in, err := instance.ReadInstanceFile(path)
	require.NoError(t, err)
	return in
}

// genericInstance is a hand-made instance of the generic form.
func genericInstance(scalars map[string]float64, steps ...map[string]float64) *instance.Instance {
	in := &instance.Instance{Name: "hand", Source: "hand.json", StepNoun: "step", Scalars: scalars, Steps: steps}
	for range steps {
		in.StepLines = append(in.StepLines, 0)
	}
	return in
}

const noDefaultProgram = `dp nodefault
param n int
param m int = 2*n
input d int in 0..n
state f[i in 1..m] int in 0..1 = 0
f[i <= 0] = 0
step f[i] = f[i]
answer f[1]
`

// boundProgram's n only ends index ranges: the automatic rule applies.
const boundProgram = `dp bound
param n int
param m int = 2
input d int in 0..n
state f[i in 1..n] int in 0..m = 0
f[i <= 0] = 0
step f[i] = f[i - d]
answer f[1]
`

func TestParams(t *testing.T) {
	f1 := readInstance(t, "../testdata/lowdim/f1_l-d_kp_10_269.txt") // Σ profit = 412, capacity 269
	coins := genericInstance(nil, map[string]float64{"coin": 3}, map[string]float64{"coin": 5})
	zeros := genericInstance(nil, map[string]float64{"d": 0}, map[string]float64{"d": 0})
	tests := []struct {
		name     string
		program  string // a path under the repository root, or source text
		instance *instance.Instance
		set      map[string]int64
		want     map[string]int64
		notes    []string
	}{
		{
			name: "pmax from the profit sum", program: "examples/knapsack.dp", instance: f1,
			want:  map[string]int64{"pmax": 412},
			notes: []string{"pmax not set: using 412, the sum of input profit over the instance ../testdata/lowdim/f1_l-d_kp_10_269.txt, as its default 10 is below it (pmax only bounds index ranges: an upper bound on every reachable index)"},
		},
		{
			name: "-set wins", program: "examples/knapsack.dp", instance: f1,
			set: map[string]int64{"pmax": 100}, want: map[string]int64{"pmax": 100},
		},
		{
			name: "capacity from the instance, pmax automatic", program: "examples/knapsack_int.dp", instance: f1,
			want: map[string]int64{"pmax": 412, "capacity": 269},
			notes: []string{
				"capacity = 269 from the instance ../testdata/lowdim/f1_l-d_kp_10_269.txt",
				"pmax not set: using 412, the sum of input profit over the instance ../testdata/lowdim/f1_l-d_kp_10_269.txt, as its default 10 is below it (pmax only bounds index ranges: an upper bound on every reachable index)",
			},
		},
		{
			name: "instance scalars beat the rule and the default", program: "examples/change.dp",
			instance: readInstance(t, "testdata/good/change.json"),
			want:     map[string]int64{"amax": 10, "K": 100},
			notes: []string{
				"amax = 10 from the instance testdata/good/change.json",
				"K = 100 from the instance testdata/good/change.json",
			},
		},
		{
			// amax is the amount the answer asks for (answer c[amax]): the
			// instance does not change the question.
			name: "a param the answer reads keeps its default", program: "examples/change.dp", instance: coins,
			want: map[string]int64{"amax": 20, "K": 100},
			notes: []string{
				"amax not set: using its default 20",
				"K not set: using its default 100",
			},
		},
		{
			// adv3 D4: the rule gave amax = 22 (5+10+7), and the answer for 22.
			name: "change: the declared amount, not the coin sum", program: "examples/change.dp",
			instance: genericInstance(nil, map[string]float64{"coin": 5}, map[string]float64{"coin": 10}, map[string]float64{"coin": 7}),
			want:     map[string]int64{"amax": 20, "K": 100},
			notes:    []string{"amax not set: using its default 20", "K not set: using its default 100"},
		},
		{
			// adv3 D4: the rule gave capacity = 110 (60+50), the sum of the
			// weights, so that every item fitted.
			name: "knapsack_int: the declared capacity, the default pmax when it is large enough", program: "examples/knapsack_int.dp",
			instance: genericInstance(nil, map[string]float64{"profit": 5, "weight": 60}, map[string]float64{"profit": 4, "weight": 50}),
			want:     map[string]int64{"pmax": 10, "capacity": 100},
			notes: []string{
				"pmax not set: using its default 10 (at least 9, the sum of input profit over the instance hand.json, so every reachable index fits)",
				"capacity not set: using its default 100",
			},
		},
		{
			// A capacity past dsl.DefaultMaxCount, which the fptas scheme
			// takes: evaluating pmax's default must not refuse it.
			name: "defaults beside a range only the fptas scheme takes", program: "examples/knapsack_int.dp",
			instance: genericInstance(map[string]float64{"capacity": 1e10}, map[string]float64{"profit": 30, "weight": 1e9}),
			want:     map[string]int64{"pmax": 30, "capacity": 1e10},
			notes: []string{
				"capacity = 10000000000 from the instance hand.json",
				"pmax not set: using 30, the sum of input profit over the instance hand.json, as its default 10 is below it (pmax only bounds index ranges: an upper bound on every reachable index)",
			},
		},
		{
			name: "the rule gives at least 1", program: boundProgram, instance: zeros,
			want: map[string]int64{"n": 1, "m": 2},
			notes: []string{
				"n not set: using 1, the sum of input d over the instance hand.json (n only bounds index ranges: an upper bound on every reachable index)",
				"m not set: using its default 2",
			},
		},
		{
			name: "no instance values for the rule: the default", program: "examples/knapsack.dp", instance: coins,
			want:  map[string]int64{"pmax": 10},
			notes: []string{"pmax not set: using its default 10"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseProgram(t, tt.program)
			params, notes, err := instance.Params(f, tt.instance, tt.set)
			require.NoError(t, err)
			assert.Equal(t, tt.want, params)
			assert.Equal(t, tt.notes, notes)
		})
	}
}

// parseProgram parses a repository path ending in .dp, else source text.
func parseProgram(t testing.TB, program string) *dsl.File {
	t.Helper()
	if len(program) > 3 && program[len(program)-3:] == ".dp" {
		f, err := repo.ReadProgram(program)
		require.NoError(t, err)
		return f
	}
	f, err := dsl.Parse("t.dp", []byte(program))
	require.NoError(t, err)
	return f
}

func TestParamsErrors(t *testing.T) {
	f1 := readInstance(t, "../testdata/lowdim/f1_l-d_kp_10_269.txt")
	tests := []struct {
		name     string
		program  string
		instance *instance.Instance
		set      map[string]int64
		want     string
	}{
		{
			name: "unknown -set", program: "examples/knapsack.dp", instance: f1,
			set: map[string]int64{"pmx": 3}, want: "examples/knapsack.dp: -set pmx=3: examples/knapsack.dp has no param pmx",
		},
		{
			name: "non-integer instance scalar", program: "examples/knapsack_int.dp",
			instance: genericInstance(map[string]float64{"capacity": 2.5}, map[string]float64{"profit": 1, "weight": 1}),
			want:     "examples/knapsack_int.dp:7:1: param capacity: the instance hand.json gives capacity = 2.5, which is not an integer",
		},
		{
			// adv3 D8: -set capacity=300 on an instance of capacity 269 was
			// solved, and its selection reported as a network failure.
			name: "-set contradicts the instance", program: "examples/knapsack_int.dp", instance: f1,
			set:  map[string]int64{"capacity": 300},
			want: "examples/knapsack_int.dp: -set capacity=300 contradicts the instance ../testdata/lowdim/f1_l-d_kp_10_269.txt, which gives capacity = 269; drop -set capacity or use another instance",
		},
		{
			name: "no default, read beyond ranges: not derived", program: noDefaultProgram,
			instance: genericInstance(nil, map[string]float64{"d": 1}),
			want:     "t.dp:2:1: param n has no value: set it with -set n=N or give the instance a scalar n (it is read at t.dp:3:17, not only as the upper end of index ranges, so it is not derived from the instance)",
		},
		{
			name: "no value and no default", program: noDefaultProgram,
			instance: genericInstance(nil, map[string]float64{"x": 1}),
			want:     "t.dp:2:1: param n has no value: set it with -set n=N or give the instance a scalar n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := instance.Params(parseProgram(t, tt.program), tt.instance, tt.set)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestBind(t *testing.T) {
	f4 := readInstance(t, "../testdata/lowdim/f4_l-d_kp_4_11.txt")
	m := testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 41})
	steps, err := instance.Bind(m, f4)
	require.NoError(t, err)
	assert.Equal(t, [][]float64{{6, 2.0 / 11}, {10, 4.0 / 11}, {12, 6.0 / 11}, {13, 7.0 / 11}}, steps, "profit, size in declaration order")

	exact, err := instance.BindExact(m, f4)
	require.NoError(t, err)
	require.Len(t, exact, 4)
	assert.Equal(t, "13 7/11", exact[3][0].String()+" "+exact[3][1].String())

	// A hand-made instance without exact values binds its floats exactly.
	hand := genericInstance(nil, map[string]float64{"profit": 2, "size": 0.1})
	exact, err = instance.BindExact(m, hand)
	require.NoError(t, err)
	assert.Equal(t, "3602879701896397/36028797018963968", exact[0][1].String())
}

func TestBindErrors(t *testing.T) {
	f1 := readInstance(t, "../testdata/lowdim/f1_l-d_kp_10_269.txt")
	knapsack := func(pmax int64) *dsl.Model {
		return testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": pmax})
	}
	tests := []struct {
		name     string
		model    *dsl.Model
		instance *instance.Instance
		want     string
	}{
		{
			// f1's first item has profit 55.
			name: "above the range", model: knapsack(50), instance: f1,
			want: "../testdata/lowdim/f1_l-d_kp_10_269.txt:2: item 1: profit 55 is above 50, the upper end of input profit (examples/knapsack.dp:10:1)",
		},
		{
			name: "below the range", model: knapsack(5),
			instance: genericInstance(nil, map[string]float64{"profit": 1, "size": 0.5}, map[string]float64{"profit": 0, "size": 0.5}),
			want:     "hand.json: step 2: profit 0 is below 1, the lower end of input profit (examples/knapsack.dp:10:1)",
		},
		{
			name: "size above 1", model: knapsack(5),
			instance: genericInstance(nil, map[string]float64{"profit": 1, "size": 1.5}),
			want:     "hand.json: step 1: size 1.5 is above 1, the upper end of input size (examples/knapsack.dp:11:1)",
		},
		{
			name: "missing input", model: testprog.Load(t, "examples/change.dp", nil), instance: f1,
			want: "../testdata/lowdim/f1_l-d_kp_10_269.txt:2: item 1: no value for input coin (examples/change.dp:9:1); the item has profit, size, weight",
		},
		{
			name: "int input with a fraction", model: testprog.Load(t, "examples/knapsack_int.dp", map[string]int64{"pmax": 12, "capacity": 1}),
			instance: readInstance(t, "testdata/good/decimals.txt"),
			want:     "testdata/good/decimals.txt:3: item 1: weight 0.1 is not an integer, but input weight is int (examples/knapsack_int.dp:10:1)",
		},
		{
			name: "NaN", model: knapsack(5),
			instance: genericInstance(nil, map[string]float64{"profit": 1, "size": math.NaN()}),
			want:     "hand.json: step 1: size NaN is not a finite number (examples/knapsack.dp:11:1)",
		},
		{
			name: "Inf", model: knapsack(5),
			instance: genericInstance(nil, map[string]float64{"profit": math.Inf(1), "size": 0.5}),
			want:     "hand.json: step 1: profit +Inf is not a finite number (examples/knapsack.dp:10:1)",
		},
		{
			name: "no steps", model: knapsack(5), instance: genericInstance(nil),
			want: "hand.json: the instance has no steps",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := instance.Bind(tt.model, tt.instance)
			require.Error(t, err)
			assert.Contains(t, errorMessages(err), tt.want)
			_, err = instance.BindExact(tt.model, tt.instance)
			assert.Contains(t, errorMessages(err), tt.want, "BindExact checks the same")
		})
	}
}
