package graphs

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// NewRand returns the PCG generator of every draw in this package: the
// same seed always gives the same instances.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x6772617068730a)) // "graphs\n"
}

// RandomSequence draws length symbols uniformly from the alphabet.
func RandomSequence(rng *rand.Rand, length int, a Alphabet) []int {
	seq := make([]int, length)
	for i := range seq {
		seq[i] = a.Lo + rng.IntN(a.Hi-a.Lo+1)
	}
	return seq
}

// DigraphSpec says which random digraph RandomDigraph draws.
type DigraphSpec struct {
	N       int
	Density float64 // probability of each arc u→v, u ≠ v
	// Arc costs are integers drawn uniformly from MinCost..MaxCost. A
	// negative MinCost can make negative cycles.
	MinCost, MaxCost int
	// Potential > 0 draws an integer π_v in 0..Potential per vertex and
	// shifts every cost to c_uv + π_u − π_v. Every cycle keeps its cost, so
	// with MinCost ≥ 0 the graph has negative arcs but no negative cycle:
	// the classic way (Johnson's reweighting, run backwards) to make such
	// graphs.
	Potential int
	// Components > 1 splits the vertices round-robin into that many groups
	// with no arc between groups: a disconnected graph.
	Components int
	SelfLoops  bool // draw self-loops too, with the same density
}

// Validate reports a spec RandomDigraph cannot draw from, and a spec that
// asks for potentials over costs that may already be negative (which
// would not keep its promise of no negative cycle).
func (s DigraphSpec) Validate() error {
	switch {
	case s.N < 0:
		return fmt.Errorf("graphs: DigraphSpec: negative number of vertices %d", s.N)
	case !(s.Density >= 0 && s.Density <= 1):
		return fmt.Errorf("graphs: DigraphSpec: density %v out of [0, 1]", s.Density)
	case s.MinCost > s.MaxCost:
		return fmt.Errorf("graphs: DigraphSpec: empty cost range %d..%d", s.MinCost, s.MaxCost)
	case s.Potential < 0:
		return fmt.Errorf("graphs: DigraphSpec: negative potential range %d", s.Potential)
	case s.Potential > 0 && s.MinCost < 0:
		return fmt.Errorf("graphs: DigraphSpec: potentials need non-negative costs, MinCost is %d", s.MinCost)
	}
	return nil
}

// RandomDigraph draws the digraph of spec from rng. It panics on a spec
// that fails Validate, which is a bug of the caller.
func RandomDigraph(rng *rand.Rand, spec DigraphSpec) Graph {
	if err := spec.Validate(); err != nil {
		panic(err)
	}
	g := NewGraph(spec.N)
	pi := make([]int, spec.N)
	if spec.Potential > 0 {
		for v := range pi {
			pi[v] = rng.IntN(spec.Potential + 1)
		}
	}
	comps := max(spec.Components, 1)
	for u := range spec.N {
		for v := range spec.N {
			if u%comps != v%comps || u == v && !spec.SelfLoops {
				continue
			}
			if rng.Float64() >= spec.Density {
				continue
			}
			c := spec.MinCost + rng.IntN(spec.MaxCost-spec.MinCost+1)
			g.C[u][v] = float64(c + pi[u] - pi[v])
		}
	}
	return g
}

// RandomATSP draws an n×n asymmetric TSP cost matrix with integer costs
// uniform in 0..maxCost off the diagonal and 0 on it.
func RandomATSP(rng *rand.Rand, n, maxCost int) [][]float64 {
	c := make([][]float64, n)
	for i := range c {
		c[i] = make([]float64, n)
		for j := range c[i] {
			if i != j {
				c[i][j] = float64(rng.IntN(maxCost + 1))
			}
		}
	}
	return c
}

// LengthGraphSpec says which random LengthGraph RandomLengthGraph draws.
type LengthGraphSpec struct {
	N       int
	Density float64 // probability of each arc u→v, u ≠ v
	// Lengths are integers uniform in MinLength..MaxLength (MinLength ≥ 0).
	MinLength, MaxLength int
	// Resources are multiples of 1/4 uniform in MinResource..MaxResource:
	// dyadic, so sums are exact in float64 whatever their order.
	MinResource, MaxResource float64
}

// RandomLengthGraph draws the graph of spec; arcs of length 0 get
// resources of at least 0, so no zero-length cycle is negative. It panics
// on an impossible spec.
func RandomLengthGraph(rng *rand.Rand, spec LengthGraphSpec) LengthGraph {
	if spec.N < 0 || spec.MinLength < 0 || spec.MinLength > spec.MaxLength || spec.MinResource > spec.MaxResource {
		panic(fmt.Sprintf("graphs: impossible LengthGraphSpec %+v", spec))
	}
	g := LengthGraph{N: spec.N}
	lo, hi := int(math.Ceil(4*spec.MinResource)), int(math.Floor(4*spec.MaxResource))
	if lo > hi {
		panic(fmt.Sprintf("graphs: LengthGraphSpec %+v: no multiple of 1/4 in the resource range", spec))
	}
	for u := range spec.N {
		for v := range spec.N {
			if u == v || rng.Float64() >= spec.Density {
				continue
			}
			a := Arc{From: u, To: v, Length: spec.MinLength + rng.IntN(spec.MaxLength-spec.MinLength+1)}
			q := lo + rng.IntN(hi-lo+1)
			if a.Length == 0 {
				q = max(q, 0)
			}
			a.Resource = float64(q) / 4
			g.Arcs = append(g.Arcs, a)
		}
	}
	return g
}
