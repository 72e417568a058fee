package export

// cellEmitter adds the nodes of one copy of a cell to a graph. Every copy
// shares the weights, which are added as initializers on the first call.
type cellEmitter interface {
	// emit reads input block i from tensor in[i] (oriented as
	// featureMajor says) and writes
	// output block i to a tensor named after out[i] (exactly out[i] when it
	// is reserved), skipping blocks whose out[i] is "". It returns the
	// names written. Intermediate tensor and node names start with prefix.
	emit(sc *scope, prefix string, in, out []string) []string
	// featureMajor reports whether emit's tensors are [Len, N] (true) or
	// [N, Len] (false).
	featureMajor() bool
}

// denseEmitter computes every target as a chain of Gemm nodes, one per
// source that feeds it: pre = bias + Σ_s X_s·W_s, then the activation for
// hidden layers. A ReLU network uses only Gemm and Relu.
//
// The columns of a hidden layer are sorted by activation (stably, so a
// ReLU-only layer keeps neuron order): a layer that mixes activations
// slices one contiguous run per activation and concatenates the results
// in the same order.
type denseEmitter struct {
	p       *cellPlan
	mb      *modelBuilder
	made    bool
	bias    []string        // per target
	weights [][]denseMatrix // per target
	col     [][]int32       // per hidden layer: column of each neuron
	classes [][]actClass    // per hidden layer, in columns
	// tapes record each emit call's tensors for the backward pass.
	tapes []*denseTape
}

type denseMatrix struct {
	src  int
	name string
}

func newDenseEmitter(p *cellPlan, mb *modelBuilder) *denseEmitter {
	return &denseEmitter{p: p, mb: mb}
}

// make adds the weight matrices and biases as initializers. A target
// without any weight (all its neurons are constants) reads the fallback
// source through a zero matrix, which gives its result the batch size.
func (e *denseEmitter) make() {
	p, g := e.p, e.p.g
	e.bias = make([]string, len(p.targets))
	e.weights = make([][]denseMatrix, len(p.targets))
	e.col = make([][]int32, p.depth)
	e.classes = make([][]actClass, p.depth)
	for l := 1; l < p.depth; l++ {
		byAct := activationClasses(p.hiddenActs(l))
		e.col[l] = make([]int32, p.layerLo[l+1]-p.layerLo[l])
		at := int32(0)
		for _, c := range byAct {
			run := actClass{act: c.act}
			for _, j := range c.pos {
				e.col[l][j] = at
				run.pos = append(run.pos, at)
				at++
			}
			e.classes[l] = append(e.classes[l], run)
		}
	}
	column := func(s, pos int) int {
		if l := s - len(g.Inputs) + 1; l >= 1 {
			return int(e.col[l][pos])
		}
		return pos
	}
	for ti, t := range p.targets {
		width := t.hi - t.lo
		srcs := t.sources
		if len(srcs) == 0 {
			s, _ := p.fallbackSource()
			srcs = []int{s}
		}
		mat := make(map[int][]float64, len(srcs))
		for _, s := range srcs {
			mat[s] = make([]float64, p.sourceLen(s)*width)
		}
		bias := make([]float64, width)
		for j := t.lo; j < t.hi; j++ {
			c := j - t.lo
			if t.output < 0 {
				c = int(e.col[t.layer][c])
			}
			bias[c] = g.Bias[j]
			for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
				s, pos := p.source(g.Src[r])
				mat[s][column(s, pos)*width+c] += g.W[r]
			}
		}
		for _, s := range srcs {
			name := e.mb.floats(t.label+"/W from "+p.sourceName(s), []int{p.sourceLen(s), width}, mat[s])
			e.weights[ti] = append(e.weights[ti], denseMatrix{s, name})
		}
		e.bias[ti] = e.mb.floats(t.label+"/bias", []int{width}, bias)
	}
	e.made = true
}

func (e *denseEmitter) featureMajor() bool { return false }

func (e *denseEmitter) emit(sc *scope, prefix string, in, out []string) []string {
	withDoc := !e.made
	if !e.made {
		e.make()
	}
	p := e.p
	vals := make([]string, p.numSources())
	copy(vals, in)
	res := make([]string, len(out))
	tape := &denseTape{prefix: prefix, acts: make([]activated, p.depth)}
	defer func() {
		tape.vals = vals
		e.tapes = append(e.tapes, tape)
	}()
	for ti, t := range p.targets {
		final := ""
		if t.output >= 0 {
			if final = out[t.output]; final == "" {
				continue
			}
		}
		acc := e.bias[ti]
		ws := e.weights[ti]
		for k, m := range ws {
			dst := prefix + t.name + "/pre " + p.sourceName(m.src)
			if k == len(ws)-1 {
				dst = prefix + t.name + "/pre"
				if final != "" {
					dst = final
				}
			}
			node, args := prefix+t.label+"/gemm "+p.sourceName(m.src), []string{vals[m.src], m.name, acc}
			if dst == final {
				acc = sc.opTo("Gemm", node, args, dst)
			} else {
				acc = sc.op("Gemm", node, args, dst)
			}
		}
		if t.output < 0 {
			a := emitActivations(sc, prefix+t.label, prefix+t.name, acc, e.classes[t.layer], 1)
			tape.acts[t.layer] = a
			acc = a.out
			vals[len(p.g.Inputs)+t.layer-1] = acc
		} else {
			res[t.output] = acc
		}
		if withDoc {
			sc.doc(t.doc)
		}
	}
	return res
}
