package train

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// work is the per-batch workspace of a forward and backward pass.
type work struct {
	rows  int
	act   [][]float64 // per layer, rows×out (after ReLU for hidden layers)
	delta [][]float64 // per layer, rows×out: dLoss/d(pre-activation)
}

func newWork(n *Net, rows int) *work {
	w := &work{rows: rows}
	for _, ly := range n.layers {
		w.act = append(w.act, make([]float64, rows*ly.out))
		w.delta = append(w.delta, make([]float64, rows*ly.out))
	}
	return w
}

func general(rows, cols int, data []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data[:rows*cols]}
}

// forward fills w.act from x (rows×In).
func (w *work) forward(n *Net, x []float64) {
	X := general(w.rows, n.In, x)
	for l, ly := range n.layers {
		z := w.act[l]
		bias := n.Params[ly.b:ly.end]
		for r := range w.rows {
			copy(z[r*ly.out:(r+1)*ly.out], bias)
		}
		Z := general(w.rows, ly.out, z)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, X, general(n.In, ly.out, n.Params[ly.wx:ly.wh]), 1, Z)
		if ly.prev > 0 {
			H := general(w.rows, ly.prev, w.act[l-1])
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, H, general(ly.prev, ly.out, n.Params[ly.wh:ly.b]), 1, Z)
		}
		if ly.relu {
			for i, v := range z {
				if v < 0 {
					z[i] = 0
				}
			}
		}
	}
}

// loss is the mean squared error of the outputs against t (rows×Out),
// the mean over rows and outputs as in Keras; with grad it also sets the
// output layer's delta.
func (w *work) loss(n *Net, t []float64, grad bool) float64 {
	y := w.act[len(w.act)-1]
	d := w.delta[len(w.delta)-1]
	m := float64(w.rows * n.Out)
	var s float64
	for i, v := range y[:w.rows*n.Out] {
		e := v - t[i]
		s += e * e
		if grad {
			d[i] = 2 * e / m
		}
	}
	return s / m
}

// backward turns the output delta into the gradient g of every parameter
// (overwritten).
func (w *work) backward(n *Net, x, g []float64) {
	X := general(w.rows, n.In, x)
	for l := len(n.layers) - 1; l >= 0; l-- {
		ly := n.layers[l]
		D := general(w.rows, ly.out, w.delta[l])
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, X, D, 0, general(n.In, ly.out, g[ly.wx:ly.wh]))
		gb := g[ly.b:ly.end]
		clear(gb)
		for r := range w.rows {
			row := w.delta[l][r*ly.out : (r+1)*ly.out]
			for j, v := range row {
				gb[j] += v
			}
		}
		if ly.prev == 0 {
			continue
		}
		h := w.act[l-1]
		H := general(w.rows, ly.prev, h)
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, H, D, 0, general(ly.prev, ly.out, g[ly.wh:ly.b]))
		// The previous layer's delta: D·Whᵀ through the ReLU (h > 0 iff
		// its pre-activation was).
		dp := w.delta[l-1]
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, D, general(ly.prev, ly.out, n.Params[ly.wh:ly.b]), 0, general(w.rows, ly.prev, dp))
		for i, v := range h[:w.rows*ly.prev] {
			if v <= 0 {
				dp[i] = 0
			}
		}
	}
}

// Adam is the optimiser's configuration; DefaultAdam is TensorFlow's.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
}

// DefaultAdam is Keras's Adam: learning rate 1e-3, β 0.9/0.999, ε 1e-7.
func DefaultAdam() Adam { return Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-7} }

// Trainer trains one Net on batches of a fixed size with Adam. Its
// methods allocate nothing.
type Trainer struct {
	Net   *Net
	Batch int
	opt   Adam
	w     *work
	grad  []float64
	m, v  []float64
	t     int // Adam steps taken
	b1t   float64
	b2t   float64
}

// NewTrainer prepares the workspace for batches of batch rows.
func NewTrainer(n *Net, batch int, opt Adam) *Trainer {
	if batch < 1 {
		panic(fmt.Sprintf("train: batch size %d", batch))
	}
	p := len(n.Params)
	return &Trainer{Net: n, Batch: batch, opt: opt, w: newWork(n, batch),
		grad: make([]float64, p), m: make([]float64, p), v: make([]float64, p), b1t: 1, b2t: 1}
}

// Loss is the MSE of the net on one batch x (Batch×In) against t
// (Batch×Out).
func (t *Trainer) Loss(x, y []float64) float64 {
	t.w.forward(t.Net, x)
	return t.w.loss(t.Net, y, false)
}

// Gradient is the MSE on one batch and its gradient with respect to
// Net.Params (the returned slice is the Trainer's, valid until the next
// call).
func (t *Trainer) Gradient(x, y []float64) (float64, []float64) {
	t.w.forward(t.Net, x)
	l := t.w.loss(t.Net, y, true)
	t.w.backward(t.Net, x, t.grad)
	return l, t.grad
}

// Step takes one Adam step on one batch and returns the batch's loss
// before the step. The update is TensorFlow's ResourceApplyAdam:
// θ −= lr·sqrt(1−β₂ᵗ)/(1−β₁ᵗ) · m / (sqrt(v) + ε).
func (t *Trainer) Step(x, y []float64) float64 {
	l, g := t.Gradient(x, y)
	o := t.opt
	t.t++
	t.b1t *= o.Beta1
	t.b2t *= o.Beta2
	lr := o.LR * math.Sqrt(1-t.b2t) / (1 - t.b1t)
	p, m, v := t.Net.Params, t.m[:len(g)], t.v[:len(g)]
	p = p[:len(g)]
	for i, gi := range g {
		m[i] = o.Beta1*m[i] + (1-o.Beta1)*gi
		v[i] = o.Beta2*v[i] + (1-o.Beta2)*gi*gi
		p[i] -= lr * m[i] / (math.Sqrt(v[i]) + o.Eps)
	}
	return l
}
