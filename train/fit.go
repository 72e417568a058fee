package train

import (
	"fmt"
	"math"
)

// Source fills batches: rows of inputs x (rows×In) and targets y
// (rows×Out), row-major. A training source should never repeat itself.
type Source interface {
	Batch(x, y []float64)
}

// Protocol is how Fit trains and tests.
type Protocol struct {
	BatchSize       int // rows per batch
	BatchesPerEpoch int
	MaxEpochs       int
	Patience        int // stop after this many epochs without a lower mean training loss
	TestBatches     int
}

// DefaultProtocol is the paper's (Appendix D, with the authors' code's
// cap of 100 epochs): batches of 32, epochs of 1000 batches, patience 2,
// test on 1000 batches.
func DefaultProtocol() Protocol {
	return Protocol{BatchSize: 32, BatchesPerEpoch: 1000, MaxEpochs: 100, Patience: 2, TestBatches: 1000}
}

// Check reports a protocol that cannot run.
func (p Protocol) Check() error {
	if p.BatchSize < 1 || p.BatchesPerEpoch < 1 || p.MaxEpochs < 1 || p.Patience < 1 || p.TestBatches < 1 {
		return fmt.Errorf("train: protocol %+v: every count must be at least 1", p)
	}
	return nil
}

// Result is what Fit reached.
type Result struct {
	Epochs    int       `json:"epochs"`
	TrainLoss []float64 `json:"train_loss"` // mean batch loss of each epoch
	TestMSE   float64   `json:"test_mse"`
	Stopped   string    `json:"stopped"` // "patience", "max-epochs" or "diverged" (a loss not finite; TestMSE +Inf)
}

// Fit trains t on train by p (Keras's EarlyStopping on the training loss
// with min_delta 0: the best loss so far must drop within Patience
// epochs) and measures the mean test MSE on TestBatches batches of test.
// onEpoch, if not nil, sees each epoch's mean training loss.
func Fit(t *Trainer, train, test Source, p Protocol, onEpoch func(epoch int, loss float64)) Result {
	if err := p.Check(); err != nil {
		panic(err)
	}
	if p.BatchSize != t.Batch {
		panic(fmt.Sprintf("train: protocol batch %d, trainer batch %d", p.BatchSize, t.Batch))
	}
	n := t.Net
	x := make([]float64, p.BatchSize*n.In)
	y := make([]float64, p.BatchSize*n.Out)
	res := Result{Stopped: "max-epochs"}
	best, since := math.Inf(1), 0
	for e := 1; e <= p.MaxEpochs; e++ {
		var sum float64
		for range p.BatchesPerEpoch {
			train.Batch(x, y)
			sum += t.Step(x, y)
		}
		loss := sum / float64(p.BatchesPerEpoch)
		res.Epochs, res.TrainLoss = e, append(res.TrainLoss, loss)
		if onEpoch != nil {
			onEpoch(e, loss)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			res.Stopped, res.TestMSE = "diverged", math.Inf(1)
			return res
		}
		if loss < best {
			best, since = loss, 0
		} else if since++; since >= p.Patience {
			res.Stopped = "patience"
			break
		}
	}
	res.TestMSE = Test(t, test, p.TestBatches)
	return res
}

// Test is the mean MSE of t's net over batches fresh batches of src.
func Test(t *Trainer, src Source, batches int) float64 {
	x := make([]float64, t.Batch*t.Net.In)
	y := make([]float64, t.Batch*t.Net.Out)
	var sum float64
	for range batches {
		src.Batch(x, y)
		sum += t.Loss(x, y)
	}
	return sum / float64(batches)
}
