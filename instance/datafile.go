package instance

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/dp2nn/dp2nn/diag"
	"github.com/dp2nn/dp2nn/truth/graphs"
)

// This file reads the instances of programs with data (a steps line and
// data declarations: examples/lcs.dp, bellmanford.dp, apsp.dp, csp.dp,
// heldkarp.dp) from the published files of testdata/ directly, through
// the converters of convert.go: a TSPLIB .atsp/.tsp file (Held–Karp), an
// OR-Library rcsp .txt file (constrained shortest path), a graph JSON file
// of the CLRS figures (shortest paths) and a sequence pair JSON file
// (LCS); any other file is a JSON instance with "data" (ReadInstanceFile).

// Published is an answer a source file states for its instance.
type Published struct {
	What   string    // e.g. "optimum 39 (testdata/graphs/optima.txt)"
	Value  *float64  // a value answer; +Inf for "none"
	Cells  []float64 // a state answer, row-major
	NegCyc *bool     // a negative cycle is reported (or not)
}

// DataFile is an instance read for a program with data.
type DataFile struct {
	Inst  *Instance
	Known *Published // nil when the file states no answer
	Kind  string     // "instance", "TSPLIB file", "graph file", ...
}

// ReadDataFile reads path as an instance of a program with data, choosing
// the reader by the file: .atsp and .tsp are TSPLIB, .txt is OR-Library
// rcsp, and a .json file is a graph file when it has "edges", a sequence
// pair when it has "x" and "y", and otherwise the generic JSON instance.
// source is the 0-based source vertex for graph files (-1: the first one
// with a published answer, else vertex 0).
func ReadDataFile(path string, source int) (*DataFile, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".atsp", ".tsp":
		t, err := graphs.ReadTSPLIBFile(path)
		if err != nil {
			return nil, err
		}
		inst, err := TSPLIBInstance(t)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		di := &DataFile{Inst: named(inst, path), Kind: "TSPLIB file"}
		di.Known = optimumBeside(path)
		return di, nil
	case ".txt":
		p, err := graphs.ReadRCSPFile(path)
		if err != nil {
			return nil, err
		}
		inst, err := RCSPInstance(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		di := &DataFile{Inst: named(inst, path), Kind: "OR-Library rcsp file"}
		di.Known = optimumBeside(path)
		return di, nil
	case ".json":
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read instance: %v", err)
		}
		if line, col, msg, ok := duplicateKey(raw); !ok { // a graph or sequence file too
			return nil, diag.ErrorList{{Pos: diag.Pos{File: path, Line: line, Col: col}, Msg: msg}}
		}
		var keys map[string]json.RawMessage
		if json.Unmarshal(raw, &keys) == nil {
			_, hasEdges := keys["edges"]
			_, hasX := keys["x"]
			_, hasY := keys["y"]
			switch {
			case hasEdges:
				return graphFile(path, source)
			case hasX && hasY:
				return sequenceFile(path)
			}
		}
	}
	inst, err := ReadInstanceFile(path)
	if err != nil {
		return nil, err
	}
	return &DataFile{Inst: inst, Kind: "instance"}, nil
}

// named makes a converted instance's messages name the file.
func named(inst *Instance, path string) *Instance {
	inst.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	inst.Source = path
	return inst
}

// optimumBeside looks the instance up in optima.txt beside it.
func optimumBeside(path string) *Published {
	optima := filepath.Join(filepath.Dir(path), "optima.txt")
	f, err := os.Open(optima)
	if err != nil {
		return nil
	}
	defer f.Close()
	known, err := graphs.ReadOptima(optima, f)
	if err != nil {
		return nil
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	v, ok := known[name]
	if !ok {
		return nil
	}
	return &Published{What: fmt.Sprintf("%g (%s)", v, optima), Value: &v}
}

func graphFile(path string, source int) (*DataFile, error) {
	g, err := graphs.ReadGraphFile(path)
	if err != nil {
		return nil, err
	}
	if source < 0 {
		source = 0
		if len(g.Known.SSSP) > 0 {
			source = g.Known.SSSP[0].From
		}
	}
	if source >= g.Graph.N {
		return nil, fmt.Errorf("%s: source %d (from -set s) is not a vertex: the graph has %d", path, source+1, g.Graph.N)
	}
	inst, err := GraphInstance(path, g.Graph, source)
	if err != nil {
		return nil, err
	}
	di := &DataFile{Inst: named(inst, path), Kind: "graph file"}
	di.Known = graphKnown(g, source)
	return di, nil
}

// graphKnown is the published answer of a graph file for a source: the
// single-source distances or negative cycle, else the all-pairs matrix.
// Only one fits a program; the caller picks it by the answer's shape.
func graphKnown(g *graphs.GraphFile, source int) *Published {
	k := &Published{}
	found := false
	for _, s := range g.Known.SSSP {
		if s.From != source {
			continue
		}
		found = true
		if s.NegativeCycle {
			t := true
			k.NegCyc = &t
		} else if s.Dist != nil {
			k.Cells = s.Dist
			f := false
			k.NegCyc = &f
		}
		k.What = fmt.Sprintf("distances from %s (%s)", g.Vertices[source], s.Source)
	}
	if !found && g.Known.APSP != nil {
		for _, row := range g.Known.APSP {
			k.Cells = append(k.Cells, row...)
		}
		k.What = "all-pairs distances (" + g.Source + ")"
		found = true
	}
	if !found && g.Known.NegativeCycle != nil {
		k.NegCyc = g.Known.NegativeCycle
		k.What = "negative cycle (" + g.Source + ")"
		found = true
	}
	if !found {
		return nil
	}
	return k
}

func sequenceFile(path string) (*DataFile, error) {
	f, err := graphs.ReadSequenceFile(path)
	if err != nil {
		return nil, err
	}
	di := &DataFile{Inst: named(SequenceInstance(f), path), Kind: "sequence file"}
	if f.Known.Length > 0 {
		v := float64(f.Known.Length)
		di.Known = &Published{What: fmt.Sprintf("LCS length %d (%s)", f.Known.Length, f.Source), Value: &v}
	}
	return di, nil
}

// Compare compares a decoded answer (a value or search answer: value and
// found; a state answer: cells; and whether a negative cycle was found)
// with the published one. what is "" when there is nothing to compare.
func (k *Published) Compare(value float64, found bool, cells []float64, negCycle bool) (what string, agree bool) {
	if k == nil {
		return "", true
	}
	switch {
	case k.NegCyc != nil && *k.NegCyc:
		return "a negative cycle: " + k.What, negCycle
	case negCycle:
		return k.What, false
	case k.Cells != nil:
		if len(cells) != len(k.Cells) {
			return k.What, false
		}
		for i := range cells {
			// ±inf equal themselves; NaN equals nothing (no published
			// answer has one).
			if cells[i] != k.Cells[i] {
				return k.What, false
			}
		}
		return k.What, true
	case k.Value != nil:
		if !found {
			return k.What, math.IsInf(*k.Value, 1)
		}
		return k.What, value == *k.Value
	}
	return "", true
}
