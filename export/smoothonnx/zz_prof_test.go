package smoothonnx_test

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/smooth"
)

func TestZZProf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, e := range benchPrograms {
		if e.name != os.Getenv("ZZ") {
			continue
		}
		g := e.p.graph(t, rng)
		model, err := smoothonnx.Marshal(g, smoothonnx.Options{Reg: smooth.Shannon, Gamma: 1, DType: smoothonnx.Float64})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("size %d", len(model))
		s, err := onnxrt.NewSession(model, onnxrt.Options{Threads: 1, Profile: os.Getenv("ZZP")})
		if err != nil {
			t.Fatal(err)
		}
		seed := make([]float64, len(g.Outputs))
		for i := range seed {
			seed[i] = 1
		}
		in := map[string]export.Tensor{"theta": export.NewTensor(g.Theta, 1, len(g.Theta)), "seed": export.NewTensor(seed, 1, len(seed))}
		for range 2 {
			t0 := time.Now()
			_, err := s.Run(in)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("run %v", time.Since(t0))
		}
		s.Close()
	}
}
