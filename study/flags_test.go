package study_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/study"
)

func fptasFlags() study.FPTASFlags {
	return study.FPTASFlags{Program: "p.dp", Families: "lowdim,uncorrelated", N: "10,30", P: "5,10", Per: 8, Seed: 1, R: 1000, Lowdim: "dir"}
}

func TestFPTASFlagsValidate(t *testing.T) {
	c, err := fptasFlags().Validate(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"lowdim", "uncorrelated"}, c.Families)
	assert.Equal(t, []int{10, 30}, c.N)
	assert.Equal(t, []int{5, 10}, c.P)
	assert.Equal(t, "dir", c.Lowdim)
	assert.Equal(t, 8, c.Per)

	for _, tc := range []struct {
		name  string
		edit  func(*study.FPTASFlags)
		given []string
		err   string
	}{
		{"unknown family", func(f *study.FPTASFlags) { f.Families = "lowdim,random" }, nil, `study: -families: unknown family "random" (want lowdim, uncorrelated, weakly-correlated, strongly-correlated, inverse-strongly-correlated, subset-sum)`},
		{"only lowdim", func(f *study.FPTASFlags) { f.Families = "lowdim" }, []string{"n", "R"}, "study: -n does not apply: -n sizes the generated families; -families has only lowdim, whose instances are files\nstudy: -R does not apply: -R is the data range of the generated families; -families has only lowdim, whose instances are files"},
		{"no lowdim", func(f *study.FPTASFlags) { f.Families = "subset-sum" }, []string{"lowdim"}, "study: -lowdim does not apply: -lowdim is the directory of the family lowdim, which -families leaves out"},
		{"n", func(f *study.FPTASFlags) { f.N = "10,0" }, nil, "study: -n: n must be at least 1, got 0"},
		{"P", func(f *study.FPTASFlags) { f.P = "5,5" }, nil, "study: -P: 5 is listed twice"},
		{"per", func(f *study.FPTASFlags) { f.Per = 0 }, nil, "study: -per must be between 1 and 10000, got 0"},
		{"R", func(f *study.FPTASFlags) { f.R = 2_000_000 }, nil, "study: -R must be between 1 and 1000000, got 2000000"},
		{"lowdim dir", func(f *study.FPTASFlags) { f.Lowdim = "" }, nil, "study: family lowdim needs -lowdim DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fptasFlags()
			tc.edit(&f)
			given := map[string]bool{}
			for _, g := range tc.given {
				given[g] = true
			}
			_, err := f.Validate(given)
			assert.EqualError(t, err, tc.err)
		})
	}
}

func sensitivityFlags() study.SensitivityFlags {
	return study.SensitivityFlags{Families: "lowdim,subset-sum,twin", N: "10,30", P: "20", Eps: "0.5,0.1", Gamma: "0.3", Per: 2, Samples: 16, Seed: 1, R: 100, Lowdim: "dir", Program: "p.dp"}
}

func TestSensitivityFlagsValidate(t *testing.T) {
	c, err := sensitivityFlags().Validate(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"lowdim", "subset-sum", "twin"}, c.Families)
	assert.Equal(t, []float64{0.5, 0.1}, c.Eps)
	assert.Equal(t, []int{20}, c.P)

	f := sensitivityFlags()
	f.Random, f.P = true, "0"
	c, err = f.Validate(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"subset-sum", "twin"}, c.Families, "-random leaves lowdim (files) out")
	assert.Empty(t, c.Lowdim)
	assert.Empty(t, c.P, "-P 0: no FPTAS-NN rows")

	f = sensitivityFlags()
	f.Instances = "inst"
	c, err = f.Validate(map[string]bool{"instances": true})
	require.NoError(t, err)
	assert.Empty(t, c.Families, "-instances alone studies its files")
	assert.Equal(t, "inst", c.Instances)

	for _, tc := range []struct {
		name  string
		edit  func(*study.SensitivityFlags)
		given []string
		err   string
	}{
		{"instances and lowdim", func(*study.SensitivityFlags) {}, []string{"instances", "lowdim"}, "study sensitivity: -lowdim and -instances both name a directory of instance files; give -instances DIR alone"},
		{"instances and families", func(*study.SensitivityFlags) {}, []string{"instances", "families"}, "study sensitivity: -families does not apply: -instances without -random studies its files alone (add -random for generated families)"},
		{"random lowdim", func(f *study.SensitivityFlags) { f.Random = true }, []string{"families"}, "study sensitivity: -families: lowdim is a directory of files, not a generated family of -random: give -instances DIR"},
		{"per without generated", func(f *study.SensitivityFlags) { f.Families = "lowdim,twin" }, []string{"per"}, "study sensitivity: -per does not apply: -per counts the instances of the generated families; -families has no generated family"},
		{"n with only lowdim", func(f *study.SensitivityFlags) { f.Families = "lowdim" }, []string{"n"}, "study sensitivity: -n does not apply: -n sizes the generated and twin families; -families has only lowdim"},
		{"samples", func(f *study.SensitivityFlags) { f.Samples = 1 }, nil, "study: -samples must be between 2 and 10000 (a confidence interval needs 2), got 1"},
		{"eps", func(f *study.SensitivityFlags) { f.Eps = "0.5,1" }, nil, "study: -eps: ε = 1 must be in (0, 1): the algorithms' value is at least (1 − ε)·OPT"},
		{"gamma", func(f *study.SensitivityFlags) { f.Gamma = "+Inf" }, nil, "study: -gamma: γ = +Inf must be a finite temperature > 0"},
		{"gamma NaN", func(f *study.SensitivityFlags) { f.Gamma = "NaN" }, nil, `study: -gamma: "NaN" is not a number`},
		{"P", func(f *study.SensitivityFlags) { f.P = "20,x" }, nil, `study: -P: "x" is not an integer`},
		{"empty instances", func(*study.SensitivityFlags) {}, []string{"instances"}, "study sensitivity: -instances needs a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := sensitivityFlags()
			tc.edit(&f)
			given := map[string]bool{}
			for _, g := range tc.given {
				given[g] = true
			}
			_, err := f.Validate(given)
			assert.EqualError(t, err, tc.err)
		})
	}
}

func widthFlags() study.WidthFlags {
	return study.WidthFlags{PStars: "3:9:3", Threshold: 0.005, WStep: 10, WMax: 100, Seed: 1, Batch: 32, Batches: 10, Epochs: 5, Patience: 2, Test: 10, Pool: 100, Generator: "dp2nn"}
}

func TestWidthFlagsValidate(t *testing.T) {
	c, err := widthFlags().Validate()
	require.NoError(t, err)
	assert.Equal(t, []int{3, 6, 9}, c.PStars)
	assert.Equal(t, 32, c.Protocol.BatchSize)
	assert.Equal(t, 5, c.Protocol.MaxEpochs)

	for _, tc := range []struct {
		name string
		edit func(*study.WidthFlags)
		err  string
	}{
		{"pmax", func(f *study.WidthFlags) { f.PStars = "1:9" }, "study: -pmax: 1:9 must lie in 2..200"},
		{"threshold", func(f *study.WidthFlags) { f.Threshold = 0 }, "study width: -threshold must be a positive number, got 0"},
		{"wstep", func(f *study.WidthFlags) { f.WStep = 0 }, "study width: -wstep must be between 1 and 5000, got 0"},
		{"wmax", func(f *study.WidthFlags) { f.WMax = 5 }, "study width: -wmax must be between -wstep (10) and 5000, got 5"},
		{"patience", func(f *study.WidthFlags) { f.Patience = 0 }, "study width: -patience must be between 1 and 65536, got 0"},
		{"generator", func(f *study.WidthFlags) { f.Generator = "x" }, `study width: -generator: unknown generator "x" (valid: dp2nn, paper)`},
		{"workers", func(f *study.WidthFlags) { f.Workers = -1 }, "study width: -workers must be between 0 (one per core) and 1024, got -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := widthFlags()
			tc.edit(&f)
			_, err := f.Validate()
			assert.EqualError(t, err, tc.err)
		})
	}
	for _, tc := range []struct{ in, err string }{
		{"30,200", ""},
		{"30", `study width: -net: want P,W with P in 2..200 and W in 1..5000, got "30"`},
		{"1,20", `study width: -net: want P,W with P in 2..200 and W in 1..5000, got "1,20"`},
		{"30,x", `study: -net: "x" is not an integer`},
	} {
		p, w, err := study.ParseNet(tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, [2]int{30, 200}, [2]int{p, w})
	}
}
