package main

import (
	"flag"
	"io"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["solve"] = func() *flag.FlagSet { fs, _ := solveFlags(); return fs }
}

type solveOpts struct {
	set      setFlag
	instance *string
	scheme   *schemeOpts
	dtype    *string
	json     *bool
	limits   *limits
}

func solveFlags() (*flag.FlagSet, *solveOpts) {
	o := &solveOpts{set: setFlag{}}
	fs := flag.NewFlagSet("solve", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable); unset params are taken from the instance or chosen automatically")
	o.instance = fs.String("instance", "", "instance file: knapsack text format (n, n lines \"profit weight\", capacity) or JSON; for a program with data: JSON with \"data\", a TSPLIB .atsp/.tsp file, an OR-Library rcsp .txt file, a graph JSON file (\"edges\"; -set s=K picks the source) or a sequence pair JSON file (\"x\", \"y\")")
	o.scheme = addSchemeFlags(fs, false)
	o.dtype = fs.String("dtype", "float64", "evaluation type: float64 or float32")
	o.json = fs.Bool("json", false, "print JSON")
	o.limits = addLimits(fs)
	return fs, o
}

func runSolve(args []string, stdout io.Writer) error {
	fs, o := solveFlags()
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	if *o.instance == "" {
		return userErrorf("solve: missing -instance FILE")
	}
	dtype := engine.DType(*o.dtype)
	if dtype != engine.Float64 && dtype != engine.Float32 {
		return userErrorf("solve: unknown -dtype %q (want float64 or float32)", dtype)
	}
	req, err := o.scheme.request()
	if err != nil {
		return err
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	if fileDataProgram(f) {
		return solveData(path, f, o, req, stdout)
	}
	inst, err := instance.ReadInstanceFile(*o.instance)
	if err != nil {
		return &userError{err.Error()}
	}
	params, notes, err := instance.Params(f, inst, o.set)
	if err != nil {
		return &userError{err.Error()}
	}
	m, err := dsl.Check(f, params)
	if err != nil {
		return err
	}
	steps, err := instance.Bind(m, inst)
	if err != nil {
		return &userError{err.Error()}
	}
	opt, err := forItems(req, len(steps))
	if err != nil {
		return err
	}
	if opt.Scheme == compile.Smooth {
		if dtype != engine.Float64 {
			return userErrorf("solve -scheme smooth evaluates in float64 (its gradient is taken in float64); for float32 export it with dp2nn compile -dtype float32")
		}
		if _, err := o.limits.check("solve", m, opt.SmoothInstance(m, steps), compile.Job{Steps: len(steps), Batch: 1, DType: "float64", Truth: true}); err != nil {
			return err
		}
		r, err := verify.SolveSmooth(m, opt, *o.instance, steps)
		if err != nil {
			return err
		}
		return printReport(stdout, *o.json, r, r.WriteText)
	}
	if opt.Scheme == compile.FPTAS {
		// Refused before the network is built, when the rule applies.
		if r, err := compile.RoundingOf(m, opt.P); err == nil {
			if err := verify.CheckFloat32Exact(r, dtype, steps); err != nil {
				return &userError{err.Error()}
			}
		}
	}
	net, err := o.limits.lower("solve", m, opt, compile.Job{Steps: len(steps), Batch: 1, DType: *o.dtype, Truth: true})
	if err != nil {
		return err
	}
	if m.Answer == nil {
		return userErrorf("%s: program has no answer line, so there is nothing to solve", path)
	}
	r, checkErr := verify.Solve(net, inst, steps, dtype, notes)
	if r == nil {
		return checkErr
	}
	if err := printReport(stdout, *o.json, r, r.WriteText); err != nil {
		return err
	}
	return checkErr
}

// solveData is "dp2nn solve" for a program with data.
func solveData(path string, f *dsl.File, o *solveOpts, req compile.Request, stdout io.Writer) error {
	df, err := instance.ReadDataFile(*o.instance, sourceFromSet(o.set))
	if err != nil {
		return &userError{err.Error()}
	}
	params, notes, err := instance.Params(f, df.Inst, o.set)
	if err != nil {
		return &userError{err.Error()}
	}
	for name := range params {
		// A defaulted param stays unset, so that it is derived again when
		// the fptas scheme re-checks the program with a rounded bound
		// (csp's cmax = (n−1)·lmax); the default is the same either way.
		if _, set := o.set[name]; !set {
			if _, given := df.Inst.Scalars[name]; !given {
				delete(params, name)
			}
		}
	}
	m, err := dsl.Check(f, params)
	if err != nil {
		return err
	}
	data, err := instance.BindData(m, df.Inst)
	if err != nil {
		return &userError{err.Error()}
	}
	opt, err := withoutItems(req)
	if err != nil {
		return err
	}
	if opt.Scheme == compile.Smooth {
		return userErrorf("solve: %s has data and a steps line; -scheme smooth is for programs with per-step inputs (use exact or fptas)", path)
	}
	net, err := o.limits.lower("solve", m, opt, compile.Job{Batch: 1, DType: *o.dtype, Truth: true})
	if err != nil {
		return err
	}
	if m.Answer == nil {
		return userErrorf("%s: program has no answer line, so there is nothing to solve", path)
	}
	r, pubErr := verify.SolveData(net, df, data, engine.DType(*o.dtype), notes)
	if r == nil {
		return pubErr
	}
	if err := printReport(stdout, *o.json, r, r.WriteText); err != nil {
		return err
	}
	return pubErr
}

// printReport prints r as JSON or as text.
func printReport(w io.Writer, asJSON bool, r any, text func(io.Writer)) error {
	if asJSON {
		return writeJSON(w, r)
	}
	text(w)
	return nil
}
