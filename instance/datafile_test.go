package instance_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// ReadDataFile picks the reader by the file and finds the published
// answer: optima.txt beside a TSPLIB or rcsp file, the answers a graph or
// sequence file states.
func TestReadDataFile(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	cases := []struct {
		file     string
		source   int
		kind     string
		name     string
		scalars  map[string]float64
		what     string
		value    float64 // published value; NaN: none, -1: cells
		cells    []float64
		negCycle bool
	}{
		{"testdata/graphs/br17.atsp", -1, "TSPLIB file", "br17", map[string]float64{"n": 17}, "39 (", 39, nil, false},
		{"testdata/graphs/rcsp1.txt", -1, "OR-Library rcsp file", "rcsp1", nil, "131 (", 131, nil, false},
		{"testdata/graphs/clrs-24.4.json", -1, "graph file", "clrs-24.4", map[string]float64{"n": 5, "s": 1}, "distances from s", -1, []float64{0, 2, 4, 7, -2}, false},
		{"testdata/graphs/clrs-24.4-negative-cycle.json", -1, "graph file", "clrs-24.4-negative-cycle", nil, "a negative cycle", math.NaN(), nil, true},
		{"testdata/seq/clrs-15.8.json", -1, "sequence file", "clrs-15.8", nil, "LCS length 4", 4, nil, false},
		{"cmd/dp2nn/testdata/data/csp4.json", -1, "instance", "csp4", nil, "", math.NaN(), nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(root, c.file)
			df, err := instance.ReadDataFile(path, c.source)
			require.NoError(t, err)
			assert.Equal(t, c.kind, df.Kind)
			assert.Equal(t, c.name, df.Inst.Name)
			for k, v := range c.scalars {
				assert.Equal(t, v, df.Inst.Scalars[k], k)
			}
			switch {
			case c.what == "":
				assert.Nil(t, df.Known)
				return
			case c.negCycle:
				what, agree := df.Known.Compare(0, false, nil, true)
				assert.Contains(t, what, c.what)
				assert.True(t, agree)
				_, agree = df.Known.Compare(0, false, []float64{0, 1}, false)
				assert.False(t, agree, "no negative cycle found")
			case c.cells != nil:
				what, agree := df.Known.Compare(0, false, c.cells, false)
				assert.Contains(t, what, c.what)
				assert.True(t, agree)
				wrong := append([]float64(nil), c.cells...)
				wrong[1]++
				_, agree = df.Known.Compare(0, false, wrong, false)
				assert.False(t, agree)
			default:
				what, agree := df.Known.Compare(c.value, true, nil, false)
				assert.Contains(t, what, c.what)
				assert.True(t, agree)
				_, agree = df.Known.Compare(c.value+1, true, nil, false)
				assert.False(t, agree)
				_, agree = df.Known.Compare(0, false, nil, false)
				assert.False(t, agree, "no answer where one is published")
			}
		})
	}
	var nothing *instance.Published
	what, agree := nothing.Compare(1, true, nil, false)
	assert.Empty(t, what)
	assert.True(t, agree)
}

func TestReadDataFileErrors(t *testing.T) {
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	_, err = instance.ReadDataFile(filepath.Join(root, "testdata/graphs/clrs-24.4.json"), 8)
	assert.ErrorContains(t, err, "source 9 (from -set s) is not a vertex: the graph has 5")
	_, err = instance.ReadDataFile(filepath.Join(root, "no-such.json"), -1)
	assert.ErrorContains(t, err, "cannot read instance")
	_, err = instance.ReadDataFile(filepath.Join(root, "no-such.atsp"), -1)
	assert.ErrorContains(t, err, "no-such.atsp")
	// adv3 M6: a key twice in a graph file (read by truth/graphs).
	dup := filepath.Join(t.TempDir(), "dup.json")
	require.NoError(t, os.WriteFile(dup, []byte(`{"n": 2, "edges": [[1, 2, 3]], "n": 3}`), 0o644))
	_, err = instance.ReadDataFile(dup, -1)
	assert.EqualError(t, err, dup+`:1:32: key "n" appears twice in the same object (first at 1:2); give it once`)
}

// A published state answer is compared entry by entry: +inf equals +inf
// (unreachable), −inf equals −inf, NaN equals nothing; a published
// value of +inf means "none", which a search that found nothing matches.
func TestPublishedCompare(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	four := 4.0
	table := &instance.Published{What: "distances", Cells: []float64{0, inf, -inf, 2}}
	none := &instance.Published{What: "optimum", Value: &inf}
	value := &instance.Published{What: "optimum", Value: &four}
	for _, tt := range []struct {
		name  string
		pub   *instance.Published
		value float64
		found bool
		cells []float64
		agree bool
	}{
		{"equal with infinities", table, 0, true, []float64{0, inf, -inf, 2}, true},
		{"+inf for -inf", table, 0, true, []float64{0, inf, inf, 2}, false},
		{"finite for +inf", table, 0, true, []float64{0, 1e300, -inf, 2}, false},
		{"NaN entry", table, 0, true, []float64{0, nan, -inf, 2}, false},
		{"one entry short", table, 0, true, []float64{0, inf, -inf}, false},
		{"one entry off", table, 0, true, []float64{0, inf, -inf, 3}, false},
		{"none found, none published", none, 0, false, nil, true},
		{"found, none published", none, 3, true, nil, false},
		{"value", value, 4, true, nil, true},
		{"NaN value", value, nan, true, nil, false},
		{"none found, a value published", value, 0, false, nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			what, agree := tt.pub.Compare(tt.value, tt.found, tt.cells, false)
			assert.Equal(t, tt.pub.What, what)
			assert.Equal(t, tt.agree, agree)
		})
	}
}
