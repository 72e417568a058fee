package train_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/train"
)

// maxSource draws x uniform in [0, 1]² and labels it max(x1, x2), a map
// one ReLU represents exactly.
type maxSource struct{ rng *rand.Rand }

func (s maxSource) Batch(x, y []float64) {
	for r := range y {
		a, b := s.rng.Float64(), s.rng.Float64()
		x[2*r], x[2*r+1], y[r] = a, b, max(a, b)
	}
}

// A net of two hidden layers of width 8 learns max(x1, x2) with the
// paper's protocol on shorter epochs.
func ExampleFit() {
	net, err := train.New(train.Arch{In: 2, Width: 8, Hidden: 2, Out: 1}, train.NewRand(1))
	if err != nil {
		panic(err)
	}
	t := train.NewTrainer(net, 32, train.DefaultAdam())
	p := train.Protocol{BatchSize: 32, BatchesPerEpoch: 200, MaxEpochs: 50, Patience: 2, TestBatches: 100}
	res := train.Fit(t, maxSource{train.NewRand(2)}, maxSource{train.NewRand(3)}, p, nil)
	fmt.Println("test MSE below 1e-4:", res.TestMSE < 1e-4)
	y := make([]float64, 1)
	net.Predict([]float64{0.2, 0.7}, 1, y)
	fmt.Printf("max(0.2, 0.7) ≈ %.2f\n", y[0])
	// Output:
	// test MSE below 1e-4: true
	// max(0.2, 0.7) ≈ 0.70
}
