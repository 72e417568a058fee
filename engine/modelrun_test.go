package engine_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/verify"
)

func knapsack(t *testing.T) *compile.Network {
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"pmax": 8, "capacity": 12})
	require.NoError(t, err)
	net, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)
	return net
}

// Every form of an exported model, observed in a runtime, equals the exact
// DP in every state it shows: all steps for cell and loop, the last for
// unrolled. Integer data, so float32 too is exact.
func TestObserveEveryForm(t *testing.T) {
	net := knapsack(t)
	runtimes := []engine.Runtime{engine.Go}
	if err := onnxrt.Init(); err == nil {
		runtimes = append(runtimes, engine.ORT)
	} else if os.Getenv(exporttest.EnvRequireRuntimes) == "1" {
		t.Fatalf("%s=1 but %v", exporttest.EnvRequireRuntimes, err)
	}
	dir := t.TempDir()
	const steps = 4
	for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			path := filepath.Join(dir, fmt.Sprintf("%v_%v.onnx", form, dt))
			require.NoError(t, export.WriteFile(path, net.Cell, export.Options{Form: form, Steps: steps, State: net.State, Init: net.Init, DType: dt, Layout: export.Structured}))
			for _, rt := range runtimes {
				t.Run(fmt.Sprintf("%v/%v/%s", form, dt, rt), func(t *testing.T) {
					run, err := engine.Open(path, rt, net)
					require.NoError(t, err)
					defer run.Close()
					rng := rand.New(rand.NewPCG(1, 2))
					for i := 0; i < 50; i++ {
						in := instance.Uniform(rng, net.Model, steps)
						obs, err := run.Observe(in)
						require.NoError(t, err)
						seen := 0
						for _, s := range obs.States {
							if s != nil {
								seen++
							}
						}
						if form == export.Unrolled {
							assert.Equal(t, 2, seen, "initial and final state")
						} else {
							assert.Equal(t, steps+1, seen, "every step")
						}
						c, err := verify.Compare(net, "case", in, []engine.Observed{obs}, nil)
						require.NoError(t, err)
						require.Empty(t, c.Mismatch)
						assert.Zero(t, c.Runs[0].MaxErr, "integer data are exact")
					}
				})
			}
		}
	}
}

// ObserveBatch shows for every instance of a batch exactly what Observe
// shows for it alone, in every form, layout and runtime (integer data, so
// the order of a batched product's sums cannot matter), the decode
// tail's answer included; a batch is of one length.
func TestObserveBatch(t *testing.T) {
	net := knapsack(t)
	runtimes := []engine.Runtime{engine.Go}
	if err := onnxrt.Init(); err == nil {
		runtimes = append(runtimes, engine.ORT)
	} else if os.Getenv(exporttest.EnvRequireRuntimes) == "1" {
		t.Fatalf("%s=1 but %v", exporttest.EnvRequireRuntimes, err)
	}
	dir := t.TempDir()
	const steps = 4
	for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
		for _, layout := range []export.Layout{export.Dense, export.Structured} {
			path := filepath.Join(dir, fmt.Sprintf("%v_%v.onnx", form, layout))
			decode, err := engine.DecodeTail(net, export.Float32, form, steps, 10)
			require.NoError(t, err)
			require.NoError(t, export.WriteFile(path, net.Cell, export.Options{Form: form, Steps: steps, State: net.State, Init: net.Init, Layout: layout, Decode: decode}))
			for _, rt := range runtimes {
				t.Run(fmt.Sprintf("%v/%v/%s", form, layout, rt), func(t *testing.T) {
					run, err := engine.Open(path, rt, net)
					require.NoError(t, err)
					defer run.Close()
					rng := rand.New(rand.NewPCG(3, 4))
					batch := make([][][]float64, 7)
					for i := range batch {
						batch[i] = instance.Uniform(rng, net.Model, steps)
					}
					all, err := run.ObserveBatch(batch)
					require.NoError(t, err)
					require.Len(t, all, len(batch))
					for i, in := range batch {
						one, err := run.Observe(in)
						require.NoError(t, err)
						assert.Equal(t, one, all[i], "instance %d", i)
						require.NotNil(t, all[i].Answer)
					}
					_, err = run.ObserveBatch([][][]float64{batch[0], batch[1][:3]})
					assert.ErrorContains(t, err, "a batch is of one length")
				})
			}
		}
	}
}

func TestOpenErrors(t *testing.T) {
	net := knapsack(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "s.onnx")
	require.NoError(t, export.WriteFile(path, net.Cell, export.Options{Layout: export.Structured, State: net.State}))
	_, err := engine.Open(path, engine.OnnxGo, net)
	assert.ErrorContains(t, err, "only the dense cell form")
	_, err = engine.Open(filepath.Join(dir, "missing.onnx"), engine.Go, net)
	assert.Error(t, err)
	_, err = engine.ParseRuntime("tvm")
	assert.ErrorContains(t, err, `unknown runtime "tvm"`)

	u := filepath.Join(dir, "u.onnx")
	require.NoError(t, export.WriteFile(u, net.Cell, export.Options{Form: export.Unrolled, Steps: 3, State: net.State, Init: net.Init}))
	run, err := engine.Open(u, engine.Go, net)
	require.NoError(t, err)
	_, err = run.Observe(instance.Uniform(rand.New(rand.NewPCG(1, 1)), net.Model, 5))
	assert.ErrorContains(t, err, "takes exactly 3 steps")
}
