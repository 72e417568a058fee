package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/verify"
)

// SmoothGraphCompileReport is the JSON output of compile -scheme smooth
// for a program with data or a search answer (export/smoothonnx).
type SmoothGraphCompileReport struct {
	Output  string   `json:"output"`
	Bytes   int      `json:"bytes"`
	Program string   `json:"program"`
	Reg     string   `json:"reg"`
	Gamma   float64  `json:"gamma"`
	DType   string   `json:"dtype"`
	Params  int      `json:"params"`  // columns of theta and marginals
	Outputs []string `json:"outputs"` // columns of seed and value
	Nodes   int      `json:"nodes"`
	Form    string   `json:"form"` // loop or unrolled
}

// compileSmoothGraph exports the smooth scheme of a program with data or
// a search answer, bound to -instance, through smooth.Graph (as solve
// binds and checks it).
func compileSmoothGraph(fs *flag.FlagSet, f *dsl.File, o *compileOpts, dtype export.DType, stdout, stderr io.Writer) error {
	if *o.instance == "" {
		return userErrorf("compile: -scheme smooth of %s needs -instance F: the graph is bound to one instance", f.DpPos.File)
	}
	if *o.decode {
		return userErrorf("compile: the smooth network outputs its value itself; -decode does not apply")
	}
	form := smoothonnx.Auto
	if given(fs)["form"] {
		var err error
		if form, err = smoothonnx.ParseForm(*o.form); err != nil {
			return userErrorf("compile: -scheme smooth of %s: -form: %v", f.DpPos.File, err)
		}
	}
	for _, name := range []string{"steps", "layout", "decode-steps"} {
		if given(fs)[name] {
			return userErrorf("compile: -scheme smooth of %s exports the smooth graph of the instance (every step, its own layout); -%s does not apply", f.DpPos.File, name)
		}
	}
	req, err := o.scheme.request(fs, nil)
	if err != nil {
		return err
	}
	e := progress.NewElapsed(stderr, "compile: building the smooth graph and writing "+*o.out, progress.Options{Quiet: *o.quiet})
	defer e.Stop()
	r, err := verify.SolveFile(verify.SolveInput{File: f, Set: o.set, Request: req, DType: engine.Float64, SmoothGraph: true, MaxMemory: o.limits.compile().Memory}, *o.instance)
	if err != nil {
		return userErrorf("compile: %v", err)
	}
	sr, ok := r.(*verify.SmoothGraphReport)
	if !ok {
		return fmt.Errorf("compile: the smooth scheme of %s gave a %T", f.DpPos.File, r)
	}
	model, err := sr.ONNX(dtype == export.Float32, form, o.limits.compile().Memory)
	if err != nil {
		return userErrorf("compile: %v", err)
	}
	info, err := smoothonnx.Inspect(model) // the form Auto chose
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*o.out, model); err != nil {
		return err
	}
	rep := &SmoothGraphCompileReport{Output: *o.out, Bytes: len(model), Program: sr.Program, Reg: sr.Reg, Gamma: sr.Gamma, DType: dtype.String(),
		Params: sr.Params(), Nodes: sr.Nodes, Form: info.Form.String()}
	for _, out := range sr.Outputs {
		rep.Outputs = append(rep.Outputs, out.Name)
	}
	if *o.json {
		return writeJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes): smooth graph of %s (%s, γ = %g, %s, %s form), %d nodes; inputs theta [N, %d] and seed [N, %d], outputs value [N, %d] and marginals [N, %d]\n",
		rep.Output, rep.Bytes, rep.Program, rep.Reg, rep.Gamma, rep.DType, rep.Form, rep.Nodes, rep.Params, len(rep.Outputs), len(rep.Outputs), rep.Params)
	return nil
}
