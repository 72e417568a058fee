package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/internal/atomicfile"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/study"
)

// "dp2nn study NAME" runs one of the papers' studies. Each study
// registers itself (registerStudy) from its own file, so that a new study
// touches no other command's code.

// studyCmd is one study: its name, flags and the function that runs it.
type studyCmd struct {
	name, args, summary string
	flags               func() *flag.FlagSet
	run                 func(args []string, stdout, stderr io.Writer) error
}

var studies = map[string]studyCmd{}

func registerStudy(s studyCmd) {
	if _, dup := studies[s.name]; dup {
		panic("dp2nn: study " + s.name + " registered twice")
	}
	studies[s.name] = s
}

// studyNames are the registered studies, sorted.
func studyNames() []string { return slices.Sorted(maps.Keys(studies)) }

// runStudy dispatches "dp2nn study NAME ...": the study's name comes
// first, its flags after.
func runStudy(args []string, stdout, stderr io.Writer) error {
	want := "want 'dp2nn study NAME [flags]' with NAME one of " + strings.Join(studyNames(), ", ")
	if len(args) == 0 {
		return userErrorf("study: %s", want)
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		return flag.ErrHelp
	}
	s, ok := studies[args[0]]
	if !ok {
		return userErrorf("study: unknown study %q; %s", args[0], want)
	}
	err := s.run(args[1:], stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		helpStudy(s, stdout)
		return nil
	}
	return err
}

// helpStudies lists the studies for "dp2nn help study".
func helpStudies(w io.Writer) {
	fmt.Fprintf(w, "dp2nn study NAME [flags]\n    %s\n\nStudies:\n", studySummary)
	for _, name := range studyNames() {
		s := studies[name]
		fmt.Fprintf(w, "  dp2nn study %s %s\n      %s\n", s.name, s.args, s.summary)
	}
	fmt.Fprintln(w, "\nRun 'dp2nn help study NAME' for a study's flags.")
}

// helpStudy prints one study's flags.
func helpStudy(s studyCmd, w io.Writer) {
	fmt.Fprintf(w, "dp2nn study %s %s\n    %s\n\nFlags:\n", s.name, s.args, s.summary)
	fs := s.flags()
	fs.SetOutput(w)
	fs.PrintDefaults()
}

const studySummary = "run one of the papers' studies and report it as a table (text, markdown, JSON) and a plot"

// "dp2nn study fptas" runs study.FPTAS, the quality of the FPTAS-NN
// measured through the compiled network.

func init() {
	registerStudy(studyCmd{name: "fptas",
		args:    "[-families F,...] [-n N,...] [-P P,...] [-per K] [-seed S] [-o T.md] [-plot F.png] [-json] [-quiet]",
		summary: "FPTAS-NN quality vs width through the compiled network, on lowdim and Pisinger instances (the defaults take under 2 minutes on 2 cores)",
		flags:   func() *flag.FlagSet { fs, _ := studyFlags(); return fs },
		run:     runStudyFPTAS})
}

type studyOpts struct {
	study.FPTASFlags
	json, quiet *bool
	out, plot   *string
	limits      *limits
}

func studyFlags() (*flag.FlagSet, *studyOpts) {
	o := &studyOpts{FPTASFlags: study.FPTASFlags{Set: setFlag{}}}
	fs := flag.NewFlagSet("study fptas", flag.ContinueOnError)
	o.limits = addLimits(fs)
	fs.StringVar(&o.Program, "program", "examples/knapsack_int.dp", "the program compiled with -scheme fptas (its inputs are read from each instance by name: profit, weight, size; integer weights keep every comparison exact)")
	fs.Var(setFlag(o.Set), "set", "bind a param of the program: NAME=INTEGER (repeatable); unset params come from the instances as in solve, an index bound like pmax taking its largest value over all instances")
	fs.StringVar(&o.Families, "families", strings.Join(study.Families, ","), "comma-separated families: lowdim (the files of -lowdim) and Pisinger's "+strings.Join(study.Families[1:], ", "))
	fs.StringVar(&o.N, "n", "10,30,100,300,1000", fmt.Sprintf("comma-separated numbers of items of the generated instances (1..%d)", study.MaxN))
	fs.StringVar(&o.P, "P", "5,10,20,50,100,200", "comma-separated table sizes P of the FPTAS-NN (width 2P²+2P)")
	fs.IntVar(&o.Per, "per", 8, "generated instances per family and n; they run through the network in batches of 8, which cost about what 3 single runs do")
	fs.Uint64Var(&o.Seed, "seed", 1, "instance k (0-based) of a family and n is knapsack.Generate(spec, seed+k)")
	fs.Int64Var(&o.R, "R", 1000, fmt.Sprintf("data range of the generated instances: weights in 1..R (1..%d); capacity ⌊Σw/2⌋", study.MaxR))
	fs.StringVar(&o.Lowdim, "lowdim", "testdata/lowdim", "directory of the lowdim instances (*.txt) and their optima.txt")
	o.json = fs.Bool("json", false, "print JSON instead of the text table")
	o.out = fs.String("o", "", "also write the table as markdown to this file (atomically)")
	o.plot = fs.String("plot", "", "also draw p_NN/OPT and the width against P to this PNG file (atomically)")
	o.quiet = fs.Bool("quiet", false, "no progress on stderr")
	return fs, o
}

func runStudyFPTAS(args []string, stdout, stderr io.Writer) error {
	fs, o := studyFlags()
	o.limits.stderr, o.limits.quiet = stderr, o.quiet
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return userErrorf("study fptas: takes no arguments besides flags, got %q", strings.Join(pos, " "))
	}
	cfg, err := o.Validate(given(fs))
	if err != nil {
		return err
	}
	cfg.Check = o.limits.checkSteps("study fptas")
	rep, err := runReport("study fptas", output{md: *o.out, plot: *o.plot, json: *o.json}, *o.quiet, &cfg.Progress,
		func() (*study.FPTASReport, error) { return study.FPTAS(cfg) }, stdout, stderr)
	if err != nil {
		return err
	}
	return rep.Err()
}

// studyReport is what the report of a study offers the command line.
type studyReport interface {
	WriteText(io.Writer)
	WriteMarkdown(io.Writer)
	Plot() ([]byte, error)
}

// runReport runs a study (run) with a progress bar named name (none
// when quiet), told through *progressTo, after checking that out's files
// can be written; then it writes them and prints the report.
func runReport[R studyReport](name string, out output, quiet bool, progressTo *func(done, total int), run func() (R, error), stdout, stderr io.Writer) (R, error) {
	var zero R
	var bar *progress.Bar // its total is known when the runs start
	*progressTo = func(done, total int) {
		if bar == nil {
			bar = progress.New(stderr, name, total, progress.Options{Quiet: quiet})
		}
		bar.Add(1)
	}
	if err := out.check(); err != nil {
		return zero, err
	}
	rep, err := run()
	bar.Finish()
	if err != nil {
		return zero, err
	}
	return rep, out.write(stdout, rep, rep.WriteMarkdown, rep.Plot, rep.WriteText)
}

// output is what a study or a sweep writes: the table as markdown to -o
// (md), the plot to -plot, then JSON (-json) or the text on stdout;
// sayPlot tells the text's reader where the plot went.
type output struct {
	md, plot      string
	json, sayPlot bool
}

// check fails early, before a study runs, when one of its files (and
// more) cannot be written.
func (o output) check(more ...string) error {
	for _, path := range append([]string{o.md, o.plot}, more...) {
		if path == "" {
			continue
		}
		if err := atomicfile.CheckWritable(path); err != nil {
			return userErrorf("study: %v", err)
		}
	}
	return nil
}

func (o output) write(stdout io.Writer, v any, md func(io.Writer), png func() ([]byte, error), text func(io.Writer)) error {
	if o.md != "" {
		var b bytes.Buffer
		md(&b)
		if err := writeFileAtomic(o.md, b.Bytes()); err != nil {
			return err
		}
	}
	if o.plot != "" {
		b, err := png()
		if err != nil {
			return err
		}
		if err := writeFileAtomic(o.plot, b); err != nil {
			return err
		}
	}
	if o.json {
		return writeJSON(stdout, v)
	}
	text(stdout)
	if o.sayPlot && o.plot != "" {
		fmt.Fprintf(stdout, "plot written to %s\n", o.plot)
	}
	return nil
}
