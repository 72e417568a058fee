package smooth

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/dsl"
)

// This file orders the cells and emits the flat tables of a Graph.

// proto is a cell lowered once: its nodes (the last is the cell) and its
// dropped clamps.
type proto struct {
	nodes  []pnode
	clamps []clampPending
}

func (b *builder) lowerProto(gc, t int) (proto, error) {
	nodes, err := b.lowerCell(gc, t)
	return proto{nodes: nodes, clamps: b.clamps}, err
}

// build decides the mode and emits every node and the outputs.
func (b *builder) build() error {
	m := b.m
	g := b.g
	if m.Steps == 0 {
		// Per-step inputs: the step is the item, every step a layer.
		g.Mode, g.Layers = Layered, len(b.steps)
		prev := b.initial()
		for t := range b.steps {
			cur := make([]cellRef, b.ncells)
			for gc := range cur {
				p, err := b.lowerProto(gc, t)
				if err != nil {
					return err
				}
				cur[gc] = b.emit(p, gc, func(x int) cellRef { return prev[x] })
			}
			prev = cur
		}
		return b.answer(prev)
	}
	protos := make([]proto, b.ncells)
	for gc := range protos {
		p, err := b.lowerProto(gc, -1)
		if err != nil {
			return err
		}
		protos[gc] = p
	}
	order, level, cyclic := b.order(protos)
	if cyclic {
		terms := 0
		for _, p := range protos {
			for _, nd := range p.nodes {
				for _, o := range nd.opts {
					terms += len(o.terms) + 1
				}
			}
		}
		if float64(terms)*float64(m.Steps) > float64(b.lim.MaxTerms) {
			return fmt.Errorf("smooth: %s reads its cells in a cycle, so each of its %d steps is a layer of nodes: about %.3g terms, more than the limit %d; use smaller params",
				m.Name, m.Steps, float64(terms)*float64(m.Steps), b.lim.MaxTerms)
		}
		g.Mode, g.Layers = Layered, m.Steps
		if err := b.reserve(protos, m.Steps); err != nil {
			return err
		}
		prev := b.initial()
		for range m.Steps {
			cur := make([]cellRef, b.ncells)
			for gc := range cur {
				cur[gc] = b.emit(protos[gc], gc, func(x int) cellRef { return prev[x] })
			}
			prev = cur
		}
		return b.answer(prev)
	}
	if err := b.reserve(protos, 1); err != nil {
		return err
	}
	g.Mode = Once
	for _, l := range level {
		g.Layers = max(g.Layers, l+1)
	}
	need := b.stepsNeeded(protos, order)
	for gc, n := range need {
		if n > m.Steps {
			return fmt.Errorf("smooth: %s needs %d steps to be final (its chain of reads), but %s runs %d; the smoothed scheme evaluates every cell once after the cells it reads, which is the program's value only when its steps suffice",
				b.cellText(gc), n, m.Name, m.Steps)
		}
	}
	final := make([]cellRef, b.ncells)
	for _, gc := range order {
		final[gc] = b.emit(protos[gc], gc, func(x int) cellRef { return final[x] })
	}
	return b.answer(final)
}

// stepsNeeded is, per cell, the steps after which its value is final
// (order: every cell after the cells it reads). A cell whose step is, on
// this instance, a constant equal to its initial value is final from the
// start (0: the wis base case F[0] = 0); any other cell is final one step
// after the last of the cells it reads (1 for a cell that reads none).
func (b *builder) stepsNeeded(protos []proto, order []int) []int {
	need := make([]int, len(protos))
	for _, gc := range order {
		p := protos[gc]
		if len(p.nodes) == 1 && len(p.nodes[0].opts) == 1 && len(p.nodes[0].opts[0].terms) == 0 {
			si, c := b.stateOf(gc)
			if p.nodes[0].opts[0].c == b.m.States[si].InitAt(cellIdx(b.m.States[si].Dims, c)) {
				continue
			}
		}
		n := 1
		for _, nd := range p.nodes {
			for _, o := range nd.opts {
				for _, t := range o.terms {
					if t.kind == refCell {
						n = max(n, need[t.ref]+1)
					}
				}
			}
		}
		need[gc] = n
	}
	return need
}

// reserve sizes the tables for layers copies of protos, after checking
// their bytes and one evaluation's (graphbytes.go) against the limit.
func (b *builder) reserve(protos []proto, layers int) error {
	nodes, opts, terms := 0, 0, 0
	for _, p := range protos {
		nodes += len(p.nodes)
		for _, nd := range p.nodes {
			opts += len(nd.opts)
			for _, o := range nd.opts {
				terms += len(o.terms)
			}
		}
	}
	g := b.g
	nodes, opts, terms = nodes*layers+8, opts*layers+8, terms*layers+8
	n := lowerBytesPerTerm*b.terms + graphBaseBytes + layoutBytes(float64(nodes), float64(opts), float64(terms), float64(len(g.Theta)))
	if err := b.checkBytes(n, float64(terms)); err != nil {
		return err
	}
	g.sign = make([]float64, 0, nodes)
	g.bias = make([]int32, 0, nodes)
	g.optStart = make([]int32, 0, nodes+1)
	g.optConst = make([]float64, 0, opts)
	g.termStart = make([]int32, 0, opts+1)
	g.termSrc = make([]int32, 0, terms)
	g.termCoef = make([]float64, 0, terms)
	return nil
}

// cellRef is what a read of a cell resolves to: a node, or a constant
// (an initial value, or an infinite node folded away).
type cellRef struct {
	node  int32 // −1: constant
	value float64
}

// initial is the state before the first layer.
func (b *builder) initial() []cellRef {
	refs := make([]cellRef, b.ncells)
	for si, s := range b.m.States {
		for c := range s.Cells() {
			refs[b.base[si]+c] = cellRef{node: -1, value: s.InitAt(cellIdx(s.Dims, c))}
		}
	}
	return refs
}

// order sorts the cells so that every cell comes after the cells it
// reads and gives each its level (the longest chain of reads below it);
// cyclic reports a cycle (a cell reading itself). The order is the
// cells' own (row-major, of the states in declaration order) when that
// is one already (LCS, edit distance, constrained shortest path,
// Held-Karp: neighbouring cells stay neighbours in memory), else Kahn's.
func (b *builder) order(protos []proto) (order, level []int, cyclic bool) {
	if lv, ok := b.ownOrder(protos); ok {
		order = make([]int, len(protos))
		for i := range order {
			order[i] = i
		}
		return order, lv, false
	}
	return b.kahn(protos)
}

// ownOrder gives the levels when every cell reads only cells before it.
func (b *builder) ownOrder(protos []proto) ([]int, bool) {
	level := make([]int, len(protos))
	for gc, p := range protos {
		for _, nd := range p.nodes {
			for _, o := range nd.opts {
				for _, t := range o.terms {
					if t.kind != refCell {
						continue
					}
					if int(t.ref) >= gc {
						return nil, false
					}
					level[gc] = max(level[gc], level[t.ref]+1)
				}
			}
		}
	}
	return level, true
}

// kahn is order by Kahn's algorithm.
func (b *builder) kahn(protos []proto) (order, level []int, cyclic bool) {
	n := len(protos)
	indeg := make([]int32, n)
	readers := make([][]int32, n)
	for gc, p := range protos {
		seen := map[int32]bool{}
		for _, nd := range p.nodes {
			for _, o := range nd.opts {
				for _, t := range o.terms {
					if t.kind == refCell && !seen[t.ref] {
						seen[t.ref] = true
						if int(t.ref) == gc {
							return nil, nil, true
						}
						indeg[gc]++
						readers[t.ref] = append(readers[t.ref], int32(gc))
					}
				}
			}
		}
	}
	level = make([]int, n)
	order = make([]int, 0, n)
	for gc := range n {
		if indeg[gc] == 0 {
			order = append(order, gc)
		}
	}
	for i := 0; i < len(order); i++ {
		gc := order[i]
		for _, r := range readers[gc] {
			level[r] = max(level[r], level[gc]+1)
			if indeg[r]--; indeg[r] == 0 {
				order = append(order, int(r))
			}
		}
	}
	return order, level, len(order) < n
}

// emit appends the nodes of p for global cell gc (reads resolved by
// resolve) and returns the cell's reference.
func (b *builder) emit(p proto, gc int, resolve func(int) cellRef) cellRef {
	g := b.g
	local := make([]cellRef, len(p.nodes))
	conv := func(o popt) (popt, bool) {
		out := popt{c: o.c}
		for _, t := range o.terms {
			var r cellRef
			switch t.kind {
			case refParam:
				out.terms = append(out.terms, t)
				continue
			case refLocal:
				r = local[t.ref]
			default:
				r = resolve(int(t.ref))
			}
			if r.node < 0 {
				out.c += mulInf(t.coef, r.value)
				continue
			}
			out.terms = append(out.terms, pterm{kind: refLocal, ref: r.node, coef: t.coef})
		}
		if math.IsNaN(out.c) {
			return out, false
		}
		if math.IsInf(out.c, 0) {
			out.terms = nil
		}
		return out, true
	}
	si, c := b.stateOf(gc)
	for i, nd := range p.nodes {
		var opts []popt
		absorb := false
		for _, o := range nd.opts {
			x, ok := conv(o)
			if !ok {
				x = constLin(math.NaN())
			}
			switch {
			case nd.sign != 0 && math.IsInf(x.c, 0) && x.c*nd.sign < 0: // never chosen
			case nd.sign != 0 && math.IsInf(x.c, 0):
				absorb = true
			default:
				opts = append(opts, x)
			}
		}
		switch {
		case absorb:
			opts = []popt{constLin(nd.sign * math.Inf(1))}
		case len(opts) == 0:
			opts = []popt{constLin(-nd.sign * math.Inf(1))}
		}
		isCell := i == len(p.nodes)-1
		if len(opts) == 1 && len(opts[0].terms) == 0 && math.IsInf(opts[0].c, 0) || math.IsNaN(opts[0].c) {
			// An infinite node (bias or not, it stays infinite) is folded
			// into its readers; NaN (inf − inf) likewise, and reported by
			// the hard evaluation when the answer reads it.
			local[i] = cellRef{node: -1, value: opts[0].c}
			continue
		}
		k := int32(len(g.sign))
		sign := nd.sign
		if len(opts) == 1 {
			sign = 1
		}
		g.sign = append(g.sign, sign)
		bias := int32(g.np)
		if isCell {
			bias = int32(b.biasAt[si] + c)
		}
		g.bias = append(g.bias, bias)
		g.optStart = append(g.optStart, int32(len(g.optConst)))
		for _, o := range opts {
			g.optConst = append(g.optConst, o.c)
			g.termStart = append(g.termStart, int32(len(g.termSrc)))
			for _, t := range o.terms {
				src := t.ref
				if t.kind == refLocal {
					src = int32(g.np) + 1 + t.ref
				}
				g.termSrc = append(g.termSrc, src)
				g.termCoef = append(g.termCoef, t.coef)
			}
		}
		g.maxOpts = max(g.maxOpts, len(opts))
		local[i] = cellRef{node: k}
	}
	for _, cp := range p.clamps {
		x, _ := conv(cp.arg)
		ch := check{c: x.c, lo: cp.lo, hi: cp.hi, where: fmt.Sprintf("%s (%s) at %s", cp.text, cp.pos, b.cellText(gc))}
		for _, t := range x.terms {
			src := t.ref
			if t.kind == refLocal {
				src = int32(g.np) + 1 + t.ref
			}
			ch.src = append(ch.src, src)
			ch.coef = append(ch.coef, t.coef)
		}
		g.checks = append(g.checks, ch)
	}
	return local[len(local)-1]
}

// answer lowers the answer over the final cells and sets the outputs.
func (b *builder) answer(final []cellRef) error {
	g := b.g
	a := b.m.Answer
	out := func(r cellRef, name string) {
		if r.node < 0 { // a constant output gets a node of its own
			k := int32(len(g.sign))
			g.sign = append(g.sign, 1)
			g.bias = append(g.bias, int32(g.np))
			g.optStart = append(g.optStart, int32(len(g.optConst)))
			g.optConst = append(g.optConst, r.value)
			g.termStart = append(g.termStart, int32(len(g.termSrc)))
			g.maxOpts = max(g.maxOpts, 1) // a graph of constant outputs only has this one option
			r.node = k
		}
		g.outNode = append(g.outNode, r.node)
		g.Outputs = append(g.Outputs, name)
	}
	if a.Kind == dsl.AnswerValue {
		b.env = b.env[:0]
		for len(b.env) < b.m.NumVars {
			b.env = append(b.env, 0)
		}
		b.step, b.cell, b.nodes, b.clamps = -1, -1, nil, nil
		if err := b.top(a.Value, "the answer"); err != nil {
			return err
		}
		r := b.emitAnswer(proto{nodes: b.nodes, clamps: b.clamps}, final)
		out(r, "answer")
	} else {
		s := a.State
		if a.Kind != dsl.AnswerState {
			g.Search = b.m.File.Text(a.Decl)
		}
		for c := range s.Cells() {
			out(final[b.base[s.Index]+c], cellName(s.Name, s.Dims, c))
		}
	}
	g.optStart = append(g.optStart, int32(len(g.optConst)))
	g.termStart = append(g.termStart, int32(len(g.termSrc)))
	return nil
}

// emitAnswer emits the answer's nodes like a cell's, without a bias.
func (b *builder) emitAnswer(p proto, final []cellRef) cellRef {
	// The answer's last node is no cell: its bias is the zero slot, which
	// emit takes as biasAt[si] + c with si, c those of global cell 0.
	saved := b.biasAt
	b.biasAt = make([]int, len(saved))
	for i := range b.biasAt {
		b.biasAt[i] = b.g.np
	}
	r := b.emit(p, 0, func(x int) cellRef { return final[x] })
	b.biasAt = saved
	return r
}
