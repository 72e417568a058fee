package smooth

import "github.com/dp2nn/dp2nn/dsl"

// Structure is a Graph as flat arrays, for an exporter (export/smoothonnx)
// that writes the same computation in another form. Values are indexed as
// in the evaluation: θ at 0..NumParams−1, the zero slot (always 0) at
// NumParams, node k at NumParams+1+k. Node k is
//
//	v_k = Sign[k]·max_Ω(Sign[k]·x_o for its options o) + vals[Bias[k]]
//
// (a node with one option is x_o + bias), its options are
// OptStart[k]..OptStart[k+1]−1, option o is
//
//	x_o = OptConst[o] + Σ_t TermCoef[t]·vals[TermSrc[t]],  t in TermStart[o]..TermStart[o+1]−1,
//
// and every term reads θ, the zero slot or an earlier node. The slices
// are the Graph's own: read them, never modify them.
type Structure struct {
	NumParams int
	Sign      []float64
	OptStart  []int32
	OptConst  []float64
	TermStart []int32
	TermSrc   []int32
	TermCoef  []float64
	Bias      []int32
	OutNode   []int32
}

// Structure returns g's nodes, options and terms (see Structure).
func (g *Graph) Structure() Structure {
	return Structure{
		NumParams: g.np,
		Sign:      g.sign,
		OptStart:  g.optStart,
		OptConst:  g.optConst,
		TermStart: g.termStart,
		TermSrc:   g.termSrc,
		TermCoef:  g.termCoef,
		Bias:      g.bias,
		OutNode:   g.outNode,
	}
}

// ReadsInputsAsNumbers reports whether some per-step input of m is read
// as a number (a parameter of its Graph), not only in comparisons or
// indices (change.dp's coin is an offset: its graph's parameters are the
// cell biases alone).
func ReadsInputsAsNumbers(m *dsl.Model) bool {
	b := &builder{m: m, struc: map[any]bool{}}
	b.findStructural()
	for _, in := range m.Inputs {
		if !b.struc[in] {
			return true
		}
	}
	return false
}
