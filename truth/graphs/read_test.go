package graphs

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tinyATSP = `NAME: tiny
TYPE: ATSP
DIMENSION: 3
EDGE_WEIGHT_TYPE: EXPLICIT
EDGE_WEIGHT_FORMAT: FULL_MATRIX
EDGE_WEIGHT_SECTION
0 1 2
3 0 4
5 6 0
EOF
`

func TestReadTSPLIBFormats(t *testing.T) {
	full := [][]float64{{0, 1, 2}, {1, 0, 3}, {2, 3, 0}}
	for _, tt := range []struct {
		format, weights string
	}{
		{"FULL_MATRIX", "0 1 2\n1 0 3\n2 3 0"},
		{"UPPER_ROW", "1 2\n3"},
		{"LOWER_ROW", "1\n2 3"},
		{"UPPER_DIAG_ROW", "0 1 2 0 3 0"},
		{"LOWER_DIAG_ROW", "0\n1 0\n2 3 0"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			text := "NAME : sym\nTYPE : TSP\nCOMMENT : three\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : " +
				tt.format + "\nEDGE_WEIGHT_SECTION\n" + tt.weights + "\n"
			inst, err := ReadTSPLIB("sym.tsp", strings.NewReader(text))
			require.NoError(t, err)
			assert.Equal(t, full, inst.C)
			assert.Equal(t, "sym", inst.Name)
			assert.Equal(t, "three", inst.Comment)
		})
	}
	inst, err := ReadTSPLIB("tiny.atsp", strings.NewReader(tinyATSP))
	require.NoError(t, err)
	assert.Equal(t, [][]float64{{0, 1, 2}, {3, 0, 4}, {5, 6, 0}}, inst.C, "FULL_MATRIX keeps the asymmetry")
}

func TestReadTSPLIBErrors(t *testing.T) {
	header := "NAME: x\nTYPE: ATSP\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: FULL_MATRIX\n"
	for _, tt := range []struct {
		name, text, want string
	}{
		{"empty", "", "x.atsp:0: no EDGE_WEIGHT_SECTION"},
		{"unknown keyword", "NAME: x\nCAPACITY: 3\n", `x.atsp:2: unknown keyword "CAPACITY"`},
		{"type", "TYPE: CVRP\n", `x.atsp:1: TYPE "CVRP" is not supported (TSP or ATSP)`},
		{"dimension", "DIMENSION: -3\n", `x.atsp:1: DIMENSION "-3" is not an integer in 1..32768`},
		{"coordinates", "EDGE_WEIGHT_TYPE: EUC_2D\n", `x.atsp:1: EDGE_WEIGHT_TYPE "EUC_2D" is not supported (only EXPLICIT)`},
		{"format", "EDGE_WEIGHT_FORMAT: UPPER_COL\n", `x.atsp:1: EDGE_WEIGHT_FORMAT "UPPER_COL" is not supported`},
		{"section too early", "TYPE: ATSP\nEDGE_WEIGHT_SECTION\n", "x.atsp:2: EDGE_WEIGHT_SECTION before DIMENSION"},
		{"bad weight", header + "EDGE_WEIGHT_SECTION\n0 1\n2 zero\n", `x.atsp:8: weight 4: "zero" is not a finite number`},
		{"infinite weight", header + "EDGE_WEIGHT_SECTION\n0 1\n2 Inf\n", `x.atsp:8: weight 4: "Inf" is not a finite number`},
		{"too many weights", header + "EDGE_WEIGHT_SECTION\n0 1\n2 3 4\n", "x.atsp:8: more weights than the 4 of a 2-city FULL_MATRIX"},
		{"too few weights", header + "EDGE_WEIGHT_SECTION\n0 1\n2\n", "x.atsp:8: file ends after 3 of the 4 weights"},
		{"early EOF", header + "EDGE_WEIGHT_SECTION\n0 1\nEOF\n", "x.atsp:8: EOF after 2 of the 4 weights"},
		{"trailing section", header + "EDGE_WEIGHT_SECTION\n0 1 2 3\nDISPLAY_DATA_SECTION\n", `x.atsp:8: unexpected "DISPLAY_DATA_SECTION" after the edge weights`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadTSPLIB("x.atsp", strings.NewReader(tt.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// FuzzReadTSPLIB checks that the reader never panics and that whatever
// it accepts is a full, finite matrix of the declared size, symmetric for
// the triangular formats.
func FuzzReadTSPLIB(f *testing.F) {
	for _, file := range []string{"br17.atsp", "gr17.tsp"} {
		data, err := os.ReadFile(filepath.Join(graphsDir, file))
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(tinyATSP))
	f.Add([]byte("TYPE: TSP\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n7\n"))
	f.Add([]byte("TYPE: TSP\nDIMENSION: 1\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: LOWER_ROW\nEDGE_WEIGHT_SECTION\nEOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, err := ReadTSPLIB("fuzz", strings.NewReader(string(data)))
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "fuzz:"), "errors name the file: %v", err)
			return
		}
		n := inst.Dimension
		require.Len(t, inst.C, n)
		for i, row := range inst.C {
			require.Len(t, row, n)
			for j, x := range row {
				// Plain comparisons: n² assertions would dominate the run.
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("C[%d][%d] = %v", i, j, x)
				}
				if inst.Format != "FULL_MATRIX" && x != inst.C[j][i] {
					t.Fatalf("%s: C[%d][%d] = %v but C[%d][%d] = %v", inst.Format, i, j, x, j, i, inst.C[j][i])
				}
			}
		}
	})
}

func TestParseGraphJSONErrors(t *testing.T) {
	for _, tt := range []struct {
		name, text, want string
	}{
		{"syntax", "{\n  \"n\": 2,\n  \"edges\": [\n    {\"from\": 0 \"to\": 1}\n  ]\n}", "g.json:4: invalid character"},
		{"type", "{\n  \"n\": \"two\"\n}", "g.json:2: n: string is not a int"},
		{"unknown field", `{"n": 2, "egdes": []}`, `g.json: json: unknown field "egdes"`},
		{"no vertices", `{"edges": []}`, `g.json: no "n" and no "vertices"`},
		{"both", "{\"vertices\": [\"a\"],\n \"n\": 1}", `g.json:2: give either "n" or "vertices"`},
		{"duplicate name", "{\"vertices\": [\"a\",\n \"a\"]}", `g.json:2: vertex "a" named twice`},
		{"unknown vertex", "{\"vertices\": [\"a\", \"b\"],\n \"edges\": [\n  {\"from\": \"a\", \"to\": \"b\", \"cost\": 1},\n  {\"from\": \"a\",\n   \"to\": \"c\", \"cost\": 1}]}", `g.json:5: unknown vertex "c"`},
		{"index out of range", "{\"n\": 2, \"edges\": [{\"from\": 0, \"to\": 2, \"cost\": 1}]}", "g.json:1: vertex 2 is neither a name nor an index in 0..1"},
		{"no cost", "{\"n\": 2,\n \"edges\": [\n {\"from\": 0, \"to\": 1}]}", "g.json:3: edge 0 has no cost"},
		{"short dist", "{\"n\": 2, \"known\": {\"sssp\": [\n {\"from\": 0,\n  \"dist\": [0]}]}}", "g.json:3: sssp 0: 1 distances for 2 vertices"},
		{"empty sssp", "{\"n\": 2, \"known\": {\"sssp\": [{\"from\": 0}]}}", `gives neither "dist" nor "negative_cycle"`},
		{"ragged matrix", "{\"n\": 2, \"known\": {\n\"apsp\": [[0, 1], [0]]}}", "g.json:2: apsp: row 1 has 1 entries for 2 vertices"},
		{"trailing data", "{\"n\": 1}\n{}", "g.json:2: data after the JSON value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseGraphJSON("g.json", []byte(tt.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseGraphJSON(t *testing.T) {
	text := `{"n": 3, "edges": [{"from": 0, "to": 1, "cost": 4}, {"from": 0, "to": 1, "cost": 2}, {"from": 2, "to": 2, "cost": -1}],
	  "known": {"sssp": [{"from": 0, "dist": [0, 2, null]}], "negative_cycle": true}}`
	gf, err := ParseGraphJSON("g.json", []byte(text))
	require.NoError(t, err)
	assert.Equal(t, []string{"0", "1", "2"}, gf.Vertices)
	assert.Len(t, gf.Edges, 3, "parallel arcs stay in the arc list")
	assert.Equal(t, 2.0, gf.Graph.C[0][1], "the matrix keeps the cheapest parallel arc")
	assert.Equal(t, -1.0, gf.Graph.C[2][2])
	assert.Equal(t, []float64{0, 2, math.Inf(1)}, gf.Known.SSSP[0].Dist, "null is unreachable")
	require.NotNil(t, gf.Known.NegativeCycle)
	assert.True(t, *gf.Known.NegativeCycle)
}

func TestParseSequenceJSONErrors(t *testing.T) {
	for _, tt := range []struct {
		name, text, want string
	}{
		{"no alphabet", `{"x": "ab", "y": "b", "known": {"length": 1}}`, "empty or missing alphabet"},
		{"repeated symbol", `{"alphabet": "aba"}`, `alphabet has 'a' twice`},
		{"foreign symbol", "{\"alphabet\": \"ab\",\n \"x\": \"ab\",\n \"y\": \"abc\"}", `s.json:3: character 2 ('c') is not in the alphabet "ab"`},
		{"no length", `{"alphabet": "ab", "x": "a", "y": "b", "known": {}}`, "no known length"},
		{"foreign lcs", "{\"alphabet\": \"ab\", \"x\": \"a\", \"y\": \"a\", \"known\": {\"length\": 1,\n \"lcs\": [\"a\",\n \"z\"]}}", "s.json:3: character 0 ('z')"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSequenceJSON("s.json", []byte(tt.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestReadRCSPErrors(t *testing.T) {
	for _, tt := range []struct {
		name, text, want string
	}{
		{"empty", "", "r.txt:0: file ends before the number of vertices"},
		{"two resources", "3 1 2\n", `r.txt:1: the number of resources (only 1 is supported) "2" is not an integer in 1..1`},
		{"lower limit", "2 1 1\n5\n9\n0 0\n1 2 3 4\n", "r.txt:2: lower resource limit 5 is not supported"},
		{"vertex resource", "2 1 1\n0\n9\n0\n3\n1 2 3 4\n", "r.txt:5: vertex 2 uses resource 3"},
		{"head", "2 1 1\n0\n9\n0\n0\n1 3 3 4\n", `r.txt:6: arc 1: head "3" is not an integer in 1..2`},
		{"fractional cost", "2 1 1\n0\n9\n0\n0\n1 2 3.5 4\n", `r.txt:6: arc 1: cost "3.5" is not an integer`},
		{"missing arc", "2 2 1\n0\n9\n0\n0\n1 2 3 4\n", "r.txt:6: file ends before arc 2: tail"},
		{"extra", "2 1 1\n0\n9\n0\n0\n1 2 3 4\n7\n", `r.txt:7: unexpected "7" after the 1 arcs`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadRCSP("r.txt", strings.NewReader(tt.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	p, err := ReadRCSP("r.txt", strings.NewReader("2 1 1\n0\n9.5\n0\n0\n1 2 3 4.25\n"))
	require.NoError(t, err)
	assert.Equal(t, &RCSP{Name: "r.txt", Graph: LengthGraph{N: 2, Arcs: []Arc{{0, 1, 3, 4.25}}}, Source: 0, Target: 1, Limit: 9.5}, p)
}

func TestReadOptimaErrors(t *testing.T) {
	_, err := ReadOptima("o.txt", strings.NewReader("a 1\n\nb x\n"))
	assert.EqualError(t, err, `o.txt:3: "x" is not a finite number`)
	_, err = ReadOptima("o.txt", strings.NewReader("a 1\na 2\n"))
	assert.EqualError(t, err, "o.txt:2: a listed twice")
	_, err = ReadOptima("o.txt", strings.NewReader("a 1 2\n"))
	assert.EqualError(t, err, `o.txt:1: want "name value", got 3 fields`)
}
