package graphs

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real instances shared by the whole repository, cited in
// testdata/README.md.
const (
	graphsDir = "../../testdata/graphs"
	seqDir    = "../../testdata/seq"
)

// hkBudget is the Held–Karp memory budget of the tests: 2^17·17·8 bytes
// (17.8 MB) for the 17-city instances fits, ftv33's 2^34·34·8 would not.
const hkBudget = 64 << 20

func readOptima(t *testing.T) map[string]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join(graphsDir, "optima.txt"))
	require.NoError(t, err)
	defer f.Close()
	optima, err := ReadOptima("optima.txt", f)
	require.NoError(t, err)
	return optima
}

func TestTSPLIBOptima(t *testing.T) {
	optima := readOptima(t)
	for _, tt := range []struct {
		file, typ, format string
		n                 int
	}{
		{"br17.atsp", "ATSP", "FULL_MATRIX", 17},
		{"gr17.tsp", "TSP", "LOWER_DIAG_ROW", 17},
	} {
		t.Run(tt.file, func(t *testing.T) {
			inst, err := ReadTSPLIBFile(filepath.Join(graphsDir, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.typ, inst.Type)
			assert.Equal(t, tt.format, inst.Format)
			require.Equal(t, tt.n, inst.Dimension)
			require.Len(t, inst.C, tt.n)
			want, ok := optima[inst.Name]
			require.True(t, ok, "optima.txt lists %s", inst.Name)

			cost, tour, err := HeldKarp(inst.C, hkBudget)
			require.NoError(t, err)
			assert.Equal(t, want, cost, "Held–Karp against the published optimum")
			tourCost, err := TourCost(inst.C, tour)
			require.NoError(t, err)
			assert.Equal(t, cost, tourCost, "the returned tour costs what Held–Karp says")
			assert.Equal(t, 0, tour[0], "tours start at city 0")
		})
	}
}

func TestHeldKarpRefusesOverBudget(t *testing.T) {
	inst, err := ReadTSPLIBFile(filepath.Join(graphsDir, "br17.atsp"))
	require.NoError(t, err)
	// 2^17·17·8 = 17,825,792 bytes: one byte less must be refused.
	_, _, err = HeldKarp(inst.C, HeldKarpBytes(17)-1)
	require.ErrorIs(t, err, ErrMemoryBudget)
	assert.Contains(t, err.Error(), "17825792")
	_, _, err = HeldKarp(inst.C, HeldKarpBytes(17))
	assert.NoError(t, err, "exactly the budget is enough")
}

func TestRCSPOptima(t *testing.T) {
	optima := readOptima(t)
	for _, tt := range []struct {
		file  string
		limit float64
	}{{"rcsp1", 73}, {"rcsp2", 65}} {
		t.Run(tt.file, func(t *testing.T) {
			p, err := ReadRCSPFile(filepath.Join(graphsDir, tt.file+".txt"))
			require.NoError(t, err)
			require.Equal(t, 100, p.Graph.N)
			require.Len(t, p.Graph.Arcs, 955)
			require.Equal(t, tt.limit, p.Limit)
			want := optima[tt.file]
			require.NotZero(t, want, "optima.txt lists %s", tt.file)

			// The length-indexed program up to a bound past the optimum.
			maxLength := int(want) + 20
			f, err := LengthTable(p.Graph, p.Source, maxLength)
			require.NoError(t, err)
			c, ok := MinLength(f, p.Target, p.Limit)
			require.True(t, ok)
			assert.Equal(t, want, float64(c), "length-indexed DP against the published optimum")

			best, walk, ok, err := ConstrainedPath(p.Graph, p.Source, p.Target, p.Limit, maxLength)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, want, float64(best.Length), "label setting against the published optimum")
			end, sum, err := WalkLabel(p.Graph, p.Source, walk)
			require.NoError(t, err)
			assert.Equal(t, p.Target, end)
			assert.Equal(t, best, sum, "the walk has the label's length and resource")
			assert.LessOrEqual(t, sum.Resource, p.Limit)
			assert.Equal(t, f[c][p.Target], best.Resource, "both methods find the same least resource at the optimum")
		})
	}
}

func TestGraphFilesPublishedAnswers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(graphsDir, "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 5)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			gf, err := ReadGraphFile(path)
			require.NoError(t, err)
			require.NotEmpty(t, gf.Source, "every data file names its source")
			g, k := gf.Graph, gf.Known
			checked := 0

			for _, s := range k.SSSP {
				dist, neg, err := BellmanFord(g.N, gf.Edges, s.From)
				require.NoError(t, err)
				assert.Equal(t, s.NegativeCycle, neg, "BellmanFord from %s: negative cycle", gf.Vertices[s.From])
				rows, err := BellmanFordRows(g, s.From, g.N, math.Inf(1))
				require.NoError(t, err)
				assert.Equal(t, s.NegativeCycle, !equalFloats(rows[g.N-1], rows[g.N]), "BellmanFordRows: row n differs from row n−1 iff a negative cycle is reachable")
				if s.NegativeCycle {
					cycle, err := FindNegativeCycle(g.N, gf.Edges, s.From)
					require.NoError(t, err)
					require.NotNil(t, cycle)
					assert.Less(t, CycleCost(g, cycle), 0.0, "the cycle found is negative")
				}
				if s.Dist != nil {
					assert.Equal(t, s.Dist, dist, "BellmanFord from %s", gf.Vertices[s.From])
					assert.Equal(t, s.Dist, rows[g.N-1], "BellmanFordRows from %s", gf.Vertices[s.From])
					if nonNegative(g) {
						d, err := Dijkstra(g, s.From)
						require.NoError(t, err)
						assert.Equal(t, s.Dist, d, "Dijkstra from %s", gf.Vertices[s.From])
					}
				}
				checked++
			}
			if k.NegativeCycle != nil {
				_, negFW, err := FloydWarshall(g)
				require.NoError(t, err)
				_, negSq, err := MinPlusSquaring(g)
				require.NoError(t, err)
				assert.Equal(t, *k.NegativeCycle, negFW, "FloydWarshall: negative cycle")
				assert.Equal(t, *k.NegativeCycle, negSq, "MinPlusSquaring: negative cycle")
				checked++
			}
			if k.APSP != nil {
				d, _, err := FloydWarshall(g)
				require.NoError(t, err)
				assert.Equal(t, k.APSP, d, "FloydWarshall")
				d, _, err = MinPlusSquaring(g)
				require.NoError(t, err)
				assert.Equal(t, k.APSP, d, "MinPlusSquaring")
				checked++
			}
			if len(k.FloydWarshall) > 0 {
				steps, err := FloydWarshallSteps(g)
				require.NoError(t, err)
				for _, s := range k.FloydWarshall {
					assert.Equal(t, s.Matrix, steps[s.Step], "D(%d)", s.Step)
				}
				checked++
			}
			if len(k.PathsUpTo) > 0 {
				steps, err := PathsUpTo(g, g.N)
				require.NoError(t, err)
				for _, s := range k.PathsUpTo {
					assert.Equal(t, s.Matrix, steps[s.Step-1], "L(%d)", s.Step)
				}
				checked++
			}
			if len(k.Squaring) > 0 {
				powers, err := MinPlusPowers(g)
				require.NoError(t, err)
				byStep := map[int][][]float64{}
				for j, p := range powers {
					byStep[1<<j] = p
				}
				for _, s := range k.Squaring {
					assert.Equal(t, s.Matrix, byStep[s.Step], "L(%d) by squaring", s.Step)
				}
				checked++
			}
			assert.Positive(t, checked, "the file publishes some answer")
		})
	}
}

func TestSequenceFilesPublishedAnswers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(seqDir, "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 3)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			sf, err := ReadSequenceFile(path)
			require.NoError(t, err)
			require.NotEmpty(t, sf.Source)
			require.NoError(t, sf.Symbols().Check("x", sf.X))
			require.NoError(t, sf.Symbols().Check("y", sf.Y))

			length, table := LCS(sf.X, sf.Y)
			assert.Equal(t, sf.Known.Length, length, "LCS against the published length")
			one := OneLCS(sf.X, sf.Y, table)
			assert.Len(t, one, length)
			assert.True(t, IsCommonSubsequence(one, sf.X, sf.Y))
			for _, s := range sf.Known.LCS {
				assert.Len(t, s, sf.Known.Length, "published LCS %v", s)
				assert.True(t, IsCommonSubsequence(s, sf.X, sf.Y), "published LCS %v is common", s)
			}
			bruteLen, all, err := LCSBruteForce(sf.X, sf.Y)
			require.NoError(t, err)
			assert.Equal(t, sf.Known.Length, bruteLen, "LCSBruteForce")
			assert.Contains(t, all, one)
			if sf.Known.Complete {
				assert.ElementsMatch(t, sf.Known.LCS, all, "the published list is every LCS")
			}
		})
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func nonNegative(g Graph) bool {
	for _, row := range g.C {
		for _, c := range row {
			if c < 0 {
				return false
			}
		}
	}
	return true
}
