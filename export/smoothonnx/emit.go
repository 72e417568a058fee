package smoothonnx

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/smooth"
	"google.golang.org/protobuf/proto"
)

// emitter writes the nodes and initializers of one model.
type emitter struct {
	opt Options
	st  smooth.Structure
	p   *levelPlan
	g   *onnxpb.GraphProto
	// body, when not nil, receives the nodes (a Loop body); initializers
	// always go to g, the main graph, read from the body as outer scope.
	body   *onnxpb.GraphProto
	n      int
	consts map[string]string
}

const (
	tDouble = onnxpb.TensorProto_DOUBLE
	tFloat  = onnxpb.TensorProto_FLOAT
	tInt64  = onnxpb.TensorProto_INT64
	tBool   = onnxpb.TensorProto_BOOL
)

func (e *emitter) name(prefix string) string {
	e.n++
	return prefix + "_" + strconv.Itoa(e.n)
}

// op appends a node with outs outputs and returns their names.
func (e *emitter) opN(typ string, outs int, in []string, attrs ...*onnxpb.AttributeProto) []string {
	var o []string
	for range outs {
		o = append(o, e.name("t"))
	}
	g := e.g
	if e.body != nil {
		g = e.body
	}
	g.Node = append(g.Node, &onnxpb.NodeProto{Name: proto.String(e.name(typ)), OpType: proto.String(typ), Input: in, Output: o, Attribute: attrs})
	return o
}

func (e *emitter) op(typ string, in []string, attrs ...*onnxpb.AttributeProto) string {
	return e.opN(typ, 1, in, attrs...)[0]
}

func (e *emitter) init(elem onnxpb.TensorProto_DataType, dims []int, raw []byte) string {
	n := e.name("c")
	t := &onnxpb.TensorProto{Name: proto.String(n), DataType: proto.Int32(int32(elem)), RawData: raw}
	for _, d := range dims {
		t.Dims = append(t.Dims, int64(d))
	}
	e.g.Initializer = append(e.g.Initializer, t)
	return n
}

func (e *emitter) f64(dims []int, v []float64) string {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(x))
	}
	return e.init(tDouble, dims, raw)
}

func (e *emitter) i64(dims []int, v []int64) string {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(x))
	}
	return e.init(tInt64, dims, raw)
}

func (e *emitter) bools(dims []int, v []bool) string {
	raw := make([]byte, len(v))
	for i, x := range v {
		if x {
			raw[i] = 1
		}
	}
	return e.init(tBool, dims, raw)
}

// scalar returns a shared float64 scalar constant.
func (e *emitter) scalar(v float64) string {
	key := "f" + strconv.FormatFloat(v, 'g', -1, 64)
	if n, ok := e.consts[key]; ok {
		return n
	}
	n := e.f64(nil, []float64{v})
	e.consts[key] = n
	return n
}

// ints returns a shared int64 vector constant.
func (e *emitter) ints(v ...int64) string {
	key := "i" + fmtInts(v)
	if n, ok := e.consts[key]; ok {
		return n
	}
	n := e.i64([]int{len(v)}, v)
	e.consts[key] = n
	return n
}

func fmtInts(v []int64) string {
	s := ""
	for _, x := range v {
		s += strconv.FormatInt(x, 10) + ","
	}
	return s
}

func aInt(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func aInts(name string, v ...int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: v}
}

func aString(name, v string) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte(v)}
}

func aTensor(name string, t *onnxpb.TensorProto) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_TENSOR.Enum(), T: t}
}

func valueInfo(name string, elem onnxpb.TensorProto_DataType, cols int) *onnxpb.ValueInfoProto {
	return &onnxpb.ValueInfoProto{
		Name: proto.String(name),
		Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{
			ElemType: proto.Int32(int32(elem)),
			Shape: &onnxpb.TensorShapeProto{Dim: []*onnxpb.TensorShapeProto_Dimension{
				{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}},
				{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(cols)}},
			}},
		}}},
	}
}

// sum is ReduceSum over axis, keeping it when keep.
func (e *emitter) sum(x string, axis int64, keep bool) string {
	k := int64(0)
	if keep {
		k = 1
	}
	return e.op("ReduceSum", []string{x, e.ints(axis)}, aInt("keepdims", k))
}

// io is the element type of the model's inputs and outputs.
func (e *emitter) io() onnxpb.TensorProto_DataType {
	if e.opt.DType == Float32 {
		return tFloat
	}
	return tDouble
}

// inputs declares the model's inputs and outputs in its dtype and returns
// theta and seed in float64, each padded with a zero column: th [N,
// np+1] (the zero slot at np) and sd [N, O+1].
func (e *emitter) inputs(np, nout int) (th, sd string) {
	io := e.io()
	e.g.Input = []*onnxpb.ValueInfoProto{valueInfo("theta", io, np), valueInfo("seed", io, nout)}
	e.g.Output = []*onnxpb.ValueInfoProto{valueInfo("value", io, nout), valueInfo("marginals", io, np)}
	theta, seed := "theta", "seed"
	if io == tFloat {
		theta = e.op("Cast", []string{theta}, aInt("to", int64(tDouble)))
		seed = e.op("Cast", []string{seed}, aInt("to", int64(tDouble)))
	}
	pad := e.ints(0, 0, 0, 1)
	return e.op("Pad", []string{theta, pad}), e.op("Pad", []string{seed, pad})
}

// model emits the whole graph.
func (e *emitter) model(g *smooth.Graph) {
	st, p := e.st, e.p
	np, nout := st.NumParams, len(st.OutNode)
	th, sd := e.inputs(np, nout)
	zero := e.op("Slice", []string{th, e.ints(int64(np)), e.ints(int64(np + 1)), e.ints(1)}) // [N, 1] of 0

	L := len(p.levels)
	vals := make([]string, L)
	probs := make([]string, L)
	for l := range L {
		vals[l], probs[l] = e.forward(l, th, vals, zero)
	}

	// value: the outputs' nodes (an infinite constant output reads the
	// zero slot and adds its constant)
	all := append(append([]string(nil), vals...), zero)
	offs := make([]int, L+1)
	for l := range L {
		offs[l+1] = offs[l] + len(p.levels[l])
	}
	outIdx := make([]int64, nout)
	outConst := make([]float64, nout)
	for i, k := range st.OutNode {
		if lv := p.level[k]; lv >= 0 {
			outIdx[i] = int64(offs[lv] + int(p.pos[k]))
		} else {
			outIdx[i] = int64(offs[L])
			outConst[i] = st.OptConst[st.OptStart[k]]
		}
	}
	allV := e.op("Concat", all, aInt("axis", 1))
	value := e.op("Add", []string{e.op("Gather", []string{allV, e.i64([]int{nout}, outIdx)}, aInt("axis", 1)), e.f64([]int{nout}, outConst)})

	// backward: node adjoints from the last level to the first
	adj := make([]string, L)
	flow := make([]string, L)
	var uParts []string
	var uIdx []int64
	for l := L - 1; l >= 0; l-- {
		adj[l] = e.adjoint(l, flow, sd)
		flow[l] = adj[l]
		if p.m[l] > 1 {
			f := e.op("Mul", []string{e.op("Unsqueeze", []string{adj[l], e.ints(2)}), probs[l]})
			flow[l] = e.op("Reshape", []string{f, e.ints(0, -1)})
		}
		// θ: the bias of every node, and every θ term
		uParts = append(uParts, adj[l])
		for _, k := range p.levels[l] {
			uIdx = append(uIdx, int64(st.Bias[k]))
		}
		if tp := p.tp[l]; tp > 0 {
			idx, coef := e.thetaTerms(l, false)
			f := e.op("Unsqueeze", []string{flow[l], e.ints(2)}) // [N, K·M, 1]
			u := e.op("Mul", []string{f, e.f64([]int{len(p.levels[l]) * p.m[l], tp}, coef)})
			uParts = append(uParts, e.op("Reshape", []string{u, e.ints(0, -1)}))
			uIdx = append(uIdx, idx...)
		}
	}
	z := &onnxpb.TensorProto{DataType: proto.Int32(int32(tDouble)), Dims: []int64{1}, RawData: make([]byte, 8)}
	grad := e.op("ConstantOfShape", []string{e.op("Shape", []string{th})}, aTensor("value", z))
	if len(uParts) > 0 { // none when every output is an infinite constant: the marginals are 0
		u := e.op("Concat", uParts, aInt("axis", 1))
		ix := e.op("Expand", []string{e.i64([]int{1, len(uIdx)}, uIdx), e.op("Shape", []string{u})})
		grad = e.op("ScatterElements", []string{grad, ix, u}, aInt("axis", 1), aString("reduction", "add"))
	}
	marg := e.op("Slice", []string{grad, e.ints(0), e.ints(int64(np)), e.ints(1)})

	e.finish(value, "value", e.io())
	e.finish(marg, "marginals", e.io())
}

// finish writes x as the graph output name.
func (e *emitter) finish(x, name string, io onnxpb.TensorProto_DataType) {
	typ, attrs := "Identity", []*onnxpb.AttributeProto(nil)
	if io == tFloat {
		typ, attrs = "Cast", []*onnxpb.AttributeProto{aInt("to", int64(tFloat))}
	}
	e.g.Node = append(e.g.Node, &onnxpb.NodeProto{Name: proto.String(e.name(typ)), OpType: proto.String(typ), Input: []string{x}, Output: []string{name}, Attribute: attrs})
}

// thetaTerms returns the θ indices [K, M, tp] of level l's options and
// their coefficients (signed: times the node's sign), padded with the
// zero slot and 0.
func (e *emitter) thetaTerms(l int, signed bool) ([]int64, []float64) {
	st, p := e.st, e.p
	np1 := int32(st.NumParams + 1)
	M, tp := p.m[l], p.tp[l]
	nodes := p.levels[l]
	idx := make([]int64, len(nodes)*M*max(tp, 1))
	coef := make([]float64, len(idx))
	for i := range idx {
		idx[i] = int64(st.NumParams)
	}
	for i, k := range nodes {
		sg := 1.0
		if signed {
			sg = st.Sign[k]
		}
		for j, o := 0, st.OptStart[k]; o < st.OptStart[k+1]; j, o = j+1, o+1 {
			c := (i*M + j) * max(tp, 1)
			for t := st.TermStart[o]; t < st.TermStart[o+1]; t++ {
				if s := st.TermSrc[t]; s < np1 {
					idx[c], coef[c] = int64(s), sg*st.TermCoef[t]
					c++
				}
			}
		}
	}
	return idx, coef
}

// forward emits level l: its values [N, K] and, when its nodes have more
// than one option, the options' probabilities [N, K, M].
func (e *emitter) forward(l int, th string, vals []string, zero string) (string, string) {
	st, p := e.st, e.p
	np1 := int32(st.NumParams + 1)
	nodes := p.levels[l]
	K, M, tn := len(nodes), p.m[l], p.tn[l]
	tp := p.tp[l]
	cst := make([]float64, K*M)
	mask := make([]bool, K*M)
	sign := make([]float64, K)
	bias := make([]int64, K)
	for i, k := range nodes {
		sign[i], bias[i] = st.Sign[k], int64(st.Bias[k])
		for j := range M {
			cst[i*M+j] = math.Inf(-1)
		}
		for j, o := 0, st.OptStart[k]; o < st.OptStart[k+1]; j, o = j+1, o+1 {
			cst[i*M+j] = st.Sign[k] * st.OptConst[o]
			mask[i*M+j] = true
		}
	}
	x := e.f64([]int{K, M}, cst)
	if tp > 0 || tn == 0 {
		idx, coef := e.thetaTerms(l, true)
		d := []int{K, M, max(tp, 1)}
		gth := e.op("Gather", []string{th, e.i64(d, idx)}, aInt("axis", 1))
		x = e.op("Add", []string{e.sum(e.op("Mul", []string{gth, e.f64(d, coef)}), 3, false), x})
	}
	if tn > 0 {
		// the levels read, concatenated, then the zero column
		off := map[int]int{}
		var src []string
		n := 0
		for _, r := range p.reads[l] {
			off[r] = n
			n += len(p.levels[r])
			src = append(src, vals[r])
		}
		src = append(src, zero)
		idx := make([]int64, K*M*tn)
		coef := make([]float64, len(idx))
		for i := range idx {
			idx[i] = int64(n)
		}
		for i, k := range nodes {
			for j, o := 0, st.OptStart[k]; o < st.OptStart[k+1]; j, o = j+1, o+1 {
				c := (i*M + j) * tn
				for t := st.TermStart[o]; t < st.TermStart[o+1]; t++ {
					if s := st.TermSrc[t]; s >= np1 {
						idx[c] = int64(off[int(p.level[s-np1])] + int(p.pos[s-np1]))
						coef[c] = st.Sign[k] * st.TermCoef[t]
						c++
					}
				}
			}
		}
		cat := src[0]
		if len(src) > 1 {
			cat = e.op("Concat", src, aInt("axis", 1))
		}
		d := []int{K, M, tn}
		gn := e.op("Gather", []string{cat, e.i64(d, idx)}, aInt("axis", 1))
		x = e.op("Add", []string{e.sum(e.op("Mul", []string{gn, e.f64(d, coef)}), 3, false), x})
	}
	var v, prob string
	if M == 1 {
		v = e.op("Squeeze", []string{x, e.ints(2)})
	} else {
		v, prob, _ = e.smax(x, e.bools([]int{K, M}, mask), M)
	}
	v = e.op("Add", []string{e.op("Mul", []string{v, e.f64([]int{K}, sign)}), e.op("Gather", []string{th, e.i64([]int{K}, bias)}, aInt("axis", 1))})
	return v, prob
}

// smax is max_Ω over the last axis of x [N, K, M] (absent options −∞,
// mask false): the values [N, K], the probabilities [N, K, M] and, for
// Gini and Tsallis, the threshold τ [N, K, 1] of the sort-based
// algorithm, from which probsAt gives the probabilities again ("" for
// Shannon).
func (e *emitter) smax(x, mask string, M int) (string, string, string) {
	gamma := e.opt.Gamma
	inv := 1 / gamma
	mx := e.op("ReduceMax", []string{x}, aInts("axes", 2), aInt("keepdims", 1))
	d := e.op("Sub", []string{x, mx}) // ≤ 0, absent −∞
	var v, prob, thr string
	switch e.opt.Reg {
	case smooth.Shannon:
		ex := e.op("Exp", []string{e.op("Mul", []string{d, e.scalar(inv)})})
		s := e.sum(ex, 2, true)
		prob = e.op("Div", []string{ex, s})
		v = e.op("Add", []string{mx, e.op("Mul", []string{e.op("Log", []string{s}), e.scalar(gamma)})})
	default:
		scale := inv
		if e.opt.Reg == smooth.Tsallis {
			scale = 0.5 * inv
		}
		z := e.op("Mul", []string{d, e.scalar(scale)})
		zs := e.opN("TopK", 2, []string{z, e.ints(int64(M))}, aInt("axis", 2), aInt("largest", 1), aInt("sorted", 1))[0]
		zm := e.op("Where", []string{mask, zs, e.scalar(0)}) // absent options sort last
		kr := make([]float64, M)
		for i := range kr {
			kr[i] = float64(i + 1)
		}
		k := e.f64([]int{M}, kr)
		axis := e.i64(nil, []int64{2})
		c1 := e.op("CumSum", []string{zm, axis})
		var tk string // the threshold τ_k for every support size k
		if e.opt.Reg == smooth.Gini {
			tk = e.op("Div", []string{e.op("Sub", []string{c1, e.scalar(1)}), k})
		} else {
			c2 := e.op("CumSum", []string{e.op("Mul", []string{zm, zm}), axis})
			mean := e.op("Div", []string{c1, k})
			ss := e.op("Sub", []string{c2, e.op("Mul", []string{k, e.op("Mul", []string{mean, mean})})})
			dd := e.op("Div", []string{e.op("Sub", []string{e.scalar(1), ss}), k})
			tk = e.op("Sub", []string{mean, e.op("Sqrt", []string{e.op("Relu", []string{dd})})})
		}
		in := e.op("And", []string{e.op("Less", []string{tk, zm}), mask})
		ks := e.sum(e.op("Cast", []string{in}, aInt("to", int64(tDouble))), 2, true) // support size ≥ 1
		at := e.op("Cast", []string{e.op("Sub", []string{ks, e.scalar(1)})}, aInt("to", int64(tInt64)))
		tau := e.op("GatherElements", []string{tk, at}, aInt("axis", 2))
		s := e.op("Relu", []string{e.op("Sub", []string{z, tau})}) // absent: 0
		thr = tau
		dm := e.op("Where", []string{mask, d, e.scalar(0)})
		if e.opt.Reg == smooth.Gini {
			prob = s
			dot := e.sum(e.op("Mul", []string{prob, dm}), 2, true)
			sq := e.sum(e.op("Mul", []string{prob, prob}), 2, true)
			h := e.op("Mul", []string{e.op("Sub", []string{e.scalar(1), sq}), e.scalar(0.5 * gamma)})
			v = e.op("Add", []string{mx, e.op("Add", []string{dot, h})})
		} else {
			prob = e.op("Mul", []string{s, s})
			dot := e.sum(e.op("Mul", []string{prob, dm}), 2, true)
			cube := e.sum(e.op("Mul", []string{prob, s}), 2, true)
			h := e.op("Mul", []string{e.op("Relu", []string{e.op("Sub", []string{e.scalar(1), cube})}), e.scalar(4.0 / 3.0 * gamma)})
			v = e.op("Add", []string{mx, e.op("Add", []string{dot, h})})
		}
	}
	return e.op("Squeeze", []string{v, e.ints(2)}), prob, thr
}

// probsAt is the probabilities of smax of x [N, K, M] for Gini and
// Tsallis given their threshold τ [N, K, 1], and for Shannon without
// (τ ""): smax's operators on the same numbers, so the same
// probabilities, without the sort that finds τ. The loop form's reverse
// Loop forms them again so.
func (e *emitter) probsAt(x, tau string) string {
	mx := e.op("ReduceMax", []string{x}, aInts("axes", 2), aInt("keepdims", 1))
	d := e.op("Sub", []string{x, mx})
	inv := 1 / e.opt.Gamma
	switch e.opt.Reg {
	case smooth.Shannon:
		ex := e.op("Exp", []string{e.op("Mul", []string{d, e.scalar(inv)})})
		return e.op("Div", []string{ex, e.sum(ex, 2, true)})
	case smooth.Tsallis:
		s := e.op("Relu", []string{e.op("Sub", []string{e.op("Mul", []string{d, e.scalar(0.5 * inv)}), tau})})
		return e.op("Mul", []string{s, s})
	}
	return e.op("Relu", []string{e.op("Sub", []string{e.op("Mul", []string{d, e.scalar(inv)}), tau})})
}

// adjoint emits ∂(seed·value)/∂(level l's nodes) [N, K]: for each node
// the flows of the options that read it (times the term's coefficient)
// and its seed when it is an output.
func (e *emitter) adjoint(l int, flow []string, sd string) string {
	st, p := e.st, e.p
	np1 := int32(st.NumParams + 1)
	nodes := p.levels[l]
	K, R := len(nodes), max(p.r[l], 1)
	off := map[int]int{}
	var src []string
	n := 0
	for _, r := range p.readers[l] {
		off[r] = n
		n += len(p.levels[r]) * p.m[r]
		src = append(src, flow[r])
	}
	seedAt := n
	src = append(src, sd)
	zeroAt := n + len(st.OutNode)
	idx := make([]int64, K*R)
	coef := make([]float64, K*R)
	for i := range idx {
		idx[i] = int64(zeroAt)
	}
	fill := make([]int, K)
	put := func(i int, at int, c float64) {
		idx[i*R+fill[i]], coef[i*R+fill[i]] = int64(at), c
		fill[i]++
	}
	for oi, k := range st.OutNode {
		if lv := p.level[k]; int(lv) == l {
			put(int(p.pos[k]), seedAt+oi, 1)
		}
	}
	for _, r := range p.readers[l] {
		for i, k := range p.levels[r] {
			for j, o := 0, st.OptStart[k]; o < st.OptStart[k+1]; j, o = j+1, o+1 {
				for t := st.TermStart[o]; t < st.TermStart[o+1]; t++ {
					if s := st.TermSrc[t]; s >= np1 && int(p.level[s-np1]) == l {
						put(int(p.pos[s-np1]), off[r]+i*p.m[r]+j, st.TermCoef[t])
					}
				}
			}
		}
	}
	cat := src[0]
	if len(src) > 1 {
		cat = e.op("Concat", src, aInt("axis", 1))
	}
	g := e.op("Gather", []string{cat, e.i64([]int{K, R}, idx)}, aInt("axis", 1))
	return e.sum(e.op("Mul", []string{g, e.f64([]int{K, R}, coef)}), 2, false)
}
