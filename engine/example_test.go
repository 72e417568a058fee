package engine_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// Bellman-Ford on 4 vertices as an ONNX Loop of 3 steps, run in the Go
// interpreter: the data go in with +inf for missing arcs (the model
// replaces it by BigM), the distances come back in the network's
// representation and compile.Network.Exact reads BigM as +inf.
func ExampleRunner_ObserveData() {
	f, _ := repo.ReadProgram("examples/bellmanford.dp")
	m, _ := dsl.Check(f, map[string]int64{"n": 4, "s": 1, "cmax": 10})
	net, _ := compile.Lower(m, compile.Options{})
	opt := export.Options{Form: export.Loop, Steps: m.Steps, State: net.State, Init: net.Init, Data: net.Data,
		Inf: &export.Inf{BigM: net.BigM, Data: []string{"c"}, Finite: map[string]float64{"d": m.States[0].Hi}}}
	dir, _ := os.MkdirTemp("", "dp2nn")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bf.onnx")
	if err := export.WriteFile(path, net.Cell, opt); err != nil {
		fmt.Println(err)
		return
	}
	run, err := engine.Open(path, engine.Go, net)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer run.Close()
	inf := math.Inf(1)
	c := []float64{ // c[u, v], row-major: arcs 1→2 (3), 2→3 (-2), 1→3 (4)
		inf, 3, 4, inf,
		inf, inf, -2, inf,
		inf, inf, inf, inf,
		inf, inf, inf, inf,
	}
	obs, err := run.ObserveData([][]float64{c}, m.Steps)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(run.Model.Form, run.Model.Steps, "steps, data", run.Model.Data)
	fmt.Println("d:", net.Exact(obs.States[m.Steps])[0])
	// Output:
	// loop 3 steps, data [c]
	// d: [0 3 1 +Inf]
}
