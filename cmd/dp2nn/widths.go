package main

import (
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/atomicfile"
	"github.com/dp2nn/dp2nn/internal/cliflag"
	"github.com/dp2nn/dp2nn/internal/jsonfinite"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["check"] = func() *flag.FlagSet { fs, _ := checkFlags(); return fs }
	flagSets["widths"] = func() *flag.FlagSet { fs, _ := widthsFlags(); return fs }
}

type checkOpts struct{ set setFlag }

func checkFlags() (*flag.FlagSet, *checkOpts) {
	o := &checkOpts{set: setFlag{}}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable; comma-separated lists allowed)")
	return fs, o
}

func runCheck(args []string, stdout, _ io.Writer) error {
	fs, o := checkFlags()
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	m, err := dsl.Check(f, o.set)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: program %s is well formed (%s)\n", path, m.Name, verify.ParamString(m))
	m.WriteSummary(stdout)
	return nil
}

type widthsOpts struct {
	set    setFlag
	scheme *schemeOpts
	form   *string
	steps  *int
	json   *bool
	sweep  *string
	plot   *string
	quiet  *bool
	limits *limits
}

func widthsFlags() (*flag.FlagSet, *widthsOpts) {
	o := &widthsOpts{set: setFlag{}}
	fs := flag.NewFlagSet("widths", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable)")
	o.scheme = addSchemeFlags(fs, true)
	o.form = fs.String("form", "", "network form: cell (one step; the default) or unrolled (-steps copies composed; a program with a steps line: its steps, settled cells computed once); a -sweep of a program with data measures both unless -form picks one")
	o.steps = fs.Int("steps", 0, "number of steps of -form unrolled (default for a program with a steps line: its step count) or of the smooth network")
	o.json = fs.Bool("json", false, "print JSON")
	o.sweep = fs.String("sweep", "", "NAME=LO..HI: measure the cell at every value of a param (or P for -scheme fptas) and print a table; NAME,NAME=LO..HI sets several params to each value; for a program with data also the unrolled network and the ratios to the bounds of problems.Table")
	o.plot = fs.String("plot", "", "with -sweep: draw the widths (programs with data: size and depth, beside the scaled bounds) against the swept value as a PNG")
	o.quiet = fs.Bool("quiet", false, "no progress on stderr (a -sweep, or a network that takes seconds to count or build)")
	o.limits = addLimits(fs)
	return fs, o
}

func runWidths(args []string, stdout, stderr io.Writer) error {
	fs, o := widthsFlags()
	o.limits.stderr, o.limits.quiet = stderr, o.quiet
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	sweep, data := given(fs)["sweep"], f.HasData()
	o.scheme.data = data
	opt, err := o.scheme.options(fs, func(s compile.Scheme) []rule {
		return []rule{
			{"plot", sweep, "-plot draws a -sweep NAME=LO..HI"},
			{"steps", !sweep && (*o.form == "unrolled" || s == compile.Smooth && !data),
				"-steps is the length of -form unrolled or of the smooth network; a -sweep measures the cell, or for a program with data unrolls each point over its own steps line"},
			{"form", !sweep || data || *o.form == "cell", "-sweep measures the cell of a program with per-step inputs"},
		}
	})
	if err != nil {
		return err
	}
	if sweep {
		return runWidthsSweep(path, f, opt, o, stdout, stderr)
	}
	m, err := dsl.CheckWith(f, o.set, opt.Limits())
	if err != nil {
		return err
	}
	// A program with data: its cell (or unrolled network) beside both
	// forms' sizes and the stated bounds (study.WidthsOf).
	job := compile.Job{Form: "unrolled"}
	switch {
	case data && opt.Scheme == compile.Smooth:
		return userErrorf("widths: %s has data and a steps line; -scheme smooth is for programs with per-step inputs (use exact or fptas)", path)
	case !data:
		if *o.form == "" {
			*o.form = "cell"
		}
		if opt.Scheme == compile.Smooth {
			// The smooth network is unrolled: -steps is its length (reads
			// with input offsets need an instance: dp2nn compile -instance).
			opt.Steps = *o.steps
		}
		job = compile.Job{Form: *o.form, Steps: *o.steps}
	}
	net, err := o.limits.lower("widths", m, opt, job)
	if err != nil {
		return err
	}
	r, err := study.WidthsOf(path, net, *o.form, *o.steps)
	if err != nil {
		return err
	}
	return printReport(stdout, *o.json, r, r.WriteText)
}

func runWidthsSweep(path string, f *dsl.File, opt compile.Options, o *widthsOpts, stdout, stderr io.Writer) error {
	sw, err := cliflag.ParseSweep("-sweep", *o.sweep)
	if err != nil {
		return userErrorf("widths: %v", err)
	}
	guard := func(m *dsl.Model, v int) error {
		o2 := opt
		if sw.Name == "P" && o2.Scheme == compile.FPTAS {
			o2.P = v
		}
		job := compile.Job{}
		if f.HasData() {
			job.Form = "unrolled" // a sweep of a program with data measures the unrolled network too
		}
		_, err := o.limits.check(fmt.Sprintf("widths -sweep %s=%d", sw.Name, v), m, o2, job)
		return err
	}
	bar := progress.New(stderr, "widths -sweep", len(sw.Values), progress.Options{Quiet: *o.quiet})
	defer bar.Finish()
	tick := func(int) { bar.Add(1) }
	if f.HasData() {
		return runDataSweep(path, f, opt, o, sw, guard, tick, stdout)
	}
	rows, err := study.Sweep(f, o.set, opt, sw.Name, sw.Values, guard, tick)
	if err != nil {
		return err
	}
	return output{plot: *o.plot, json: *o.json, sayPlot: true}.write(stdout, rows, nil,
		func() ([]byte, error) { return study.PlotSweep(f.Name.Name, sw.Name, rows) },
		func(w io.Writer) { study.WriteSweep(w, sw.Name, rows) })
}

// runDataSweep is "widths -sweep NAME[,NAME]=LO..HI" for a program with
// data: every swept param takes each value (e.g. m,n=2..12 for LCS).
func runDataSweep(path string, f *dsl.File, opt compile.Options, o *widthsOpts, sw cliflag.Sweep, guard func(*dsl.Model, int) error, tick func(int), stdout io.Writer) error {
	forms := []string{"cell", "unrolled"}
	switch *o.form {
	case "":
	case "cell", "unrolled":
		forms = []string{*o.form}
	default:
		return userErrorf("widths: unknown -form %q (want cell or unrolled)", *o.form)
	}
	if opt.Scheme == compile.Smooth {
		return userErrorf("widths: %s has data and a steps line; -scheme smooth is for programs with per-step inputs", path)
	}
	models, err := study.DataSweepModels(f, o.set, sw.Name, sw.Values, guard)
	if err != nil {
		return err
	}
	opts := slices.Repeat([]compile.Options{opt}, len(models))
	rep, err := study.DataSweep(path, sw.Name, sw.Values, models, opts, forms, tick)
	if err != nil {
		return err
	}
	return output{plot: *o.plot, json: *o.json, sayPlot: true}.write(stdout, rep, nil,
		func() ([]byte, error) { return rep.Plot(sw.Name) }, func(w io.Writer) { rep.WriteText(w, sw.Name) })
}

func writeJSON(w io.Writer, v any) error { return jsonfinite.Write(w, v, "  ") }

// writeFileAtomic writes data to path whole or not at all
// (internal/atomicfile); its error, naming path, is a user error.
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, data); err != nil {
		return &userError{err.Error()}
	}
	return nil
}
