package train_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/train"
)

func randBatch(rng *rand.Rand, rows, in, out int) (x, y []float64) {
	x = make([]float64, rows*in)
	y = make([]float64, rows*out)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	return x, y
}

// The backward pass agrees with central finite differences of the loss
// for every parameter of small nets, with and without direct input
// connections beyond the first layer.
func TestGradientFiniteDifferences(t *testing.T) {
	for _, a := range []train.Arch{
		{In: 3, Width: 4, Hidden: 1, Out: 2},
		{In: 5, Width: 6, Hidden: 3, Out: 3},
		{In: 2, Width: 7, Hidden: 2, Out: 1},
	} {
		rng := train.NewRand(3)
		net, err := train.New(a, rng)
		require.NoError(t, err)
		// Nonzero biases, so the test sees their gradient and kinks are
		// not hit at zero.
		for i := range net.Params {
			net.Params[i] += 0.1 * rng.NormFloat64()
		}
		tr := train.NewTrainer(net, 5, train.DefaultAdam())
		x, y := randBatch(rng, 5, a.In, a.Out)
		_, g := tr.Gradient(x, y)
		g = append([]float64(nil), g...)
		const h = 1e-6
		for i := range net.Params {
			p := net.Params[i]
			net.Params[i] = p + h
			lp := tr.Loss(x, y)
			net.Params[i] = p - h
			lm := tr.Loss(x, y)
			net.Params[i] = p
			fd := (lp - lm) / (2 * h)
			// Central differences are O(h²) accurate away from a ReLU
			// kink; rounding adds about 1e-16/h ≈ 1e-10.
			assert.InDelta(t, fd, g[i], 1e-6*(1+math.Abs(fd)), "%+v: parameter %d", a, i)
		}
	}
}

// A net trained with the same seed gives the same parameters, bit for
// bit.
func TestDeterministic(t *testing.T) {
	run := func() []float64 {
		net, err := train.New(train.Arch{In: 4, Width: 16, Hidden: 3, Out: 2}, train.NewRand(9))
		require.NoError(t, err)
		tr := train.NewTrainer(net, 8, train.DefaultAdam())
		rng := train.NewRand(10)
		for range 50 {
			x, y := randBatch(rng, 8, 4, 2)
			tr.Step(x, y)
		}
		return net.Params
	}
	assert.Equal(t, run(), run())
}

// linear is the source of y = A·x for a fixed A, a function the net can
// fit.
type linear struct {
	rng     *rand.Rand
	in, out int
	a       []float64
}

func (s *linear) Batch(x, y []float64) {
	rows := len(x) / s.in
	for r := range rows {
		for i := range s.in {
			x[r*s.in+i] = 2*s.rng.Float64() - 1
		}
		for o := range s.out {
			var v float64
			for i := range s.in {
				v += s.a[o*s.in+i] * x[r*s.in+i]
			}
			y[r*s.out+o] = math.Abs(v) // one kink per output
		}
	}
}

// Fit learns a small piecewise-linear map far below its initial loss
// and stops by patience; its test MSE is measured on fresh data.
func TestFitLearns(t *testing.T) {
	a := []float64{1, -0.5, 0.25, 0.5, 1, -1}
	net, err := train.New(train.Arch{In: 3, Width: 16, Hidden: 2, Out: 2}, train.NewRand(1))
	require.NoError(t, err)
	tr := train.NewTrainer(net, 32, train.DefaultAdam())
	p := train.Protocol{BatchSize: 32, BatchesPerEpoch: 200, MaxEpochs: 60, Patience: 2, TestBatches: 100}
	initial := train.Test(tr, &linear{rng: train.NewRand(5), in: 3, out: 2, a: a}, 100)
	var epochs int
	res := train.Fit(tr, &linear{rng: train.NewRand(2), in: 3, out: 2, a: a}, &linear{rng: train.NewRand(3), in: 3, out: 2, a: a}, p,
		func(e int, _ float64) { epochs = e })
	assert.Equal(t, res.Epochs, epochs)
	assert.Len(t, res.TrainLoss, res.Epochs)
	assert.Less(t, res.TestMSE, initial/100, "initial %g", initial)
	assert.Less(t, res.TestMSE, 1e-3)
	if res.Stopped == "patience" {
		// The last Patience epochs did not beat the best before them.
		n := len(res.TrainLoss)
		best := math.Inf(1)
		for _, l := range res.TrainLoss[:n-p.Patience] {
			best = min(best, l)
		}
		for _, l := range res.TrainLoss[n-p.Patience:] {
			assert.GreaterOrEqual(t, l, best)
		}
	}
}

// A training step allocates nothing (layers small enough for gonum's
// serial Gemm).
func TestStepAllocatesNothing(t *testing.T) {
	net, err := train.New(train.Arch{In: 12, Width: 50, Hidden: 3, Out: 10}, train.NewRand(1))
	require.NoError(t, err)
	tr := train.NewTrainer(net, 32, train.DefaultAdam())
	x, y := randBatch(train.NewRand(2), 32, 12, 10)
	assert.Zero(t, testing.AllocsPerRun(20, func() { tr.Step(x, y) }))
}

func TestArchErrors(t *testing.T) {
	for _, a := range []train.Arch{
		{In: 0, Width: 4, Hidden: 1, Out: 1},
		{In: 1, Width: 4, Hidden: 0, Out: 1},
		{In: 1, Width: 1 << 20, Hidden: 3, Out: 1},
	} {
		_, err := train.New(a, train.NewRand(1))
		assert.Error(t, err, "%+v", a)
	}
	assert.Error(t, train.Protocol{BatchSize: 32}.Check())
	assert.NoError(t, train.DefaultProtocol().Check())
}

func TestPredictMatchesLoss(t *testing.T) {
	net, err := train.New(train.Arch{In: 3, Width: 5, Hidden: 3, Out: 2}, train.NewRand(4))
	require.NoError(t, err)
	x, y := randBatch(train.NewRand(5), 4, 3, 2)
	out := make([]float64, 8)
	net.Predict(x, 4, out)
	var s float64
	for i := range out {
		s += (out[i] - y[i]) * (out[i] - y[i])
	}
	tr := train.NewTrainer(net, 4, train.DefaultAdam())
	assert.InDelta(t, s/8, tr.Loss(x, y), 1e-15)
}
