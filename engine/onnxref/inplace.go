package onnxref

import "github.com/dp2nn/dp2nn/export/onnxpb"

// A scatter (ScatterElements, ScatterND) writes into its data input
// instead of a copy when nothing else can see that tensor: the scatter is
// the last node to read the data's name (earlier readers that are not
// aliases have made their own copies), reads it once, no alias operator,
// graph output or nested subgraph reads it, and its storage is the
// graph's own — made in this graph by an operator that allocates its
// result (not an alias such as Reshape or Identity, not an initializer
// or graph input), or a Loop-carried value the Loop owns. A Loop owns a
// carried value from the second iteration on when the body made it
// afresh (or passed on one it owned) and gave it to no other output nor
// alias; so a Loop that scatters into its carried state copies that
// state once, not once per iteration.

// graphInfo is what the in-place rule needs of one graph.
type graphInfo struct {
	// held counts the reads that may keep the storage past the node:
	// by an alias operator, as a graph output, from a nested subgraph
	// (counted twice).
	held map[string]int
	// fresh names are made in this graph by an allocating operator.
	fresh map[string]bool
	// last is the index of the last node reading each name.
	last map[string]int
	// inits are a subgraph's own initializers, decoded once (the main
	// graph's are Session.inits).
	inits map[string]*value
}

// aliasOps return a tensor sharing storage with an input (or, for
// Loop, possibly one of its inputs).
var aliasOps = map[string]bool{"Identity": true, "Reshape": true, "Squeeze": true, "Unsqueeze": true, "Loop": true, "Flatten": true}

// analyse fills infos for g and every graph nested in it.
func analyse(g *onnxpb.GraphProto, infos map[*onnxpb.GraphProto]*graphInfo) {
	if g == nil || infos[g] != nil {
		return
	}
	gi := &graphInfo{held: map[string]int{}, fresh: map[string]bool{}, last: map[string]int{}}
	infos[g] = gi
	for k, n := range g.Node {
		for _, in := range n.Input {
			gi.last[in] = k
			if aliasOps[n.GetOpType()] {
				gi.held[in]++
			}
		}
		for _, a := range n.Attribute {
			subs := a.Graphs
			if a.G != nil {
				subs = append(subs, a.G)
			}
			for _, sg := range subs {
				analyse(sg, infos)
				for name := range outerReads(sg) {
					gi.held[name] += 2
				}
			}
		}
		// Every other operator allocates its result; a scatter written
		// in place holds storage that was the graph's alone.
		if !aliasOps[n.GetOpType()] {
			for _, o := range n.Output {
				gi.fresh[o] = true
			}
		}
	}
	for _, o := range g.Output {
		gi.held[o.GetName()]++
	}
}

// outerReads are the names a subgraph reads (its own and the enclosing
// graphs'; reading more than the enclosing graph's names only makes the
// rule more careful).
func outerReads(g *onnxpb.GraphProto) map[string]bool {
	r := map[string]bool{}
	var walk func(*onnxpb.GraphProto)
	walk = func(g *onnxpb.GraphProto) {
		for _, n := range g.Node {
			for _, in := range n.Input {
				r[in] = true
			}
			for _, a := range n.Attribute {
				if a.G != nil {
					walk(a.G)
				}
				for _, sg := range a.Graphs {
					walk(sg)
				}
			}
		}
		for _, o := range g.Output {
			r[o.GetName()] = true
		}
	}
	walk(g)
	return r
}

// mayUpdate says whether node k of the graph, which reads its input 0 as
// the data to update, may write into it (see the rule above).
func (e *env) mayUpdate(n *onnxpb.NodeProto, k int) bool {
	name := n.Input[0]
	if e.info == nil || name == "" || e.info.held[name] != 0 || e.info.last[name] != k {
		return false
	}
	for _, in := range n.Input[1:] {
		if in == name {
			return false
		}
	}
	if _, ok := e.vals[name]; !ok {
		return false // an initializer or a name of an enclosing graph
	}
	return e.info.fresh[name] || e.owned[name]
}

// ownsOutput says whether a Loop owns the value its body gives as
// output k on the next iteration: made afresh (or an owned input passed
// on) and given to no other output nor read by an alias (other readers
// have made their copies by the end of the iteration).
func (e *env) ownsOutput(g *onnxpb.GraphProto, k int) bool {
	name := g.Output[k].GetName()
	if e.info == nil || e.info.held[name] != 1 {
		return false
	}
	return e.info.fresh[name] || e.owned[name]
}
