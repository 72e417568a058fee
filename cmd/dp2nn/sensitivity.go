package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
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
	families, ns, eps, ps, gammas *string
	per, samples                  *int
	seed                          *uint64
	r                             *int64
	lowdim, program, instances    *string
	random, json, quiet           *bool
	out, plot                     *string
	limits                        *limits
}

func sensitivityFlags() (*flag.FlagSet, *sensitivityOpts) {
	o := &sensitivityOpts{}
	fs := flag.NewFlagSet("study sensitivity", flag.ContinueOnError)
	o.limits = addLimits(fs)
	o.instances = fs.String("instances", "", "study every instance file of this directory (*.txt, *.json: any knapsack format dp2nn reads), the family files; optima by the exact solver, checked against optima.txt there when it has one; alone, without the generated families")
	o.random = fs.Bool("random", false, "study the generated families of -families (Pisinger's and twin; lowdim left out); with -instances, beside its files")
	o.families = fs.String("families", "lowdim,uncorrelated,weakly-correlated,strongly-correlated,subset-sum,twin", "comma-separated families: lowdim (the files of -lowdim), Pisinger's "+strings.Join(study.Families[1:], ", ")+", and twin (the instance on which exact optimisation has sensitivity n)")
	o.ns = fs.String("n", "10,30,60", fmt.Sprintf("comma-separated numbers of items of the generated and twin instances (1..%d)", study.MaxSensitivityN))
	o.per = fs.Int("per", 2, "generated instances per family and n")
	o.seed = fs.Uint64("seed", 1, "instance k (0-based) of a family and n is knapsack.Generate(spec, seed+k); the algorithms' draws are seeded from it too")
	o.r = fs.Int64("R", 100, fmt.Sprintf("data range of the generated instances: weights in 1..R (1..%d); capacity ⌊Σw/2⌋ (the smoothed DP's table has n·C cells)", study.MaxR))
	o.lowdim = fs.String("lowdim", "testdata/lowdim", "directory of the lowdim instances (*.txt) and their optima.txt")
	o.eps = fs.String("eps", "0.5,0.25,0.1", "comma-separated errors ε in (0,1) of the textbook FPTAS, Kumabe–Yoshida and KY simple (subset-sum instances only)")
	o.ps = fs.String("P", "20,100", "comma-separated table sizes P of the FPTAS-NN (0 or empty: no FPTAS-NN rows)")
	o.gammas = fs.String("gamma", "0.03,0.3,3", "comma-separated temperatures γ > 0 of the smoothed DP (scores p/max p), each with the Shannon, Gini and Tsallis regularisers")
	o.samples = fs.Int("samples", 16, fmt.Sprintf("draws of each randomised algorithm per instance, each with a coupled draw for every deletion (2..%d)", study.MaxSensitivitySamples))
	o.program = fs.String("program", "examples/knapsack_int.dp", "the FPTAS-NN program: its compiled network must give the rounded DP's p_NN on every instance and deletion")
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
	cfg, err := o.validate(given(fs))
	if err != nil {
		return err
	}
	rep, err := runReport("study sensitivity", studyOutputs{o.out, o.plot, o.json, o.quiet}, &cfg.Progress,
		func() (*study.SensitivityReport, error) { return study.Sensitivity(cfg) }, stdout, stderr)
	if err != nil {
		return err
	}
	if rep.Violations > 0 {
		return &verify.MismatchError{Msg: fmt.Sprintf("%d draws of Kumabe–Yoshida with E[value | τ] < (1 − ε)·OPT", rep.Violations)}
	}
	if rep.SimpleViolations > 0 {
		return &verify.MismatchError{Msg: fmt.Sprintf("%d (instance, ε) of KY simple below (1 − ε)·OPT or above sensitivity 2 + 2/ε", rep.SimpleViolations)}
	}
	return nil
}

func (o *sensitivityOpts) validate(set map[string]bool) (study.SensitivityConfig, error) {
	c := study.SensitivityConfig{Per: *o.per, Seed: *o.seed, R: *o.r, Samples: *o.samples, Program: *o.program,
		Check: func(m *dsl.Model, opt compile.Options, steps int) error {
			_, err := o.limits.check("study sensitivity", m, opt, compile.Job{Steps: steps, Batch: 256, DType: "float64"})
			return err
		}}
	var err error
	if c.Families, err = o.chosenFamilies(set); err != nil {
		return c, err
	}
	lowdim := slices.Contains(c.Families, study.Lowdim)
	generated := slices.ContainsFunc(c.Families, func(f string) bool { return f != study.Lowdim && f != study.Twin })
	sized := generated || slices.Contains(c.Families, study.Twin)
	why := "-families has no generated family"
	if set["instances"] && !*o.random {
		why = "-instances without -random studies its files alone"
	}
	if err := refuse("study sensitivity", set, rule{"lowdim", lowdim, "-lowdim is the directory of the family lowdim, which -families leaves out"},
		rule{"n", sized, "-n sizes the generated and twin families; " + strings.Replace(why, "no generated family", "only lowdim", 1)},
		rule{"per", generated, "-per counts the instances of the generated families; " + why},
		rule{"R", generated, "-R is the data range of the generated families; " + why}); err != nil {
		return c, err
	}
	if c.N, err = parseIntList("-n", *o.ns, 1, study.MaxSensitivityN); err != nil {
		return c, err
	}
	if c.Per < 1 || c.Per > study.MaxPer {
		return c, userErrorf("study: -per must be between 1 and %d, got %d", study.MaxPer, c.Per)
	}
	if c.R < 1 || c.R > study.MaxR {
		return c, userErrorf("study: -R must be between 1 and %d, got %d", study.MaxR, c.R)
	}
	if c.Samples < 2 || c.Samples > study.MaxSensitivitySamples {
		return c, userErrorf("study: -samples must be between 2 and %d (a confidence interval needs 2), got %d", study.MaxSensitivitySamples, c.Samples)
	}
	if c.Eps, err = parseFloatList("-eps", *o.eps, "ε", func(v float64) string {
		if v <= 0 || v >= 1 {
			return "must be in (0, 1): the algorithms' value is at least (1 − ε)·OPT"
		}
		return ""
	}); err != nil {
		return c, err
	}
	if c.Gamma, err = parseFloatList("-gamma", *o.gammas, "γ", func(v float64) string {
		if v <= 0 || math.IsInf(v, 0) {
			return "must be a finite temperature > 0"
		}
		return ""
	}); err != nil {
		return c, err
	}
	if p := strings.TrimSpace(*o.ps); p != "" && p != "0" {
		if c.P, err = parseIntList("-P", *o.ps, 1, compile.MaxFPTASTable); err != nil {
			return c, err
		}
	}
	if set["instances"] {
		if *o.instances == "" {
			return c, userErrorf("study sensitivity: -instances needs a directory")
		}
		c.Instances = *o.instances
	}
	if lowdim {
		if *o.lowdim == "" {
			return c, userErrorf("study: family lowdim needs -lowdim DIR")
		}
		c.Lowdim = *o.lowdim
	}
	return c, nil
}

// chosenFamilies is the families of -families, -instances and -random: by
// default (neither of the latter) -families as given; -instances alone
// studies no family but its files; -random the generated families of
// -families, without lowdim (which is files: -instances).
func (o *sensitivityOpts) chosenFamilies(set map[string]bool) ([]string, error) {
	if set["instances"] && set["lowdim"] {
		return nil, userErrorf("study sensitivity: -lowdim and -instances both name a directory of instance files; give -instances DIR alone")
	}
	if set["instances"] && !*o.random {
		if set["families"] {
			return nil, userErrorf("study sensitivity: -families does not apply: -instances without -random studies its files alone (add -random for generated families)")
		}
		return nil, nil
	}
	fams, err := parseNameList("-families", *o.families, study.SensitivityFamilies)
	if err != nil || !*o.random {
		return fams, err
	}
	if set["families"] && slices.Contains(fams, study.Lowdim) {
		return nil, userErrorf("study sensitivity: -families: lowdim is a directory of files, not a generated family of -random: give -instances DIR")
	}
	return slices.DeleteFunc(fams, func(f string) bool { return f == study.Lowdim }), nil
}

// parseFloatList parses a comma-separated list of numbers; bad says what
// is wrong with a value ("" when nothing).
func parseFloatList(flagName, s, sym string, bad func(float64) string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsNaN(v) {
			return nil, userErrorf("study: %s: %q is not a number", flagName, f)
		}
		if why := bad(v); why != "" {
			return nil, userErrorf("study: %s: %s = %s %s", flagName, sym, f, why)
		}
		if slices.Contains(out, v) {
			return nil, userErrorf("study: %s: %s is listed twice", flagName, f)
		}
		out = append(out, v)
	}
	return out, nil
}
