package graphs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
)

// GraphFile is a digraph read from the JSON graph format, with the
// answers published for it:
//
//	{
//	  "name": "clrs-24.4",
//	  "source": "where the graph and the answers come from",
//	  "vertices": ["s", "t", "x", "y", "z"],      // or "n": 5
//	  "edges": [{"from": "s", "to": "t", "cost": 6}, …],
//	  "known": {
//	    "negative_cycle": false,
//	    "sssp": [{"from": "s", "dist": [0, 2, 4, 7, -2], "source": "…"}],
//	    "apsp": [[0, null, …], …],                  // null: unreachable
//	    "paths_up_to":    [{"step": 2, "matrix": [[…]]}, …],
//	    "squaring":       [{"step": 4, "matrix": [[…]]}, …],
//	    "floyd_warshall": [{"step": 1, "matrix": [[…]]}, …]
//	  }
//	}
//
// Endpoints name a vertex or give its 0-based index. Every part of
// "known" is optional; an sssp entry may say "negative_cycle": true
// instead of listing distances.
type GraphFile struct {
	Name, Source string
	Vertices     []string
	Edges        []Edge
	Graph        Graph // parallel arcs: the cheapest
	Known        KnownAnswers
}

// KnownAnswers are the published answers of a GraphFile, with +Inf for
// unreachable. The step matrices are the intermediate results printed in
// CLRS: PathsUpTo[k] is PathsUpTo's L(step) (walks of at most step arcs),
// Squaring's are MinPlusPowers' L(step), FloydWarshall's are
// FloydWarshallSteps' D(step).
type KnownAnswers struct {
	NegativeCycle                      *bool
	SSSP                               []KnownSSSP
	APSP                               [][]float64
	PathsUpTo, Squaring, FloydWarshall []KnownStep
}

// KnownSSSP is a published single-source answer.
type KnownSSSP struct {
	From          int
	Dist          []float64 // nil when only NegativeCycle is known
	NegativeCycle bool
	Source        string
}

// KnownStep is a published intermediate matrix.
type KnownStep struct {
	Step   int
	Matrix [][]float64
}

type jsonGraph struct {
	Name     string     `json:"name"`
	Source   string     `json:"source"`
	N        *int       `json:"n"`
	Vertices []string   `json:"vertices"`
	Edges    []jsonEdge `json:"edges"`
	Known    struct {
		NegativeCycle *bool      `json:"negative_cycle"`
		SSSP          []jsonSSSP `json:"sssp"`
		APSP          jsonMatrix `json:"apsp"`
		PathsUpTo     []jsonStep `json:"paths_up_to"`
		Squaring      []jsonStep `json:"squaring"`
		FloydWarshall []jsonStep `json:"floyd_warshall"`
	} `json:"known"`
}

type jsonEdge struct {
	From json.RawMessage `json:"from"`
	To   json.RawMessage `json:"to"`
	Cost *float64        `json:"cost"`
}

type jsonSSSP struct {
	From          json.RawMessage `json:"from"`
	Dist          []*float64      `json:"dist"`
	NegativeCycle bool            `json:"negative_cycle"`
	Source        string          `json:"source"`
}

type jsonStep struct {
	Step   int        `json:"step"`
	Matrix jsonMatrix `json:"matrix"`
}

type jsonMatrix [][]*float64

// ReadGraphFile reads a file of the JSON graph format. Errors read
// "path:line: message", the line being where the offending value starts.
func ReadGraphFile(path string) (*GraphFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseGraphJSON(path, data)
}

// ParseGraphJSON parses the JSON graph format; name is used in errors.
func ParseGraphJSON(name string, data []byte) (*GraphFile, error) {
	var raw jsonGraph
	if err := decodeStrict(name, data, &raw); err != nil {
		return nil, err
	}
	at := func(path ...any) string { return fmt.Sprintf("%s:%d", name, lineAt(data, path...)) }
	f := &GraphFile{Name: raw.Name, Source: raw.Source, Vertices: raw.Vertices}
	switch {
	case raw.N != nil && raw.Vertices != nil:
		return nil, fmt.Errorf("%s: give either \"n\" or \"vertices\", not both", at("n"))
	case raw.N != nil && (*raw.N < 0 || *raw.N > MaxJSONVertices):
		return nil, fmt.Errorf("%s: n = %d out of 0..%d", at("n"), *raw.N, MaxJSONVertices)
	case raw.N != nil:
		for v := range *raw.N {
			f.Vertices = append(f.Vertices, strconv.Itoa(v))
		}
	case raw.Vertices == nil:
		return nil, fmt.Errorf("%s: no \"n\" and no \"vertices\"", name)
	case len(raw.Vertices) > MaxJSONVertices:
		return nil, fmt.Errorf("%s: %d vertices, at most %d", at("vertices"), len(raw.Vertices), MaxJSONVertices)
	}
	index := map[string]int{}
	for i, v := range f.Vertices {
		if _, dup := index[v]; dup {
			return nil, fmt.Errorf("%s: vertex %q named twice", at("vertices", i), v)
		}
		index[v] = i
	}
	n := len(f.Vertices)
	vertex := func(ref json.RawMessage, path ...any) (int, error) {
		v, err := resolveVertex(ref, index, n)
		if err != nil {
			return 0, fmt.Errorf("%s: %v", at(path...), err)
		}
		return v, nil
	}
	for i, e := range raw.Edges {
		from, err := vertex(e.From, "edges", i, "from")
		if err != nil {
			return nil, err
		}
		to, err := vertex(e.To, "edges", i, "to")
		if err != nil {
			return nil, err
		}
		if e.Cost == nil {
			return nil, fmt.Errorf("%s: edge %d has no cost", at("edges", i), i)
		}
		f.Edges = append(f.Edges, Edge{from, to, *e.Cost})
	}
	g, err := FromEdges(n, f.Edges)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f.Graph = g

	k := &f.Known
	k.NegativeCycle = raw.Known.NegativeCycle
	for i, s := range raw.Known.SSSP {
		from, err := vertex(s.From, "known", "sssp", i, "from")
		if err != nil {
			return nil, err
		}
		ks := KnownSSSP{From: from, NegativeCycle: s.NegativeCycle, Source: s.Source}
		switch {
		case s.Dist == nil && !s.NegativeCycle:
			return nil, fmt.Errorf("%s: sssp %d gives neither \"dist\" nor \"negative_cycle\"", at("known", "sssp", i), i)
		case s.Dist != nil && len(s.Dist) != n:
			return nil, fmt.Errorf("%s: sssp %d: %d distances for %d vertices", at("known", "sssp", i, "dist"), i, len(s.Dist), n)
		case s.Dist != nil:
			ks.Dist = infForNull(s.Dist)
		}
		k.SSSP = append(k.SSSP, ks)
	}
	if raw.Known.APSP != nil {
		if k.APSP, err = raw.Known.APSP.floats(n); err != nil {
			return nil, fmt.Errorf("%s: apsp: %v", at("known", "apsp"), err)
		}
	}
	for _, part := range []struct {
		key  string
		raw  []jsonStep
		into *[]KnownStep
	}{
		{"paths_up_to", raw.Known.PathsUpTo, &k.PathsUpTo},
		{"squaring", raw.Known.Squaring, &k.Squaring},
		{"floyd_warshall", raw.Known.FloydWarshall, &k.FloydWarshall},
	} {
		for i, s := range part.raw {
			m, err := s.Matrix.floats(n)
			if err != nil {
				return nil, fmt.Errorf("%s: %s %d: %v", at("known", part.key, i), part.key, i, err)
			}
			*part.into = append(*part.into, KnownStep{s.Step, m})
		}
	}
	return f, nil
}

// MaxJSONVertices bounds the vertices of a JSON graph, whose dense matrix
// takes 8·n² bytes.
const MaxJSONVertices = 4096

func resolveVertex(ref json.RawMessage, index map[string]int, n int) (int, error) {
	if len(ref) == 0 {
		return 0, errors.New("missing vertex")
	}
	var name string
	if err := json.Unmarshal(ref, &name); err == nil {
		v, ok := index[name]
		if !ok {
			return 0, fmt.Errorf("unknown vertex %q", clip(name))
		}
		return v, nil
	}
	var i int
	if err := json.Unmarshal(ref, &i); err != nil || i < 0 || i >= n {
		return 0, fmt.Errorf("vertex %s is neither a name nor an index in 0..%d", clip(string(ref)), n-1)
	}
	return i, nil
}

func (m jsonMatrix) floats(n int) ([][]float64, error) {
	if len(m) != n {
		return nil, fmt.Errorf("%d rows for %d vertices", len(m), n)
	}
	out := make([][]float64, n)
	for i, row := range m {
		if len(row) != n {
			return nil, fmt.Errorf("row %d has %d entries for %d vertices", i, len(row), n)
		}
		out[i] = infForNull(row)
	}
	return out, nil
}

func infForNull(xs []*float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Inf(1)
		if x != nil {
			out[i] = *x
		}
	}
	return out
}

// decodeStrict decodes one JSON value into v, rejecting unknown fields
// and trailing data, and turns offsets into lines in its errors.
func decodeStrict(name string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%s:%d: %v", name, lineOf(data, syntax.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("%s:%d: %s: %s is not a %v", name, lineOf(data, typ.Offset), typ.Field, typ.Value, typ.Type)
	case err != nil:
		return fmt.Errorf("%s: %v", name, err)
	}
	if dec.More() {
		return fmt.Errorf("%s:%d: data after the JSON value", name, lineOf(data, dec.InputOffset()))
	}
	return nil
}

// lineOf is the 1-based line of a byte offset.
func lineOf(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}

// lineAt returns the line where the JSON value at path starts (object
// keys as strings, array indices as ints); for a path that is not there,
// the line of its longest prefix that is.
func lineAt(data []byte, path ...any) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	return lineOf(data, seekValue(data, dec, path))
}

// seekValue descends along path from the value the decoder is at and
// returns the offset where the deepest value reached starts.
func seekValue(data []byte, dec *json.Decoder, path []any) int64 {
	start := skipSeparators(data, dec.InputOffset())
	if len(path) == 0 {
		return start
	}
	tok, err := dec.Token()
	if err != nil {
		return start
	}
	switch want := path[0].(type) {
	case string:
		if tok != json.Delim('{') {
			return start
		}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return start
			}
			if key == want {
				return seekValue(data, dec, path[1:])
			}
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return start
			}
		}
	case int:
		if tok != json.Delim('[') {
			return start
		}
		for i := 0; dec.More(); i++ {
			if i == want {
				return seekValue(data, dec, path[1:])
			}
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return start
			}
		}
	}
	return start
}

// skipSeparators moves an offset past the blanks, commas and colons a
// json.Decoder leaves before the next value.
func skipSeparators(data []byte, off int64) int64 {
	for off < int64(len(data)) && bytes.IndexByte([]byte(" \t\r\n,:"), data[off]) >= 0 {
		off++
	}
	return off
}
