package problems

import (
	"errors"
	"hash/fnv"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth"
)

// instancesPerDataProblem: three rows per program, so each program runs on
// 3·120 = 360 random instances.
const instancesPerDataProblem = 120

func seedOf(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// answerFloat is the interpreter's answer as DataAnswer states it: +Inf
// when a search finds no index.
func answerFloat(a truth.Answer) float64 {
	if !a.Found {
		return math.Inf(1)
	}
	return a.Value.Float64()
}

func valueFloats(vs []truth.Value) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = v.Float64()
	}
	return out
}

// dataProblemStats counts what the random instances of one program
// exercised, so that a generator that stops producing a case fails.
type dataProblemStats struct {
	instances, negativeCycles, noAnswer, finiteAnswer, infCells int
	// binding counts constrained shortest path instances whose limit
	// makes the answer longer than the shortest path without it.
	binding int
}

// TestDataProblems runs the exact interpreter on random instances of
// every data problem and compares with the truth/graphs solvers: the
// answer (the value, or every cell of an answer state), the whole final
// state, and the fixpoint check, which must fail exactly on the
// instances with a negative cycle (reachable from the source for
// Bellman–Ford, anywhere for all pairs). Every value is an integer, so
// the comparisons are exact.
func TestDataProblems(t *testing.T) {
	stats := map[string]*dataProblemStats{}
	for _, p := range DataCases() {
		t.Run(p.Name, func(t *testing.T) {
			m, err := p.Model()
			require.NoError(t, err)
			st := stats[p.Program]
			if st == nil {
				st = &dataProblemStats{}
				stats[p.Program] = st
			}
			rng := instance.NewRand(seedOf(p.Name))
			for k := range instancesPerDataProblem {
				data := p.Random(rng, m)
				want, err := p.Exact(m, data)
				require.NoError(t, err, "instance %d", k)
				tr, err := truth.RunDPData(m, nil, data)
				st.instances++
				if want.NegativeCycle {
					st.negativeCycles++
					var fe *truth.FixpointError
					require.True(t, errors.As(err, &fe), "instance %d: a negative cycle, want a fixpoint error, got %v", k, err)
					require.NotNil(t, m.Fixpoint)
					assert.Equal(t, m.Fixpoint.Msg, fe.Msg)
					assert.Equal(t, m.Steps+1, fe.Step)
					require.NotNil(t, tr, "the trace of the steps comes with the fixpoint error")
					assert.Equal(t, m.Steps, tr.Steps())
					assert.Equal(t, want.Final, tr.Final(0), "instance %d: the state after the last step", k)
					continue
				}
				require.NoError(t, err, "instance %d", k)
				require.Equal(t, m.Steps, tr.Steps())
				require.Equal(t, want.Final, tr.Final(0), "instance %d: the state after the last step", k)
				a, err := tr.Answer()
				require.NoError(t, err)
				if m.Answer.Kind == dsl.AnswerState {
					got := valueFloats(a.Cells)
					require.Equal(t, want.Cells, got, "instance %d: the answer state", k)
					for _, c := range got {
						if math.IsInf(c, 1) {
							st.infCells++
						}
					}
					continue
				}
				got := answerFloat(a)
				require.Equal(t, want.Value, got, "instance %d: the answer", k)
				if math.IsInf(got, 1) {
					st.noAnswer++
				} else {
					st.finiteAnswer++
				}
				if p.Program == "examples/csp.dp" && !math.IsInf(got, 1) && got > unconstrainedLength(t, m, data) {
					st.binding++
				}
			}
		})
	}
	// Every case is exercised: instances with and without negative
	// cycles, unreachable vertices, infeasible and feasible constrained
	// paths, instances with and without a tour.
	for prog, st := range stats {
		t.Logf("%s: %+v", prog, *st)
		assert.GreaterOrEqual(t, st.instances, 300, prog)
		switch prog {
		case "examples/bellmanford.dp", "examples/apsp.dp":
			assert.Greater(t, st.negativeCycles, st.instances/20, "%s: negative cycles", prog)
			assert.Greater(t, st.instances-st.negativeCycles, st.instances/2, "%s: most instances have none", prog)
			assert.Greater(t, st.infCells, 50, "%s: unreachable vertices", prog)
		case "examples/csp.dp", "examples/heldkarp.dp":
			assert.Greater(t, st.noAnswer, st.instances/20, "%s: no answer", prog)
			assert.Greater(t, st.finiteAnswer, st.instances/3, "%s: an answer", prog)
			if prog == "examples/csp.dp" {
				assert.Greater(t, st.binding, st.instances/20, "%s: the limit makes the path longer", prog)
			}
		case "examples/lcs.dp":
			assert.Equal(t, st.instances, st.finiteAnswer)
		}
	}
}

// TestDataProblemsRandomInRange checks the generators' promise: every
// value they draw passes the data declarations (the interpreter's own
// check, shared with BindData).
func TestDataProblemsRandomInRange(t *testing.T) {
	for _, p := range DataCases() {
		m, err := p.Model()
		require.NoError(t, err)
		rng := instance.NewRand(seedOf(p.Name) + 1)
		for range 50 {
			_, err := truth.DataValues(m, p.Random(rng, m))
			require.NoError(t, err, p.Name)
		}
	}
}

// unconstrainedLength is the answer of csp.dp's instance with the
// largest limit R its declaration allows, (n−1)·rmax, which no simple
// path exceeds: the shortest path from s to t.
func unconstrainedLength(t *testing.T, m *dsl.Model, data [][]float64) float64 {
	t.Helper()
	k, err := dataIndex(m, "R")
	require.NoError(t, err)
	free := append([][]float64(nil), data...)
	free[k] = []float64{m.Data[k].Hi}
	a, err := cspExact(m, free)
	require.NoError(t, err)
	return a.Value
}

// Every problem with data of Section 6 of the paper has a bound for both
// forms, and the formulas grow with the params they name. The problems
// the paper does not treat (gridpath, editdist, palindrome, rodcut) have
// none.
func TestSizeBoundsTable(t *testing.T) {
	section6 := []string{"lcs", "bellmanford", "apsp", "csp", "heldkarp"}
	for _, p := range Table {
		if !p.HasData() {
			continue
		}
		b := p.Bounds
		if !slices.Contains(section6, p.Name) {
			assert.Nil(t, b, "%s: no source states a bound", p.Name)
			continue
		}
		require.NotNil(t, b, p.Name)
		assert.NotEmpty(t, b.Source)
		for _, form := range []string{"cell", "unrolled"} {
			sb, ok := b.Bound(form)
			require.True(t, ok, "%s %s", p.Name, form)
			small := map[string]int64{"m": 4, "n": 4, "cmax": 12}
			large := map[string]int64{"m": 8, "n": 8, "cmax": 28}
			assert.Greater(t, sb.SizeOf(large), sb.SizeOf(small), "%s %s size %s", p.Name, form, sb.Size)
			assert.GreaterOrEqual(t, sb.DepthOf(large), sb.DepthOf(small), "%s %s depth %s", p.Name, form, sb.Depth)
		}
	}
}
