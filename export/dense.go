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
// source that feeds it: pre = bias + Σ_s X_s·W_s, then Relu for hidden
// layers. It uses only Gemm and Relu.
type denseEmitter struct {
	p       *cellPlan
	mb      *modelBuilder
	made    bool
	bias    []string        // per target
	weights [][]denseMatrix // per target
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
		for j := t.lo; j < t.hi; j++ {
			for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
				s, pos := p.source(g.Src[r])
				mat[s][pos*width+j-t.lo] += g.W[r]
			}
		}
		for _, s := range srcs {
			name := e.mb.floats(t.label+"/W from "+p.sourceName(s), []int{p.sourceLen(s), width}, mat[s])
			e.weights[ti] = append(e.weights[ti], denseMatrix{s, name})
		}
		e.bias[ti] = e.mb.floats(t.label+"/bias", []int{width}, g.Bias[t.lo:t.hi])
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
			acc = sc.op("Relu", prefix+t.label+"/relu", []string{acc}, prefix+t.name)
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
