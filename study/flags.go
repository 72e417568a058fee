package study

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/internal/cliflag"
)

// The studies' settings as the command line gives them (dp2nn study
// NAME): lists as text, checked by Validate into each study's config, or
// refused with the message the user sees, which names the flag. Given are
// the flags given on the command line: one that does not apply to the
// chosen families is refused.

// FPTASFlags are the flags of "dp2nn study fptas".
type FPTASFlags struct {
	Program  string
	Set      map[string]int64
	Families string // comma-separated, among Families
	N, P     string // comma-separated integers
	Per      int
	Seed     uint64
	R        int64
	Lowdim   string
}

// Validate checks f into the study's configuration (Check and Progress
// left unset).
func (f FPTASFlags) Validate(given map[string]bool) (FPTASConfig, error) {
	c := FPTASConfig{Program: f.Program, Set: f.Set, Per: f.Per, Seed: f.Seed, R: f.R}
	var err error
	if c.Families, err = cliflag.NameList("-families", f.Families, "family", Families); err != nil {
		return c, fmt.Errorf("study: %v", err)
	}
	lowdim, generated := slices.Contains(c.Families, Lowdim), len(c.Families) > 1 || c.Families[0] != Lowdim
	onlyLowdim := "-families has only lowdim, whose instances are files"
	if err := cliflag.Refuse("study", given, cliflag.Rule{Flag: "lowdim", OK: lowdim, Why: "-lowdim is the directory of the family lowdim, which -families leaves out"},
		cliflag.Rule{Flag: "n", OK: generated, Why: "-n sizes the generated families; " + onlyLowdim},
		cliflag.Rule{Flag: "per", OK: generated, Why: "-per counts the instances of the generated families; " + onlyLowdim},
		cliflag.Rule{Flag: "seed", OK: generated, Why: "-seed seeds the generated families; " + onlyLowdim},
		cliflag.Rule{Flag: "R", OK: generated, Why: "-R is the data range of the generated families; " + onlyLowdim}); err != nil {
		return c, err
	}
	if c.N, err = cliflag.IntList("-n", f.N, 1, MaxN); err != nil {
		return c, fmt.Errorf("study: %v", err)
	}
	if c.P, err = cliflag.IntList("-P", f.P, 1, compile.MaxFPTASTable); err != nil {
		return c, fmt.Errorf("study: %v", err)
	}
	if err := checkPerR(c.Per, c.R); err != nil {
		return c, err
	}
	c.Lowdim, err = lowdimDir(lowdim, f.Lowdim)
	return c, err
}

func checkPerR(per int, r int64) error {
	if per < 1 || per > MaxPer {
		return fmt.Errorf("study: -per must be between 1 and %d, got %d", MaxPer, per)
	}
	if r < 1 || r > MaxR {
		return fmt.Errorf("study: -R must be between 1 and %d, got %d", MaxR, r)
	}
	return nil
}

// lowdimDir is -lowdim DIR when the family lowdim is studied.
func lowdimDir(lowdim bool, dir string) (string, error) {
	if !lowdim {
		return "", nil
	}
	if dir == "" {
		return "", fmt.Errorf("study: family lowdim needs -lowdim DIR")
	}
	return dir, nil
}

// SensitivityFlags are the flags of "dp2nn study sensitivity".
type SensitivityFlags struct {
	Families        string // comma-separated, among SensitivityFamilies
	N, P            string // comma-separated integers; P "" or "0": no FPTAS-NN
	Eps, Gamma      string // comma-separated numbers
	Per, Samples    int
	Seed            uint64
	R               int64
	Lowdim, Program string
	Instances       string
	Random          bool
}

// Validate checks f into the study's configuration (Check and Progress
// left unset).
func (f SensitivityFlags) Validate(given map[string]bool) (SensitivityConfig, error) {
	c := SensitivityConfig{Per: f.Per, Seed: f.Seed, R: f.R, Samples: f.Samples, Program: f.Program}
	var err error
	if c.Families, err = f.families(given); err != nil {
		return c, err
	}
	lowdim := slices.Contains(c.Families, Lowdim)
	generated := slices.ContainsFunc(c.Families, func(f string) bool { return f != Lowdim && f != Twin })
	sized := generated || slices.Contains(c.Families, Twin)
	why := "-families has no generated family"
	if given["instances"] && !f.Random {
		why = "-instances without -random studies its files alone"
	}
	if err := cliflag.Refuse("study sensitivity", given, cliflag.Rule{Flag: "lowdim", OK: lowdim, Why: "-lowdim is the directory of the family lowdim, which -families leaves out"},
		cliflag.Rule{Flag: "n", OK: sized, Why: "-n sizes the generated and twin families; " + strings.Replace(why, "no generated family", "only lowdim", 1)},
		cliflag.Rule{Flag: "per", OK: generated, Why: "-per counts the instances of the generated families; " + why},
		cliflag.Rule{Flag: "R", OK: generated, Why: "-R is the data range of the generated families; " + why}); err != nil {
		return c, err
	}
	if c.N, err = cliflag.IntList("-n", f.N, 1, MaxSensitivityN); err != nil {
		return c, fmt.Errorf("study: %v", err)
	}
	if err := checkPerR(c.Per, c.R); err != nil {
		return c, err
	}
	if c.Samples < 2 || c.Samples > MaxSensitivitySamples {
		return c, fmt.Errorf("study: -samples must be between 2 and %d (a confidence interval needs 2), got %d", MaxSensitivitySamples, c.Samples)
	}
	if c.Eps, err = cliflag.FloatList("-eps", f.Eps, "ε", func(v float64) string {
		if v <= 0 || v >= 1 {
			return "must be in (0, 1): the algorithms' value is at least (1 − ε)·OPT"
		}
		return ""
	}); err != nil {
		return c, fmt.Errorf("study: %v", err)
	}
	if c.Gamma, err = cliflag.FloatList("-gamma", f.Gamma, "γ", func(v float64) string {
		if v <= 0 || math.IsInf(v, 0) {
			return "must be a finite temperature > 0"
		}
		return ""
	}); err != nil {
		return c, fmt.Errorf("study: %v", err)
	}
	if p := strings.TrimSpace(f.P); p != "" && p != "0" {
		if c.P, err = cliflag.IntList("-P", f.P, 1, compile.MaxFPTASTable); err != nil {
			return c, fmt.Errorf("study: %v", err)
		}
	}
	if given["instances"] {
		if f.Instances == "" {
			return c, fmt.Errorf("study sensitivity: -instances needs a directory")
		}
		c.Instances = f.Instances
	}
	c.Lowdim, err = lowdimDir(lowdim, f.Lowdim)
	return c, err
}

// families is the families of -families, -instances and -random: by
// default (neither of the latter) -families as given; -instances alone
// studies no family but its files; -random the generated families of
// -families, without lowdim (which is files: -instances).
func (f SensitivityFlags) families(given map[string]bool) ([]string, error) {
	if given["instances"] && given["lowdim"] {
		return nil, fmt.Errorf("study sensitivity: -lowdim and -instances both name a directory of instance files; give -instances DIR alone")
	}
	if given["instances"] && !f.Random {
		if given["families"] {
			return nil, fmt.Errorf("study sensitivity: -families does not apply: -instances without -random studies its files alone (add -random for generated families)")
		}
		return nil, nil
	}
	fams, err := cliflag.NameList("-families", f.Families, "family", SensitivityFamilies)
	if err != nil {
		return nil, fmt.Errorf("study: %v", err)
	}
	if !f.Random {
		return fams, nil
	}
	if given["families"] && slices.Contains(fams, Lowdim) {
		return nil, fmt.Errorf("study sensitivity: -families: lowdim is a directory of files, not a generated family of -random: give -instances DIR")
	}
	return slices.DeleteFunc(fams, func(f string) bool { return f == Lowdim }), nil
}

// WidthFlags are the study flags of "dp2nn study width".
type WidthFlags struct {
	PStars                                 string // LO:HI:STEP or comma-separated, in 2..MaxWidthPStar
	Threshold                              float64
	WStep, WMax                            int
	Seed                                   uint64
	Batch, Batches, Epochs, Patience, Test int // train.Protocol
	Pool, Workers                          int
	Generator                              string
}

// Validate checks f into the study's configuration (Done, OnPoint and
// OnPStar left unset).
func (f WidthFlags) Validate() (WidthConfig, error) {
	c := WidthConfig{Threshold: f.Threshold, WStep: f.WStep, WMax: f.WMax, Seed: f.Seed, Pool: f.Pool, Workers: f.Workers}
	var err error
	if c.PStars, err = cliflag.Range("-pmax", f.PStars, 2, MaxWidthPStar); err != nil {
		return c, fmt.Errorf("study: %v", err)
	}
	if t := c.Threshold; !(t > 0) || math.IsInf(t, 0) {
		return c, fmt.Errorf("study width: -threshold must be a positive number, got %v", t)
	}
	if c.WStep < 1 || c.WStep > MaxWidth {
		return c, fmt.Errorf("study width: -wstep must be between 1 and %d, got %d", MaxWidth, c.WStep)
	}
	if c.WMax < c.WStep || c.WMax > MaxWidth {
		return c, fmt.Errorf("study width: -wmax must be between -wstep (%d) and %d, got %d", c.WStep, MaxWidth, c.WMax)
	}
	for _, g := range []struct {
		name   string
		v, max int
	}{{"batch", f.Batch, 1 << 16}, {"batches", f.Batches, 1 << 24}, {"epochs", f.Epochs, 1 << 16}, {"patience", f.Patience, 1 << 16},
		{"test", f.Test, 1 << 24}, {"pool", f.Pool, 1 << 22}} {
		if g.v < 1 || g.v > g.max {
			return c, fmt.Errorf("study width: -%s must be between 1 and %d, got %d", g.name, g.max, g.v)
		}
	}
	if c.Generator, err = ParseGenerator(f.Generator); err != nil {
		return c, fmt.Errorf("study width: -generator: %v", err)
	}
	if c.Workers < 0 || c.Workers > 1024 {
		return c, fmt.Errorf("study width: -workers must be between 0 (one per core) and 1024, got %d", c.Workers)
	}
	c.Protocol.BatchSize, c.Protocol.BatchesPerEpoch, c.Protocol.MaxEpochs = f.Batch, f.Batches, f.Epochs
	c.Protocol.Patience, c.Protocol.TestBatches = f.Patience, f.Test
	if err := c.Check(); err != nil {
		return c, fmt.Errorf("study width: %v", err)
	}
	return c, nil
}

// ParseNet reads -net P,W: the p* and width of one net of the study.
func ParseNet(s string) (pstar, width int, err error) {
	pw, err := cliflag.IntList("-net", s, 1, MaxWidth)
	if err != nil {
		return 0, 0, fmt.Errorf("study: %v", err)
	}
	if len(pw) != 2 || pw[0] < 2 || pw[0] > MaxWidthPStar {
		return 0, 0, fmt.Errorf("study width: -net: want P,W with P in 2..%d and W in 1..%d, got %q", MaxWidthPStar, MaxWidth, s)
	}
	return pw[0], pw[1], nil
}
