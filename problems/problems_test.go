package problems

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/truth"
)

// instancesPerProblem is how many random instances each problem of the
// table runs; at most 10 items each, they take a few milliseconds.
const instancesPerProblem = 300

func TestProblemsAgainstExact(t *testing.T) {
	for pi, p := range StepCases() {
		t.Run(p.Name, func(t *testing.T) {
			require.NotNil(t, p.Exact, "every problem of the table has an exact answer")
			m, err := p.Model()
			require.NoError(t, err)
			rng := instance.NewRand(uint64(1000 + pi))
			answers := make(map[float64]int)
			for i := range instancesPerProblem {
				steps := p.Random(rng, m)
				tr, err := truth.RunDP(m, steps)
				require.NoError(t, err, "instance %d: %v", i, steps)
				got, err := tr.Answer()
				require.NoError(t, err)
				want, err := p.Exact(steps, m)
				require.NoError(t, err)
				// Both are integers: compared exactly.
				require.True(t, got.Found, "instance %d: %v: no answer", i, steps)
				require.Equal(t, want, got.Float64(), "instance %d: %v", i, steps)
				answers[want]++
			}
			// The instances must exercise the answer, not hit one value.
			assert.Greater(t, len(answers), 2, "distinct answers: %v", answers)
		})
	}
}

func TestProblemsTable(t *testing.T) {
	names := make(map[string]bool)
	for _, p := range StepCases() {
		assert.False(t, names[p.Name], "duplicate name %s", p.Name)
		names[p.Name] = true
		m, err := p.Model()
		require.NoError(t, err, p.Name)
		for name, v := range p.Params {
			got, ok := m.Param(name)
			require.True(t, ok, "%s: param %s", p.Name, name)
			assert.Equal(t, v, got, "%s: param %s", p.Name, name)
		}
		// Random inputs lie inside the declared ranges: Uniform and
		// AppendixD promise it, and RunDP would reject them otherwise.
		rng := instance.NewRand(7)
		for range 20 {
			for k, step := range p.Random(rng, m) {
				for i, in := range m.Inputs {
					v := step[i]
					assert.True(t, v >= in.Lo && v <= in.Hi, "%s: step %d: %s = %v outside %v..%v", p.Name, k+1, in.Name, v, in.Lo, in.Hi)
				}
			}
		}
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	assert.FileExists(t, root+"/go.mod")
	assert.FileExists(t, root+"/examples/knapsack.dp")
	_, err = repo.ReadProgram("examples/no-such.dp")
	assert.Error(t, err)
}

func TestLowDimOptima(t *testing.T) {
	instances, err := LowDim()
	require.NoError(t, err)
	require.Len(t, instances, 9)
	ran := 0
	for _, in := range instances {
		t.Run(in.Name, func(t *testing.T) {
			// knapsack.dp's state has pmax = Σ profits cells; the larger
			// instances (f8: 19309) are left to the network benchmarks.
			if in.ProfitSum() > 1200 {
				t.Skipf("profit sum %d > 1200", in.ProfitSum())
			}
			ran++
			for _, program := range []string{"examples/knapsack.dp", "examples/knapsack_int.dp"} {
				t.Run(program, func(t *testing.T) {
					f, err := repo.ReadProgram(program)
					require.NoError(t, err)
					params, notes, err := instance.Params(f, in.Instance, nil)
					require.NoError(t, err)
					assert.Equal(t, in.ProfitSum(), params["pmax"], "pmax is set automatically: %v", notes)
					m, err := dsl.Check(f, params)
					require.NoError(t, err)
					steps, err := instance.BindExact(m, in.Instance)
					require.NoError(t, err)
					tr, err := truth.RunDPExact(m, steps)
					require.NoError(t, err)
					a, err := tr.Answer()
					require.NoError(t, err)
					assert.Equal(t, fmt.Sprint(in.Optimum), a.String())

					// A network is fed the float64 sizes, whose rounding
					// could in principle change the answer at a tie (see
					// TestRunDPExactSizes); on these instances it does not.
					floats, err := instance.Bind(m, in.Instance)
					require.NoError(t, err)
					tr, err = truth.RunDP(m, floats)
					require.NoError(t, err)
					a, err = tr.Answer()
					require.NoError(t, err)
					assert.Equal(t, fmt.Sprint(in.Optimum), a.String(), "float64 inputs")
				})
			}
		})
	}
	assert.Equal(t, 8, ran, "every instance but f8 runs")
}
