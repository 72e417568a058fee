package instance

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/truth/graphs"
)

// The converters below turn the published instances read by truth/graphs
// into instances of the programs of DataProblems: params as scalars (which
// Params picks up) and data as BindData reads it. Vertices and cities keep
// their order; the programs number vertices from 1 (vertex v of the file is
// v+1) and cities of Held–Karp from 0 as the file does.

// SequenceInstance is the instance of examples/lcs.dp for a sequence pair:
// params m, n (the lengths) and a (the alphabet's size), data x and y. The
// file's symbols are 0..a−1 (the alphabet's characters in order); the
// program's are 1..a, so every symbol is shifted by one, which changes no
// common subsequence.
func SequenceInstance(f *graphs.SequenceFile) *Instance {
	a := f.Symbols()
	inst := &Instance{
		Name: f.Name, Source: f.Name, StepNoun: "step",
		Scalars: map[string]float64{"m": float64(len(f.X)), "n": float64(len(f.Y)), "a": float64(a.Hi - a.Lo + 1)},
		Data:    map[string]*DataArray{},
	}
	for name, seq := range map[string][]int{"x": f.X, "y": f.Y} {
		arr := &DataArray{Shape: []int{len(seq)}}
		for _, s := range seq {
			arr.Values = append(arr.Values, float64(s-a.Lo+1))
		}
		inst.Data[name] = arr
	}
	return inst
}

// GraphInstance is the instance of examples/bellmanford.dp and
// examples/apsp.dp for a digraph: params n, s (source+1: the program's
// vertices are 1..n) and cmax (the largest |cost|, at least 1), data c
// (the cost matrix, "inf" for a missing arc; of parallel arcs the
// cheapest). Costs must be integers.
func GraphInstance(name string, g graphs.Graph, source int) (*Instance, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if source < 0 || source >= g.N {
		return nil, fmt.Errorf("verify: %s: source %d out of range 0..%d", name, source, g.N-1)
	}
	cmax := 1.0
	arr := &DataArray{Shape: []int{g.N, g.N}}
	for u, row := range g.C {
		for v, c := range row {
			if !math.IsInf(c, 1) {
				if c != math.Trunc(c) {
					return nil, fmt.Errorf("verify: %s: cost %v of arc %d→%d is not an integer", name, c, u, v)
				}
				cmax = math.Max(cmax, math.Abs(c))
			}
			arr.Values = append(arr.Values, c)
		}
	}
	return &Instance{
		Name: name, Source: name, StepNoun: "step",
		Scalars: map[string]float64{"n": float64(g.N), "s": float64(source + 1), "cmax": cmax},
		Data:    map[string]*DataArray{"c": arr},
	}, nil
}

// TSPLIBInstance is the instance of examples/heldkarp.dp for a TSPLIB
// file: params n (the dimension) and cmax (the largest cost off the
// diagonal), data c. The diagonal (9999 in br17) is never read by the
// program and is written as 0. Costs must be non-negative integers.
func TSPLIBInstance(t *graphs.TSPLIB) (*Instance, error) {
	n := len(t.C)
	cmax := 0.0
	arr := &DataArray{Shape: []int{n, n}}
	for u, row := range t.C {
		if len(row) != n {
			return nil, fmt.Errorf("verify: %s: row %d has %d costs, want %d", t.Name, u, len(row), n)
		}
		for v, c := range row {
			if u == v {
				arr.Values = append(arr.Values, 0)
				continue
			}
			if c < 0 || c != math.Trunc(c) || math.IsInf(c, 0) {
				return nil, fmt.Errorf("verify: %s: cost %v of %d→%d is not a non-negative integer", t.Name, c, u, v)
			}
			cmax = math.Max(cmax, c)
			arr.Values = append(arr.Values, c)
		}
	}
	return &Instance{
		Name: t.Name, Source: t.Name, StepNoun: "step",
		Scalars: map[string]float64{"n": float64(n), "cmax": cmax},
		Data:    map[string]*DataArray{"c": arr},
	}, nil
}

// RCSPInstance is the instance of examples/csp.dp for an OR-Library
// resource constrained shortest path file: params n, s and t (the file's
// vertices 1 and n), lmax and rmax (the largest arc length and resource),
// data len and r (the arc's length and resource; a missing arc has
// length 1, which is never used, and resource inf) and R (the limit). The
// program's cmax keeps its default (n−1)·lmax, the longest simple path.
// The program needs lengths of at least 1, integer resources of at least
// 0, an integer limit and at most one arc per ordered pair; anything else
// is an error.
func RCSPInstance(p *graphs.RCSP) (*Instance, error) {
	g := p.Graph
	if err := g.Validate(); err != nil {
		return nil, err
	}
	n := g.N
	lens := &DataArray{Shape: []int{n, n}, Values: make([]float64, n*n)}
	res := &DataArray{Shape: []int{n, n}, Values: make([]float64, n*n)}
	for i := range lens.Values {
		lens.Values[i], res.Values[i] = 1, math.Inf(1)
	}
	lmax, rmax := 1, 0.0
	for i, a := range g.Arcs {
		switch {
		case a.Length < 1:
			return nil, fmt.Errorf("verify: %s: arc %d (%d→%d) has length %d; csp.dp needs lengths of at least 1", p.Name, i+1, a.From+1, a.To+1, a.Length)
		case a.Resource < 0 || a.Resource != math.Trunc(a.Resource):
			return nil, fmt.Errorf("verify: %s: arc %d (%d→%d) has resource %v; csp.dp needs non-negative integers", p.Name, i+1, a.From+1, a.To+1, a.Resource)
		case !math.IsInf(res.Values[a.From*n+a.To], 1):
			return nil, fmt.Errorf("verify: %s: arc %d (%d→%d) is parallel to an earlier arc; csp.dp holds one arc per pair", p.Name, i+1, a.From+1, a.To+1)
		}
		lens.Values[a.From*n+a.To], res.Values[a.From*n+a.To] = float64(a.Length), a.Resource
		lmax, rmax = max(lmax, a.Length), math.Max(rmax, a.Resource)
	}
	if p.Limit < 0 || p.Limit != math.Trunc(p.Limit) {
		return nil, fmt.Errorf("verify: %s: limit %v is not a non-negative integer", p.Name, p.Limit)
	}
	return &Instance{
		Name: p.Name, Source: p.Name, StepNoun: "step",
		Scalars: map[string]float64{
			"n": float64(n), "s": float64(p.Source + 1), "t": float64(p.Target + 1),
			"lmax": float64(lmax), "rmax": rmax,
		},
		Data: map[string]*DataArray{"len": lens, "r": res, "R": {Values: []float64{p.Limit}}},
	}, nil
}
