package graphs

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// SequenceFile is a pair of sequences for the longest common subsequence
// problem, read from JSON, with the answer published for it:
//
//	{
//	  "name": "clrs-15.8",
//	  "source": "where the pair and the answer come from",
//	  "alphabet": "ABCD",
//	  "x": "ABCBDAB",
//	  "y": "BDCABA",
//	  "known": {"length": 4, "lcs": ["BCBA", "BCAB", "BDAB"], "complete": true}
//	}
//
// The i-th character of the alphabet is the integer i, so X and Y are
// sequences over the Alphabet 0..len−1. "lcs" lists published longest
// common subsequences; "complete" says the list holds all distinct ones.
type SequenceFile struct {
	Name, Source string
	Alphabet     string
	X, Y         []int
	Known        struct {
		Length   int
		LCS      [][]int
		Complete bool
	}
}

// Symbols is the integer range of the file's alphabet.
func (f *SequenceFile) Symbols() Alphabet {
	return Alphabet{0, len([]rune(f.Alphabet)) - 1}
}

// ReadSequenceFile reads a JSON sequence pair; errors read
// "path:line: message".
func ReadSequenceFile(path string) (*SequenceFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSequenceJSON(path, data)
}

// ParseSequenceJSON parses a JSON sequence pair; name is used in errors.
func ParseSequenceJSON(name string, data []byte) (*SequenceFile, error) {
	var raw struct {
		Name     string `json:"name"`
		Source   string `json:"source"`
		Alphabet string `json:"alphabet"`
		X        string `json:"x"`
		Y        string `json:"y"`
		Known    struct {
			Length   *int     `json:"length"`
			LCS      []string `json:"lcs"`
			Complete bool     `json:"complete"`
		} `json:"known"`
	}
	if err := decodeStrict(name, data, &raw); err != nil {
		return nil, err
	}
	at := func(path ...any) string { return fmt.Sprintf("%s:%d", name, lineAt(data, path...)) }
	f := &SequenceFile{Name: raw.Name, Source: raw.Source, Alphabet: raw.Alphabet}
	symbol := map[rune]int{}
	for i, r := range []rune(raw.Alphabet) {
		if _, dup := symbol[r]; dup {
			return nil, fmt.Errorf("%s: alphabet has %q twice", at("alphabet"), r)
		}
		symbol[r] = i
	}
	if len(symbol) == 0 {
		return nil, fmt.Errorf("%s: empty or missing alphabet", at("alphabet"))
	}
	encode := func(s string, path ...any) ([]int, error) {
		seq := []int{}
		for i, r := range []rune(s) {
			k, ok := symbol[r]
			if !ok {
				return nil, fmt.Errorf("%s: character %d (%q) is not in the alphabet %q", at(path...), i, r, raw.Alphabet)
			}
			seq = append(seq, k)
		}
		return seq, nil
	}
	var err error
	if f.X, err = encode(raw.X, "x"); err != nil {
		return nil, err
	}
	if f.Y, err = encode(raw.Y, "y"); err != nil {
		return nil, err
	}
	if raw.Known.Length == nil {
		return nil, fmt.Errorf("%s: no known length", at("known"))
	}
	f.Known.Length, f.Known.Complete = *raw.Known.Length, raw.Known.Complete
	for i, s := range raw.Known.LCS {
		seq, err := encode(s, "known", "lcs", i)
		if err != nil {
			return nil, err
		}
		f.Known.LCS = append(f.Known.LCS, seq)
	}
	return f, nil
}

// RCSP is a single-resource instance of the resource constrained shortest
// path problem in the OR-Library format of Beasley & Christofides
// ("An algorithm for the resource constrained shortest path problem",
// Networks 19, 1989): find the cheapest path from vertex 1 to vertex n
// whose resource use is at most the limit. In Graph the arc cost is the
// integer Length and the resource use the Resource, so the problem is
// MinLength over LengthTable with budget Limit.
type RCSP struct {
	Name           string
	Graph          LengthGraph
	Source, Target int // vertices 1 and n, 0-based
	Limit          float64
}

// ReadRCSPFile reads an OR-Library rcsp file (see ReadRCSP).
func ReadRCSPFile(path string) (*RCSP, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadRCSP(path, f)
}

// ReadRCSP reads the OR-Library format: n m K; K lower resource limits; K
// upper limits; n lines of the K resources each vertex uses; m lines
// "from to cost resource…". Only what the length-indexed program models
// is accepted: one resource (K = 1), a lower limit of 0, vertices that use
// no resource and integer costs ≥ 0; anything else is reported, as are
// malformed numbers, with "name:line: message".
func ReadRCSP(name string, r io.Reader) (*RCSP, error) {
	toks, err := tokenize(name, r)
	if err != nil {
		return nil, err
	}
	k := 0
	next := func(what string) (token, error) {
		if k >= len(toks) {
			line := 0
			if len(toks) > 0 {
				line = toks[len(toks)-1].line
			}
			return token{}, fmt.Errorf("%s:%d: file ends before %s", name, line, what)
		}
		k++
		return toks[k-1], nil
	}
	integer := func(what string, lo, hi int) (int, error) {
		t, err := next(what)
		if err != nil {
			return 0, err
		}
		v, err := strconv.Atoi(t.text)
		if err != nil || v < lo || v > hi {
			return 0, fmt.Errorf("%s:%d: %s %q is not an integer in %d..%d", name, t.line, what, clip(t.text), lo, hi)
		}
		return v, nil
	}
	number := func(what string) (float64, int, error) {
		t, err := next(what)
		if err != nil {
			return 0, 0, err
		}
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, 0, fmt.Errorf("%s:%d: %s %q is not a finite number", name, t.line, what, clip(t.text))
		}
		return v, t.line, nil
	}
	const most = 1 << 20
	n, err := integer("the number of vertices", 1, most)
	if err != nil {
		return nil, err
	}
	m, err := integer("the number of arcs", 0, most)
	if err != nil {
		return nil, err
	}
	if _, err := integer("the number of resources (only 1 is supported)", 1, 1); err != nil {
		return nil, err
	}
	lower, line, err := number("the lower resource limit")
	if err != nil {
		return nil, err
	}
	if lower != 0 {
		return nil, fmt.Errorf("%s:%d: lower resource limit %v is not supported (only 0)", name, line, lower)
	}
	p := &RCSP{Name: name, Graph: LengthGraph{N: n}, Source: 0, Target: n - 1}
	if p.Limit, _, err = number("the upper resource limit"); err != nil {
		return nil, err
	}
	for v := range n {
		use, line, err := number(fmt.Sprintf("the resource use of vertex %d", v+1))
		if err != nil {
			return nil, err
		}
		if use != 0 {
			return nil, fmt.Errorf("%s:%d: vertex %d uses resource %v; vertex resources are not supported", name, line, v+1, use)
		}
	}
	for i := range m {
		what := fmt.Sprintf("arc %d", i+1)
		from, err := integer(what+": tail", 1, n)
		if err != nil {
			return nil, err
		}
		to, err := integer(what+": head", 1, n)
		if err != nil {
			return nil, err
		}
		cost, err := integer(what+": cost", 0, 1<<30)
		if err != nil {
			return nil, err
		}
		res, _, err := number(what + ": resource")
		if err != nil {
			return nil, err
		}
		p.Graph.Arcs = append(p.Graph.Arcs, Arc{From: from - 1, To: to - 1, Length: cost, Resource: res})
	}
	if k < len(toks) {
		return nil, fmt.Errorf("%s:%d: unexpected %q after the %d arcs", name, toks[k].line, clip(toks[k].text), m)
	}
	return p, nil
}

type token struct {
	text string
	line int
}

func tokenize(name string, r io.Reader) ([]token, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var toks []token
	line := 0
	for sc.Scan() {
		line++
		for _, f := range strings.Fields(sc.Text()) {
			toks = append(toks, token{f, line})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return toks, nil
}

// ReadOptima reads lines "name value" (the format of
// testdata/graphs/optima.txt and testdata/lowdim/optima.txt); blank lines
// are skipped, a name given twice is an error.
func ReadOptima(name string, r io.Reader) (map[string]float64, error) {
	sc := bufio.NewScanner(r)
	out := map[string]float64{}
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"name value\", got %d fields", name, line, len(fields))
		}
		v, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s:%d: %q is not a finite number", name, line, clip(fields[1]))
		}
		if _, dup := out[fields[0]]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", name, line, fields[0])
		}
		out[fields[0]] = v
	}
	return out, sc.Err()
}
