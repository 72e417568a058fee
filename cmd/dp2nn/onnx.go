package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["compile"] = func() *flag.FlagSet { fs, _ := compileFlags(); return fs }
}

type compileOpts struct {
	set         setFlag
	scheme      *schemeOpts
	out         *string
	layout      *string
	form        *string
	steps       *int
	dtype       *string
	decode      *bool
	decodeSteps *int
	json        *bool
	instance    *string
	quiet       *bool
	limits      *limits
}

func compileFlags() (*flag.FlagSet, *compileOpts) {
	o := &compileOpts{set: setFlag{}}
	fs := flag.NewFlagSet("compile", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable)")
	o.scheme = addSchemeFlags(fs, true)
	o.out = fs.String("o", "", "output .onnx file (written atomically)")
	o.layout = fs.String("layout", "auto", "auto, dense (Gemm per layer), structured (Gather and MatMul over the nonzeros) or vector (-scheme smooth -form loop: the whole state at once)")
	o.form = fs.String("form", "cell", "cell (one step), unrolled (-steps copies; -scheme smooth: the network over the instance's steps, recorded as unrolled) or loop (ONNX Loop over any number of steps; the default of -scheme smooth; its graph of a program with data: auto, the default, unrolled (a few operators per level) up to 16 levels and a Loop over the levels beyond)")
	o.steps = fs.Int("steps", 0, "number of steps of the unrolled form (programs with a steps line: their step count)")
	o.dtype = fs.String("dtype", "float32", "float32 or float64")
	o.decode = fs.Bool("decode", false, "append the answer as a separate non-ReLU tail (output \"answer\")")
	o.decodeSteps = fs.Int("decode-steps", 1000, "the decode tail's tolerance allows for the rounding of this many steps (cell and loop forms)")
	o.json = fs.Bool("json", false, "print JSON")
	o.limits = addLimits(fs)
	o.quiet = fs.Bool("quiet", false, "no progress on stderr (a network that takes seconds to count, build or write)")
	o.instance = fs.String("instance", "", "smooth scheme: the instance fixed in the network (knapsack's offset inputs and length; a program with data or a search answer: its data, exported as the smooth graph)")
	return fs, o
}

func runCompile(args []string, stdout, stderr io.Writer) error {
	fs, o := compileFlags()
	o.limits.stderr, o.limits.quiet = stderr, o.quiet
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	if *o.out == "" {
		return userErrorf("compile: missing -o OUT.onnx")
	}
	layout, err := export.ParseLayout(*o.layout)
	if err != nil {
		return userErrorf("compile: -layout: %v", err)
	}
	formFlag := *o.form
	if formFlag == "auto" { // the smooth graph's (compileSmoothGraph reads it); refused below elsewhere
		formFlag = "loop"
	}
	form, err := export.ParseForm(formFlag)
	if err != nil {
		return userErrorf("compile: -form: %v", err)
	}
	dtype, err := export.ParseDType(*o.dtype)
	if err != nil {
		return userErrorf("compile: -dtype: %v", err)
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	o.scheme.data = f.HasData()
	opt, err := o.scheme.options(fs, func(s compile.Scheme) []rule {
		g := given(fs)
		return []rule{
			{"instance", s == compile.Smooth, "-instance fixes the offset inputs of -scheme smooth"},
			{"steps", form == export.Unrolled || s == compile.Smooth, "-steps is the length of -form unrolled or of the smooth network"},
			{"decode-steps", g["decode"] && form != export.Unrolled, "-decode-steps sizes the tolerance of the decode tail (-decode) of the cell and loop forms"},
		}
	})
	if err != nil {
		return err
	}
	smooth := opt.Scheme == compile.Smooth
	if smooth && !given(fs)["form"] {
		form = export.Loop // the vector form: a Loop over the steps
	}
	switch {
	case smooth && form == export.Cell:
		return userErrorf("compile: -scheme smooth exports a Loop over the steps (-form loop, the default) or the network unrolled over them (-form unrolled); -form cell does not apply")
	case smooth && form == export.Loop && layout != export.Auto && layout != export.Vector:
		return userErrorf("compile: -scheme smooth -form loop has the vector layout (the whole state updated at once); -layout %s does not apply", layout)
	case smooth && form == export.Unrolled && layout != export.Auto && layout != export.Dense:
		return userErrorf("compile: -scheme smooth -form unrolled exports the dense layout with the gradient output; -layout %s does not apply", layout)
	case !smooth && layout == export.Vector:
		return userErrorf("compile: -layout vector is the layout of -scheme smooth -form loop")
	case smooth && *o.instance == "" && *o.steps < 1:
		return userErrorf("compile: -scheme smooth needs -instance F (offset inputs and length) or -steps N (programs whose reads have no input offsets)")
	case smooth:
	case form == export.Unrolled && *o.steps == 0 && f.HasData():
		// A program with a steps line: the unrolled form runs its steps.
	case form == export.Unrolled && (*o.steps < 1 || *o.steps > 10000):
		return userErrorf("compile: -form unrolled needs -steps N with 1 <= N <= 10000, got %d", *o.steps)
	case *o.decodeSteps < 1:
		return userErrorf("compile: -decode-steps must be at least 1")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return userErrorf("cannot read program: %v", err)
	}
	params := map[string]int64(o.set)
	var inst *instance.Instance
	if smooth && *o.instance != "" && !f.HasData() {
		// The instance's params (its capacity) build the network, as
		// solve's do; a -set that contradicts one is refused. A program
		// with data reads its instance in compileSmoothGraph, as solve
		// does.
		if inst, err = instance.ReadInstanceFileWithin(*o.instance, o.limits.compile().Memory); err != nil {
			return &userError{err.Error()}
		}
		if err := instance.CheckSet(inst, o.set); err != nil {
			return userErrorf("compile: %v", err)
		}
		var notes []string
		if params, notes, err = instance.Params(f, inst, o.set); err != nil {
			return err
		}
		if !*o.quiet {
			for _, n := range notes {
				fmt.Fprintf(stderr, "compile: %s\n", n)
			}
		}
	}
	m, err := dsl.CheckWith(f, params, opt.Limits())
	if err != nil {
		return err
	}
	if smooth && verify.SmoothGraphExports(m) {
		return compileSmoothGraph(fs, f, o, dtype, stdout, stderr)
	}
	if *o.form == "auto" {
		return userErrorf("compile: -form auto chooses the form of -scheme smooth's graph of a program with data; %s exports a network: -form cell, unrolled or loop", f.DpPos.File)
	}
	if smooth {
		var steps [][]float64
		if inst != nil {
			if steps, err = instance.Bind(m, inst); err != nil {
				return &userError{err.Error()}
			}
			opt = opt.SmoothInstance(m, steps)
		} else {
			opt.Steps = *o.steps // nothing fixed: reads with input offsets are refused
		}
		if err := verify.SmoothStepsGamma(m, opt, steps, dtype == export.Float32, verify.SmoothLimit{MaxMemory: o.limits.compile().Memory}); err != nil {
			return userErrorf("compile: %v", err) // the inputs arrive at run time: γ is checked against their declared ranges
		}
		if form == export.Loop {
			return compileRecurrence(m, opt, path, src, dtype, o, stdout, stderr)
		}
		layout, *o.steps = export.Dense, 0 // the network is unrolled over the instance already
	}
	net, err := o.limits.lower("compile", m, opt, compile.Job{Form: form.String(), Steps: *o.steps, Export: layout.String(), DType: dtype.String()})
	if err != nil {
		return err
	}
	e := progress.NewElapsed(stderr, "compile: writing "+*o.out, progress.Options{Quiet: *o.quiet})
	r, err := engine.WriteNetwork(net, m, opt, engine.NetworkFile{Path: *o.out, Program: path, Source: src, Form: form, Layout: layout, DType: dtype,
		Steps: *o.steps, Decode: *o.decode, DecodeSteps: *o.decodeSteps})
	e.Stop()
	if err != nil {
		return &userError{err.Error()}
	}
	return printReport(stdout, *o.json, r, r.WriteText)
}

// compileRecurrence writes the loop form of the smooth scheme
// (engine.WriteRecurrence).
func compileRecurrence(m *dsl.Model, opt compile.Options, path string, src []byte, dtype export.DType, o *compileOpts, stdout, stderr io.Writer) error {
	e := progress.NewElapsed(stderr, "compile: writing "+*o.out, progress.Options{Quiet: *o.quiet})
	r, err := engine.WriteRecurrence(m, opt, engine.NetworkFile{Path: *o.out, Program: path, Source: src, DType: dtype, Decode: *o.decode})
	e.Stop()
	if err != nil {
		return &userError{err.Error()}
	}
	return printReport(stdout, *o.json, r, r.WriteText)
}
