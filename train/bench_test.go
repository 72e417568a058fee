package train_test

import (
	"fmt"
	"testing"

	"github.com/dp2nn/dp2nn/train"
)

// BenchmarkStep is one Adam step on a batch of 32 for the width study's
// nets (input p*+2, three hidden layers of width w, output p*).
func BenchmarkStep(b *testing.B) {
	for _, c := range []struct{ pstar, width int }{{12, 50}, {30, 100}, {30, 300}, {75, 500}} {
		b.Run(fmt.Sprintf("p%d_w%d", c.pstar, c.width), func(b *testing.B) {
			a := train.Arch{In: c.pstar + 2, Width: c.width, Hidden: 3, Out: c.pstar}
			net, err := train.New(a, train.NewRand(1))
			if err != nil {
				b.Fatal(err)
			}
			tr := train.NewTrainer(net, 32, train.DefaultAdam())
			x, y := randBatch(train.NewRand(2), 32, a.In, a.Out)
			b.ReportAllocs()
			for b.Loop() {
				tr.Step(x, y)
			}
			b.ReportMetric(float64(a.Params()), "params")
		})
	}
}
