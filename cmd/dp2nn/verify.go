package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["verify"] = func() *flag.FlagSet { fs, _ := verifyFlags(); return fs }
}

type verifyOpts struct {
	set        setFlag
	scheme     *schemeOpts
	random     *int
	seed       *uint64
	steps      *int
	instances  *string
	dtype      *string
	maxNeurons *int
	json       *bool
	runtime    *string
	form       *string
}

func verifyFlags() (*flag.FlagSet, *verifyOpts) {
	o := &verifyOpts{set: setFlag{}}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable); for -instances, unset params are chosen per instance")
	o.scheme = addSchemeFlags(fs, true)
	o.random = fs.Int("random", 0, "number of random instances")
	o.seed = fs.Uint64("seed", 1, "seed of the random instances")
	o.steps = fs.Int("steps", 10, "steps per random instance, for programs without a dedicated generator")
	o.instances = fs.String("instances", "", "directory of instance files (*.txt, *.json); optima.txt there gives known answers")
	o.dtype = fs.String("dtype", "both", "evaluation type: float64, float32 or both")
	o.maxNeurons = fs.Int("max-neurons", defaultMaxNeurons, "skip instances (refuse programs with data) whose network would have more hidden neurons")
	o.json = fs.Bool("json", false, "print JSON")
	o.runtime = fs.String("runtime", "go", "for a .onnx model: go (own interpreter), ort (ONNX Runtime) or onnxgo")
	o.form = fs.String("form", "cell", "programs with data: run the cell once per step (cell) or the network unrolled over the steps (unrolled, settled cells computed once)")
	return fs, o
}

func runVerify(args []string, stdout io.Writer) error {
	fs, o := verifyFlags()
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	var dtypes []engine.DType
	switch *o.dtype {
	case "both":
		dtypes = []engine.DType{engine.Float64, engine.Float32}
	case "float64", "float32":
		dtypes = []engine.DType{engine.DType(*o.dtype)}
	default:
		return userErrorf("verify: unknown -dtype %q (want float64, float32 or both)", *o.dtype)
	}
	if *o.random < 0 || *o.random > 10_000_000 {
		return userErrorf("verify: -random must be between 0 and 10000000, got %d", *o.random)
	}
	if *o.steps < 0 || *o.steps > 100_000 {
		return userErrorf("verify: -steps must be between 0 and 100000, got %d", *o.steps)
	}
	if strings.HasSuffix(path, ".onnx") {
		return verifyModel(path, o, stdout)
	}
	if *o.random == 0 && *o.instances == "" {
		return userErrorf("verify: nothing to verify: give -random N and/or -instances DIR")
	}
	req, err := o.scheme.request()
	if err != nil {
		return err
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	rep := &verify.Report{Program: path, Scheme: req.Scheme.String()}
	if fileDataProgram(f) {
		if err := verifyData(path, f, o, req, dtypes, rep); err != nil {
			return err
		}
		return finishVerify(stdout, rep, dtypes, *o.json, "the network and the exact DP")
	}
	if *o.form != "cell" {
		return userErrorf("verify: -form goes with programs with data (a steps line); for %s export the form with dp2nn compile and verify the .onnx file", path)
	}
	if *o.random > 0 {
		m, err := dsl.Check(f, o.set)
		if err != nil {
			return err
		}
		opt, err := withoutItems(req)
		if err != nil {
			return err
		}
		if opt.Scheme == compile.Smooth {
			if *o.instances != "" || *o.json {
				return userErrorf("verify -scheme smooth checks random instances only, as text")
			}
			c, err := verify.Smooth(m, opt, *o.random, *o.seed, *o.steps, nil)
			if err != nil {
				return err
			}
			c.WriteText(stdout)
			return smoothMismatches(c, "the smooth network and the smoothed DP")
		}
		net, err := lower(m, opt)
		if err != nil {
			return err
		}
		if err := verify.Random(rep, net, dtypes, *o.random, *o.seed, *o.steps); err != nil {
			return err
		}
	}
	if *o.instances != "" {
		files, err := instance.Files(*o.instances)
		if err != nil {
			return userErrorf("verify: -instances: %v", err)
		}
		optima, err := instance.OptimaIn(*o.instances)
		if err != nil {
			return &userError{err.Error()}
		}
		tooLarge := func(m *dsl.Model) string {
			if n := estimateNeurons(m, *o.maxNeurons); n > *o.maxNeurons && req.Scheme == compile.Exact {
				return fmt.Sprintf("network would have about %d hidden neurons, above -max-neurons %d", n, *o.maxNeurons)
			}
			return ""
		}
		in := verify.FileSet{Files: files, Optima: optima, Set: o.set, Request: req, DTypes: dtypes, TooLarge: tooLarge}
		if err := verify.Instances(rep, f, in); err != nil {
			return err
		}
	}
	return finishVerify(stdout, rep, dtypes, *o.json, "the network and the exact DP")
}

// verifyData is "dp2nn verify FILE.dp -random N" for a program with data.
func verifyData(path string, f *dsl.File, o *verifyOpts, req compile.Request, dtypes []engine.DType, rep *verify.Report) error {
	if *o.instances != "" {
		return userErrorf("verify: -instances is for programs with per-step inputs; check a data instance with dp2nn solve %s -instance F", path)
	}
	if *o.random == 0 {
		return userErrorf("verify: nothing to verify: give -random N")
	}
	m, err := dsl.Check(f, o.set)
	if err != nil {
		return err
	}
	if m.Steps == 0 {
		return userErrorf("verify: %s has data but no steps line; dp2nn runs programs with data for the number of steps their steps line gives", path)
	}
	opt, err := withoutItems(req)
	if err != nil {
		return err
	}
	if opt.Scheme == compile.Smooth {
		return userErrorf("verify: %s has data and a steps line; -scheme smooth is for programs with per-step inputs (use exact or fptas)", path)
	}
	if opt.Scheme == compile.Exact {
		if n := estimateNeurons(m, *o.maxNeurons); n > *o.maxNeurons {
			return userErrorf("verify: %s with %s: the network would have %s hidden neurons, above -max-neurons %d; set smaller params",
				path, verify.ParamString(m), neuronsText(n), *o.maxNeurons)
		}
	}
	net, err := lower(m, opt)
	if err != nil {
		return err
	}
	if form := *o.form; form != "cell" && form != "unrolled" {
		return userErrorf("verify: unknown -form %q (want cell or unrolled; for the loop form export with dp2nn compile -form loop and verify the .onnx file)", form)
	}
	return verify.DataRandom(rep, net, *o.form, dtypes, *o.random, *o.seed)
}

// verifyModel checks a model file written by "dp2nn compile": it rebuilds
// the network from the model's metadata, runs the file in the chosen
// runtime and compares every state it shows with the ground truth.
func verifyModel(path string, o *verifyOpts, stdout io.Writer) error {
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
		if *o.random < 1 {
			return userErrorf("verify: a smooth model is checked on random scores: give -random N")
		}
		if rt != engine.Go && rt != engine.ORT {
			return userErrorf("verify: the smooth model's gradient output needs -runtime go or ort")
		}
	}
	run, err := engine.Open(path, rt, net)
	if err != nil {
		return &userError{err.Error()}
	}
	defer run.Close()
	if net.Smooth != nil {
		c, err := verify.SmoothModel(run, path, rt, net, *o.random, *o.seed, nil)
		if err != nil {
			return err
		}
		c.WriteText(stdout)
		return smoothMismatches(c, "the smooth model and the Go reference")
	}
	m := net.Original()
	rep := &verify.Report{Program: fmt.Sprintf("%s (%s, %s layout, %s form, runtime %s)", path, m.Name, model.Layout, model.Form, rt), Scheme: net.Scheme.String()}
	labels := []engine.DType{engine.DType(fmt.Sprintf("%s %s", rt, model.DType))}
	if dataProgram(m) {
		if *o.instances != "" {
			return userErrorf("verify: -instances is for programs with per-step inputs; this model's program %s has data", net.Model.Name)
		}
		if err := verify.ModelData(rep, run, net, *o.random, *o.seed); err != nil {
			return err
		}
		return finishVerify(stdout, rep, labels, *o.json, "the network and the exact DP")
	}
	var files []string
	var optima map[string]int64
	if *o.instances != "" {
		if files, err = instance.Files(*o.instances); err != nil {
			return userErrorf("verify: -instances: %v", err)
		}
		if optima, err = instance.OptimaIn(*o.instances); err != nil {
			return &userError{err.Error()}
		}
	}
	if err := verify.Model(rep, run, net, *o.random, *o.seed, *o.steps, files, optima); err != nil {
		return err
	}
	return finishVerify(stdout, rep, labels, *o.json, "the model and the ground truth")
}

// finishVerify prints the report and turns mismatches between what into
// exit code 1.
func finishVerify(stdout io.Writer, rep *verify.Report, labels []engine.DType, asJSON bool, what string) error {
	if asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		rep.WriteText(stdout, labels)
	}
	if rep.Mismatches > 0 {
		return &verify.MismatchError{Msg: fmt.Sprintf("%d mismatches between %s", rep.Mismatches, what)}
	}
	return nil
}

func smoothMismatches(c *verify.SmoothCheck, what string) error {
	if c.Mismatches > 0 {
		return &verify.MismatchError{Msg: fmt.Sprintf("%d mismatches between %s", c.Mismatches, what)}
	}
	return nil
}
