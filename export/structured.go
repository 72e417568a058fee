package export

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/relu"
)

// structuredEmitter computes every target from its nonzero weights only.
//
// It works feature-major: a source or target of n values is a tensor
// [n, N], so every Gather copies whole rows of N values (batch-major, a
// Gather on axis 1 would copy one value at a time). The sources of a
// target are concatenated into one tensor S ([C, N]);
// a source of which the target reads only some values is first narrowed
// to those by a Gather. The neurons are bucketed by their number of terms
// k, rounded up to a power of two, so a bucket pads its rows by less than
// a factor 2. Bucket b with n_b neurons and rows of K terms is
//
//	Gather(S, idx_b [K, n_b], axis 0) → [K, n_b, N]
//	Mul(·, w_b [K, n_b, 1])            (dropped when every weight is 1)
//	Reshape(·, [K, -1])                → [K, n_b·N]
//	MatMul(ones [1, K], ·)             → [1, n_b·N], the sums over the terms
//	Reshape(·, [n_b, -1])              → [n_b, N]
//
// (the last three dropped when K = 1). Members that share their K
// weights, all exact scales, form a group whose MatMul takes those weights
// ([1, K]) instead of ones, and which needs no Mul (tupleGroups); a target
// that concatenates several sources ends S with a row of zeros that the
// padding terms of such groups read; positions of a group's terms that
// many members share are summed once (sharedTerms). Terms are the
// outermost axis and the sum a MatMul because that is how ONNX Runtime sums fastest: with a
// ReduceSum over the middle axis of [n_b, K, N] the knapsack cell (pmax
// 100) ran 10 times slower at batch 1, and with one over the first axis
// twice as slow at batch 256 (docs/onnx.md).
//
// with padding entries of weight 0. The buckets are concatenated, the bias
// added and, for hidden layers, the activation applied (a layer that
// mixes activations is regrouped by activation: one Gather per
// activation, then Concat). A hidden layer is stored in
// bucket order and the targets that read it index it that way; an output
// block is gathered back into neuron order.
//
// Every product and sum is one IEEE operation of the element type, so
// for integer-valued weights and values (below 2^24 in float32) every
// summation order gives the same, exact result.
type structuredEmitter struct {
	p       *cellPlan
	mb      *modelBuilder
	made    bool
	perm    [][]int32    // per hidden layer: storage position of each neuron (after the activation)
	classes [][]actClass // per hidden layer: positions in the pre-activation of each activation
	targets []structTarget
}

type structTarget struct {
	zero    bool // S ends with a row of zeros that padding terms read
	parts   []structPart
	buckets []structBucket
	bias    string // "" when every bias is 0
	order   string // output blocks: Gather indices back to neuron order, "" when the identity
}

type structPart struct {
	src  int
	cols string // Gather indices narrowing the source, "" to read all of it
}

type structBucket struct {
	k, n   int
	idx, w string // w is "" when every weight is 1
	tw     string // [1, K]: the weights of term 0..K-1, shared by every member ("" for ones or when w is set)
	shared *sharedTerms
}

// sharedTerms is a partial sum that many members of a bucket share: the
// terms at some positions read the same few tuples of columns (knapsack's
// select neurons: the two indicator terms depend on the shift only, not
// on the cell). V = Σ w_k S[idx_k] is computed once per distinct tuple
// ([d, N]) and appended to S; the bucket's last term reads it with
// weight 1.
type sharedTerms struct {
	k, d    int
	idx, tw string // [k, d] columns of S; [1, k] weights ("" for ones)
}

// maxSharedK is the largest bucket whose term positions are searched for
// a shared partial sum (all subsets of at least two positions).
const maxSharedK = 4

// maxTupleGroups is the most groups a bucket is split into by weight
// tuple (see make); a bucket with more keeps its Mul.
const maxTupleGroups = 4

// exactScale reports whether w·x is exact for every float x that does
// not overflow: w is 0 or ±2^e with 0 <= e <= 30, so a fused multiply-add
// (MatMul) rounds w·x + acc once, as Mul then Add do.
func exactScale(w float64) bool {
	if w == 0 {
		return true
	}
	frac, exp := math.Frexp(math.Abs(w))
	return frac == 0.5 && exp >= 1 && exp <= 31
}

func newStructuredEmitter(p *cellPlan, mb *modelBuilder) *structuredEmitter {
	return &structuredEmitter{p: p, mb: mb}
}

type term struct {
	col int32
	w   float64
}

func (e *structuredEmitter) make() {
	p, g := e.p, e.p.g
	e.perm = make([][]int32, p.depth)
	e.classes = make([][]actClass, p.depth)
	e.targets = make([]structTarget, len(p.targets))
	for ti, t := range p.targets {
		width := t.hi - t.lo
		st := &e.targets[ti]
		srcs := t.sources
		if len(srcs) == 0 {
			s, _ := p.fallbackSource()
			srcs = []int{s}
		}
		// Storage positions read from each source.
		read := make(map[int][]int32, len(srcs))
		rows := make([][]term, width)
		srcOf := make([][]int, width)
		for j := t.lo; j < t.hi; j++ {
			for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
				s, pos := p.source(g.Src[r])
				sp := e.storage(s, pos)
				read[s] = append(read[s], sp)
				rows[j-t.lo] = append(rows[j-t.lo], term{sp, g.W[r]})
				srcOf[j-t.lo] = append(srcOf[j-t.lo], s)
			}
		}
		// Columns of the concatenated sources.
		offset := make(map[int]int32, len(srcs))
		narrow := make(map[int][]int32, len(srcs))
		at := int32(0)
		for _, s := range srcs {
			u := read[s]
			slices.Sort(u)
			u = slices.Compact(u)
			part := structPart{src: s}
			if len(srcs) > 1 && len(u) < p.sourceLen(s) {
				narrow[s] = u
				part.cols = e.mb.int32s(t.label+"/cols from "+p.sourceName(s), []int{len(u)}, u)
				offset[s] = at
				at += int32(len(u))
			} else {
				offset[s] = at
				at += int32(p.sourceLen(s))
			}
			st.parts = append(st.parts, part)
		}
		for i, row := range rows {
			for k := range row {
				s := srcOf[i][k]
				c := row[k].col
				if u, ok := narrow[s]; ok {
					c = int32(sort.Search(len(u), func(x int) bool { return u[x] >= c }))
				}
				row[k].col = offset[s] + c
			}
			if len(row) == 0 { // a constant neuron: one zero term for the batch dimension
				rows[i] = []term{{0, 0}}
			}
		}
		// A target that concatenates its sources anyway may end S with a
		// row of zeros, at column zeroCol: padding terms read it with any
		// weight, so members of a bucket share their weight tuple more
		// often. It is emitted only when a padding term or a shared sum
		// (whose columns follow it) needs it.
		zeroCol := int32(-1)
		sWidth := at // columns of S
		if len(st.parts) > 1 {
			zeroCol = at
			sWidth++
		}
		// Buckets by the number of terms, rounded up to a power of two.
		byClass := map[int][]int{}
		for i, row := range rows {
			c := 1 << bits.Len(uint(len(row)-1))
			byClass[c] = append(byClass[c], i)
		}
		classes := make([]int, 0, len(byClass))
		for c := range byClass {
			classes = append(classes, c)
		}
		slices.Sort(classes)
		storage := make([]int32, width) // storage position of each neuron
		var order []int
		for _, c := range classes {
			members := byClass[c]
			k := 0
			for _, i := range members {
				k = max(k, len(rows[i]))
			}
			// Members whose K weights (padded with zero-row terms of the
			// row's last weight, or with weight 0 without a zero row) are
			// the same and exact scales share a MatMul of those weights,
			// and the bucket needs no Mul; a bucket splits into at most
			// maxTupleGroups such groups.
			if groups, ok := tupleGroups(rows, members, k, zeroCol); ok {
				for gi, grp := range groups {
					nb := len(grp.members)
					idx := make([]int32, nb*k)
					for m, i := range grp.members {
						storage[i] = int32(len(order))
						order = append(order, i)
						row := rows[i]
						for x := range k {
							col := zeroCol
							if x < len(row) {
								col = row[x].col
							} else if zeroCol < 0 {
								col = row[0].col
							} else {
								st.zero = true
							}
							idx[x*nb+m] = col
						}
					}
					stem := fmt.Sprintf("%s/k%d", t.label, k)
					if gi > 0 {
						stem += fmt.Sprintf(" group %d", gi+1)
					}
					kk, w := k, grp.w
					var sh *sharedTerms
					if T, tuples, dmap := sharedPositions(idx, k, nb, int(sWidth)); T != nil {
						// Rewrite: the positions outside T, then one term
						// reading V (column sWidth + d of S ∪ V).
						sidx := make([]int32, len(T)*len(tuples))
						sw := make([]float64, len(T))
						sones := true
						for x, pos := range T {
							sw[x] = grp.w[pos]
							sones = sones && sw[x] == 1
							for d, tu := range tuples {
								sidx[x*len(tuples)+d] = tu[x]
							}
						}
						sh = &sharedTerms{k: len(T), d: len(tuples), idx: e.mb.int32s(stem+" shared index", []int{len(T), len(tuples)}, sidx)}
						if !sones {
							sh.tw = e.mb.floats(stem+" shared term weights", []int{1, len(T)}, sw)
						}
						kk = k - len(T) + 1
						st.zero = st.zero || zeroCol >= 0 // V's columns follow the zero row
						nidx := make([]int32, 0, kk*nb)
						w = nil
						for pos := range k {
							if !slices.Contains(T, pos) {
								nidx = append(nidx, idx[pos*nb:(pos+1)*nb]...)
								w = append(w, grp.w[pos])
							}
						}
						for m := range nb {
							nidx = append(nidx, sWidth+int32(dmap[m]))
						}
						w = append(w, 1)
						idx = nidx
					}
					b := structBucket{k: kk, n: nb, idx: e.mb.int32s(stem+" index", []int{kk, nb}, idx), shared: sh}
					ones := true
					for _, x := range w {
						ones = ones && x == 1
					}
					if !ones {
						b.tw = e.mb.floats(stem+" term weights", []int{1, kk}, w)
					}
					st.buckets = append(st.buckets, b)
				}
				continue
			}
			// Term-major: entry x*nb+m is term x of member m, so that the
			// sum runs over the outermost axis.
			nb := len(members)
			idx := make([]int32, nb*k)
			w := make([]float64, nb*k)
			ones := true
			for m, i := range members {
				storage[i] = int32(len(order))
				order = append(order, i)
				row := rows[i]
				for x := range k {
					tm := term{row[0].col, 0}
					if x < len(row) {
						tm = row[x]
					}
					idx[x*nb+m] = tm.col
					w[x*nb+m] = tm.w
					ones = ones && tm.w == 1
				}
			}
			dims, wdims := []int{k, nb}, []int{k, nb, 1}
			if k == 1 {
				dims, wdims = dims[1:], []int{nb, 1}
			}
			stem := fmt.Sprintf("%s/k%d", t.label, k)
			b := structBucket{k: k, n: len(members), idx: e.mb.int32s(stem+" index", dims, idx)}
			if !ones {
				b.w = e.mb.floats(stem+" weight", wdims, w)
			}
			st.buckets = append(st.buckets, b)
		}
		bias := make([]float64, width)
		zero := true
		for s, i := range order {
			bias[s] = g.Bias[t.lo+i]
			zero = zero && bias[s] == 0
		}
		if !zero {
			st.bias = e.mb.floats(t.label+"/bias", []int{width, 1}, bias)
		}
		if t.output < 0 {
			// A layer that mixes activations is regrouped by activation
			// (emitActivations), which moves the neurons once more.
			acts := make([]relu.Activation, width)
			for i, s := range storage {
				acts[s] = g.Act[t.lo+i]
			}
			cs := activationClasses(acts)
			e.classes[t.layer] = cs
			if len(cs) > 1 {
				at := int32(0)
				moved := make([]int32, width)
				for _, c := range cs {
					for _, s := range c.pos {
						moved[s] = at
						at++
					}
				}
				for i, s := range storage {
					storage[i] = moved[s]
				}
			}
			e.perm[t.layer] = storage
		} else if !isIdentity(storage) {
			st.order = e.mb.int32s(t.label+"/order", []int{width}, storage)
		}
	}
	e.made = true
}

type tupleGroup struct {
	w       []float64
	ones    bool
	members []int
}

// tupleGroups splits a bucket's members (rows of at most k > 1 terms) by
// their padded weight tuple; ok is false when a weight is not an exact
// scale or there are more than maxTupleGroups tuples.
func tupleGroups(rows [][]term, members []int, k int, zeroCol int32) ([]tupleGroup, bool) {
	if k < 2 {
		return nil, false
	}
	var groups []tupleGroup
	w := make([]float64, k)
	for _, i := range members {
		row := rows[i]
		for x := range k {
			switch {
			case x < len(row):
				w[x] = row[x].w
			case zeroCol >= 0:
				w[x] = row[len(row)-1].w
			default:
				w[x] = 0
			}
			if !exactScale(w[x]) {
				return nil, false
			}
		}
		found := false
		for g := range groups {
			if slices.Equal(groups[g].w, w) {
				groups[g].members = append(groups[g].members, i)
				found = true
				break
			}
		}
		if !found {
			if len(groups) == maxTupleGroups {
				return nil, false
			}
			ones := true
			for _, x := range w {
				ones = ones && x == 1
			}
			groups = append(groups, tupleGroup{w: slices.Clone(w), ones: ones, members: []int{i}})
		}
	}
	return groups, true
}

// sharedPositions looks, in a bucket of k <= maxSharedK terms and nb
// members (idx term-major, k×nb columns of S, S having width columns),
// for a set T of at least two term positions whose column tuples take
// few distinct values, so that computing their partial sum once per tuple
// saves at least a quarter of the bucket's gathered rows, counting the
// copy of S that appending the partial sums costs. It returns T
// (ascending), the distinct tuples in first-seen order and each member's
// tuple; T is nil when no set pays.
func sharedPositions(idx []int32, k, nb, width int) (T []int, tuples [][]int32, dmap []int) {
	if k < 3 || k > maxSharedK {
		return nil, nil, nil
	}
	best := 0
	dm := make([]int, nb)
	for set := 1; set < 1<<k-1; set++ { // proper subsets
		var pos []int
		for x := range k {
			if set&(1<<x) != 0 {
				pos = append(pos, x)
			}
		}
		if len(pos) < 2 {
			continue
		}
		// The most tuples that still pay: saving = nb·(|T|−1) − D·(|T|+1)
		// − width must reach max(best+1, ⌈nb·k/4⌉); the scan stops past
		// it, so its map stays small.
		need := max(best+1, (nb*k+3)/4)
		maxD := (nb*(len(pos)-1) - width - need) / (len(pos) + 1)
		if maxD < 1 {
			continue
		}
		seen := map[[maxSharedK]int32]int{}
		var tus [][]int32
		for m := range nb {
			var key [maxSharedK]int32
			for x, p := range pos {
				key[x] = idx[p*nb+m]
			}
			d, ok := seen[key]
			if !ok {
				if len(tus) == maxD {
					tus = nil
					break
				}
				d = len(tus)
				seen[key] = d
				tus = append(tus, slices.Clone(key[:len(pos)]))
			}
			dm[m] = d
		}
		if tus == nil {
			continue
		}
		best, T, tuples, dmap = nb*(len(pos)-1)-len(tus)*(len(pos)+1)-width, pos, tus, slices.Clone(dm)
	}
	return T, tuples, dmap
}

// storage is the position of value pos of source s in its tensor.
func (e *structuredEmitter) storage(s, pos int) int32 {
	if l := s - len(e.p.g.Inputs) + 1; l >= 1 {
		return e.perm[l][pos]
	}
	return int32(pos)
}

func isIdentity(p []int32) bool {
	for i, x := range p {
		if int(x) != i {
			return false
		}
	}
	return true
}

func (e *structuredEmitter) featureMajor() bool { return true }

func (e *structuredEmitter) emit(sc *scope, prefix string, in, out []string) []string {
	withDoc := !e.made
	if !e.made {
		e.make()
	}
	p, mb := e.p, e.mb
	vals := make([]string, p.numSources())
	copy(vals, in)
	res := make([]string, len(out))
	for ti, t := range p.targets {
		final := ""
		if t.output >= 0 {
			if final = out[t.output]; final == "" {
				continue
			}
		}
		st := &e.targets[ti]
		// Each step below may be the target's last; the last one writes
		// the output block's reserved name.
		steps := len(st.buckets) // bucket results
		last := func(step string) bool {
			switch step {
			case "order":
				return true
			case "inner":
				return false
			case "bias":
				return st.order == ""
			case "concat":
				return st.order == "" && st.bias == ""
			default: // a bucket when there is only one
				return st.order == "" && st.bias == "" && steps == 1
			}
		}
		node := func(op, step, name string, args []string, tensor string, attrs ...*onnxpb.AttributeProto) string {
			if final != "" && last(step) {
				return sc.opTo(op, prefix+t.label+"/"+name, args, final, attrs...)
			}
			return sc.op(op, prefix+t.label+"/"+name, args, prefix+t.name+"/"+tensor, attrs...)
		}
		var parts []string
		for _, pt := range st.parts {
			x := vals[pt.src]
			if pt.cols != "" {
				x = sc.op("Gather", prefix+t.label+"/narrow "+p.sourceName(pt.src), []string{x, pt.cols}, prefix+t.name+"/from "+p.sourceName(pt.src), attrInt("axis", 0))
			}
			parts = append(parts, x)
		}
		if st.zero {
			parts = append(parts, zeroRow(sc, prefix+t.label, prefix+t.name, parts[0]))
		}
		s := parts[0]
		if len(parts) > 1 {
			s = sc.op("Concat", prefix+t.label+"/sources", parts, prefix+t.name+"/sources", attrInt("axis", 0))
		}
		var sums []string
		for _, b := range st.buckets {
			k := fmt.Sprintf("k%d", b.k)
			ops := 1 // Gather, then Mul and ReduceSum when present
			if b.w != "" {
				ops++
			}
			if b.k > 1 {
				ops += 3
			}
			step := func() string {
				ops--
				if ops == 0 {
					return "bucket"
				}
				return "inner"
			}
			src := s
			if sh := b.shared; sh != nil {
				sk := fmt.Sprintf("k%d shared", b.k)
				v := sc.op("Gather", prefix+t.label+"/"+sk+" gather", []string{s, sh.idx}, prefix+t.name+"/"+sk+" terms", attrInt("axis", 0))
				v = sc.op("Reshape", prefix+t.label+"/"+sk+" flatten", []string{v, mb.int64Const([]int{2}, int64(sh.k), -1)}, prefix+t.name+"/"+sk+" flat")
				tw := sh.tw
				if tw == "" {
					tw = mb.ones(sh.k)
				}
				v = sc.op("MatMul", prefix+t.label+"/"+sk+" sum", []string{tw, v}, prefix+t.name+"/"+sk+" flat sums")
				v = sc.op("Reshape", prefix+t.label+"/"+sk+" unflatten", []string{v, mb.int64Const([]int{2}, int64(sh.d), -1)}, prefix+t.name+"/"+sk+" sums")
				src = sc.op("Concat", prefix+t.label+"/"+sk+" sources", []string{s, v}, prefix+t.name+"/"+sk+" sources", attrInt("axis", 0))
			}
			x := node("Gather", step(), k+" gather", []string{src, b.idx}, k+" terms", attrInt("axis", 0))
			if b.w != "" {
				x = node("Mul", step(), k+" mul", []string{x, b.w}, k+" products")
			}
			if b.k > 1 {
				flat := node("Reshape", step(), k+" flatten", []string{x, mb.int64Const([]int{2}, int64(b.k), -1)}, k+" flat")
				tw := b.tw
				if tw == "" {
					tw = mb.ones(b.k)
				}
				x = node("MatMul", step(), k+" sum", []string{tw, flat}, k+" flat sums")
				x = node("Reshape", step(), k+" unflatten", []string{x, mb.int64Const([]int{2}, int64(b.n), -1)}, k+" sums")

			}
			sums = append(sums, x)
		}
		x := sums[0]
		if len(sums) > 1 {
			x = node("Concat", "concat", "concat", sums, "sums", attrInt("axis", 0))
		}
		if st.bias != "" {
			x = node("Add", "bias", "bias", []string{x, st.bias}, "pre")
		}
		if t.output < 0 {
			x = emitActivations(sc, prefix+t.label, prefix+t.name, x, e.classes[t.layer], 0).out
			vals[len(p.g.Inputs)+t.layer-1] = x
		} else {
			if st.order != "" {
				x = node("Gather", "order", "order", []string{x, st.order}, "ordered", attrInt("axis", 0))
			}
			res[t.output] = x
		}
		if withDoc {
			sc.doc(t.doc)
		}
	}
	return res
}

// zeroRow is a row of zeros [1, N] for the batch of x ([len, N]).
func zeroRow(sc *scope, label, name, x string) string {
	mb := sc.mb
	shape := sc.op("Shape", label+"/shape", []string{x}, name+"/shape")
	n := sc.op("Slice", label+"/batch size", []string{shape, mb.int64Const([]int{1}, 1), mb.int64Const([]int{1}, 2)}, name+"/N")
	target := sc.op("Concat", label+"/1×N", []string{mb.int64Const([]int{1}, 1), n}, name+"/1×N", attrInt("axis", 0))
	return sc.op("Expand", label+"/zero row", []string{mb.zeros11(), target}, name+"/zero row")
}
