package verify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/truth"
	"github.com/dp2nn/dp2nn/truth/knapsack"
	"github.com/dp2nn/dp2nn/verify"
)

var bothTypes = []engine.DType{engine.Float64, engine.Float32}

func lower(t *testing.T, program string, params map[string]int64, opt compile.Options) *compile.Network {
	t.Helper()
	net, err := compile.Lower(testprog.Load(t, program, params), opt)
	require.NoError(t, err)
	return net
}

// Random checks every instance in every dtype and counts them in one row.
func TestRandom(t *testing.T) {
	for _, c := range []struct {
		program string
		params  map[string]int64
		opt     compile.Options
	}{
		{"examples/knapsack.dp", map[string]int64{"pmax": 12}, compile.Options{}},
		{"examples/knapsack.dp", map[string]int64{"pmax": 12}, compile.Options{Scheme: compile.FPTAS, P: 5}},
		{"examples/subsetsum.dp", map[string]int64{"capacity": 8}, compile.Options{}},
		{"examples/change.dp", map[string]int64{"amax": 5}, compile.Options{}},
	} {
		t.Run(fmt.Sprintf("%s %v", c.program, c.opt.Scheme), func(t *testing.T) {
			net := lower(t, c.program, c.params, c.opt)
			rep := &verify.Report{}
			require.NoError(t, verify.Random(rep, net, bothTypes, 40, 3, 6))
			require.Len(t, rep.Rows, 1)
			assert.Equal(t, 40, rep.Rows[0].Cases)
			assert.Zero(t, rep.Mismatches, "%v", rep.Failures)
			assert.Contains(t, rep.Rows[0].MaxErr, "float32")
		})
	}
}

// Instances gives each file its own params and network, compares the
// answer with optima.txt, and skips what cannot be checked: a network
// said to be too large, a known answer above what the network holds.
func TestInstances(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	dir, err := repo.RepoPath("testdata/lowdim")
	require.NoError(t, err)
	files, err := instance.Files(dir)
	require.NoError(t, err)
	optima, err := instance.OptimaIn(dir)
	require.NoError(t, err)
	rep := &verify.Report{}
	in := verify.FileSet{Files: files, Optima: optima, Request: compile.Request{Options: compile.Options{Scheme: compile.Exact}},
		DTypes: []engine.DType{engine.Float64},
		TooLarge: func(m *dsl.Model, _ compile.Options, _ compile.Job) string {
			if pmax, _ := m.Param("pmax"); pmax > 500 {
				return "too large"
			}
			return ""
		}}
	require.NoError(t, verify.Instances(rep, f, in))
	require.Len(t, rep.Rows, len(files))
	checked := 0
	for _, r := range rep.Rows {
		if r.Skipped != "" {
			assert.Equal(t, "too large", r.Skipped, r.Source)
			continue
		}
		checked++
		assert.Equal(t, fmt.Sprint(optima[r.Source]), r.Answer, r.Source)
		assert.Equal(t, r.Answer, r.Known, r.Source)
	}
	assert.Equal(t, 6, checked, "the lowdim instances with profit sum at most 500")
	assert.Zero(t, rep.Mismatches)

	// pmax = 20 holds no optimum above 20 (f3's is 35): skipped, not a
	// mismatch.
	rep = &verify.Report{}
	in = verify.FileSet{Files: []string{filepath.Join(dir, "f3_l-d_kp_4_20.txt")}, Optima: optima, Set: map[string]int64{"pmax": 20}, DTypes: []engine.DType{engine.Float64}}
	require.NoError(t, verify.Instances(rep, f, in))
	assert.Contains(t, rep.Rows[0].Skipped, "is above 20, the largest index of f the network holds")

	// ε chooses P per instance: P = ⌈n²/ε⌉.
	rep = &verify.Report{}
	in = verify.FileSet{Files: []string{filepath.Join(dir, "f3_l-d_kp_4_20.txt")}, Optima: optima, DTypes: []engine.DType{engine.Float64},
		Request: compile.Request{Options: compile.Options{Scheme: compile.FPTAS}, Eps: 0.5}}
	require.NoError(t, verify.Instances(rep, f, in))
	assert.Zero(t, rep.Mismatches)
	assert.Equal(t, 1, rep.Rows[0].Cases)
}

// CheckFloat32Exact refuses an fptas table whose index arithmetic,
// 2·P·(P + Σ profit), reaches 2^24, in float32 only.
func TestCheckFloat32Exact(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"pmax": 8000})
	require.NoError(t, err)
	r, err := compile.RoundingOf(m, 1000)
	require.NoError(t, err)
	small := [][]float64{{30, 0.5}, {30, 0.5}}              // 2·1000·1060 < 2^24
	large := [][]float64{{30, 0.5}, {30, 0.5}, {8000, 0.1}} // 2·1000·9060 >= 2^24
	assert.NoError(t, verify.CheckFloat32Exact(r, engine.Float32, small))
	assert.ErrorContains(t, verify.CheckFloat32Exact(r, engine.Float32, large), "above 2^24 where float32 stops being exact (P = 1000, sum of profit = 8060)")
	assert.NoError(t, verify.CheckFloat32Exact(r, engine.Float64, large))
	assert.NoError(t, verify.CheckFloat32Exact(nil, engine.Float32, large))
}

// A report counts cases and mismatches, keeps the largest error and
// tolerance and the first failures, prints them, and says how many it
// did not list; its verdict fails on a mismatch and on nothing checked.
func TestReport(t *testing.T) {
	var progress []int
	rep := &verify.Report{Program: "p.dp", Scheme: "exact", Progress: func(done int) { progress = append(progress, done) }}
	row := verify.Row{Source: "random"}
	for i := range 45 {
		c := &verify.Case{Name: fmt.Sprintf("#%d", i+1), Steps: 2, Runs: []verify.Run{{Label: "float64", MaxErr: float64(i), Tolerance: float64(i % 7)}}}
		if i%2 == 0 {
			c.Mismatch = "wrong"
		}
		rep.Add(&row, c)
	}
	rep.Rows = append(rep.Rows, row)
	rep.Skip(verify.Row{Source: "f.txt"}, "too large")
	assert.Equal(t, 45, row.Cases)
	assert.Equal(t, 45, rep.Cases)
	assert.Equal(t, 1, rep.Skipped)
	assert.Len(t, progress, 46, "one call per case and per skipped source")
	assert.Equal(t, 46, progress[45])
	assert.Equal(t, 90, row.Steps)
	assert.Equal(t, verify.Number(44), row.MaxErr["float64"])
	assert.Equal(t, verify.Number(6), row.Tolerance["float64"])
	assert.Equal(t, 23, rep.Mismatches)
	assert.Len(t, rep.Failures, 20)
	var b bytes.Buffer
	rep.WriteText(&b, []engine.DType{engine.Float64})
	assert.Contains(t, b.String(), "max|err| float64  tol float64")
	assert.Contains(t, b.String(), "MISMATCH #1: wrong\n")
	assert.Contains(t, b.String(), "(the first 20 of the 23 mismatching cases are listed)\n")
	assert.Contains(t, b.String(), "45 cases checked, 1 skipped, 23 mismatches\n")
	assert.EqualError(t, rep.Err("the network and the exact DP"), "23 mismatches between the network and the exact DP")

	for _, tt := range []struct {
		rep  *verify.Report
		want string
	}{
		{&verify.Report{}, "nothing was checked: there was no instance"},
		{&verify.Report{Skipped: 3}, "nothing was checked: all 3 instance files were skipped (the report says why)"},
		{&verify.Report{Cases: 1}, ""},
	} {
		err := tt.rep.Err("x")
		if tt.want == "" {
			assert.NoError(t, err)
			continue
		}
		var mm *verify.MismatchError
		require.ErrorAs(t, err, &mm, "a failed verification: exit 1")
		assert.EqualError(t, err, tt.want)
	}

	// Errors that JSON cannot hold as numbers still make a report.
	rep = &verify.Report{}
	row = verify.Row{Source: "random"}
	rep.Add(&row, &verify.Case{Runs: []verify.Run{{Label: "float32", MaxErr: math.Inf(1)}}, Mismatch: "x"})
	rep.Add(&row, &verify.Case{Runs: []verify.Run{{Label: "float64", MaxErr: math.NaN()}}, Mismatch: "x"})
	rep.Rows = append(rep.Rows, row)
	js, err := json.Marshal(rep)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"max_abs_error":{"float32":"inf","float64":"nan"}`)
	var back verify.Report
	require.NoError(t, json.Unmarshal(js, &back))
	assert.True(t, math.IsInf(float64(back.Rows[0].MaxErr["float32"]), 1))
	assert.True(t, math.IsNaN(float64(back.Rows[0].MaxErr["float64"])))
}

// Solve answers a lowdim instance with its optimum and checks the
// backtracked items against the instance; SolveData answers a published
// file with its published answer and the exact interpreter's on every
// cell; SolveSmooth gives the smoothed value beside the hard DP's.
func TestSolve(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	t.Chdir(root)

	inst, err := instance.ReadInstanceFile("testdata/lowdim/f3_l-d_kp_4_20.txt")
	require.NoError(t, err)
	f, err := repo.ReadProgram("examples/knapsack.dp")
	require.NoError(t, err)
	params, notes, err := instance.Params(f, inst, nil)
	require.NoError(t, err)
	m, err := dsl.Check(f, params)
	require.NoError(t, err)
	steps, err := instance.Bind(m, inst)
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	r, err := verify.Solve(net, inst, steps, engine.Float32, notes)
	require.NoError(t, err)
	assert.Equal(t, "35", r.Answer)
	assert.Equal(t, 35.0, r.Totals["profit"])
	assert.Contains(t, r.Check, "<= capacity 20")

	df, err := instance.ReadDataFile("testdata/graphs/clrs-24.4.json", -1)
	require.NoError(t, err)
	f, err = repo.ReadProgram("examples/bellmanford.dp")
	require.NoError(t, err)
	params, notes, err = instance.Params(f, df.Inst, nil)
	require.NoError(t, err)
	m, err = dsl.Check(f, params)
	require.NoError(t, err)
	data, err := instance.BindData(m, df.Inst)
	require.NoError(t, err)
	net, err = compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	dr, err := verify.SolveData(net, df, data, engine.Float64, notes)
	require.NoError(t, err)
	assert.Equal(t, "[0 2 4 7 -2]", dr.Answer)
	assert.Contains(t, dr.Published, ": agrees")
	assert.Zero(t, dr.MaxErr)

	// A published answer the network does not give is a mismatch, with
	// the report.
	df.Known.Cells[1]++
	dr, err = verify.SolveData(net, df, data, engine.Float64, notes)
	require.NotNil(t, dr)
	var mm *verify.MismatchError
	require.True(t, errors.As(err, &mm), "%v", err)
	assert.Contains(t, dr.Published, "DISAGREES")

	f, err = repo.ReadProgram("examples/topk.dp")
	require.NoError(t, err)
	m, err = dsl.Check(f, map[string]int64{"k": 2})
	require.NoError(t, err)
	sr, err := verify.SolveSmooth(m, compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: 0.01}, "x", [][]float64{{3}, {1}, {2}})
	require.NoError(t, err)
	assert.Equal(t, "5", sr.Hard)
	assert.InDelta(t, 5, sr.Value, 0.05, "γ small: the smoothed value is near the hard one")
	sum := 0.0
	for _, g := range sr.Marginals["theta"] {
		sum += g
	}
	assert.InDelta(t, 2, sum, 1e-9, "the relaxed top-2 selection sums to 2")
	// The bound on |value − hard| is printed (top-2 of 3: two smoothed
	// maxes along a path at most, γ·2·log 2) and holds.
	require.NotNil(t, sr.Bound)
	assert.LessOrEqual(t, math.Abs(sr.Value-5), float64(*sr.Bound))
	assert.LessOrEqual(t, float64(*sr.Bound), 0.01*3*math.Ln2)
	var text strings.Builder
	sr.WriteText(&text)
	assert.Contains(t, text.String(), "(hard DP: 5, |difference| ≤ ")

	// A per-cell initial value (= if c == 0 then 0 else -inf) is the
	// exact-sum knapsack's: weight 4 exactly is 3 (+5 − 2), not the ≤ 4
	// answer 5 (the adversarial tester's es3.json).
	m = testprog.Load(t, "testdata/programs/exactsum.dp", map[string]int64{"C": 4})
	sr, err = verify.SolveSmooth(m, compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: 0.1}, "es3.json", [][]float64{{3, 5}, {1, -2}, {4, 1}})
	require.NoError(t, err)
	assert.Equal(t, "3", sr.Hard)
	require.NotNil(t, sr.Bound)
	assert.InDelta(t, 3, sr.Value, 1e-9, "3 + 0.1·log(1 + e^−20)")

	// A bracket on a smoothed value could flip: no bound is known, and
	// solve says so.
	m = testprog.Source(t, "dp t\ninput x int in -1..1\nstate f[i in 1..1] int in -10..10 = 0\nstep f[i] = clamp(max(f[i], x) + [f[i] >= 1], -10, 10)\nanswer f[1]\n", nil)
	sr, err = verify.SolveSmooth(m, compile.Options{Scheme: compile.Smooth, Reg: relu.Gini, Gamma: 1}, "x", [][]float64{{1}, {1}})
	require.NoError(t, err)
	assert.Nil(t, sr.Bound)
	text.Reset()
	sr.WriteText(&text)
	assert.Contains(t, text.String(), "; no bound known)")
}

// Solve returns the known optimum on every lowdim instance whose profit
// sum is at most 1200 (pmax chosen from the instance, as dp2nn solve
// does), in float64 and float32, and the backtracked items fit and reach
// it: the integer knapsack program solves them exactly in both types
// (knapsack.dp, with real sizes, cannot tell an exact fit from an
// overflow by rounding: see TestSweepRealProgramNeverWrong).
func TestSolveLowdim(t *testing.T) {
	dir, err := repo.RepoPath("testdata/lowdim")
	require.NoError(t, err)
	optima, err := instance.OptimaIn(dir)
	require.NoError(t, err)
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	held := 0
	for name, opt := range optima {
		inst, err := instance.ReadInstanceFile(filepath.Join(dir, name+".txt"))
		require.NoError(t, err)
		sum := 0.0
		for _, s := range inst.Steps {
			sum += s["profit"]
		}
		if sum > 1200 {
			continue
		}
		held++
		params, notes, err := instance.Params(f, inst, nil)
		require.NoError(t, err)
		m, err := dsl.Check(f, params)
		require.NoError(t, err)
		steps, err := instance.Bind(m, inst)
		require.NoError(t, err)
		net, err := compile.Lower(m, compile.Options{})
		require.NoError(t, err)
		for _, dt := range bothTypes {
			r, err := verify.Solve(net, inst, steps, dt, notes)
			require.NoError(t, err, "%s %s", name, dt)
			assert.Equal(t, fmt.Sprint(opt), r.Answer, "%s %s", name, dt)
			assert.Equal(t, float64(opt), r.Totals["profit"], "%s %s: backtracked profit", name, dt)
			assert.LessOrEqual(t, r.Totals["weight"], inst.Scalars["capacity"], "%s %s", name, dt)
		}
	}
	assert.Equal(t, 8, held, "all lowdim instances but f8 have profit sum <= 1200")
}

// DataRandom checks programs with data in the cell and the unrolled form
// and counts the instances that exercise the fixpoint check; ModelData is
// the same through a model file.
func TestDataRandom(t *testing.T) {
	net := lower(t, "examples/bellmanford.dp", map[string]int64{"n": 4}, compile.Options{})
	for _, form := range []string{"cell", "unrolled"} {
		rep := &verify.Report{}
		require.NoError(t, verify.DataRandom(rep, net, form, bothTypes, 60, 2))
		assert.Equal(t, 60, rep.Rows[0].Cases)
		assert.Zero(t, rep.Mismatches, "%v", rep.Failures)
		assert.Positive(t, rep.Rows[0].Fixpoint, "negative cycles occur")
		assert.Contains(t, rep.Against, "independent solver of problem bellmanford")
	}
	assert.Error(t, verify.DataRandom(&verify.Report{}, net, "loop", bothTypes, 1, 1))

	fp := lower(t, "examples/csp.dp", nil, compile.Options{Scheme: compile.FPTAS, P: 2})
	rep := &verify.Report{}
	require.NoError(t, verify.DataRandom(rep, fp, "cell", []engine.DType{engine.Float32}, 40, 1))
	assert.Zero(t, rep.Mismatches)
	require.NotNil(t, rep.Rows[0].MaxGap)
	assert.LessOrEqual(t, *rep.Rows[0].MaxGap, 8.0, "k·(n−1) = 2·4")
}

// Smooth compares the smooth network's value and marginals with the
// smoothed DP; a SmoothCheck prints its failures and summary.
func TestSmooth(t *testing.T) {
	f, err := repo.ReadProgram("examples/topk.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"k": 3})
	require.NoError(t, err)
	c, err := verify.Smooth(m, compile.Options{Scheme: compile.Smooth, Reg: relu.Tsallis, Gamma: 0.5}, 20, 1, 6, nil)
	require.NoError(t, err)
	assert.Zero(t, c.Mismatches, "%v", c.Failures)
	assert.LessOrEqual(t, float64(c.WorstValue), 1e-9)
	assert.Equal(t, 20, c.Cases)
	require.NoError(t, c.Err("the smooth network and the smoothed DP"))
	var b bytes.Buffer
	c.WriteText(&b)
	assert.Contains(t, b.String(), "20 random instances")
	assert.Contains(t, b.String(), "(tolerance 1e-9)\n")
	assert.Contains(t, b.String(), "(tolerance 1e-5 + 1e-4·|central difference|)\n")
	assert.Contains(t, b.String(), "\n20 cases checked, 0 mismatches\n")
	assert.Contains(t, c.Title, "|value − hard DP| ≤ γ·B (the bound solve prints) checked on 20")

	// The exact-sum knapsack (a per-cell initial value) over 2 steps has
	// instances with no subset of weight C: the interpreter's answer is
	// −∞ and the network is refused, which agree; the others are checked.
	m = testprog.Load(t, "testdata/programs/exactsum.dp", map[string]int64{"C": 6})
	c, err = verify.Smooth(m, compile.Options{Scheme: compile.Smooth, Reg: relu.Shannon, Gamma: 1}, 50, 3, 2, nil)
	require.NoError(t, err)
	assert.Zero(t, c.Mismatches, "%v", c.Failures)
	assert.Equal(t, 50, c.Cases)
	assert.Regexp(t, `checked on [1-9]\d*; [1-9]\d* with no feasible choice`, c.Title)
}

// The fptas scheme on an instance whose profits sum past 2^26 (Pisinger's
// uncorrelated family, R = 10^7): the instance is taken (the FPTAS-NN's
// table has P cells), the known optimum stands in for the exact DP over
// the profit sum, which is not run, and the case is counted.
func TestInstancesFPTASLargeProfitSum(t *testing.T) {
	dir := t.TempDir()
	in := knapsack.Generate(knapsack.Spec{Family: knapsack.Uncorrelated, N: 80, R: 10_000_000, Fraction: 0.5}, 2)
	in.Name = "large"
	var sum int64
	for _, p := range in.Profits {
		sum += p
	}
	require.Greater(t, sum, int64(1<<26))
	f, err := os.Create(filepath.Join(dir, "large.txt"))
	require.NoError(t, err)
	require.NoError(t, knapsack.WriteInstance(f, in))
	require.NoError(t, f.Close())
	opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "optima.txt"), []byte(fmt.Sprintf("large %d\n", opt)), 0o644))

	prog, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	files, err := instance.Files(dir)
	require.NoError(t, err)
	optima, err := instance.OptimaIn(dir)
	require.NoError(t, err)
	rep := &verify.Report{}
	req := compile.Request{Options: compile.Options{Scheme: compile.FPTAS, P: 50}}
	require.NoError(t, verify.Instances(rep, prog, verify.FileSet{Files: files, Optima: optima, Request: req, DTypes: []engine.DType{engine.Float64}}))
	require.Len(t, rep.Rows, 1)
	assert.Empty(t, rep.Rows[0].Skipped)
	assert.Equal(t, 1, rep.Rows[0].Cases)
	assert.Zero(t, rep.Mismatches)
	assert.Equal(t, fmt.Sprint(opt), rep.Rows[0].Known)
}

// Edit distance written with the textbook base cases (an if on the
// indices, reads of x[i] and y[j] only where i, j >= 1): the exact
// interpreter computes Levenshtein's distance, and the network, cell and
// unrolled, equals the interpreter.
func TestEditDistanceProgram(t *testing.T) {
	net := lower(t, "testdata/programs/editdistance.dp", map[string]int64{"m": 4, "n": 5, "a": 3}, compile.Options{})
	m := net.Original()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		x, y := make([]float64, 4), make([]float64, 5)
		for i := range x {
			x[i] = float64(1 + rng.IntN(3))
		}
		for j := range y {
			y[j] = float64(1 + rng.IntN(3))
		}
		tr, err := truth.RunDPData(m, nil, [][]float64{x, y})
		require.NoError(t, err)
		ans, err := tr.Answer()
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint(levenshtein(x, y)), ans.Value.String(), "x %v y %v", x, y)
	}
	for _, form := range []string{"cell", "unrolled"} {
		rep := &verify.Report{}
		require.NoError(t, verify.DataRandom(rep, net, form, bothTypes, 50, 5))
		assert.Equal(t, 50, rep.Rows[0].Cases)
		assert.Zero(t, rep.Mismatches, "%v", rep.Failures)
	}
}

// levenshtein is the textbook edit distance, written here independently.
func levenshtein(x, y []float64) int {
	prev := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur := make([]int, len(y)+1)
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			sub := prev[j-1]
			if x[i-1] != y[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev = cur
	}
	return prev[len(y)]
}

// A program of per-step inputs whose answer is a whole state is compared
// cell by cell: random instances agree with the exact DP and with a
// minimum count computed here by enumerating subsets; a network answer
// that differs in one cell is a mismatch.
func TestStateAnswerOfInputProgram(t *testing.T) {
	net := lower(t, "testdata/programs/mincount.dp", map[string]int64{"amax": 9}, compile.Options{})
	rep := &verify.Report{}
	require.NoError(t, verify.Random(rep, net, bothTypes, 200, 7, 6))
	assert.Equal(t, 200, rep.Cases)
	assert.Zero(t, rep.Mismatches, "%v", rep.Failures)

	sizes := []float64{4, 1, 3, 9, 5}
	steps := make([][]float64, len(sizes))
	want := make([]float64, 9)
	for a := range want {
		want[a] = 10 // no subset
	}
	for mask := 1; mask < 1<<len(sizes); mask++ {
		sum, count := 0, 0
		for i, s := range sizes {
			if mask&(1<<i) != 0 {
				sum, count = sum+int(s), count+1
			}
		}
		if sum <= 9 {
			want[sum-1] = min(want[sum-1], float64(count))
		}
	}
	for i, s := range sizes {
		steps[i] = []float64{s}
	}
	c, err := verify.AgainstDP(net, "enumerated", steps, bothTypes, nil)
	require.NoError(t, err)
	assert.Empty(t, c.Mismatch)
	assert.Equal(t, fmt.Sprint(want), c.Exact)
	for _, r := range c.Runs {
		assert.Equal(t, fmt.Sprint(want), r.Answer, r.Label)
	}

	// One cell off: the comparison must see it.
	obs, err := engine.Observe(net, engine.Float64, steps)
	require.NoError(t, err)
	final := obs.States[len(steps)]
	final[0][2]++
	c, err = verify.Compare(net, "tampered", steps, []engine.Observed{obs}, nil)
	require.NoError(t, err)
	assert.Contains(t, c.Mismatch, "network answer")
}

// A program with a reversed read (f[n + 1 − p]), a read offset by an
// input past its boundaries and Iverson brackets of an integer input:
// the smooth network equals the smoothed DP interpreter (which once read
// f[n + 1 + p] here), and differences taken where an integer input sits
// on a bracket's threshold are skipped as kinks, not failed.
func TestSmoothGeneralIndicesAndBrackets(t *testing.T) {
	m, err := repo.Source("tricky.dp", `dp tricky
param n int = 6
input x int in -3..3
input y real in -1..1
state f[p in 1..n] int in -100..100 = 0
state g[p in 1..n] real in -1000..1000 = 0
f[p <= 0] = 7
f[p > n] = 3
step f[p] = clamp(f[n + 1 - p] + f[p + x] - [x >= p - 3] + 2 * [x == 0], -100, 100)
step g[p] = clamp(max(g[p] - y + [x >= p], 2 * f[p] + y / 2, min(g[p], f[1] * 3)), -1000, 1000)
answer g[2]
`, nil)
	require.NoError(t, err)
	for _, reg := range []relu.Activation{relu.Shannon, relu.Gini, relu.Tsallis} {
		c, err := verify.Smooth(m, compile.Options{Scheme: compile.Smooth, Reg: reg, Gamma: 0.5}, 10, 2, 6, nil)
		require.NoError(t, err)
		assert.Zero(t, c.Mismatches, "%v: %v", reg, c.Failures)
		assert.Equal(t, 10, c.Cases)
		assert.LessOrEqual(t, float64(c.WorstValue), 1e-9, "%v", reg)
	}
}
