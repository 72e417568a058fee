package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dp2nn/dp2nn/study"
)

// "dp2nn study sensitivity" runs study.Sensitivity: the average
// sensitivity of every selection dp2nn produces, beside its ratio.

func init() {
	registerStudy(studyCmd{name: "sensitivity",
		args:    "[-instances DIR] [-random] [-families F,...] [-n N,...] [-per K] [-seed S] [-R R] [-eps E,...] [-P P,...] [-gamma G,...] [-samples K] [-o T.md] [-plot F.png] [-json] [-quiet]",
		summary: "average sensitivity (Kumabe & Yoshida) vs approximation ratio of exact DP, greedy, FPTAS, FPTAS-NN, smoothed DP, the Kumabe–Yoshida algorithm and the deterministic simple-knapsack one (the defaults take about a minute on 2 cores)",
		flags:   func() *flag.FlagSet { fs, _ := sensitivityFlags(); return fs },
		run:     runStudySensitivity})
}

type sensitivityOpts struct {
	study.SensitivityFlags
	json, quiet *bool
	out, plot   *string
	limits      *limits
}

func sensitivityFlags() (*flag.FlagSet, *sensitivityOpts) {
	o := &sensitivityOpts{}
	fs := flag.NewFlagSet("study sensitivity", flag.ContinueOnError)
	o.limits = addLimits(fs)
	fs.StringVar(&o.Instances, "instances", "", "study every instance file of this directory (*.txt, *.json: any knapsack format dp2nn reads), the family files; optima by the exact solver, checked against optima.txt there when it has one; alone, without the generated families")
	fs.BoolVar(&o.Random, "random", false, "study the generated families of -families (Pisinger's and twin; lowdim left out); with -instances, beside its files")
	fs.StringVar(&o.Families, "families", "lowdim,uncorrelated,weakly-correlated,strongly-correlated,subset-sum,twin", "comma-separated families: lowdim (the files of -lowdim), Pisinger's "+strings.Join(study.Families[1:], ", ")+", and twin (the instance on which exact optimisation has sensitivity n)")
	fs.StringVar(&o.N, "n", "10,30,60", fmt.Sprintf("comma-separated numbers of items of the generated and twin instances (1..%d)", study.MaxSensitivityN))
	fs.IntVar(&o.Per, "per", 2, "generated instances per family and n")
	fs.Uint64Var(&o.Seed, "seed", 1, "instance k (0-based) of a family and n is knapsack.Generate(spec, seed+k); the algorithms' draws are seeded from it too")
	fs.Int64Var(&o.R, "R", 100, fmt.Sprintf("data range of the generated instances: weights in 1..R (1..%d); capacity ⌊Σw/2⌋ (the smoothed DP's table has n·C cells)", study.MaxR))
	fs.StringVar(&o.Lowdim, "lowdim", "testdata/lowdim", "directory of the lowdim instances (*.txt) and their optima.txt")
	fs.StringVar(&o.Eps, "eps", "0.5,0.25,0.1", "comma-separated errors ε in (0,1) of the textbook FPTAS, Kumabe–Yoshida and KY simple (subset-sum instances only)")
	fs.StringVar(&o.P, "P", "20,100", "comma-separated table sizes P of the FPTAS-NN (0 or empty: no FPTAS-NN rows)")
	fs.StringVar(&o.Gamma, "gamma", "0.03,0.3,3", "comma-separated temperatures γ > 0 of the smoothed DP (scores p/max p), each with the Shannon, Gini and Tsallis regularisers")
	fs.IntVar(&o.Samples, "samples", 16, fmt.Sprintf("draws of each randomised algorithm per instance, each with a coupled draw for every deletion (2..%d)", study.MaxSensitivitySamples))
	fs.StringVar(&o.Program, "program", "examples/knapsack_int.dp", "the FPTAS-NN program: its compiled network must give the rounded DP's p_NN on every instance and deletion")
	o.json = fs.Bool("json", false, "print JSON instead of the text table")
	o.out = fs.String("o", "", "also write the table as markdown to this file (atomically)")
	o.plot = fs.String("plot", "", "also draw ratio against sensitivity, and sensitivity against n, to this PNG file (atomically)")
	o.quiet = fs.Bool("quiet", false, "no progress on stderr")
	return fs, o
}

func runStudySensitivity(args []string, stdout, stderr io.Writer) error {
	fs, o := sensitivityFlags()
	o.limits.stderr, o.limits.quiet = stderr, o.quiet
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return userErrorf("study sensitivity: takes no arguments besides flags, got %q", strings.Join(pos, " "))
	}
	cfg, err := o.Validate(given(fs))
	if err != nil {
		return err
	}
	cfg.Check = o.limits.checkSteps("study sensitivity")
	rep, err := runReport("study sensitivity", output{md: *o.out, plot: *o.plot, json: *o.json}, *o.quiet, &cfg.Progress,
		func() (*study.SensitivityReport, error) { return study.Sensitivity(cfg) }, stdout, stderr)
	if err != nil {
		return err
	}
	return rep.Err()
}
