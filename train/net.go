package train

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Arch is the shape of a Net: In inputs, Hidden ReLU layers of Width
// neurons, Out linear outputs; every layer after the first reads the
// input besides the previous layer.
type Arch struct {
	In, Width, Hidden, Out int
}

// MaxParams bounds the parameters of a Net (8 bytes each, four copies
// while training: parameters, gradient and Adam's two moments).
const MaxParams = 1 << 25

// Params is the number of weights and biases of a.
func (a Arch) Params() int {
	n := 0
	for l := range a.Hidden + 1 {
		in, out := a.layerDims(l)
		n += in*out + out
	}
	return n
}

// layerDims are the fan-in (input plus previous layer) and fan-out of
// layer l (0-based, layer Hidden the output layer).
func (a Arch) layerDims(l int) (in, out int) {
	in, out = a.In, a.Width
	if l > 0 {
		in += a.Width
	}
	if l == a.Hidden {
		out = a.Out
	}
	return in, out
}

func (a Arch) check() error {
	switch {
	case a.In < 1 || a.Width < 1 || a.Hidden < 1 || a.Out < 1:
		return fmt.Errorf("train: architecture %+v: every size must be at least 1", a)
	case a.In > MaxParams || a.Width > MaxParams || a.Out > MaxParams || a.Hidden > MaxParams:
		return fmt.Errorf("train: architecture %+v: more than %d parameters", a, MaxParams)
	}
	if n := a.Params(); n > MaxParams {
		return fmt.Errorf("train: architecture %+v has %d parameters, more than %d", a, n, MaxParams)
	}
	return nil
}

// layer locates one layer's parameters in Net.Params: the weights from
// the input (In×out, row-major), from the previous layer (prev×out, none
// for the first layer) and the biases (out).
type layer struct {
	prev, out  int
	wx, wh, b  int // offsets
	relu       bool
	fanIn, end int
}

// Net is a dense ReLU network with direct input connections. Its
// parameters are one flat slice, layer by layer: input weights, previous
// layer weights, biases.
type Net struct {
	Arch
	Params []float64
	layers []layer
}

// NewRand returns a PCG generator for seed.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d)) }

// New builds a Net of shape a with Keras's default initialisation:
// weights uniform in ±sqrt(6/(fanIn+fanOut)) (Glorot), biases zero.
func New(a Arch, rng *rand.Rand) (*Net, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	n := &Net{Arch: a, Params: make([]float64, a.Params())}
	off := 0
	for l := range a.Hidden + 1 {
		fanIn, out := a.layerDims(l)
		ly := layer{out: out, wx: off, relu: l < a.Hidden, fanIn: fanIn}
		if l > 0 {
			ly.prev = a.Width
		}
		ly.wh = ly.wx + a.In*out
		ly.b = ly.wh + ly.prev*out
		ly.end = ly.b + out
		limit := math.Sqrt(6 / float64(fanIn+out))
		for i := ly.wx; i < ly.b; i++ {
			n.Params[i] = limit * (2*rng.Float64() - 1)
		}
		off = ly.end
		n.layers = append(n.layers, ly)
	}
	return n, nil
}

// Predict computes the outputs of rows inputs x (rows×In, row-major)
// into y (rows×Out). It allocates its workspace; a Trainer's Loss does
// not.
func (n *Net) Predict(x []float64, rows int, y []float64) {
	w := newWork(n, rows)
	w.forward(n, x)
	copy(y, w.act[len(w.act)-1][:rows*n.Out])
}

// Layers is the number of layers with parameters: the hidden layers and
// the output layer.
func (n *Net) Layers() int { return len(n.layers) }

// Weights returns layer l's parameters (0-based; layer Hidden is the
// output layer) as views of Params: the weights from the input (In×out,
// row-major: row i holds input i's weights to every neuron), from the
// previous layer (Width×out, empty for layer 0) and the biases (out).
func (n *Net) Weights(l int) (wx, wh, b []float64) {
	ly := n.layers[l]
	return n.Params[ly.wx:ly.wh], n.Params[ly.wh:ly.b], n.Params[ly.b:ly.end]
}
