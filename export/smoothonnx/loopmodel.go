package smoothonnx

import (
	"encoding/binary"
	"math"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/smooth"
	"google.golang.org/protobuf/proto"
)

const tInt32 = onnxpb.TensorProto_INT32

// noRead is the delta of a node term that does not exist: the column it
// gives is past the zero slot, and Min takes the zero slot instead.
const noRead = 1 << 30

// i32 is an int32 initializer (the loop form's index tables: Gather,
// ScatterElements and Slice take int32 indices).
func (e *emitter) i32(dims []int, v []int32) string {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(x))
	}
	return e.init(tInt32, dims, raw)
}

// patterns are the loop form's per-node constants, deduplicated: most
// nodes of a level share their options' constants, coefficients, signs
// and the offsets of their reads relative to their own row, so each node
// stores a pattern number, its bias's θ index and its θ terms' indices.
type patterns struct {
	q     *loopPlan
	ids   map[string]int32
	cst   []float64 // [U, M]: the options' constants times the sign, −∞ when absent
	mask  []bool    // [U, M]: the option exists
	sign  []float64 // [U]
	nCoef []float64 // [U, M, tn]: node terms' coefficients
	delta []int32   // [U, M, tn]: a node term's column minus the reader's own (noRead where there is no term)
	tCoef []float64 // [U, M, tp]: θ terms' coefficients
	far   []int32   // [U]: the node's far slot, F+1 (the zero slot) if none
	seed  []int32   // [U, S]: the outputs the node is, O (the zero seed) padded
	key   []byte
}

// add returns the pattern of one node from its rows of the tables.
func (p *patterns) add(cst []float64, mask []bool, sign float64, nCoef []float64, delta []int32, tCoef []float64, far int32, seed []int32) int32 {
	k := p.key[:0]
	f := func(v float64) { k = binary.LittleEndian.AppendUint64(k, math.Float64bits(v)) }
	n := func(v int32) { k = binary.LittleEndian.AppendUint32(k, uint32(v)) }
	for i, c := range cst {
		f(c)
		if mask[i] {
			k = append(k, 1)
		} else {
			k = append(k, 0)
		}
	}
	f(sign)
	for i, c := range nCoef {
		f(c)
		n(delta[i])
	}
	for _, c := range tCoef {
		f(c)
	}
	n(far)
	for _, s := range seed {
		n(s)
	}
	p.key = k
	if id, ok := p.ids[string(k)]; ok {
		return id
	}
	id := int32(len(p.ids))
	p.ids[string(k)] = id
	p.cst = append(p.cst, cst...)
	p.mask = append(p.mask, mask...)
	p.sign = append(p.sign, sign)
	p.nCoef = append(p.nCoef, nCoef...)
	p.delta = append(p.delta, delta...)
	p.tCoef = append(p.tCoef, tCoef...)
	p.far = append(p.far, far)
	p.seed = append(p.seed, seed...)
	return id
}

// loopTables are the loop form's constants.
type loopTables struct {
	pat             *patterns
	patID           []int32 // per row: its pattern
	bias            []int32 // per row: its bias's θ index
	thIdx           []int32 // [rows, M, tp]: θ terms' indices, the zero slot np padded
	farSlot, farPos []int32
	farOff          []int // per level: its first far write (len L+1)
}

func (q *loopPlan) tables(st smooth.Structure) *loopTables {
	np, nout := st.NumParams, len(st.OutNode)
	np1 := int32(np + 1)
	M, tp, tn, F, S := q.M, q.tp, q.tn, q.F, max(q.S, 1)
	rows := q.off[q.L]
	t := &loopTables{pat: &patterns{q: q, ids: map[string]int32{}}, patID: make([]int32, rows), bias: make([]int32, rows), thIdx: make([]int32, rows*M*tp), farOff: make([]int, q.L+1)}
	for i := range t.thIdx {
		t.thIdx[i] = int32(np)
	}
	seedOf := make([][]int32, rows)
	for oi, k := range st.OutNode {
		if lv := q.level[k]; lv >= 0 {
			r := q.off[lv] + int(q.pos[k])
			seedOf[r] = append(seedOf[r], int32(oi))
		}
	}
	cst, mask := make([]float64, M), make([]bool, M)
	nCoef, delta := make([]float64, M*tn), make([]int32, M*tn)
	tCoef, seed := make([]float64, M*tp), make([]int32, S)
	for l, nodes := range q.levels {
		w0 := q.winStart(l)
		wsz := q.off[l] - w0
		for i, k := range nodes {
			r := q.off[l] + i
			t.bias[r] = st.Bias[k]
			far := int32(F + 1)
			if s := q.far[k]; s >= 0 {
				far = s
				t.farSlot = append(t.farSlot, s)
				t.farPos = append(t.farPos, int32(i))
			}
			for j := range M {
				cst[j], mask[j] = math.Inf(-1), false
			}
			clear(nCoef)
			for j := range delta {
				delta[j] = noRead
			}
			clear(tCoef)
			for j, o := 0, st.OptStart[k]; o < st.OptStart[k+1]; j, o = j+1, o+1 {
				cst[j], mask[j] = st.Sign[k]*st.OptConst[o], true
				ct, cn := j*tp, j*tn
				for tt := st.TermStart[o]; tt < st.TermStart[o+1]; tt++ {
					s := st.TermSrc[tt]
					if s < np1 {
						t.thIdx[r*M*tp+ct], tCoef[ct] = s, st.TermCoef[tt]
						ct++
						continue
					}
					src := s - np1
					lv := int(q.level[src])
					at := wsz + int(q.far[src]) // the read's column in Concat(window, far store)
					if l-lv <= q.W {
						at = q.off[lv] + int(q.pos[src]) - w0
					}
					nCoef[cn], delta[cn] = st.TermCoef[tt], int32(at-wsz-i)
					cn++
				}
			}
			for j := range seed {
				seed[j] = int32(nout)
			}
			copy(seed, seedOf[r])
			t.patID[r] = t.pat.add(cst, mask, st.Sign[k], nCoef, delta, tCoef, far, seed)
		}
		if len(t.farSlot) == t.farOff[l] { // a dummy write, so no slice is empty
			t.farSlot = append(t.farSlot, int32(F))
			t.farPos = append(t.farPos, 0)
		}
		t.farOff[l+1] = len(t.farSlot)
	}
	return t
}

// elements is the size of the tables in 8-byte units (int32 and bool
// entries count as a half and an eighth); the options' mask, which
// Shannon does not write, is counted (one byte per pattern and option).
func (t *loopTables) elements() int {
	q, p := t.pat.q, t.pat
	// the coefficients twice: signed (forward) and unsigned (reverse)
	bytes := 8*len(p.cst) + len(p.mask) + 8*len(p.sign) + 2*8*len(p.nCoef) + 4*len(p.delta) + 2*8*len(p.tCoef) + 4*len(p.far) + 4*len(p.seed)
	bytes += 4 * (len(t.patID) + len(t.bias) + len(t.thIdx))
	if q.F > 0 { // the far writes (none without far slots)
		bytes += 4 * (len(t.farSlot) + len(t.farPos))
	}
	// the per-level tables: 10 int64 and one int32 columns forward, 21
	// and one reverse and with several options one more int64 (the value
	// window's, loopModel's scalars); the arange
	cols := 10 + 21
	if q.M > 1 {
		cols++
	}
	if q.stacksTau() {
		cols += 4
	}
	bytes += (8*cols+4*2)*q.L + 4*q.K
	return (bytes + 7) / 8
}

// loopModel emits the whole graph in the loop form.
func (e *emitter) loopModel(q *loopPlan, t *loopTables) {
	st := e.st
	np, nout := st.NumParams, len(st.OutNode)
	L, K, M, tp, tn, F := q.L, q.K, q.M, q.tp, q.tn, q.F
	S := max(q.S, 1)
	rows := q.off[L]
	th, sd := e.inputs(np, nout)
	nShape := e.op("Slice", []string{e.op("Shape", []string{th}), e.ints(0), e.ints(1)})
	zerosOf := func(cols int) string {
		z := &onnxpb.TensorProto{DataType: proto.Int32(int32(tDouble)), Dims: []int64{1}, RawData: make([]byte, 8)}
		return e.op("ConstantOfShape", []string{e.op("Concat", []string{nShape, e.ints(int64(cols))}, aInt("axis", 0))}, aTensor("value", z))
	}

	pt := t.pat
	U := len(pt.sign)
	pCst := e.f64([]int{U, M}, pt.cst)
	pSign := e.f64([]int{U}, pt.sign)
	var pMask, pFar string // Shannon reads no mask; no far store, no far slot
	if e.opt.Reg != smooth.Shannon && M > 1 {
		pMask = e.bools([]int{U, M}, pt.mask)
	}
	if F > 0 {
		pFar = e.i32([]int{U}, pt.far)
	}
	pSeed := e.i32([]int{U, S}, pt.seed)
	var pNCoef, pDelta, pTCoef, tThIdx string
	// the terms' axis is left out when an option has at most one term
	// (no ReduceSum over it)
	dims := func(n, terms int) []int {
		if terms == 1 {
			return []int{n, M}
		}
		return []int{n, M, terms}
	}
	// signed: the coefficients times the node's sign, for the forward
	// Loop (the reverse one takes them unsigned)
	signed := func(c []float64, terms int) []float64 {
		out := make([]float64, len(c))
		for i := range c {
			out[i] = pt.sign[i/(M*terms)] * c[i]
		}
		return out
	}
	var pNCoefS, pTCoefS string
	if tn > 0 {
		pNCoef, pDelta = e.f64(dims(U, tn), pt.nCoef), e.i32(dims(U, tn), pt.delta)
		pNCoefS = e.f64(dims(U, tn), signed(pt.nCoef, tn))
	}
	if tp > 0 {
		pTCoef, tThIdx = e.f64(dims(U, tp), pt.tCoef), e.i32(dims(rows, tp), t.thIdx)
		pTCoefS = e.f64(dims(U, tp), signed(pt.tCoef, tp))
	}
	tPat := e.i32([]int{rows}, t.patID)
	tBias := e.i32([]int{rows}, t.bias)
	ar := make([]int32, K)
	for i := range ar {
		ar[i] = int32(i)
	}
	arange := e.i32([]int{K}, ar)
	wszOf := func(l int) int64 { return int64(q.off[l] - q.winStart(l)) }

	// reads returns the columns [K, M(, tn)] of Concat(window, far store)
	// that the level's node terms read: the pattern's delta plus the
	// node's own column (wsz + its position), the zero slot (wsz + F + 1)
	// where there is no term.
	reads := func(pid, kk, w32 string) string {
		own := e.op("Add", []string{e.cols1(arange, kk), w32}) // [K]
		axes := e.ints(1, 2)
		if tn == 1 {
			axes = e.ints(1)
		}
		at := e.op("Add", []string{e.op("Gather", []string{pDelta, pid}, aInt("axis", 0)), e.op("Unsqueeze", []string{own, axes})})
		return e.op("Min", []string{at, e.op("Add", []string{w32, e.i32(nil, []int32{int32(F + 1)})})})
	}

	// ---- forward Loop: carried window [N, rows of the window] and far
	// store [N, F+2]; scan output the values [N, K], padded to K. (The
	// reverse Loop recomputes the option probabilities from them: stacking
	// the probabilities too cost M times the values' memory.)
	body, it, in := e.bodyGraph("window", "far")
	win, far := in[0], in[1]
	padK := func(l int) int64 { return int64(K - len(q.levels[l])) }
	sc := e.scalars(q, false, it, tInt64,
		one(func(l int) int64 { return int64(q.off[l]) }),
		one(func(l int) int64 { return int64(q.off[l+1]) }),
		one(func(l int) int64 { return int64(len(q.levels[l])) }),
		one(func(l int) int64 { // the level leaving the window
			if l >= q.W {
				return int64(len(q.levels[l-q.W]))
			}
			return 0
		}),
		func(l int) []int64 { return []int64{0, 0, 0, padK(l)} }, // Pad of [N, K]
		one(func(l int) int64 { return int64(t.farOff[l]) }),
		one(func(l int) int64 { return int64(t.farOff[l+1]) }))
	s0, s1, kk, drop, pad2, f0, f1 := sc[0], sc[1], sc[2], sc[3], sc[4], sc[5], sc[6]
	w32 := e.scalars(q, false, it, tInt32, one(wszOf))[0]
	pid := e.rowsOf(tPat, s0, s1)
	gat := func(tab string) string { return e.op("Gather", []string{tab, pid}, aInt("axis", 0)) }
	x := gat(pCst) // [K, M], signed
	sgn := gat(pSign)
	// termSum is Σ_t coef·g over the terms' axis, absent when at most one
	termSum := func(g, coef string, terms int) string {
		m := e.op("Mul", []string{g, coef})
		if terms == 1 {
			return m
		}
		return e.sum(m, 3, false)
	}
	if tp > 0 {
		g := e.op("Gather", []string{th, e.rowsOf(tThIdx, s0, s1)}, aInt("axis", 1))
		x = e.op("Add", []string{termSum(g, gat(pTCoefS), tp), x})
	}
	if tn > 0 {
		src := e.op("Concat", []string{win, far}, aInt("axis", 1))
		g := e.op("Gather", []string{src, reads(pid, kk, w32)}, aInt("axis", 1))
		x = e.op("Add", []string{termSum(g, gat(pNCoefS), tn), x}) // [N, K, M]
	}
	var v, thr string
	if M == 1 {
		v = e.op("Squeeze", []string{x, e.ints(2)})
	} else {
		mask := "" // Shannon reads no mask: an absent option's −∞ is exp's 0
		if pMask != "" {
			mask = gat(pMask)
		}
		v, _, thr = e.smax(x, mask, M)
	}
	v = e.op("Add", []string{e.op("Mul", []string{v, sgn}), e.op("Gather", []string{th, e.rowsOf(tBias, s0, s1)}, aInt("axis", 1))})
	win2 := e.op("Concat", []string{e.cols(win, drop, e.ints(bigEnd)), v}, aInt("axis", 1))
	far2 := e.op("Identity", []string{far}) // no far slots: only the zero slot is read
	if F > 0 {
		tFarSlot := e.i32([]int{len(t.farSlot)}, t.farSlot)
		tFarPos := e.i32([]int{len(t.farPos)}, t.farPos)
		fv := e.op("Gather", []string{v, e.rowsOf(tFarPos, f0, f1)}, aInt("axis", 1))
		fs := e.op("Expand", []string{e.op("Unsqueeze", []string{e.rowsOf(tFarSlot, f0, f1), e.ints(0)}), e.op("Shape", []string{fv})})
		far2 = e.op("ScatterElements", []string{far, fs, fv}, aInt("axis", 1))
	}
	outs := []bodyOut{{win2, tDouble, 2}, {far2, tDouble, 2}, {e.op("Pad", []string{v, pad2}), tDouble, 2}}
	if q.stacksTau() { // Gini's and Tsallis's thresholds, so that the reverse Loop need not sort
		outs = append(outs, bodyOut{e.op("Pad", []string{e.op("Squeeze", []string{thr, e.ints(2)}), pad2}), tDouble, 2})
	}
	e.endBody(body, outs)
	fwd := e.loop(body, L, []string{zerosOf(0), zerosOf(F + 2)}, len(outs))
	vS := fwd[2] // [L, N, K]

	// value: the outputs' nodes, from the stacked values of the levels
	// that hold an output [N, D·K] (gathered first: one level for most
	// programs, where transposing every level's would copy them all) and
	// a zero column (an infinite constant output adds its constant to it)
	outIdx := make([]int64, nout)
	outConst := make([]float64, nout)
	var outLv []int64 // the distinct levels of the outputs, in order of first use
	dOf := map[int32]int{}
	for _, k := range st.OutNode {
		if lv := q.level[k]; lv >= 0 {
			if _, ok := dOf[lv]; !ok {
				dOf[lv] = len(outLv)
				outLv = append(outLv, int64(lv))
			}
		}
	}
	D := len(outLv)
	for i, k := range st.OutNode {
		if lv := q.level[k]; lv >= 0 {
			outIdx[i] = int64(dOf[lv]*K + int(q.pos[k]))
		} else {
			outIdx[i] = int64(D * K)
			outConst[i] = st.OptConst[st.OptStart[k]]
		}
	}
	allV := zerosOf(1)
	if D > 0 {
		lv := e.op("Gather", []string{vS, e.i64([]int{D}, outLv)}, aInt("axis", 0)) // [D, N, K]
		allV = e.op("Pad", []string{e.op("Reshape", []string{e.op("Transpose", []string{lv}, aInts("perm", 1, 0, 2)), e.ints(0, -1)}), e.ints(0, 0, 0, 1)})
	}
	value := e.op("Add", []string{e.op("Gather", []string{allV, e.i64([]int{nout}, outIdx)}, aInt("axis", 1)), e.f64([]int{nout}, outConst)})

	// ---- reverse Loop: iteration i is level L−1−i. Carried: the
	// adjoints of the window's levels and the level's own [N, rows], and
	// of the far store [N, F+2]; with several options, the values of the
	// window after the level [N, rows] (the forward Loop's final window
	// at the start), from which the level's option probabilities are
	// computed again as the forward Loop computed them (the same
	// operators on the same values: the same numbers). Scan outputs: the
	// level's adjoints [N, K] and their θ indices (the biases) [K], and
	// the θ terms' flows [N, K·M·tp] and indices [K·M·tp], padded with
	// the zero slot np.
	zK := zerosOf(K)
	npSlot := e.i32(nil, []int32{int32(np)})

	carried := []string{"adjoint window", "adjoint far"}
	if M > 1 {
		carried = append(carried, "value window")
	}
	body, it, in = e.bodyGraph(carried...)
	awin, afar := in[0], in[1]
	rsc := []func(l int) []int64{
		one(func(l int) int64 { return int64(q.off[l]) }),
		one(func(l int) int64 { return int64(q.off[l+1]) }),
		func(l int) []int64 { // the level entering the value window: Slice starts of the stacked values
			return []int64{int64(max(0, l-q.W)), 0}
		},
		func(l int) []int64 { // and ends
			if l-q.W >= 0 {
				return []int64{int64(l - q.W + 1), int64(len(q.levels[l-q.W]))}
			}
			return []int64{1, 0}
		},
		one(func(l int) int64 { return int64(len(q.levels[l])) }),
		one(wszOf),
		one(func(l int) int64 { // the level entering the window
			if l-1-q.W >= 0 {
				return int64(len(q.levels[l-1-q.W]))
			}
			return 0
		}),
		func(l int) []int64 { return []int64{0, 0, 0, padK(l)} }, // Pad of [N, K]
		func(l int) []int64 { return []int64{0, padK(l)} },       // Pad of [K]
		func(l int) []int64 { return []int64{0, 0, 0, padK(l) * int64(M*tp)} },
		func(l int) []int64 { return []int64{0, padK(l) * int64(M*tp)} },
		one(func(l int) int64 { // the value window after level l without level l
			return int64(q.off[l] - q.winStart(l+1))
		}),
		func(l int) []int64 { return []int64{int64(l), 0} },                           // the level's thresholds: Slice starts
		func(l int) []int64 { return []int64{int64(l + 1), int64(len(q.levels[l]))} }, // and ends
	}
	switch { // the value window's and the thresholds' columns only where they are read
	case M == 1:
		rsc = rsc[:11]
	case !q.stacksTau():
		rsc = rsc[:12]
	}
	sc = e.scalars(q, true, it, tInt64, rsc...)
	s0, s1 = sc[0], sc[1]
	ps0, ps1, k1, wsz, bz := sc[2], sc[3], sc[4], sc[5], sc[6]
	bpad2, bpad1, btpad2, btpad1 := sc[7], sc[8], sc[9], sc[10]
	bw32 := e.scalars(q, true, it, tInt32, one(wszOf))[0]
	pid = e.rowsOf(tPat, s0, s1)
	var vwin2 string // the value window of the level (and the carried one of the next)
	if M > 1 {
		keep := sc[11]
		enter := e.op("Squeeze", []string{e.op("Slice", []string{vS, ps0, ps1, e.ints(0, 2)}), e.ints(0)}) // [N, entering]
		vwin2 = e.op("Concat", []string{enter, e.cols(in[2], e.ints(0), keep)}, aInt("axis", 1))
	}
	var rd string // the columns the level's node terms read
	if tn > 0 {
		rd = reads(pid, k1, bw32)
	}
	adj := e.cols(awin, wsz, e.ints(bigEnd))
	if F > 0 {
		adj = e.op("Add", []string{adj, e.op("Gather", []string{afar, gat(pFar)}, aInt("axis", 1))})
	}
	adj = e.op("Add", []string{adj, e.sum(e.op("Gather", []string{sd, gat(pSeed)}, aInt("axis", 1)), 2, false)}) // [N, K]
	flow := e.op("Unsqueeze", []string{adj, e.ints(2)})                                                          // [N, K, 1]
	if M > 1 {
		// the level's options [N, K, M], as the forward Loop formed them
		x := gat(pCst)
		if tp > 0 {
			g := e.op("Gather", []string{th, e.rowsOf(tThIdx, s0, s1)}, aInt("axis", 1))
			x = e.op("Add", []string{termSum(g, gat(pTCoefS), tp), x})
		}
		if tn > 0 {
			src := e.op("Concat", []string{vwin2, fwd[1]}, aInt("axis", 1)) // the far store is final: every slot written before it is read
			g := e.op("Gather", []string{src, rd}, aInt("axis", 1))
			x = e.op("Add", []string{termSum(g, gat(pNCoefS), tn), x})
		}
		tau := ""
		if q.stacksTau() {
			tau = e.op("Transpose", []string{e.op("Slice", []string{fwd[3], sc[12], sc[13], e.ints(0, 2)})}, aInts("perm", 1, 2, 0)) // [N, K, 1]
		}
		flow = e.op("Mul", []string{flow, e.probsAt(x, tau)})
	}
	// perTerm gives the flows [N, K, M] a terms' axis when there are more
	// terms than one
	perTerm := func(f string, terms int) string {
		if terms == 1 {
			return f
		}
		return e.op("Unsqueeze", []string{f, e.ints(3)})
	}
	rest := e.cols(awin, e.ints(0), wsz)
	comb := e.op("Concat", []string{rest, afar}, aInt("axis", 1))
	if tn > 0 {
		u := e.op("Mul", []string{perTerm(flow, tn), gat(pNCoef)}) // [N, K, M(, tn)]
		u = e.op("Reshape", []string{u, e.ints(0, -1)})
		ix := e.op("Expand", []string{e.op("Reshape", []string{rd, e.ints(1, -1)}), e.op("Shape", []string{u})})
		comb = e.op("ScatterElements", []string{comb, ix, u}, aInt("axis", 1), aString("reduction", "add"))
	}
	rest2 := e.cols(comb, e.ints(0), wsz)
	afar2 := e.cols(comb, wsz, e.ints(bigEnd))
	awin2 := e.op("Concat", []string{e.cols(zK, e.ints(0), bz), rest2}, aInt("axis", 1))
	outs = []bodyOut{{awin2, tDouble, 2}, {afar2, tDouble, 2}}
	if M > 1 {
		outs = append(outs, bodyOut{vwin2, tDouble, 2})
	}
	nc := len(outs) // carried
	outs = append(outs,
		bodyOut{e.op("Pad", []string{adj, bpad2}), tDouble, 2},
		bodyOut{e.op("Pad", []string{e.rowsOf(tBias, s0, s1), bpad1, npSlot}), tInt32, 1})
	if tp > 0 {
		u := e.op("Mul", []string{perTerm(flow, tp), gat(pTCoef)}) // [N, K, M(, tp)]
		outs = append(outs,
			bodyOut{e.op("Pad", []string{e.op("Reshape", []string{u, e.ints(0, -1)}), btpad2}), tDouble, 2},
			bodyOut{e.op("Pad", []string{e.op("Reshape", []string{e.rowsOf(tThIdx, s0, s1), e.ints(-1)}), btpad1, npSlot}), tInt32, 1})
	}
	e.endBody(body, outs)
	// the last level's window (its own rows and the levels before it)
	// starts at zero: its adjoints are its seeds
	init := []string{zerosOf(q.off[L] - q.winStart(L-1)), zerosOf(F + 2)}
	if M > 1 {
		init = append(init, fwd[0]) // the window after the last level
	}
	bwd := e.loop(body, L, init, len(outs))[nc-2:] // bwd[2:]: the scan outputs

	// θ: every node's adjoint at its bias, every θ term's flow at its
	// index, scattered (add) into [N, np+1] at once
	flat := func(x string, perm ...int64) string {
		return e.op("Reshape", []string{e.op("Transpose", []string{x}, aInts("perm", perm...)), e.ints(0, -1)})
	}
	uParts := []string{flat(bwd[2], 1, 0, 2)}
	iParts := []string{e.op("Reshape", []string{bwd[3], e.ints(1, -1)})}
	if tp > 0 {
		uParts = append(uParts, flat(bwd[4], 1, 0, 2))
		iParts = append(iParts, e.op("Reshape", []string{bwd[5], e.ints(1, -1)}))
	}
	u, ix := uParts[0], iParts[0] // one part: no Concat, which would copy it
	if len(uParts) > 1 {
		u, ix = e.op("Concat", uParts, aInt("axis", 1)), e.op("Concat", iParts, aInt("axis", 1))
	}
	ix = e.op("Expand", []string{ix, e.op("Shape", []string{u})})
	grad := e.op("ScatterElements", []string{zerosOf(np + 1), ix, u}, aInt("axis", 1), aString("reduction", "add"))
	marg := e.op("Slice", []string{grad, e.ints(0), e.ints(int64(np)), e.ints(1)})

	e.finish(value, "value", e.io())
	e.finish(marg, "marginals", e.io())
}

// cols1 slices a 1-D x to [0, n).
func (e *emitter) cols1(x, n string) string {
	return e.op("Slice", []string{x, e.ints(0), n, e.ints(0)})
}

// scalars returns, inside a Loop body, the row of iteration it of a
// table of elem (int64 or int32) whose columns hold fs[c] of the
// iteration's level (level(i) = i, or L−1−i when rev), a vector of a
// fixed length per c (one element for a scalar, a Pad's pads, a Slice's
// starts): one Gather and one Split, output c a tensor [len(fs[c](l))].
func (e *emitter) scalars(q *loopPlan, rev bool, it string, elem onnxpb.TensorProto_DataType, fs ...func(l int) []int64) []string {
	var v []int64
	var widths []int64
	for i := range q.L {
		l := i
		if rev {
			l = q.L - 1 - i
		}
		for j, f := range fs {
			x := f(l)
			if i == 0 {
				widths = append(widths, int64(len(x)))
			} else if int64(len(x)) != widths[j] {
				panic("smoothonnx: a per-level column changes width")
			}
			v = append(v, x...)
		}
	}
	c := 0
	for _, w := range widths {
		c += int(w)
	}
	var tab string
	if elem == tInt32 {
		v32 := make([]int32, len(v))
		for i, x := range v {
			v32[i] = int32(x)
		}
		tab = e.i32([]int{q.L, c}, v32)
	} else {
		tab = e.i64([]int{q.L, c}, v)
	}
	row := e.op("Gather", []string{tab, it}, aInt("axis", 0)) // [c]
	if len(fs) == 1 {
		return []string{row}
	}
	return e.opN("Split", len(fs), []string{row, e.ints(widths...)}, aInt("axis", 0))
}

// one is a scalar column of scalars.
func one(f func(l int) int64) func(l int) []int64 {
	return func(l int) []int64 { return []int64{f(l)} }
}
