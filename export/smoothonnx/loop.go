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
// range (read from small per-level tables by the iteration number).
//
// A Loop's carried tensor is copied by every operator that writes it
// (ONNX Runtime does not update a loop-carried tensor in place: a
// ScatterElements of 500 entries into a carried [1, 10⁶] costs as much as
// copying it), so the carried state is kept O(level) in size:
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
// forward Loop's scan outputs are every level's values and option
// probabilities, padded to the widest level; the reverse Loop carries the
// adjoints in the same window and far store (ScatterElements with
// reduction add pushes each level's option flows into the levels it
// reads), and its scan outputs, the adjoints and flows, give the
// gradient of θ in one ScatterElements after the Loop.

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
}

// forceWindow, when positive, replaces the chosen W (a test sets it to
// move reads between the window and the far store).
var forceWindow int

// winStart is the first row of the window at level l.
func (q *loopPlan) winStart(l int) int { return q.off[max(0, l-q.W)] }

func newLoopPlan(st smooth.Structure, p *levelPlan) *loopPlan {
	np1 := int32(st.NumParams + 1)
	L := len(p.levels)
	q := &loopPlan{levelPlan: p, L: L, off: make([]int, L+1)}
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
	for w := 1; w <= max(1, maxD); w++ {
		c := 0
		for l := range L {
			c += q.off[l] - q.off[max(0, l-w)]
		}
		c += L * farFrom[min(w, maxD)]
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

// loopElements predicts the constants of the loop form (8 bytes each,
// bools counted as one).
func (q *loopPlan) elements() int {
	rows := q.off[q.L]
	n := rows * q.M * (2 + 2*q.tp + 2*q.tn) // const, mask; θ and node terms (index, coefficient)
	n += rows * (3 + q.S)                   // sign, bias, far slot, seeds
	n += q.F + q.L                          // far writes (at least one per level)
	n += q.L * q.K * (1 + 2*q.M*q.tp)       // the gradient's scatter: bias, θ terms
	n += 16 * q.L                           // per-level tables
	return n
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

// endBody sets the body's outputs: the condition, then outs with their
// ranks.
func (e *emitter) endBody(g *onnxpb.GraphProto, outs []string, ranks []int) {
	cond := e.op("Identity", []string{g.Input[1].GetName()})
	g.Output = append(g.Output, typed(cond, tBool, 0))
	for i, o := range outs {
		g.Output = append(g.Output, typed(o, tDouble, ranks[i]))
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

// perLevel is a table [L, 1] whose row i is f(level(i)), level(i) = i
// forward or L−1−i reversed.
func (e *emitter) perLevel(q *loopPlan, rev bool, f func(l int) int64) string {
	v := make([]int64, q.L)
	for i := range v {
		l := i
		if rev {
			l = q.L - 1 - i
		}
		v[i] = f(l)
	}
	return e.i64([]int{q.L, 1}, v)
}

// at is row it of a per-level table: a tensor [1].
func (e *emitter) at(tab, it string) string {
	return e.op("Gather", []string{tab, it}, aInt("axis", 0))
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

// loopModel emits the whole graph in the loop form.
func (e *emitter) loopModel(q *loopPlan) {
	st := e.st
	np, nout := st.NumParams, len(st.OutNode)
	np1 := int32(np + 1)
	L, K, M, tp, tn, F := q.L, q.K, q.M, q.tp, q.tn, q.F
	rows := q.off[L]
	io := tDouble
	if e.opt.DType == Float32 {
		io = tFloat
	}
	e.g.Input = []*onnxpb.ValueInfoProto{valueInfo("theta", io, np), valueInfo("seed", io, nout)}
	e.g.Output = []*onnxpb.ValueInfoProto{valueInfo("value", io, nout), valueInfo("marginals", io, np)}
	theta, seed := "theta", "seed"
	if io == tFloat {
		theta = e.op("Cast", []string{theta}, aInt("to", int64(tDouble)))
		seed = e.op("Cast", []string{seed}, aInt("to", int64(tDouble)))
	}
	pad := e.ints(0, 0, 0, 1)
	th := e.op("Pad", []string{theta, pad}) // [N, np+1], the zero slot at np
	sd := e.op("Pad", []string{seed, pad})  // [N, O+1]
	nShape := e.op("Slice", []string{e.op("Shape", []string{th}), e.ints(0), e.ints(1)})
	zerosOf := func(cols int) string {
		z := &onnxpb.TensorProto{DataType: proto.Int32(int32(tDouble)), Dims: []int64{1}, RawData: make([]byte, 8)}
		return e.op("ConstantOfShape", []string{e.op("Concat", []string{nShape, e.ints(int64(cols))}, aInt("axis", 0))}, aTensor("value", z))
	}

	// the flat tables, one row per node in level order
	cst := make([]float64, rows*M)
	mask := make([]bool, rows*M)
	sign := make([]float64, rows)
	bias := make([]int64, rows)
	farOf := make([]int64, rows)
	seedIdx := make([]int64, rows*max(q.S, 1))
	thIdx := make([]int64, rows*M*tp)
	thCoef := make([]float64, rows*M*tp)
	nIdx := make([]int64, rows*M*tn)
	nCoef := make([]float64, rows*M*tn)
	for i := range thIdx {
		thIdx[i] = int64(np)
	}
	for i := range seedIdx {
		seedIdx[i] = int64(nout)
	}
	var farSlot, farPos []int64
	farOff := make([]int, L+1)
	for l, nodes := range q.levels {
		w0 := q.winStart(l)
		wsz := q.off[l] - w0
		for j := range nIdx[q.off[l]*M*tn : q.off[l+1]*M*tn] {
			nIdx[q.off[l]*M*tn+j] = int64(wsz + F + 1) // the zero slot
		}
		for i, k := range nodes {
			r := q.off[l] + i
			sign[r], bias[r] = st.Sign[k], int64(st.Bias[k])
			farOf[r] = int64(F + 1)
			if s := q.far[k]; s >= 0 {
				farOf[r] = int64(s)
				farSlot = append(farSlot, int64(s))
				farPos = append(farPos, int64(i))
			}
			for j := range M {
				cst[r*M+j] = math.Inf(-1)
			}
			for j, o := 0, st.OptStart[k]; o < st.OptStart[k+1]; j, o = j+1, o+1 {
				cst[r*M+j] = st.Sign[k] * st.OptConst[o]
				mask[r*M+j] = true
				ct, cn := (r*M+j)*tp, (r*M+j)*tn
				for t := st.TermStart[o]; t < st.TermStart[o+1]; t++ {
					s := st.TermSrc[t]
					if s < np1 {
						thIdx[ct], thCoef[ct] = int64(s), st.TermCoef[t]
						ct++
						continue
					}
					src := s - np1
					lv := int(q.level[src])
					if l-lv <= q.W {
						nIdx[cn] = int64(q.off[lv] + int(q.pos[src]) - w0)
					} else {
						nIdx[cn] = int64(wsz + int(q.far[src]))
					}
					nCoef[cn] = st.TermCoef[t]
					cn++
				}
			}
		}
		if len(farSlot) == farOff[l] { // a dummy write, so no slice is empty
			farSlot = append(farSlot, int64(F))
			farPos = append(farPos, 0)
		}
		farOff[l+1] = len(farSlot)
	}
	fill := make([]int, rows)
	for oi, k := range st.OutNode {
		if lv := q.level[k]; lv >= 0 {
			r := q.off[lv] + int(q.pos[k])
			seedIdx[r*max(q.S, 1)+fill[r]] = int64(oi)
			fill[r]++
		}
	}
	tCst := e.f64([]int{rows, M}, cst)
	tMask := e.bools([]int{rows, M}, mask)
	tSign := e.f64([]int{rows}, sign)
	tBias := e.i64([]int{rows}, bias)
	var tThIdx, tThCoef, tNIdx, tNCoef string
	if tp > 0 {
		tThIdx, tThCoef = e.i64([]int{rows, M, tp}, thIdx), e.f64([]int{rows, M, tp}, thCoef)
	}
	if tn > 0 {
		tNIdx, tNCoef = e.i64([]int{rows, M, tn}, nIdx), e.f64([]int{rows, M, tn}, nCoef)
	}
	tFarSlot := e.i64([]int{len(farSlot)}, farSlot)
	tFarPos := e.i64([]int{len(farPos)}, farPos)

	// ---- forward Loop: carried window [N, rows of the window] and far
	// store [N, F+2]; scan outputs values [N, K] and probabilities
	// [N, K, M], padded to K.
	r0 := e.perLevel(q, false, func(l int) int64 { return int64(q.off[l]) })
	r1 := e.perLevel(q, false, func(l int) int64 { return int64(q.off[l+1]) })
	drop := e.perLevel(q, false, func(l int) int64 {
		if l >= q.W {
			return int64(len(q.levels[l-q.W]))
		}
		return 0
	})
	padK := e.perLevel(q, false, func(l int) int64 { return int64(K - len(q.levels[l])) })
	f0 := e.perLevel(q, false, func(l int) int64 { return int64(farOff[l]) })
	f1 := e.perLevel(q, false, func(l int) int64 { return int64(farOff[l+1]) })

	body, it, in := e.bodyGraph("window", "far")
	win, far := in[0], in[1]
	s0, s1 := e.at(r0, it), e.at(r1, it)
	x := e.rowsOf(tCst, s0, s1) // [K, M]
	sg := e.op("Unsqueeze", []string{e.rowsOf(tSign, s0, s1), e.ints(1)})
	var terms []string
	if tp > 0 {
		g := e.op("Gather", []string{th, e.rowsOf(tThIdx, s0, s1)}, aInt("axis", 1))
		terms = append(terms, e.sum(e.op("Mul", []string{g, e.rowsOf(tThCoef, s0, s1)}), 3, false))
	}
	if tn > 0 {
		src := e.op("Concat", []string{win, far}, aInt("axis", 1))
		g := e.op("Gather", []string{src, e.rowsOf(tNIdx, s0, s1)}, aInt("axis", 1))
		terms = append(terms, e.sum(e.op("Mul", []string{g, e.rowsOf(tNCoef, s0, s1)}), 3, false))
	}
	sum := terms[0]
	if len(terms) == 2 {
		sum = e.op("Add", terms)
	}
	x = e.op("Add", []string{e.op("Mul", []string{sum, sg}), x}) // [N, K, M]
	var v, prob string
	if M == 1 {
		v = e.op("Squeeze", []string{x, e.ints(2)})
	} else {
		v, prob = e.smax(x, e.rowsOf(tMask, s0, s1), M)
	}
	v = e.op("Add", []string{e.op("Mul", []string{v, e.rowsOf(tSign, s0, s1)}), e.op("Gather", []string{th, e.rowsOf(tBias, s0, s1)}, aInt("axis", 1))})
	win2 := e.op("Concat", []string{e.cols(win, e.at(drop, it), e.ints(bigEnd)), v}, aInt("axis", 1))
	fv := e.op("Gather", []string{v, e.rowsOf(tFarPos, e.at(f0, it), e.at(f1, it))}, aInt("axis", 1))
	fs := e.op("Expand", []string{e.op("Unsqueeze", []string{e.rowsOf(tFarSlot, e.at(f0, it), e.at(f1, it)), e.ints(0)}), e.op("Shape", []string{fv})})
	far2 := e.op("ScatterElements", []string{far, fs, fv}, aInt("axis", 1))
	pk := e.at(padK, it)
	vPad := e.op("Pad", []string{v, e.op("Concat", []string{e.ints(0, 0, 0), pk}, aInt("axis", 0))})
	outs, ranks := []string{win2, far2, vPad}, []int{2, 2, 2}
	if M > 1 {
		outs = append(outs, e.op("Pad", []string{prob, e.op("Concat", []string{e.ints(0, 0, 0, 0), pk, e.ints(0)}, aInt("axis", 0))}))
		ranks = append(ranks, 3)
	}
	e.endBody(body, outs, ranks)
	fwd := e.loop(body, L, []string{zerosOf(0), zerosOf(F + 2)}, len(outs))
	vS := fwd[2] // [L, N, K]
	var pS string
	if M > 1 {
		pS = fwd[3] // [L, N, K, M]
	}

	// value: the outputs' nodes, from the stacked values [N, L·K] and a
	// zero column (an infinite constant output adds its constant to it)
	allV := e.op("Pad", []string{e.op("Reshape", []string{e.op("Transpose", []string{vS}, aInts("perm", 1, 0, 2)), e.ints(0, -1)}), pad})
	outIdx := make([]int64, nout)
	outConst := make([]float64, nout)
	for i, k := range st.OutNode {
		if lv := q.level[k]; lv >= 0 {
			outIdx[i] = int64(int(lv)*K + int(q.pos[k]))
		} else {
			outIdx[i] = int64(L * K)
			outConst[i] = st.OptConst[st.OptStart[k]]
		}
	}
	value := e.op("Add", []string{e.op("Gather", []string{allV, e.i64([]int{nout}, outIdx)}, aInt("axis", 1)), e.f64([]int{nout}, outConst)})

	// ---- reverse Loop: iteration i is level L−1−i. Carried: the
	// adjoints of the window's levels and the level's own [N, rows], and
	// of the far store [N, F+2]. Scan outputs: the level's adjoints
	// [N, K] and flows [N, K, M] (when θ terms need them), padded to K.
	br0 := e.perLevel(q, true, func(l int) int64 { return int64(q.off[l]) })
	br1 := e.perLevel(q, true, func(l int) int64 { return int64(q.off[l+1]) })
	bl := e.perLevel(q, true, func(l int) int64 { return int64(l) })
	bk := e.perLevel(q, true, func(l int) int64 { return int64(len(q.levels[l])) })
	bw := e.perLevel(q, true, func(l int) int64 { return int64(q.off[l] - q.winStart(l)) })
	bz := e.perLevel(q, true, func(l int) int64 { // the level entering the window
		if l-1-q.W >= 0 {
			return int64(len(q.levels[l-1-q.W]))
		}
		return 0
	})
	bpad := e.perLevel(q, true, func(l int) int64 { return int64(K - len(q.levels[l])) })
	tFarOf := e.i64([]int{rows}, farOf)
	tSeed := e.i64([]int{rows, max(q.S, 1)}, seedIdx)
	zK := zerosOf(K)

	body, it, in = e.bodyGraph("adjoint window", "adjoint far")
	awin, afar := in[0], in[1]
	s0, s1 = e.at(br0, it), e.at(br1, it)
	wsz := e.at(bw, it)
	adj := e.cols(awin, wsz, e.ints(bigEnd))
	adj = e.op("Add", []string{adj, e.op("Gather", []string{afar, e.rowsOf(tFarOf, s0, s1)}, aInt("axis", 1))})
	adj = e.op("Add", []string{adj, e.sum(e.op("Gather", []string{sd, e.rowsOf(tSeed, s0, s1)}, aInt("axis", 1)), 2, false)}) // [N, K]
	kk := e.at(bk, it)
	flow := e.op("Unsqueeze", []string{adj, e.ints(2)}) // [N, K, 1]
	if M > 1 {
		p := e.op("Squeeze", []string{e.op("Gather", []string{pS, e.at(bl, it)}, aInt("axis", 0)), e.ints(0)}) // [N, K', M]
		flow = e.op("Mul", []string{flow, e.cols(p, e.ints(0), kk)})
	}
	rest := e.cols(awin, e.ints(0), wsz)
	comb := e.op("Concat", []string{rest, afar}, aInt("axis", 1))
	if tn > 0 {
		u := e.op("Mul", []string{e.op("Unsqueeze", []string{flow, e.ints(3)}), e.rowsOf(tNCoef, s0, s1)}) // [N, K, M, tn]
		u = e.op("Reshape", []string{u, e.ints(0, -1)})
		ix := e.op("Expand", []string{e.op("Reshape", []string{e.rowsOf(tNIdx, s0, s1), e.ints(1, -1)}), e.op("Shape", []string{u})})
		comb = e.op("ScatterElements", []string{comb, ix, u}, aInt("axis", 1), aString("reduction", "add"))
	}
	rest2 := e.cols(comb, e.ints(0), wsz)
	afar2 := e.cols(comb, wsz, e.ints(bigEnd))
	awin2 := e.op("Concat", []string{e.cols(zK, e.ints(0), e.at(bz, it)), rest2}, aInt("axis", 1))
	bp := e.at(bpad, it)
	outs = []string{awin2, afar2, e.op("Pad", []string{adj, e.op("Concat", []string{e.ints(0, 0, 0), bp}, aInt("axis", 0))})}
	ranks = []int{2, 2, 2}
	if tp > 0 {
		outs = append(outs, e.op("Pad", []string{flow, e.op("Concat", []string{e.ints(0, 0, 0, 0), bp, e.ints(0)}, aInt("axis", 0))}))
		ranks = append(ranks, 3)
	}
	e.endBody(body, outs, ranks)
	// the adjoints of the last level are its seeds alone: the window
	// starts as the last level's rows of zeros (its window before it)
	last := L - 1
	bwd := e.loop(body, L, []string{zerosOf(q.off[L] - q.winStart(last)), zerosOf(F + 2)}, len(outs))

	// θ: every node's adjoint at its bias, every option flow times its θ
	// terms' coefficients, scattered (add) into [N, np+1] at once
	var uParts []string
	var uIdx []int64
	aS := e.op("Reshape", []string{e.op("Transpose", []string{bwd[2]}, aInts("perm", 1, 0, 2)), e.ints(0, -1)}) // [N, L·K]
	uParts = append(uParts, aS)
	for i := range L {
		l := L - 1 - i
		for j := range K {
			b := int64(np)
			if j < len(q.levels[l]) {
				b = bias[q.off[l]+j]
			}
			uIdx = append(uIdx, b)
		}
	}
	if tp > 0 {
		cf := make([]float64, L*K*M*tp)
		ix := make([]int64, L*K*M*tp)
		for i := range ix {
			ix[i] = int64(np)
		}
		for i := range L {
			l := L - 1 - i
			for j := range len(q.levels[l]) {
				r := q.off[l] + j
				copy(cf[(i*K+j)*M*tp:(i*K+j+1)*M*tp], thCoef[r*M*tp:(r+1)*M*tp])
				copy(ix[(i*K+j)*M*tp:(i*K+j+1)*M*tp], thIdx[r*M*tp:(r+1)*M*tp])
			}
		}
		fl := e.op("Transpose", []string{bwd[3]}, aInts("perm", 1, 0, 2, 3))                                  // [N, L, K, M]
		u := e.op("Mul", []string{e.op("Unsqueeze", []string{fl, e.ints(4)}), e.f64([]int{L, K, M, tp}, cf)}) // [N, L, K, M, tp]
		uParts = append(uParts, e.op("Reshape", []string{u, e.ints(0, -1)}))
		uIdx = append(uIdx, ix...)
	}
	u := e.op("Concat", uParts, aInt("axis", 1))
	ix := e.op("Expand", []string{e.i64([]int{1, len(uIdx)}, uIdx), e.op("Shape", []string{u})})
	grad := e.op("ScatterElements", []string{zerosOf(np + 1), ix, u}, aInt("axis", 1), aString("reduction", "add"))
	marg := e.op("Slice", []string{grad, e.ints(0), e.ints(int64(np)), e.ints(1)})

	e.finish(value, "value", io)
	e.finish(marg, "marginals", io)
}
