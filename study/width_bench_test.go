package study_test

import (
	"testing"

	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/train"
)

// BenchmarkKnapsackStream is one batch of 32 points at p* = 30 from a
// stream with the default shuffle buffer.
func BenchmarkKnapsackStream(b *testing.B) {
	s := study.NewKnapsackStream(30, 1, study.DefaultPool)
	x, y := make([]float64, 32*s.In()), make([]float64, 32*s.Out())
	b.ReportAllocs()
	for b.Loop() {
		s.Batch(x, y)
	}
}

// BenchmarkWidthEpoch is one epoch of the paper's protocol (1000 batches
// of 32) at p* = 30, width 75 (the width p* = 30 needs for MSE 0.005 in
// the default run), data included, then a test of 100 batches.
func BenchmarkWidthEpoch(b *testing.B) {
	c := study.WidthConfig{Seed: 1, Pool: study.DefaultPool,
		Protocol: train.Protocol{BatchSize: 32, BatchesPerEpoch: 1000, MaxEpochs: 1, Patience: 1, TestBatches: 100}}
	for b.Loop() {
		study.TrainWidthPoint(c, 30, 75)
	}
}
