package smoothonnx

import (
	"math"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/smooth"
	"google.golang.org/protobuf/proto"
)

// This file writes the loop form: one forward ONNX Loop over the levels
// and one reverse Loop for the marginals, whose bodies are the same few
// operators for every level. The levels' constants are flat tables, one
// row per node in level order, which a body slices by the level's row
// range (read from a per-level table by the iteration number); a row is
// a pattern number (the node's constants, coefficients and relative
// reads, deduplicated: loopmodel.go), its bias's θ index and its θ
// terms' indices.
//
// A Loop's carried tensor is copied by every operator that writes it
// (ONNX Runtime does not update a loop-carried tensor in place:
// BenchmarkCarriedScatter measures 1.5 ms per iteration for a
// ScatterElements of 500 entries into a carried [1, 10⁶], 46 µs for the
// same tensor left alone), so the carried state is kept O(level) in size:
//
//   - the window: the values of the last W levels, concatenated (a level
//     is read from the window when it is at most W levels back);
//   - the far store: one slot per node read from further back (for edit
//     distance, the boundary row and column), written by a
//     ScatterElements when its level is computed, plus a dummy slot (the
//     target of the padding writes) and a zero slot (the source of the
//     padding reads).
//
// W is chosen to minimise the carried size summed over the levels. The
// forward Loop's scan output is every level's values, padded to the
// widest level; the reverse Loop carries the adjoints in the same window
// and far store (ScatterElements with reduction add pushes each level's
// option flows into the levels it reads) and, with several options, the
// values' window, rebuilt level by level from the stacked values, from
// which it computes each level's option probabilities again (the
// forward Loop's operators on the same numbers: stacking them instead
// cost M times the values' memory); its scan outputs, the adjoints and
// flows, give the gradient of θ in one ScatterElements after the Loop.

// loopPlan is the layout of the loop form.
type loopPlan struct {
	*levelPlan
	L, K int     // levels, the widest level's nodes
	off  []int   // per level: the first row of its nodes (len L+1)
	W    int     // levels kept in the window
	far  []int32 // per node: its far slot, −1 if none
	F    int     // far slots (the dummy slot is F, the zero slot F+1)
	M    int     // the most options of a node
	tp   int     // the most θ terms of an option (at least 1 when no node terms)
	tn   int     // the most node terms of an option
	S    int     // the most outputs one node is
	reg  smooth.Reg
}

// stacksTau says whether the forward Loop stacks each node's threshold
// τ of the sort-based max_Ω (Gini and Tsallis, several options), from
// which the reverse Loop forms the probabilities again without sorting.
func (q *loopPlan) stacksTau() bool { return q.M > 1 && q.reg != smooth.Shannon }

// forceWindow, when positive, replaces the chosen W (a test sets it to
// move reads between the window and the far store).
var forceWindow int

// rowBytes is what the two Loops stack per batch row at run time: every
// level's values (8 bytes a node), adjoints (8) and their θ indices (4),
// and θ-term flows (8 per option and term) and their indices (4), padded
// to the widest level. (The option probabilities are not stacked: the
// reverse Loop computes them again.)
func (q *loopPlan) rowBytes() int {
	per := 8 + 8 + 4 + q.M*q.tp*(8+4)
	if q.stacksTau() {
		per += 8
	}
	return q.L * q.K * per
}

// winStart is the first row of the window at level l.
func (q *loopPlan) winStart(l int) int { return q.off[max(0, l-q.W)] }

func newLoopPlan(st smooth.Structure, p *levelPlan, reg smooth.Reg) *loopPlan {
	np1 := int32(st.NumParams + 1)
	L := len(p.levels)
	q := &loopPlan{levelPlan: p, L: L, off: make([]int, L+1), reg: reg}
	for l, nodes := range p.levels {
		q.off[l+1] = q.off[l] + len(nodes)
		q.K = max(q.K, len(nodes))
		q.M = max(q.M, p.m[l])
		q.tp = max(q.tp, p.tp[l])
		q.tn = max(q.tn, p.tn[l])
	}
	if q.tn == 0 {
		q.tp = max(q.tp, 1)
	}
	// per node: the farthest level distance it is read from
	nn := len(st.Sign)
	dist := make([]int, nn)
	maxD := 0
	for l, nodes := range p.levels {
		for _, k := range nodes {
			for t := st.TermStart[st.OptStart[k]]; t < st.TermStart[st.OptStart[k+1]]; t++ {
				if s := st.TermSrc[t]; s >= np1 {
					d := l - int(p.level[s-np1])
					dist[s-np1] = max(dist[s-np1], d)
					maxD = max(maxD, d)
				}
			}
		}
	}
	// W minimises Σ_l (window rows at l + far slots): the far slots for W
	// are the nodes read from further than W levels back.
	q.W = max(1, maxD)
	best := math.MaxInt
	cnt := make([]int, maxD+2) // nodes by farthest distance
	for k := range nn {
		cnt[dist[k]]++
	}
	farFrom := make([]int, maxD+2) // farFrom[w]: nodes read from > w back
	for w := maxD - 1; w >= 0; w-- {
		farFrom[w] = farFrom[w+1] + cnt[w+1]
	}
	// Σ_l (off[l] − off[max(0, l−w)]) = pre[L] − pre[max(0, L−w)], with
	// pre[n] = Σ_{j<n} off[j] (off[0] = 0): O(1) per w
	pre := make([]int, L+1)
	for l := range L {
		pre[l+1] = pre[l] + q.off[l]
	}
	for w := 1; w <= max(1, maxD); w++ {
		c := pre[L] - pre[max(0, L-w)] + L*farFrom[min(w, maxD)]
		if c < best {
			best, q.W = c, w
		}
	}
	if forceWindow > 0 {
		q.W = forceWindow
	}
	q.far = make([]int32, nn)
	for k := range nn {
		q.far[k] = -1
		if dist[k] > q.W {
			q.far[k] = int32(q.F)
			q.F++
		}
	}
	outs := make([]int, nn)
	for _, k := range st.OutNode {
		if p.level[k] >= 0 {
			outs[k]++
			q.S = max(q.S, outs[k])
		}
	}
	return q
}

// bodyGraph starts a Loop body with the iteration number, the condition
// and the carried tensors (rank 2 each) as inputs.
func (e *emitter) bodyGraph(carried ...string) (g *onnxpb.GraphProto, it string, in []string) {
	g = &onnxpb.GraphProto{Name: proto.String(e.name("body"))}
	it, cond := e.name("it"), e.name("cond")
	g.Input = append(g.Input, typed(it, tInt64, 0), typed(cond, tBool, 0))
	for range carried {
		n := e.name("carried")
		g.Input = append(g.Input, typed(n, tDouble, 2))
		in = append(in, n)
	}
	e.body = g
	return g, it, in
}

// bodyOut is an output of a Loop body: its name, element type and rank.
type bodyOut struct {
	name string
	elem onnxpb.TensorProto_DataType
	rank int
}

// endBody sets the body's outputs: the condition, then outs.
func (e *emitter) endBody(g *onnxpb.GraphProto, outs []bodyOut) {
	cond := e.op("Identity", []string{g.Input[1].GetName()})
	g.Output = append(g.Output, typed(cond, tBool, 0))
	for _, o := range outs {
		g.Output = append(g.Output, typed(o.name, o.elem, o.rank))
	}
	e.body = nil
}

// loop appends a Loop node of trips iterations to the main graph and
// returns its outputs (final carried values, then scan outputs).
func (e *emitter) loop(body *onnxpb.GraphProto, trips int, init []string, nout int) []string {
	var outs []string
	for range nout {
		outs = append(outs, e.name("t"))
	}
	e.g.Node = append(e.g.Node, &onnxpb.NodeProto{
		Name: proto.String(e.name("Loop")), OpType: proto.String("Loop"),
		Input:     append([]string{e.i64(nil, []int64{int64(trips)}), ""}, init...),
		Output:    outs,
		Attribute: []*onnxpb.AttributeProto{{Name: proto.String("body"), Type: onnxpb.AttributeProto_GRAPH.Enum(), G: body}},
	})
	return outs
}

// typed is a value info of elem with rank unknown dimensions.
func typed(name string, elem onnxpb.TensorProto_DataType, rank int) *onnxpb.ValueInfoProto {
	sh := &onnxpb.TensorShapeProto{}
	for range rank {
		sh.Dim = append(sh.Dim, &onnxpb.TensorShapeProto_Dimension{})
	}
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{
		ElemType: proto.Int32(int32(elem)), Shape: sh}}}}
}

// rowsOf slices the rows [s0, s1) of table along axis 0.
func (e *emitter) rowsOf(table, s0, s1 string) string {
	return e.op("Slice", []string{table, s0, s1, e.ints(0)})
}

// cols slices columns [a, b) of x along axis 1.
func (e *emitter) cols(x, a, b string) string {
	return e.op("Slice", []string{x, a, b, e.ints(1)})
}

const bigEnd = math.MaxInt64
