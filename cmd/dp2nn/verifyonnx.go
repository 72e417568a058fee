package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/verify"
)

// verifyONNX checks a model file written by "dp2nn compile": it rebuilds
// the program from the model's metadata, runs the file in the chosen
// runtime and compares every state it shows with the ground truth.
func verifyONNX(path string, o *verifyOpts, _ []engine.DType, stdout io.Writer) error {
	rt, err := engine.ParseRuntime(*o.runtime)
	if err != nil {
		return userErrorf("verify: -runtime: %v", err)
	}
	if len(o.set) > 0 || *o.scheme.p != 0 || *o.scheme.eps != 0 {
		return userErrorf("verify: a .onnx model carries its own params and scheme; -set, -P and -eps do not apply")
	}
	if *o.random == 0 && *o.instances == "" {
		return userErrorf("verify: nothing to verify: give -random N and/or -instances DIR")
	}
	model, err := export.Read(path)
	if err != nil {
		return &userError{err.Error()}
	}
	net, err := engine.Recompile(model)
	if err != nil {
		return userErrorf("verify: %s: %v", path, err)
	}
	if net.Smooth != nil {
		return verifyONNXSmooth(path, model, rt, net, *o.random, *o.seed, stdout)
	}
	run, err := engine.Open(path, rt, net)
	if err != nil {
		return &userError{err.Error()}
	}
	defer run.Close()
	if dataProgram(originalModel(net)) {
		return verifyONNXData(path, model, rt, run, net, o, stdout)
	}
	m := net.Model
	rep := &VerifyReport{Program: fmt.Sprintf("%s (%s, %s layout, %s form, runtime %s)", path, m.Name, model.Layout, model.Form, rt), Scheme: net.Scheme.String()}
	if *o.random > 0 {
		gen, genName := problems.RandomFor(m, *o.steps)
		if model.Form == export.Unrolled {
			steps := model.Steps
			gen, genName = func(rng *rand.Rand) [][]float64 { return instance.Uniform(rng, m, steps) }, fmt.Sprintf("uniform, %d steps", steps)
		}
		rng := rand.New(rand.NewPCG(*o.seed, 0x9e3779b97f4a7c15))
		row := VerifyRow{Source: fmt.Sprintf("random %s, seed %d", genName, *o.seed), Params: paramString(m), MaxErr: map[string]float64{}}
		for i := 0; i < *o.random; i++ {
			steps := gen(rng)
			c, err := observeAndCompare(run, net, fmt.Sprintf("random #%d", i+1), steps, nil)
			if err != nil {
				return err
			}
			rep.add(&row, c)
		}
		rep.Rows = append(rep.Rows, row)
	}
	if *o.instances != "" {
		files, err := instanceFiles(*o.instances)
		if err != nil {
			return err
		}
		optima, err := readOptimaIn(*o.instances)
		if err != nil {
			return err
		}
		for _, file := range files {
			name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
			row := VerifyRow{Source: name, Params: paramString(m), MaxErr: map[string]float64{}}
			inst, err := instance.ReadInstanceFile(file)
			if err != nil {
				return &userError{err.Error()}
			}
			steps, err := instance.Bind(m, inst)
			if err == nil && model.Form == export.Unrolled && len(steps) != model.Steps {
				err = fmt.Errorf("%d items, the unrolled model takes %d", len(steps), model.Steps)
			}
			if why := notHeld(net, optima[name]); err == nil && why != "" {
				err = fmt.Errorf("%s", why)
			}
			if err != nil {
				row.Skipped = err.Error()
				rep.Rows = append(rep.Rows, row)
				continue
			}
			c, err := observeAndCompare(run, net, name, steps, optima[name])
			if err != nil {
				return fmt.Errorf("%s: %v", file, err)
			}
			row.Answer, row.Known = c.Exact, c.Known
			rep.add(&row, c)
			rep.Rows = append(rep.Rows, row)
		}
	}
	labels := []engine.DType{engine.DType(fmt.Sprintf("%s %s", rt, model.DType))}
	if *o.json {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		printVerify(stdout, rep, labels)
	}
	if rep.Mismatches > 0 {
		return &mismatchError{fmt.Sprintf("%d mismatches between the model and the ground truth", rep.Mismatches)}
	}
	return nil
}

func observeAndCompare(run *engine.Runner, net *compile.Network, name string, steps [][]float64, known *float64) (*verify.Case, error) {
	obs, err := run.Observe(steps)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return verify.Compare(net, name, steps, []engine.Observed{obs}, known)
}

func readOptimaIn(dir string) (map[string]*float64, error) {
	out := map[string]*float64{}
	p := filepath.Join(dir, "optima.txt")
	if !fileExists(p) {
		return out, nil
	}
	optima, err := instance.ReadOptima(p)
	if err != nil {
		return nil, &userError{err.Error()}
	}
	for k, v := range optima {
		f := float64(v)
		out[k] = &f
	}
	return out, nil
}
