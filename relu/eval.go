package relu

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"unsafe"
)

// Float is the element type an Evaluator computes in.
type Float interface{ ~float32 | ~float64 }

// A tile is the batch columns one worker evaluates at a time. Its values
// are stored unit-major (values[unit*width+k]), so every weight is applied
// to a contiguous run of width values. Tiles are maxTileWidth columns wide
// unless that would need more than tileBytes of scratch per worker (they
// are then narrower, down to lanes). Measured on a 100k-neuron random
// graph, widths 16 to 64 ran within noise of each other.
const (
	maxTileWidth = 32
	tileBytes    = 32 << 20
)

// lanes is the number of batch columns the inner loop keeps in registers.
const lanes = 8

// parallelWork is the number of multiply-adds (weights × batch) below which
// Run stays on the calling goroutine; above it, tiles are spread over
// GOMAXPROCS goroutines.
const parallelWork = 1 << 20

// Evaluator runs a Graph in element type T. The weights are converted to T
// once, and every addition and multiplication is rounded to T, so a float32
// Evaluator shows float32 behaviour. It keeps its scratch memory between
// calls; it is not safe for concurrent use.
type Evaluator[T Float] struct {
	numIn, numOut int
	numHidden     int // neurons 0..numHidden-1 are hidden (act is ReLU or smooth)
	bias, w       []T
	src           []int32
	rowStart      []int32
	act           []Activation
	smooth        []int // the neurons with a smoothed ReLU, ascending
	tileWidth     int   // multiple of lanes

	single []T   // unit values for batch 1
	tiles  [][]T // per worker: unit-major values of one tile
}

// NewEvaluator validates g and converts its weights to T.
func NewEvaluator[T Float](g *Graph) (*Evaluator[T], error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if len(g.Src) > 1<<31-1 || g.NumInputs+g.NumNeurons() > 1<<31-1 {
		return nil, fmt.Errorf("relu: graph too large to evaluate (%d weights)", len(g.Src))
	}
	e := &Evaluator[T]{
		numIn:    g.NumInputs,
		numOut:   g.NumOutputs(),
		bias:     make([]T, len(g.Bias)),
		w:        make([]T, len(g.W)),
		src:      make([]int32, len(g.Src)),
		rowStart: make([]int32, len(g.RowStart)),
		act:      append([]Activation(nil), g.Act...),
	}
	e.numHidden = g.NumNeurons() - e.numOut
	unitBytes := (g.NumInputs + g.NumNeurons()) * int(unsafe.Sizeof(T(0)))
	e.tileWidth = min(maxTileWidth, max(lanes, tileBytes/max(1, unitBytes)/lanes*lanes))
	for j, b := range g.Bias {
		e.bias[j] = T(b)
	}
	for r, w := range g.W {
		e.w[r] = T(w)
		e.src[r] = int32(g.Src[r])
	}
	for j, r := range g.RowStart {
		e.rowStart[j] = int32(r)
	}
	for j, a := range g.Act {
		if a != ReLU && a != Identity {
			e.smooth = append(e.smooth, j)
		}
	}
	return e, nil
}

// NumInputs is the number of inputs of one batch row.
func (e *Evaluator[T]) NumInputs() int { return e.numIn }

// NumOutputs is the number of outputs of one batch row.
func (e *Evaluator[T]) NumOutputs() int { return e.numOut }

// Eval evaluates g on batch inputs. in is batch-major (batch × NumInputs);
// the result is batch × NumOutputs.
func Eval[T Float](g *Graph, in []T, batch int) ([]T, error) {
	e, err := NewEvaluator[T](g)
	if err != nil {
		return nil, err
	}
	out := make([]T, batch*e.numOut)
	if err := e.Run(in, out, batch); err != nil {
		return nil, err
	}
	return out, nil
}

// Run evaluates batch rows: in is batch × NumInputs and out batch ×
// NumOutputs, both batch-major. Batch 1 and small batches allocate nothing
// after the first call of that size; large batches start goroutines.
func (e *Evaluator[T]) Run(in, out []T, batch int) error {
	if batch < 0 {
		return fmt.Errorf("relu: negative batch %d", batch)
	}
	if len(in) != batch*e.numIn {
		return fmt.Errorf("relu: got %d inputs, want %d (batch %d × %d inputs)", len(in), batch*e.numIn, batch, e.numIn)
	}
	if len(out) != batch*e.numOut {
		return fmt.Errorf("relu: got room for %d outputs, want %d (batch %d × %d outputs)", len(out), batch*e.numOut, batch, e.numOut)
	}
	if batch == 1 {
		v := e.runSingle(in)
		copy(out, v[e.numIn+e.numHidden:])
		return nil
	}
	numTiles := (batch + e.tileWidth - 1) / e.tileWidth
	workers := min(runtime.GOMAXPROCS(0), numTiles)
	if len(e.w)*batch < parallelWork {
		workers = 1
	}
	for len(e.tiles) < workers {
		e.tiles = append(e.tiles, nil)
	}
	if workers == 1 {
		e.runTiles(0, 1, in, out, batch)
	} else {
		e.runParallel(workers, in, out, batch)
	}
	return nil
}

// runParallel spreads the tiles over workers goroutines. It is a function
// of its own so that Run does not allocate the closure's variables on the
// sequential path.
func (e *Evaluator[T]) runParallel(workers int, in, out []T, batch int) {
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Go(func() { e.runTiles(wk, workers, in, out, batch) })
	}
	wg.Wait()
}

// runTiles evaluates tiles wk, wk+step, wk+2·step, … with worker wk's
// scratch.
func (e *Evaluator[T]) runTiles(wk, step int, in, out []T, batch int) {
	w := e.tileWidth
	for b0 := wk * w; b0 < batch; b0 += step * w {
		e.runTile(wk, in, out, b0, min(batch, b0+w))
	}
}

// Trace evaluates g on one input row and returns the value of every
// neuron, hidden and output, in neuron order. With Graph.Describe and
// FirstMismatch it locates where two evaluations part.
func Trace[T Float](g *Graph, in []T) ([]T, error) {
	e, err := NewEvaluator[T](g)
	if err != nil {
		return nil, err
	}
	return e.Trace(in)
}

// Trace is the package function Trace with e's weights.
func (e *Evaluator[T]) Trace(in []T) ([]T, error) {
	if len(in) != e.numIn {
		return nil, fmt.Errorf("relu: got %d inputs, want %d", len(in), e.numIn)
	}
	return append([]T(nil), e.runSingle(in)[e.numIn:]...), nil
}

// runSingle evaluates one row and returns the values of all units.
//
// The neurons run in stretches between smooth neurons: singleAffine computes
// a stretch with ReLU and Identity applied and a smooth neuron's
// pre-activation, which then gets its φ here. The loop of singleAffine thus
// calls no function, and an all-ReLU graph is one stretch: a call in that
// loop, even one never taken, made the compiler keep fewer values in
// registers (measured with cachegrind on BenchmarkEval).
func (e *Evaluator[T]) runSingle(in []T) []T {
	n := len(e.bias)
	if e.single == nil {
		e.single = make([]T, e.numIn+n)
	}
	v := e.single
	copy(v, in)
	vals := v[e.numIn:]
	j0 := 0
	for _, j := range e.smooth {
		e.singleAffine(v, j0, j+1)
		vals[j] = applyT(e.act[j], vals[j])
		j0 = j + 1
	}
	e.singleAffine(v, j0, n)
	return v
}

// singleAffine computes neurons j0..j1-1 of one row into v, applying ReLU
// to ReLU neurons and nothing to the others.
func (e *Evaluator[T]) singleAffine(v []T, j0, j1 int) {
	vals := v[e.numIn:]
	for j := j0; j < j1; j++ {
		lo, hi := e.rowStart[j], e.rowStart[j+1]
		ws, ss := e.w[lo:hi], e.src[lo:hi]
		ss = ss[:len(ws)]
		s := e.bias[j]
		for k, w := range ws {
			s += T(w * v[ss[k]]) // the conversion forbids fusing into an FMA
		}
		if e.act[j] == ReLU {
			s = max(s, 0)
		}
		vals[j] = s
	}
}

// runTile evaluates rows b0..b1-1 (at most tileWidth) with worker wk's
// scratch and writes their outputs. Rows are padded with zeros to a
// multiple of lanes; the padding is computed and dropped.
func (e *Evaluator[T]) runTile(wk int, in, out []T, b0, b1 int) {
	rows := b1 - b0
	width := (rows + lanes - 1) / lanes * lanes
	units := e.numIn + len(e.bias)
	if len(e.tiles[wk]) < units*e.tileWidth {
		e.tiles[wk] = make([]T, units*e.tileWidth)
	}
	v := e.tiles[wk][:units*width]
	for u := range e.numIn {
		clear(v[u*width+rows : (u+1)*width])
	}
	for k := range rows {
		row := in[(b0+k)*e.numIn : (b0+k+1)*e.numIn]
		for u, x := range row {
			v[u*width+k] = x
		}
	}
	// In stretches between smooth neurons, as in runSingle.
	j0 := 0
	for _, j := range e.smooth {
		e.tileAffine(v, width, j0, j+1)
		row := v[(e.numIn+j)*width : (e.numIn+j+1)*width]
		for k, x := range row {
			row[k] = applyT(e.act[j], x)
		}
		j0 = j + 1
	}
	e.tileAffine(v, width, j0, len(e.bias))
	first := e.numIn + e.numHidden
	for k := range rows {
		row := out[(b0+k)*e.numOut : (b0+k+1)*e.numOut]
		for o := range row {
			row[o] = v[(first+o)*width+k]
		}
	}
}

// tileAffine computes neurons j0..j1-1 of a tile of width columns into v,
// applying ReLU to ReLU neurons and nothing to the others.
func (e *Evaluator[T]) tileAffine(v []T, width, j0, j1 int) {
	for j := j0; j < j1; j++ {
		lo, hi := e.rowStart[j], e.rowStart[j+1]
		ws, ss := e.w[lo:hi], e.src[lo:hi]
		ss = ss[:len(ws)]
		relu := e.act[j] == ReLU
		for sub := 0; sub < width; sub += lanes {
			b := e.bias[j]
			s0, s1, s2, s3, s4, s5, s6, s7 := b, b, b, b, b, b, b, b
			for r, w := range ws {
				p := int(ss[r])*width + sub
				x := v[p : p+lanes : p+lanes]
				// The conversions forbid fusing into FMAs, so every lane
				// rounds exactly as runSingle does.
				s0 += T(w * x[0])
				s1 += T(w * x[1])
				s2 += T(w * x[2])
				s3 += T(w * x[3])
				s4 += T(w * x[4])
				s5 += T(w * x[5])
				s6 += T(w * x[6])
				s7 += T(w * x[7])
			}
			if relu {
				s0, s1, s2, s3 = max(s0, 0), max(s1, 0), max(s2, 0), max(s3, 0)
				s4, s5, s6, s7 = max(s4, 0), max(s5, 0), max(s6, 0), max(s7, 0)
			}
			p := (e.numIn+j)*width + sub
			d := v[p : p+lanes : p+lanes]
			d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = s0, s1, s2, s3, s4, s5, s6, s7
		}
	}
}

// FirstMismatch returns the first neuron whose values in two traces of g
// differ by more than tol·max(1, |want|), or -1 when none does. Neurons
// are sorted by layer, so it is a neuron of the earliest layer where the
// traces part.
func FirstMismatch[T, U Float](got []T, want []U, tol float64) int {
	for j := range min(len(got), len(want)) {
		a, b := float64(got[j]), float64(want[j])
		if !(math.Abs(a-b) <= tol*max(1, math.Abs(b))) { // NaN counts as a mismatch
			return j
		}
	}
	if len(got) != len(want) {
		return min(len(got), len(want))
	}
	return -1
}

// Describe names neuron j for error messages: its layer and the group,
// rule and DSL term it came from.
func (g *Graph) Describe(j int) string {
	if j < 0 || j >= g.NumNeurons() {
		return fmt.Sprintf("neuron %d (out of range)", j)
	}
	gr := g.GroupOf(j)
	if gr == nil {
		return fmt.Sprintf("neuron %d (layer %d)", j, g.Layer[j])
	}
	s := fmt.Sprintf("neuron %d (layer %d, #%d of group %q, rule %s", j, g.Layer[j], j-gr.Start, gr.Name, gr.Rule)
	if gr.Term != "" {
		s += fmt.Sprintf(", term %q", gr.Term)
	}
	if gr.Pos != "" {
		s += " at " + gr.Pos
	}
	return s + ")"
}
