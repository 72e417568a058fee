package problems

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/truth"
	"github.com/dp2nn/dp2nn/truth/graphs"
)

// The published instances of testdata/graphs and testdata/seq (cited in
// testdata/README.md) through the DSL programs: converted to instances,
// written to JSON and read back, bound to the program's data, run by the
// exact interpreter; the answers must be the published ones.

// dataRun is one instance run through its program.
type dataRun struct {
	m     *dsl.Model
	data  [][]float64
	trace *truth.Trace
	err   error // from RunDPData
}

// runInstance checks program with the params the instance gives (others
// default), round-trips the instance through JSON, binds its data and
// runs the interpreter.
func runInstance(t *testing.T, program string, inst *instance.Instance, set map[string]int64) dataRun {
	t.Helper()
	f, err := repo.ReadProgram(program)
	require.NoError(t, err)
	params, _, err := instance.Params(f, inst, set)
	require.NoError(t, err)
	m, err := dsl.Check(f, params)
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, instance.WriteInstance(&buf, inst))
	back, err := instance.ReadInstance(inst.Name+".json", buf.Bytes())
	require.NoError(t, err, "the written instance reads back:\n%s", buf.String())
	data, err := instance.BindData(m, back)
	require.NoError(t, err)
	direct, err := instance.BindData(m, inst)
	require.NoError(t, err)
	require.Equal(t, direct, data, "the JSON round trip keeps every value")

	tr, err := truth.RunDPData(m, nil, data)
	return dataRun{m: m, data: data, trace: tr, err: err}
}

func TestRealDataLCS(t *testing.T) {
	files, err := filepath.Glob(repoFile(t, "testdata/seq/*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		sf, err := graphs.ReadSequenceFile(path)
		require.NoError(t, err)
		t.Run(sf.Name, func(t *testing.T) {
			r := runInstance(t, "examples/lcs.dp", instance.SequenceInstance(sf), nil)
			require.NoError(t, r.err)
			a, err := r.trace.Answer()
			require.NoError(t, err)
			assert.Equal(t, float64(sf.Known.Length), answerFloat(a), "the published LCS length")
			want, err := lcsExact(r.m, r.data)
			require.NoError(t, err)
			assert.Equal(t, want.Final, r.trace.Final(0), "every cell of the table")
		})
	}
}

func TestRealDataShortestPaths(t *testing.T) {
	for _, tt := range []struct {
		file string
		sssp bool // Bellman–Ford from every published source
		apsp bool
	}{
		{"clrs-24.4.json", true, false},
		{"clrs-24.4-negative-cycle.json", true, false},
		{"clrs-24.6.json", true, false},
		{"clrs-25.2.json", false, true},
		{"rosetta-floyd-warshall.json", false, true},
	} {
		gf, err := graphs.ReadGraphFile(repoFile(t, "testdata/graphs/"+tt.file))
		require.NoError(t, err)
		t.Run(tt.file, func(t *testing.T) {
			if tt.sssp {
				require.NotEmpty(t, gf.Known.SSSP)
			}
			for _, known := range gf.Known.SSSP {
				inst, err := instance.GraphInstance(gf.Name, gf.Graph, known.From)
				require.NoError(t, err)
				r := runInstance(t, "examples/bellmanford.dp", inst, nil)
				if known.NegativeCycle {
					var fe *truth.FixpointError
					require.True(t, errors.As(r.err, &fe), "a negative cycle is reachable from %s: %v", gf.Vertices[known.From], r.err)
					assert.Equal(t, "a negative cycle is reachable from the source", fe.Msg)
					continue
				}
				require.NoError(t, r.err)
				a, err := r.trace.Answer()
				require.NoError(t, err)
				assert.Equal(t, known.Dist, valueFloats(a.Cells), "distances from %s", gf.Vertices[known.From])
			}
			if !tt.apsp {
				return
			}
			inst, err := instance.GraphInstance(gf.Name, gf.Graph, 0)
			require.NoError(t, err)
			r := runInstance(t, "examples/apsp.dp", inst, nil)
			require.NoError(t, r.err)
			a, err := r.trace.Answer()
			require.NoError(t, err)
			require.NotNil(t, gf.Known.APSP)
			assert.Equal(t, flatten(gf.Known.APSP), valueFloats(a.Cells), "the published distance matrix")
			// Step 1 makes L(1), step j+1 squares L(2^(j−1)) into L(2^j):
			// CLRS prints L(1) (SLOW-ALL-PAIRS) and L(2), L(4), L(8)
			// (FASTER-ALL-PAIRS) for Figure 25.2.
			checked := 0
			for _, known := range append(gf.Known.PathsUpTo, gf.Known.Squaring...) {
				step := 1
				for 1<<(step-1) < known.Step {
					step++
				}
				if 1<<(step-1) != known.Step || step > r.trace.Steps() {
					continue
				}
				assert.Equal(t, flatten(known.Matrix), r.trace.State(step, 0), "L(%d) after step %d", known.Step, step)
				checked++
			}
			if tt.file == "clrs-25.2.json" {
				assert.Equal(t, 6, checked, "L(1), L(2), L(4) of SLOW-ALL-PAIRS and L(2), L(4), L(8) of FASTER-ALL-PAIRS")
			}
		})
	}
}

// TestRealDataTSPLIB converts br17 and gr17 for heldkarp.dp (n = 17) and
// checks the conversion against the published optima through Exact
// (graphs.HeldKarp). The interpreter is not run on them: 2^16·16 cells
// over 16 steps in big.Rat arithmetic take minutes. It runs instead on
// the first 8 cities of each, against Exact.
func TestRealDataTSPLIB(t *testing.T) {
	optima := map[string]float64{"br17": 39, "gr17": 2085} // testdata/graphs/optima.txt
	for _, file := range []string{"br17.atsp", "gr17.tsp"} {
		tsp, err := graphs.ReadTSPLIBFile(repoFile(t, "testdata/graphs/"+file))
		require.NoError(t, err)
		t.Run(tsp.Name, func(t *testing.T) {
			inst, err := instance.TSPLIBInstance(tsp)
			require.NoError(t, err)
			f, err := repo.ReadProgram("examples/heldkarp.dp")
			require.NoError(t, err)
			params, _, err := instance.Params(f, inst, nil)
			require.NoError(t, err)
			assert.Equal(t, int64(17), params["n"])
			m, err := dsl.Check(f, params)
			require.NoError(t, err)
			data, err := instance.BindData(m, inst)
			require.NoError(t, err)
			want, err := heldKarpExact(m, data)
			require.NoError(t, err)
			assert.Equal(t, optima[tsp.Name], want.Value, "the published optimum")

			sub := *tsp
			sub.C = nil
			for _, row := range tsp.C[:8] {
				sub.C = append(sub.C, row[:8])
			}
			inst, err = instance.TSPLIBInstance(&sub)
			require.NoError(t, err)
			r := runInstance(t, "examples/heldkarp.dp", inst, nil)
			require.NoError(t, r.err)
			exact, err := heldKarpExact(r.m, r.data)
			require.NoError(t, err)
			a, err := r.trace.Answer()
			require.NoError(t, err)
			assert.Equal(t, exact.Value, answerFloat(a), "the optimum of the first 8 cities")
			assert.Equal(t, exact.Final, r.trace.Final(0))
		})
	}
}

// TestRealDataRCSP converts the OR-Library instances for csp.dp and
// checks the conversion against the published optima through Exact
// (label setting). The interpreter is not run on them: with lengths up
// to 116, cmax = 99·116 and the table has over a million cells.
func TestRealDataRCSP(t *testing.T) {
	for _, name := range []string{"rcsp1", "rcsp2"} {
		p, err := graphs.ReadRCSPFile(repoFile(t, "testdata/graphs/"+name+".txt"))
		require.NoError(t, err)
		t.Run(name, func(t *testing.T) {
			inst, err := instance.RCSPInstance(p)
			require.NoError(t, err)
			f, err := repo.ReadProgram("examples/csp.dp")
			require.NoError(t, err)
			params, _, err := instance.Params(f, inst, nil)
			require.NoError(t, err)
			assert.Equal(t, map[string]int64{"n": 100, "s": 1, "t": 100, "lmax": 116, "rmax": 449, "cmax": 99 * 116}, params)
			m, err := dsl.Check(f, params)
			require.NoError(t, err)
			data, err := instance.BindData(m, inst)
			require.NoError(t, err)
			want, err := cspExact(m, data)
			require.NoError(t, err)
			assert.Equal(t, 131.0, want.Value, "the published optimum")
		})
	}
}

func repoFile(t *testing.T, path string) string {
	t.Helper()
	abs, err := repo.RepoPath(path)
	require.NoError(t, err)
	return abs
}
