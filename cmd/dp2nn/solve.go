package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/atomicfile"
	"github.com/dp2nn/dp2nn/internal/jsonfinite"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["solve"] = func() *flag.FlagSet { fs, _ := solveFlags(); return fs }
}

type solveOpts struct {
	set       setFlag
	instance  *string
	instances *string
	scheme    *schemeOpts
	dtype     *string
	json      *bool
	quiet     *bool
	limits    *limits
	plot      *string
	plotBlock *string
}

func solveFlags() (*flag.FlagSet, *solveOpts) {
	o := &solveOpts{set: setFlag{}}
	fs := flag.NewFlagSet("solve", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable); unset params are taken from the instance or chosen automatically")
	o.instance = fs.String("instance", "", "instance file: knapsack text format (n, n lines \"profit weight\", capacity) or JSON; for a program with data: JSON with \"data\", a TSPLIB .atsp/.tsp file, an OR-Library rcsp .txt file, a graph JSON file (\"edges\"; -set s=K picks the source) or a sequence pair JSON file (\"x\", \"y\")")
	o.instances = fs.String("instances", "", "a batch: a directory (every instance file in it, *.txt, *.json, *.atsp, *.tsp, in name order) or a JSON-lines file (*.jsonl, one JSON instance per line); prints one JSON line per instance in input order, solved on every core; exit 2 if any instance is bad input, else 1 if any check failed")
	o.scheme = addSchemeFlags(fs, false)
	o.dtype = fs.String("dtype", "float64", "evaluation type: float64 or float32")
	o.json = fs.Bool("json", false, "print JSON")
	o.quiet = fs.Bool("quiet", false, "no progress on stderr (a batch, or one instance whose network takes seconds to build)")
	o.limits = addLimits(fs)
	o.plot = fs.String("plot", "", "-scheme smooth, one -instance: draw a block of marginals (the soft alignment of LCS, the expected arc usage of a shortest path) as a heat map PNG")
	o.plotBlock = fs.String("plot-block", "", "with -plot: the block to draw (a data array, input or state name); default the first 2-D data block, else the first 2-D state")
	return fs, o
}

func runSolve(args []string, stdout, stderr io.Writer) error {
	fs, o := solveFlags()
	o.limits.stderr, o.limits.quiet = stderr, o.quiet
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	batch := given(fs)["instances"]
	o.scheme.data = f.HasData()
	req, err := o.scheme.request(fs, func(s compile.Scheme) []rule {
		return []rule{
			{"instance", !batch, "-instance F solves one instance, -instances a batch: give one of them"},
			{"json", !batch, "-instances prints one JSON line per instance already"},
			{"plot", s == compile.Smooth && !batch, "-plot draws the marginals of -scheme smooth on one -instance"},
			{"plot-block", s == compile.Smooth && !batch && given(fs)["plot"], "-plot-block picks the block -plot draws"},
		}
	})
	if err != nil {
		return err
	}
	if !batch && *o.instance == "" {
		return userErrorf("solve: missing -instance FILE (or -instances DIR|FILE.jsonl for a batch)")
	}
	dtypes, err := engine.ParseDTypes(*o.dtype, true)
	if err != nil {
		return userErrorf("solve: %v", err)
	}
	dtype := dtypes[0]
	// The count runs inside one instance's solve (whose own progress line
	// covers it) or on a batch's workers (the batch bar): no line of its own.
	count := *o.limits
	count.stderr = nil
	in := verify.SolveInput{File: f, Set: o.set, Request: req, DType: dtype, MaxMemory: o.limits.compile().Memory,
		TooLarge: func(m *dsl.Model, opt compile.Options, job compile.Job) error {
			_, err := count.check("solve", m, opt, job)
			return err
		}}
	if err := in.Check(); err != nil {
		return userErrorf("solve: %v", err)
	}
	if batch {
		return solveBatch(in, *o.instances, *o.quiet, stdout, stderr)
	}
	if st, err := os.Stat(*o.instance); err == nil && (st.IsDir() || strings.HasSuffix(*o.instance, ".jsonl")) {
		return userErrorf("solve: -instance %s is a batch: solve it with -instances %s", *o.instance, *o.instance)
	}
	if *o.plot != "" {
		if err := atomicfile.CheckWritable(*o.plot); err != nil {
			return userErrorf("solve: -plot: %v", err)
		}
	}
	e := progress.NewElapsed(stderr, "solve: building and running the network", progress.Options{Quiet: *o.quiet})
	r, err := verify.SolveFile(in, *o.instance)
	e.Stop()
	if tl := (*compile.TooLargeError)(nil); errors.As(err, &tl) {
		return userErrorf("solve: %s on %s: %v", f.DpPos.File, *o.instance, err)
	}
	if r == nil {
		return err
	}
	if *o.plot != "" && err == nil {
		png, perr := study.PlotSolved(r, *o.plotBlock)
		if perr == nil {
			perr = writeFileAtomic(*o.plot, png)
		}
		if perr != nil {
			return perr
		}
		defer fmt.Fprintf(stdout, "plot written to %s\n", *o.plot)
	}
	if perr := printReport(stdout, *o.json, r, r.WriteText); perr != nil {
		return perr
	}
	return err // a failed check, beside the report
}

// solveBatch is "dp2nn solve -instances": one JSON line per instance, in
// input order, solved on GOMAXPROCS goroutines.
func solveBatch(in verify.SolveInput, path string, quiet bool, stdout, stderr io.Writer) error {
	entries, err := instance.BatchWithin(path, in.MaxMemory)
	if err != nil {
		return userErrorf("solve: -instances: %v", err)
	}
	bar := progress.New(stderr, "solve", len(entries), progress.Options{Quiet: quiet})
	var werr error
	err = verify.SolveBatch(in, entries, runtime.GOMAXPROCS(0), func(l verify.BatchLine) {
		if err := writeBatchLine(stdout, l); err != nil && werr == nil {
			werr = err
		}
		bar.Add(1)
	})
	bar.Finish()
	if werr != nil {
		return werr
	}
	if err != nil {
		return fmt.Errorf("solve: %w", err)
	}
	return nil
}

// writeBatchLine writes one line of a batch: JSON whose infinities are
// strings (internal/jsonfinite), so that every instance gets its line.
func writeBatchLine(w io.Writer, l verify.BatchLine) error { return jsonfinite.Write(w, l, "") }

// printReport prints r as JSON or as text.
func printReport(w io.Writer, asJSON bool, r any, text func(io.Writer)) error {
	if asJSON {
		return writeJSON(w, r)
	}
	text(w)
	return nil
}
