package relu

import (
	"fmt"
	"math"
)

// Activation is what a neuron applies to its affine pre-activation.
type Activation uint8

const (
	Identity Activation = iota // output neurons
	ReLU                       // hidden neurons
	// The smoothed ReLUs of the smooth scheme: φ with
	// max_Ω(a, b) = a + γ·φ((b − a)/γ) for the regulariser Ω, and φ' = q,
	// the probability of the second option (Vivier-Ardisson et al. 2026).
	//
	//	Shannon  φ(x) = log(1 + e^x)                          q = sigmoid(x)
	//	Gini     φ(x) = q·x + q(1 − q)                         q = clip((1 + x)/2, 0, 1)
	//	Tsallis  φ(x) = q·x + (4/3)(1 − q^1.5 − (1 − q)^1.5)   q = (1 + c·√(2 − c²))/2, c = clip(x/2, −1, 1)
	Shannon
	Gini
	Tsallis
)

var activationNames = [...]string{Identity: "identity", ReLU: "relu", Shannon: "shannon", Gini: "gini", Tsallis: "tsallis"}

func (a Activation) String() string {
	if int(a) < len(activationNames) {
		return activationNames[a]
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Hidden reports whether a may be the activation of a hidden neuron.
func (a Activation) Hidden() bool { return a >= ReLU && a <= Tsallis }

// Unit numbers the values of a graph: units 0..NumInputs-1 are the inputs,
// unit NumInputs+j is neuron j.
type Unit int32

// Term is Coef·Unit.
type Term struct {
	Unit Unit
	Coef float64
}

// Affine is Const + Σ Terms. Terms name each unit at most once when built
// with the methods below.
type Affine struct {
	Const float64
	Terms []Term
}

// Constant returns the affine function c.
func Constant(c float64) Affine { return Affine{Const: c} }

// Var returns the affine function 1·u.
func Var(u Unit) Affine { return Affine{Terms: []Term{{u, 1}}} }

// Plus returns a + b.
func (a Affine) Plus(b Affine) Affine { return a.PlusScaled(1, b) }

// Minus returns a - b.
func (a Affine) Minus(b Affine) Affine { return a.PlusScaled(-1, b) }

// Scale returns c·a.
func (a Affine) Scale(c float64) Affine { return Constant(0).PlusScaled(c, a) }

// AddConst returns a + c.
func (a Affine) AddConst(c float64) Affine {
	a.Terms = append([]Term(nil), a.Terms...)
	a.Const += c
	return a
}

// PlusScaled returns a + c·b, merging terms on the same unit and dropping
// zero coefficients. The order of first appearance is kept, so results are
// deterministic.
func (a Affine) PlusScaled(c float64, b Affine) Affine {
	out := Affine{Const: a.Const + c*b.Const, Terms: make([]Term, 0, len(a.Terms)+len(b.Terms))}
	// Small sums (the common case) merge by linear search; large ones by map.
	var pos map[Unit]int
	if len(a.Terms)+len(b.Terms) > 32 {
		pos = make(map[Unit]int, len(a.Terms)+len(b.Terms))
	}
	add := func(t Term) {
		if pos != nil {
			if i, ok := pos[t.Unit]; ok {
				out.Terms[i].Coef += t.Coef
				return
			}
			pos[t.Unit] = len(out.Terms)
		} else {
			for i := range out.Terms {
				if out.Terms[i].Unit == t.Unit {
					out.Terms[i].Coef += t.Coef
					return
				}
			}
		}
		out.Terms = append(out.Terms, t)
	}
	for _, t := range a.Terms {
		add(t)
	}
	for _, t := range b.Terms {
		add(Term{t.Unit, c * t.Coef})
	}
	k := 0
	for _, t := range out.Terms {
		if t.Coef != 0 {
			out.Terms[k] = t
			k++
		}
	}
	out.Terms = out.Terms[:k]
	return out
}

// IsConst reports whether a has no unit terms.
func (a Affine) IsConst() bool { return len(a.Terms) == 0 }

// Block is a named, contiguous run of units (inputs) or neurons (outputs).
type Block struct {
	Name  string
	Shape []int // row-major; the product is Len
	Start int   // first unit (Inputs) or first neuron (Outputs)
	Len   int
}

// Group is a named, contiguous run of neurons of one layer made by one
// application of one lowering rule. It remembers the DSL term it came from,
// so that a mismatch can name the term of the recurrence.
type Group struct {
	Name  string // e.g. "indicator+ profit", "select f[p - profit]"
	Rule  string // the lowering rule, e.g. "offset-select", "min"
	Term  string // DSL source text of the term
	Pos   string // file:line:col of the term
	Layer int
	Start int // first neuron
	Len   int
}

// Graph is a feed-forward ReLU network with skip connections. Neuron j is
//
//	act_j( Bias[j] + Σ_{r in RowStart[j]..RowStart[j+1]} W[r]·value(Src[r]) )
//
// where value(u) is input u for u < NumInputs and neuron u-NumInputs
// otherwise. Neurons are sorted by Layer; every source of a neuron lies in
// an earlier layer (inputs are layer 0). Hidden neurons use ReLU or a
// smoothed ReLU (Activation.Hidden); the neurons of the last layer use
// Identity and are exactly the Outputs.
type Graph struct {
	NumInputs int
	Inputs    []Block // cover units 0..NumInputs-1 in order
	Outputs   []Block // cover the neurons of the last layer in order
	Groups    []Group // cover all neurons in order

	Bias     []float64
	Act      []Activation
	Layer    []int32
	RowStart []int // len(Bias)+1
	Src      []Unit
	W        []float64

	Doc string // free text: source program, parameters, scheme
}

// NumNeurons is the number of neurons, hidden and output.
func (g *Graph) NumNeurons() int { return len(g.Bias) }

// NumOutputs is the number of output neurons.
func (g *Graph) NumOutputs() int {
	n := 0
	for _, b := range g.Outputs {
		n += b.Len
	}
	return n
}

// Depth is the number of affine layers: hidden layers plus the output layer.
func (g *Graph) Depth() int {
	if len(g.Layer) == 0 {
		return 0
	}
	return int(g.Layer[len(g.Layer)-1])
}

// Input returns the input block with the given name.
func (g *Graph) Input(name string) (Block, bool) { return findBlock(g.Inputs, name) }

// Output returns the output block with the given name.
func (g *Graph) Output(name string) (Block, bool) { return findBlock(g.Outputs, name) }

func findBlock(bs []Block, name string) (Block, bool) {
	for _, b := range bs {
		if b.Name == name {
			return b, true
		}
	}
	return Block{}, false
}

// GroupOf returns the group that holds neuron j.
func (g *Graph) GroupOf(j int) *Group {
	lo, hi := 0, len(g.Groups)
	for lo < hi {
		m := (lo + hi) / 2
		if g.Groups[m].Start+g.Groups[m].Len <= j {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(g.Groups) && g.Groups[lo].Start <= j {
		return &g.Groups[lo]
	}
	return nil
}

// Validate checks the structural invariants listed on Graph.
func (g *Graph) Validate() error {
	n := len(g.Bias)
	if len(g.Act) != n || len(g.Layer) != n || len(g.RowStart) != n+1 {
		return fmt.Errorf("relu: neuron arrays disagree in length")
	}
	if len(g.Src) != len(g.W) || g.RowStart[0] != 0 || g.RowStart[n] != len(g.Src) {
		return fmt.Errorf("relu: weight arrays disagree in length")
	}
	for j := 0; j < n; j++ {
		if g.RowStart[j+1] < g.RowStart[j] {
			return fmt.Errorf("relu: row of neuron %d ends before it starts", j)
		}
	}
	at := 0
	for _, b := range g.Inputs {
		if b.Start != at || b.Len < 0 {
			return fmt.Errorf("relu: input block %q does not follow its predecessor", b.Name)
		}
		at += b.Len
	}
	if at != g.NumInputs {
		return fmt.Errorf("relu: input blocks cover %d units, want %d", at, g.NumInputs)
	}
	depth := g.Depth()
	prev := int32(1)
	for j := 0; j < n; j++ {
		if g.Layer[j] < prev {
			return fmt.Errorf("relu: neuron %d is out of layer order", j)
		}
		prev = g.Layer[j]
		last := int(g.Layer[j]) == depth
		if last != (g.Act[j] == Identity) || (!last && !g.Act[j].Hidden()) {
			return fmt.Errorf("relu: neuron %d in layer %d has activation %v", j, g.Layer[j], g.Act[j])
		}
		if math.IsNaN(g.Bias[j]) || math.IsInf(g.Bias[j], 0) {
			return fmt.Errorf("relu: neuron %d has bias %v", j, g.Bias[j])
		}
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			s := int(g.Src[r])
			if s < 0 || s >= g.NumInputs+j {
				return fmt.Errorf("relu: neuron %d reads unit %d", j, s)
			}
			if s >= g.NumInputs && g.Layer[s-g.NumInputs] >= g.Layer[j] {
				return fmt.Errorf("relu: neuron %d (layer %d) reads neuron %d of layer %d", j, g.Layer[j], s-g.NumInputs, g.Layer[s-g.NumInputs])
			}
			if math.IsNaN(g.W[r]) || math.IsInf(g.W[r], 0) {
				return fmt.Errorf("relu: neuron %d has weight %v", j, g.W[r])
			}
		}
	}
	at = -1
	for _, b := range g.Outputs {
		if b.Len < 0 || at >= 0 && b.Start != at {
			return fmt.Errorf("relu: output block %q does not follow its predecessor", b.Name)
		}
		at = b.Start + b.Len
	}
	if len(g.Outputs) > 0 && at != n {
		return fmt.Errorf("relu: output blocks end at %d, want %d", at, n)
	}
	if n > 0 && g.NumOutputs() != n-g.firstInLayer(int32(depth)) {
		return fmt.Errorf("relu: outputs do not match the last layer")
	}
	at = 0
	for _, gr := range g.Groups {
		if gr.Start != at || gr.Len < 0 || gr.Start+gr.Len > n {
			return fmt.Errorf("relu: group %q does not follow its predecessor", gr.Name)
		}
		for j := gr.Start; j < gr.Start+gr.Len; j++ {
			if int(g.Layer[j]) != gr.Layer {
				return fmt.Errorf("relu: group %q (layer %d) holds neuron %d of layer %d", gr.Name, gr.Layer, j, g.Layer[j])
			}
		}
		at += gr.Len
	}
	if at != n {
		return fmt.Errorf("relu: groups cover %d neurons, want %d", at, n)
	}
	return nil
}

func (g *Graph) firstInLayer(l int32) int {
	lo, hi := 0, len(g.Layer)
	for lo < hi {
		m := (lo + hi) / 2
		if g.Layer[m] < l {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
