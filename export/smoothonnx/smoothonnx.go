package smoothonnx

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/smooth"
	"google.golang.org/protobuf/proto"
)

// DType is the element type of the model's inputs and outputs.
type DType int

const (
	Float32 DType = iota + 1
	Float64
)

func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return "DType(" + strconv.Itoa(int(d)) + ")"
}

// Form is how the levels are written.
type Form int

const (
	// Auto (the zero Form) is Unrolled for a graph of at most
	// AutoUnrolledLevels levels and Loop otherwise (FormFor).
	Auto Form = iota
	// Loop is one forward ONNX Loop over the levels and one reverse Loop
	// for the marginals, the same operators for every level reading
	// per-level tables: the model's operator count does not grow with the
	// levels.
	Loop
	// Unrolled writes a few operators per level: ONNX Runtime's session
	// creation grows with the levels (98 s for LCS 400×400).
	Unrolled
)

// AutoUnrolledLevels is the most levels for which Auto writes the
// unrolled form. Measured (docs/performance.md): with 6 and 12 levels
// (APSP n = 30, Held-Karp n = 12) the unrolled model opens in 0.03–0.05 s
// and runs in 0.2–0.9× the loop form's CPU time; with 77 and 99 (the
// constrained shortest path n = 20, Bellman-Ford n = 100) it takes 0.4
// and 1.3 s to open against 0.03 s, for a run between 0.7 and 1.4× the
// loop form's.
const AutoUnrolledLevels = 16

// FormFor is the form Marshal writes g in when asked for f: f itself,
// except that Auto chooses by g's levels, and a graph without levels (its
// outputs are constants) is written unrolled.
func FormFor(g *smooth.Graph, f Form) Form {
	return formFor(len(plan(g.Structure()).levels), f)
}

func formFor(levels int, f Form) Form {
	switch {
	case levels == 0:
		return Unrolled
	case f == Auto && levels <= AutoUnrolledLevels:
		return Unrolled
	case f == Auto:
		return Loop
	}
	return f
}

func (f Form) String() string {
	switch f {
	case Auto:
		return "auto"
	case Loop:
		return "loop"
	case Unrolled:
		return "unrolled"
	}
	return "Form(" + strconv.Itoa(int(f)) + ")"
}

// ParseForm reads "auto", "loop" or "unrolled".
func ParseForm(s string) (Form, error) {
	switch s {
	case "auto":
		return Auto, nil
	case "loop":
		return Loop, nil
	case "unrolled":
		return Unrolled, nil
	}
	return 0, fmt.Errorf("unknown form %q: want auto, loop or unrolled", s)
}

// Options choose the regulariser, the strength, the dtype and the form.
type Options struct {
	Reg   smooth.Reg
	Gamma float64
	DType DType
	Form  Form
	// MaxElements bounds the constants of the model (indices and
	// coefficients, 8 bytes each); 0 means DefaultMaxElements.
	MaxElements int
	// MaxRowBytes bounds what the loop form's Loops stack per batch row
	// at run time (every level's values, adjoints and θ-term flows and
	// their indices, padded to the widest level); 0 means
	// DefaultMaxRowBytes. Past it Loop is refused and Auto writes the
	// unrolled form.
	MaxRowBytes int
	// Metadata are further metadata_props entries (keys starting with
	// "dp2nn.source.": what rebuilds the graph, verify.SmoothGraphMeta).
	Metadata map[string]string
}

// DefaultMaxElements is 2^27 constants, 1 GiB.
const DefaultMaxElements = 1 << 27

// DefaultMaxRowBytes is 4 GiB per batch row.
const DefaultMaxRowBytes = 1 << 32

// Opset is the ONNX opset the models use (ScatterElements with a
// reduction needs 16).
const Opset = 17

// Marshal writes g as an ONNX model (see the package doc).
func Marshal(g *smooth.Graph, opt Options) ([]byte, error) {
	if opt.Reg != smooth.Shannon && opt.Reg != smooth.Gini && opt.Reg != smooth.Tsallis {
		return nil, fmt.Errorf("smoothonnx: unknown regulariser %v", opt.Reg)
	}
	if math.IsNaN(opt.Gamma) || math.IsInf(opt.Gamma, 0) || opt.Gamma < smooth.MinGamma {
		return nil, fmt.Errorf("smoothonnx: γ = %v: want a finite number ≥ %g", opt.Gamma, smooth.MinGamma)
	}
	if opt.DType != Float32 && opt.DType != Float64 {
		return nil, fmt.Errorf("smoothonnx: dtype %v: want float32 or float64", opt.DType)
	}
	if opt.MaxElements <= 0 {
		opt.MaxElements = DefaultMaxElements
	}
	if opt.MaxRowBytes <= 0 {
		opt.MaxRowBytes = DefaultMaxRowBytes
	}
	if opt.Form != Auto && opt.Form != Loop && opt.Form != Unrolled {
		return nil, fmt.Errorf("smoothonnx: form %v: want auto, loop or unrolled", opt.Form)
	}
	st := g.Structure()
	p := plan(st)
	auto := opt.Form == Auto
	opt.Form = formFor(len(p.levels), opt.Form)
	var q *loopPlan
	var t *loopTables
	n := p.elements()
	if opt.Form == Loop {
		// the padded stacks are predicted before any table is built
		q = newLoopPlan(st, p, opt.Reg)
		if b := q.rowBytes(); b > opt.MaxRowBytes {
			if !auto {
				return nil, fmt.Errorf("smoothonnx: %s in the loop form would stack %d bytes (%.3g GiB) per batch row at run time (%d levels padded to the widest, %d nodes), more than the limit %d; -form unrolled holds each level at its own size",
					g.Program, b, float64(b)/(1<<30), q.L, q.K, opt.MaxRowBytes)
			}
			opt.Form, q = Unrolled, nil
		}
	}
	if q != nil {
		// every node holds a pattern number, a bias index and its θ terms'
		// indices (int32) whatever the patterns: past the limit already,
		// nothing is built
		if low := q.off[q.L] * (2 + q.M*q.tp) / 2; low > opt.MaxElements {
			return nil, fmt.Errorf("smoothonnx: %s in the loop form would need at least %d constants (%.3g GiB), more than the limit %d", g.Program, low, float64(low)*8/(1<<30), opt.MaxElements)
		}
		// the tables are O(nodes) integers, the size of the graph itself:
		// building them measures the model exactly before it is written
		t = q.tables(st)
		n = t.elements()
	}
	if n > opt.MaxElements {
		return nil, fmt.Errorf("smoothonnx: %s in the %v form would need %d constants (%.3g GiB), more than the limit %d", g.Program, opt.Form, n, float64(n)*8/(1<<30), opt.MaxElements)
	}
	e := &emitter{opt: opt, st: st, p: p, g: &onnxpb.GraphProto{Name: proto.String(g.Program + " smooth")}, consts: map[string]string{}}
	if q != nil {
		e.loopModel(q, t)
	} else {
		e.model(g)
	}
	m := &onnxpb.ModelProto{
		IrVersion:       proto.Int64(8),
		ProducerName:    proto.String("dp2nn"),
		ProducerVersion: proto.String("smooth-graph-1"),
		OpsetImport:     []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}},
		Graph:           e.g,
		DocString: proto.String(fmt.Sprintf("dp2nn smooth scheme of %s (%v, γ = %v): inputs theta [N, %d] and seed [N, %d], outputs value [N, %d] (%v) and marginals [N, %d] = ∂(seed·value)/∂theta",
			g.Program, opt.Reg, opt.Gamma, len(g.Theta), len(g.Outputs), len(g.Outputs), g.Outputs, len(g.Theta))),
		MetadataProps: []*onnxpb.StringStringEntryProto{
			{Key: proto.String("dp2nn.scheme"), Value: proto.String("smooth-graph")},
			{Key: proto.String("dp2nn.program"), Value: proto.String(g.Program)},
			{Key: proto.String("dp2nn.reg"), Value: proto.String(opt.Reg.String())},
			{Key: proto.String("dp2nn.gamma"), Value: proto.String(strconv.FormatFloat(opt.Gamma, 'g', -1, 64))},
			{Key: proto.String("dp2nn.form"), Value: proto.String(opt.Form.String())},
		},
	}
	keys := make([]string, 0, len(opt.Metadata))
	for k := range opt.Metadata {
		if !strings.HasPrefix(k, SourcePrefix) {
			return nil, fmt.Errorf("smoothonnx: metadata key %q: want one starting with %q", k, SourcePrefix)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m.MetadataProps = append(m.MetadataProps, &onnxpb.StringStringEntryProto{Key: proto.String(k), Value: proto.String(opt.Metadata[k])})
	}
	return proto.Marshal(m)
}

// levelPlan is the layout of the nodes by level.
type levelPlan struct {
	levels [][]int32 // node ids per level, increasing
	level  []int32   // per node: its level, −1 for an infinite constant
	pos    []int32   // per node: its position in its level
	m      []int     // per level: the most options of a node
	tp, tn []int     // per level: the most θ terms and node terms of an option
	reads  [][]int   // per level: the levels its options read, increasing
	// readers: per level, the levels whose options read it
	readers [][]int
	nread   []int // per node: the terms that read it, plus 1 when it is an output
	r       []int // per level: the most nread of a node
}

func plan(st smooth.Structure) *levelPlan {
	np1 := int32(st.NumParams + 1)
	nn := len(st.Sign)
	p := &levelPlan{level: make([]int32, nn), pos: make([]int32, nn)}
	for k := range nn {
		o0, o1 := st.OptStart[k], st.OptStart[k+1]
		if o1-o0 == 1 && st.TermStart[o0] == st.TermStart[o0+1] && math.IsInf(st.OptConst[o0], 0) {
			p.level[k] = -1 // an infinite constant (an unreachable output)
			continue
		}
		lv := int32(0)
		for t := st.TermStart[o0]; t < st.TermStart[o1]; t++ {
			if s := st.TermSrc[t]; s >= np1 {
				lv = max(lv, p.level[s-np1]+1)
			}
		}
		p.level[k] = lv
		for int(lv) >= len(p.levels) {
			p.levels = append(p.levels, nil)
		}
		p.pos[k] = int32(len(p.levels[lv]))
		p.levels[lv] = append(p.levels[lv], int32(k))
	}
	L := len(p.levels)
	p.m, p.tp, p.tn = make([]int, L), make([]int, L), make([]int, L)
	p.reads, p.readers = make([][]int, L), make([][]int, L)
	seen := make([]int, L)
	for i := range seen {
		seen[i] = -1
	}
	for l, nodes := range p.levels {
		for _, k := range nodes {
			o0, o1 := st.OptStart[k], st.OptStart[k+1]
			p.m[l] = max(p.m[l], int(o1-o0))
			for o := o0; o < o1; o++ {
				tp, tn := 0, 0
				for t := st.TermStart[o]; t < st.TermStart[o+1]; t++ {
					if s := st.TermSrc[t]; s >= np1 {
						tn++
						if r := int(p.level[s-np1]); seen[r] != l {
							seen[r] = l
							p.reads[l] = append(p.reads[l], r)
						}
					} else {
						tp++
					}
				}
				p.tp[l], p.tn[l] = max(p.tp[l], tp), max(p.tn[l], tn)
			}
		}
		sortInts(p.reads[l])
		for _, r := range p.reads[l] {
			p.readers[r] = append(p.readers[r], l)
		}
	}
	p.nread = make([]int, nn)
	for _, s := range st.TermSrc {
		if s >= np1 {
			p.nread[s-np1]++
		}
	}
	for _, k := range st.OutNode {
		p.nread[k]++
	}
	p.r = make([]int, L)
	for l, nodes := range p.levels {
		for _, k := range nodes {
			p.r[l] = max(p.r[l], p.nread[k])
		}
	}
	return p
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j-1] > a[j]; j-- {
			a[j-1], a[j] = a[j], a[j-1]
		}
	}
}

// elements predicts the constants of the model: per level, indices and
// coefficients of the padded options, the transposed reads, and the
// scatter indices of the gradient.
func (p *levelPlan) elements() int {
	n := len(p.level) // the outputs' reads, at most one per node
	for l, nodes := range p.levels {
		k := len(nodes)
		// const and mask; indices and coefficients of θ terms (twice:
		// signed, and the gradient's scatter) and node terms; bias
		n += k * p.m[l] * (2 + 3*max(p.tp[l], 1) + 2*p.tn[l])
		n += 2*k + 2*k*max(p.r[l], 1) // bias, sign; the transposed reads
	}
	return n
}
