package main

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/verify"
)

// estimateNeurons estimates the hidden neurons of the exact network of m
// before building it, to refuse networks above -max-neurons (limit): the
// one place the commands ask. It is the CLI's own estimate, to be replaced
// by compile's cost model (compile/cost.go) once that lands.
func estimateNeurons(m *dsl.Model, limit int) int {
	if dataProgram(m) {
		return estimateDataNeurons(m, limit)
	}
	return estimateStepNeurons(m)
}

// estimateStepNeurons bounds the hidden neurons of the exact network of a
// program with per-step inputs: the selection gadget makes at most one
// neuron per (cell, offset value) for each read, so cells × (largest
// input range + 2) per state is an upper estimate for one-offset programs.
func estimateStepNeurons(m *dsl.Model) int {
	span := 1.0
	for _, in := range m.Inputs {
		span = math.Max(span, in.Hi-in.Lo+1)
	}
	total := 0.0
	for _, s := range m.States {
		total += float64(s.Cells()) * (span + 2)
	}
	if total > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(total)
}

// estimateDataNeurons estimates the hidden neurons of the exact network of
// a program with data before building it, from the model alone, by the
// costs the lowering rules state (docs/lowering.md): a min or max of k
// non-constant terms costs k − 1 neurons, a reduction over k values k − 1
// plus k copies of its body, an Iverson comparison its clamps (one or two
// for [d ≥ 0], twice that for equality, fewer when the operands' intervals
// decide a side), a clamp 2, a read at a run-time offset one neuron
// per value the offset can take, a static if only the branch it picks at
// the cell. Static conditions, reduction domains and filters are evaluated
// at every cell, so a Held–Karp cell (S, v) with v ∉ S counts nothing.
// The walk stops as soon as the count passes limit, so that a program far
// too large is refused at once; the estimate is then extrapolated from the
// cells counted so far. The estimate is checked against the built
// networks in the tests.
func estimateDataNeurons(m *dsl.Model, limit int) int {
	e := &neuronCount{limit: float64(limit), env: make(dsl.Env, m.NumVars)}
	total, seen := 0, 0
	for _, s := range m.States {
		total += s.Cells()
	}
	for _, s := range m.States {
		if s.Body == nil {
			seen += s.Cells()
			continue
		}
		idx := make([]int, len(s.Dims))
		for c := 0; c < s.Cells(); c++ {
			rem := c
			for d := len(s.Dims) - 1; d >= 0; d-- {
				idx[d] = s.Dims[d].Lo + rem%s.Dims[d].Size()
				rem /= s.Dims[d].Size()
			}
			e.env = dsl.BindDims(e.env, s.Dims, s.StepVars, idx)
			e.count += e.term(s.Body)
			seen++
			if e.count > e.limit {
				return int(math.Min(e.count*float64(total)/float64(seen), math.MaxInt64/2))
			}
		}
	}
	return int(e.count)
}

// guard refuses the exact network of m (the program at path, cmd the
// command) when it would have more than limit hidden neurons, estimated
// before it is built.
func guard(cmd, path string, m *dsl.Model, limit int) error {
	n := estimateNeurons(m, limit)
	if n <= limit {
		return nil
	}
	advice := "set smaller params or raise the limit"
	if cmd == "solve" {
		advice = "use a smaller instance or raise the limit"
	}
	size := neuronsText(n)
	if !dataProgram(m) { // estimateStepNeurons bounds from above
		size = "up to " + size
	}
	return userErrorf("%s: %s with %s: the network would have %s hidden neurons, above -max-neurons %d (about %s of memory at about 700 bytes a neuron); %s",
		cmd, path, verify.ParamString(m), size, limit, memoryText(limit), advice)
}

// memoryText is the rough memory a network of n hidden neurons takes
// while it is built and run (about 700 bytes per neuron, measured on
// Held–Karp networks with "/usr/bin/time -f %M": 422 MB for n = 15).
func memoryText(n int) string {
	b := float64(n) * 700
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.1f GB", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.0f MB", b/1e6)
	}
	return fmt.Sprintf("%.0f kB", b/1e3)
}

// neuronsText prints an estimate: "about 3.4 million".
func neuronsText(n int) string {
	if n >= 1_000_000_000 {
		return fmt.Sprintf("about %.3g billion", float64(n)/1e9)
	}
	if n >= 1_000_000 {
		return fmt.Sprintf("about %.3g million", float64(n)/1e6)
	}
	return fmt.Sprintf("about %d", n)
}

type neuronCount struct {
	env   dsl.Env
	count float64
	limit float64
}

func (e *neuronCount) term(t *dsl.Term) float64 {
	switch t.Kind {
	case dsl.TConst, dsl.TInput, dsl.TIndexVar, dsl.TData:
		return 0
	case dsl.TRead:
		n := 0.0
		for _, ix := range t.Index {
			for _, o := range ix.Offsets {
				n = math.Max(n, 1) * (o.Term.Hi - o.Term.Lo + 1)
			}
		}
		return n
	case dsl.TAdd, dsl.TNeg, dsl.TScale:
		return e.args(t)
	case dsl.TMin, dsl.TMax:
		k := 0
		for _, a := range t.Args {
			if a.Kind != dsl.TConst {
				k++
			}
		}
		return e.args(t) + math.Max(0, float64(k-1))
	case dsl.TClamp:
		return e.args(t) + 2
	case dsl.TCmp:
		return e.args(t) + cmpNeurons(t)
	case dsl.TIf:
		if t.Cond.Eval(e.env) != 0 {
			return e.term(t.Args[0])
		}
		return e.term(t.Args[1])
	case dsl.TReduce:
		return e.reduce(t)
	}
	return e.args(t)
}

func (e *neuronCount) args(t *dsl.Term) float64 {
	n := 0.0
	for _, a := range t.Args {
		n += e.term(a)
	}
	return n
}

// reduce counts a reduction at the current cell: its body at every value
// of the domain the filter keeps, and the tree of k − 1 two-input gadgets.
func (e *neuronCount) reduce(t *dsl.Term) float64 {
	var values []int64
	if t.Domain.Kind == dsl.SRange {
		for x, hi := t.Domain.Args[0].Eval(e.env), t.Domain.Args[1].Eval(e.env); x <= hi; x++ {
			values = append(values, x)
		}
	} else {
		mask := t.Domain.Eval(e.env)
		for x := int64(0); x < 63; x++ {
			if mask>>uint(x)&1 == 1 {
				values = append(values, x)
			}
		}
	}
	saved := e.env[t.Var.ID]
	n, k := 0.0, 0
	for _, x := range values {
		e.env[t.Var.ID] = x
		if t.Filter != nil && t.Filter.Eval(e.env) == 0 {
			continue
		}
		k++
		n += e.term(t.Args[0])
		if n > e.limit {
			break
		}
	}
	e.env[t.Var.ID] = saved
	return n + math.Max(0, float64(k-1))
}

// cmpNeurons is the cost of the Iverson bracket t by the clamp rule:
// [x ≥ 0] for an integer x is clamp(x + 1, 0, 1), a neuron for each end of
// x + 1's interval outside 0..1; [a == b] is [b − a ≥ 0] + [a − b ≥ 0] − 1.
func cmpNeurons(t *dsl.Term) float64 {
	a, b := t.Args[0], t.Args[1]
	clamp := func(lo, hi float64) float64 { // neurons of clamp(x, 0, 1), x in lo..hi
		n := 0.0
		if hi <= 0 || lo >= 1 {
			return 0
		}
		if lo < 0 {
			n++
		}
		if hi > 1 {
			n++
		}
		return n
	}
	abLo, abHi := b.Lo-a.Hi, b.Hi-a.Lo // b − a
	switch t.Op {
	case dsl.LE:
		return clamp(abLo+1, abHi+1)
	case dsl.LT:
		return clamp(abLo, abHi)
	case dsl.GE:
		return clamp(-abHi+1, -abLo+1)
	case dsl.GT:
		return clamp(-abHi, -abLo)
	}
	return clamp(abLo+1, abHi+1) + clamp(-abHi+1, -abLo+1)
}
