package relu

// Stats measures a graph in the terms of Hertrich & Skutella: depth is the
// number of affine layers, width the largest hidden layer, size the number
// of hidden neurons.
type Stats struct {
	Depth   int   // affine layers: hidden layers plus the output layer
	Widths  []int // hidden layer widths; Widths[i] is layer i+1, i < Depth-1
	Size    int   // hidden neurons
	Outputs int   // output neurons
	Weights int   // nonzero weights
	Params  int   // nonzero weights plus one bias per neuron (hidden and output)

	// DenseParams counts the parameters of the dense ONNX layout of the
	// graph (Shape.DenseParams: a matrix per pair of connected layers,
	// skip connections included, plus the biases), the count export and
	// the cost model use.
	DenseParams int
}

// Width is the largest hidden layer width, 0 without hidden layers.
func (s Stats) Width() int {
	w := 0
	for _, x := range s.Widths {
		w = max(w, x)
	}
	return w
}

// Stats measures g.
func (g *Graph) Stats() Stats {
	s := Stats{Depth: g.Depth(), Outputs: g.NumOutputs()}
	if s.Depth > 1 {
		s.Widths = make([]int, s.Depth-1)
	}
	for j, l := range g.Layer {
		if g.Act[j].Hidden() && int(l) < s.Depth {
			s.Widths[l-1]++
		}
	}
	for _, w := range s.Widths {
		s.Size += w
	}
	for _, w := range g.W {
		if w != 0 {
			s.Weights++
		}
	}
	s.Params = s.Weights + g.NumNeurons()
	sh := g.Shape()
	s.DenseParams = int(sh.DenseParams())
	return s
}

// LayerGroups returns the groups of layer l (1..Depth) in neuron order.
func (g *Graph) LayerGroups(l int) []Group {
	var out []Group
	for _, gr := range g.Groups {
		if gr.Layer == l {
			out = append(out, gr)
		}
	}
	return out
}
