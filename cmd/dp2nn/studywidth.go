package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
)

// "dp2nn study width" runs study.Width, the empirical width study of
// Hertrich & Skutella (§5, Fig. 8): train nets on the knapsack DP step
// and find the smallest width reaching an MSE threshold per p*.

func init() {
	registerStudy(studyCmd{name: "width",
		args:    "[-pmax LO:HI:STEP|P,...] [-threshold T] [-wstep W] [-wmax W] [-seed S] [-o RESULTS.jsonl] [-md T.md] [-plot F.png] [-json] [-quiet] | -net P,W -onnx F.onnx [-seed S]",
		summary: "train ReLU nets on one knapsack DP step and fit the smallest width reaching a test MSE against p* (the paper's §5, Fig. 8); resumable with -o",
		flags:   func() *flag.FlagSet { fs, _ := widthFlags(); return fs },
		run:     runStudyWidth})
}

type widthOpts struct {
	study.WidthFlags
	out, md, plot *string
	json, quiet   *bool
	net, onnx     *string
	given         map[string]bool
}

func widthFlags() (*flag.FlagSet, *widthOpts) {
	o := &widthOpts{}
	fs := flag.NewFlagSet("study width", flag.ContinueOnError)
	fs.StringVar(&o.PStars, "pmax", "3:30:3", fmt.Sprintf("the p* values: LO:HI:STEP or a comma-separated list (2..%d); the paper's grid is 3:75:3", study.MaxWidthPStar))
	fs.Float64Var(&o.Threshold, "threshold", 0.005, "the test MSE a width must reach (the paper: 0.005; Appendix C: 0.0025, 0.00375)")
	fs.IntVar(&o.WStep, "wstep", 10, "widths tried: WSTEP, 2·WSTEP, ... (the paper: 25, too coarse below p* = 30, where the nets here need widths under 100)")
	fs.IntVar(&o.WMax, "wmax", 1000, fmt.Sprintf("the largest width tried for a p* (at most %d); a p* that does not reach the threshold by it shows as '> WMAX'", study.MaxWidth))
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of every net's initial weights and data streams (each (p*, w) gets its own, like the paper's 257·p*+w)")
	fs.IntVar(&o.Batch, "batch", 32, "batch size (the paper: 32)")
	fs.IntVar(&o.Batches, "batches", 1000, "batches per epoch (the paper: 1000)")
	fs.IntVar(&o.Epochs, "epochs", 100, "at most this many epochs (the authors' code: 100)")
	fs.IntVar(&o.Patience, "patience", 2, "stop after this many epochs without a lower training loss (the paper: 2)")
	fs.IntVar(&o.Test, "test", 1000, "test batches (the paper: 1000)")
	fs.IntVar(&o.Pool, "pool", study.DefaultPool, "shuffle buffer of the data streams, in points (the authors' code: one epoch)")
	fs.StringVar(&o.Generator, "generator", "dp2nn", "how training and test instances are drawn: dp2nn (instance.AppendixD, which redraws single items and items larger than the capacity) or paper (Appendix D as the authors' code draws it, keeping them)")
	fs.IntVar(&o.Workers, "workers", 0, "p* values trained in parallel, one core each (0: one per core, GOMAXPROCS)")
	o.out = fs.String("o", "", "results file (one JSON line per trained net), appended as each net is done; a rerun with the same file skips the nets in it (same -seed and training flags)")
	o.md = fs.String("md", "", "also write the table as markdown to this file (atomically)")
	o.plot = fs.String("plot", "", "also draw the required width against p* with the quadratic fit and the compiled DP-NN's widest layer to this PNG file (atomically)")
	o.json = fs.Bool("json", false, "print JSON instead of the text table")
	o.quiet = fs.Bool("quiet", false, "no progress on stderr")
	o.net = fs.String("net", "", "with -onnx: train only the net of p* P and width W (P,W), as the study trains it, instead of the study")
	o.onnx = fs.String("onnx", "", "with -net: write that trained net as an ONNX cell of examples/knapsack.dp (float64, dense), for dp2nn verify")
	return fs, o
}

func runStudyWidth(args []string, stdout, stderr io.Writer) error {
	fs, o := widthFlags()
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return userErrorf("study width: takes no arguments besides flags, got %q", strings.Join(pos, " "))
	}
	o.given = given(fs)
	if o.given["net"] || o.given["onnx"] {
		return runWidthNet(o, stdout, stderr)
	}
	c, err := o.Validate()
	if err != nil {
		return err
	}
	out := output{md: *o.md, plot: *o.plot, json: *o.json}
	if err := out.check(); err != nil {
		return err
	}
	var results *study.WidthResults
	if *o.out != "" {
		if results, c.Done, err = study.OpenWidthResults(*o.out, c.Key(), stderr); err != nil {
			return userErrorf("study width: -o: %v", err)
		}
		defer results.Close()
	}
	bar := progress.New(stderr, "study width", len(c.PStars), progress.Options{Quiet: *o.quiet})
	c.OnPoint = func(p study.WidthPoint) error { // never called concurrently
		if !*o.quiet {
			fmt.Fprintf(stderr, "study width: p* = %d, width %d: test MSE %.5f after %d epochs (%.0f s)\n", p.PStar, p.Width, p.TestMSE, p.Epochs, p.Seconds)
		}
		if results != nil {
			if err := results.Append(p); err != nil {
				return fmt.Errorf("study width: -o: %v", err)
			}
		}
		return nil
	}
	c.OnPStar = func(int) { bar.Add(1) }
	rep, err := study.Width(c)
	bar.Finish()
	if err != nil {
		return err
	}
	return out.write(stdout, rep, rep.WriteMarkdown, rep.Plot, rep.WriteText)
}

// runWidthNet trains one net of the study and exports it (-net, -onnx).
func runWidthNet(o *widthOpts, stdout, stderr io.Writer) error {
	why := "-net P,W -onnx F trains one net, not the study"
	if err := refuse("study width", o.given, rule{"pmax", false, why}, rule{"threshold", false, why}, rule{"wstep", false, why},
		rule{"wmax", false, why}, rule{"workers", false, why}, rule{"o", false, why}, rule{"md", false, why}, rule{"plot", false, why}); err != nil {
		return err
	}
	if *o.net == "" || *o.onnx == "" {
		return userErrorf("study width: -net and -onnx go together: -net P,W -onnx FILE.onnx")
	}
	pstar, width, err := study.ParseNet(*o.net)
	if err != nil {
		return err
	}
	if err := (output{}).check(*o.onnx); err != nil {
		return err
	}
	o.PStars, o.WStep, o.WMax = strconv.Itoa(pstar), width, width
	c, err := o.Validate()
	if err != nil {
		return err
	}
	if !*o.quiet {
		fmt.Fprintf(stderr, "study width: training the net of p* = %d, width %d (seed %d)\n", pstar, width, c.Seed)
	}
	pt, err := study.ExportTrained(c, pstar, width, *o.onnx)
	if err != nil {
		return fmt.Errorf("study width: -onnx: %v", err)
	}
	return printReport(stdout, *o.json, pt, func(w io.Writer) { pt.WriteExported(w, *o.onnx) })
}

// verifyTrained runs "dp2nn verify" on a trained model (study width
// -onnx): how often it answers exactly, beside the compiled network.
func verifyTrained(path string, rt engine.Runtime, net *compile.Network, o *verifyOpts, stdout, stderr io.Writer) error {
	why := "a trained model is checked on random instances of its program's generator"
	if err := refuse("verify", o.given, rule{"instances", false, why}); err != nil {
		return err
	}
	if *o.random < 1 {
		return userErrorf("verify: %s is a trained model: give -random N (N >= 1)", path)
	}
	run, err := engine.Open(path, rt, net)
	if err != nil {
		return &userError{err.Error()}
	}
	defer run.Close()
	bar := progress.New(stderr, "verify", *o.random, progress.Options{Quiet: *o.quiet})
	rep, err := verify.Trained(run, net, *o.random, *o.seed, *o.steps, func(int) { bar.Add(1) })
	bar.Finish()
	if err != nil {
		return err
	}
	rep.Model = fmt.Sprintf("%s (runtime %s)", path, rt)
	if err := printReport(stdout, *o.json, rep, rep.WriteText); err != nil {
		return err
	}
	if err := rep.Err(); err != nil {
		return &verify.MismatchError{Msg: "verify: " + err.Error()}
	}
	return nil
}
