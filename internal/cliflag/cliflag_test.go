package cliflag_test

import (
	"flag"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/cliflag"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, err string
		args      []string
		pos       []string
		n         int
		q         bool
	}{
		{name: "flags first", args: []string{"-n", "3", "a.dp"}, pos: []string{"a.dp"}, n: 3},
		{name: "flags after", args: []string{"a.dp", "-n=4", "-q"}, pos: []string{"a.dp"}, n: 4, q: true},
		{name: "between", args: []string{"a", "-q", "b"}, pos: []string{"a", "b"}, q: true},
		{name: "dash dash", args: []string{"a", "--", "-n", "5"}, pos: []string{"a", "-n", "5"}},
		{name: "unknown", args: []string{"a", "-x"}, err: "cmd: flag provided but not defined: -x"},
		{name: "bad value", args: []string{"-n", "x"}, err: `cmd: invalid value "x" for flag -n: parse error`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("cmd", flag.ContinueOnError)
			n, q := fs.Int("n", 0, ""), fs.Bool("q", false, "")
			pos, err := cliflag.Parse(fs, tc.args)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.pos, pos)
			assert.Equal(t, tc.n, *n)
			assert.Equal(t, tc.q, *q)
		})
	}
	fs := flag.NewFlagSet("cmd", flag.ContinueOnError)
	_, err := cliflag.Parse(fs, []string{"a", "-h"})
	assert.ErrorIs(t, err, flag.ErrHelp)
}

func TestGivenRefuse(t *testing.T) {
	fs := flag.NewFlagSet("cmd", flag.ContinueOnError)
	fs.Int("a", 0, "")
	fs.Int("b", 0, "")
	fs.Int("c", 7, "")
	_, err := cliflag.Parse(fs, []string{"-a", "1", "-c", "7"}) // the default given is given
	require.NoError(t, err)
	given := cliflag.Given(fs)
	assert.Equal(t, map[string]bool{"a": true, "c": true}, given)

	rules := []cliflag.Rule{{"c", false, "c is off"}, {"b", false, "b is off"}, {"a", true, ""}, {"a", false, "a is off"}}
	assert.EqualError(t, cliflag.Refuse("cmd", given, rules...), "cmd: -c does not apply: c is off\ncmd: -a does not apply: a is off")
	assert.NoError(t, cliflag.Refuse("cmd", given, cliflag.Rule{"b", false, "b is off"}, cliflag.Rule{"a", true, ""}))
	assert.NoError(t, cliflag.Refuse("cmd", given))
}

func TestParams(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want cliflag.Params
		str  string
		err  string
	}{
		{in: []string{"n=3"}, want: cliflag.Params{"n": 3}, str: "n=3"},
		{in: []string{"b=2, a = -1", "c=5"}, want: cliflag.Params{"a": -1, "b": 2, "c": 5}, str: "a=-1,b=2,c=5"},
		// adv3 M6: a repeated name was taken silently, the last value winning.
		{in: []string{"n=6", "n=5"}, err: "n is set twice (n=6 and n=5): give it once"},
		{in: []string{"n=6,n=6"}, err: "n is set twice (n=6 and n=6): give it once"},
		{in: []string{"n"}, err: `want NAME=INTEGER, got "n"`},
		{in: []string{"=3"}, err: `want NAME=INTEGER, got "=3"`},
		{in: []string{"n=3,"}, err: `want NAME=INTEGER, got ""`},
		{in: []string{"n=1.5"}, err: `n: "1.5" is not an integer`},
		{in: []string{"n=99999999999999999999"}, err: `n: "99999999999999999999" is not an integer`},
	} {
		p := cliflag.Params{}
		var err error
		for _, v := range tc.in {
			if err = p.Set(v); err != nil {
				break
			}
		}
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, "%q", tc.in)
			continue
		}
		require.NoError(t, err, "%q", tc.in)
		assert.Equal(t, tc.want, p)
		assert.Equal(t, tc.str, p.String())
	}
}

func TestBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"8589934592", 8 << 30}, {"8GiB", 8 << 30}, {" 512 MiB ", 512 << 20}, {"1.5KiB", 1536},
		{"2TiB", 2 << 40}, {"3GB", 3e9}, {"4MB", 4e6}, {"5kB", 5000}, {"7B", 7}, {"4096TiB", 1 << 52},
	} {
		got, err := cliflag.Bytes(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, in := range []string{"", "0", "0.5", "0.9B", "-1GiB", "GiB", "8 GB B", "NaN", "Inf", "5000000TiB", "1e30", "8gib"} {
		_, err := cliflag.Bytes(in)
		assert.EqualError(t, err, `want a positive size such as 8GiB or 512MiB, got "`+in+`"`, in)
	}
}

func TestIntList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  string
	}{
		{in: "10, 30,100", want: []int{10, 30, 100}},
		{in: "5", want: []int{5}},
		{in: "1,1000", want: []int{1, 1000}},
		{in: "3,x", err: `-n: "x" is not an integer`},
		{in: "", err: `-n: "" is not an integer`},
		{in: "3,,4", err: `-n: "" is not an integer`},
		{in: "0", err: "-n: n must be at least 1, got 0"},
		{in: "1001", err: "-n: n must be at most 1000, got 1001"},
		{in: "4,5,4", err: "-n: 4 is listed twice"},
	} {
		got, err := cliflag.IntList("-n", tc.in, 1, 1000)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestNameList(t *testing.T) {
	known := []string{"lowdim", "twin", "subset-sum"}
	got, err := cliflag.NameList("-families", " twin,lowdim", "family", known)
	require.NoError(t, err)
	assert.Equal(t, []string{"twin", "lowdim"}, got)
	_, err = cliflag.NameList("-families", "twin,twins", "family", known)
	assert.EqualError(t, err, `-families: unknown family "twins" (want lowdim, twin, subset-sum)`)
	_, err = cliflag.NameList("-families", "twin, twin", "family", known)
	assert.EqualError(t, err, "-families: twin is listed twice")
	_, err = cliflag.NameList("-families", "", "family", known)
	assert.EqualError(t, err, `-families: unknown family "" (want lowdim, twin, subset-sum)`)
}

func TestRange(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  string
	}{
		{in: "3:30:3", want: []int{3, 6, 9, 12, 15, 18, 21, 24, 27, 30}},
		{in: "3:10:4", want: []int{3, 7}},
		{in: "5:7", want: []int{5, 6, 7}},
		{in: "4:4", want: []int{4}},
		{in: "9,3", want: []int{9, 3}}, // a list
		{in: "1:5", err: "-pmax: 1:5 must lie in 2..75"},
		{in: "2:76", err: "-pmax: 2:76 must lie in 2..75"},
		{in: "9:3", err: "-pmax: 9:3: HI is below LO"},
		{in: "3:9:0", err: "-pmax: 3:9:0: STEP must be at least 1"},
		{in: "3:9:1:1", err: `-pmax: want LO:HI:STEP, got "3:9:1:1"`},
		{in: "3:x", err: `-pmax: "x" is not an integer`},
		{in: "9,9", err: "-pmax: 9 is listed twice"},
		{in: "80", err: "-pmax: pmax must be at most 75, got 80"},
	} {
		got, err := cliflag.Range("-pmax", tc.in, 2, 75)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	got, err := cliflag.Range("-k", "9223372036854775806:9223372036854775807:5", 1, math.MaxInt)
	require.NoError(t, err)
	assert.Equal(t, []int{math.MaxInt - 1}, got, "no overflow at the largest int")
}

func TestFloatList(t *testing.T) {
	open01 := func(v float64) string {
		if v <= 0 || v >= 1 {
			return "must be in (0, 1)"
		}
		return ""
	}
	for _, tc := range []struct {
		in   string
		want []float64
		err  string
	}{
		{in: "0.5, 0.25,0.1", want: []float64{0.5, 0.25, 0.1}},
		{in: "1e-3", want: []float64{0.001}},
		{in: "0.5,x", err: `-eps: "x" is not a number`},
		{in: "NaN", err: `-eps: "NaN" is not a number`},
		{in: "1", err: "-eps: ε = 1 must be in (0, 1)"},
		{in: "-Inf", err: "-eps: ε = -Inf must be in (0, 1)"},
		{in: "0.5,.5", err: "-eps: .5 is listed twice"},
	} {
		got, err := cliflag.FloatList("-eps", tc.in, "ε", open01)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestParseSweep(t *testing.T) {
	for _, tc := range []struct {
		in, name string
		values   []int
		err      string
	}{
		{in: "n=2..5", name: "n", values: []int{2, 3, 4, 5}},
		{in: " m,n = 1 .. 3", name: "m,n", values: []int{1, 2, 3}},
		{in: "P=1..81", name: "P", values: []int{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57, 59, 61, 63, 65, 67, 69, 71, 73, 75, 77, 79, 81}},
		{in: "n=5..5", name: "n", values: []int{5}},
		{in: "n", err: `-sweep wants NAME=LO..HI with integers, got "n"`},
		{in: "=1..3", err: `-sweep wants NAME=LO..HI with integers, got "=1..3"`},
		{in: " =1..3", err: `-sweep wants NAME=LO..HI with integers, got " =1..3"`},
		{in: "n=1-3", err: `-sweep wants NAME=LO..HI with integers, got "n=1-3"`},
		{in: "n=a..3", err: `-sweep wants NAME=LO..HI with integers, got "n=a..3"`},
		{in: "n=0..3", err: "-sweep n=0..3: want 1 <= LO <= HI and at most 1001 values"},
		{in: "n=4..3", err: "-sweep n=4..3: want 1 <= LO <= HI and at most 1001 values"},
		{in: "n=1..1002", err: "-sweep n=1..1002: want 1 <= LO <= HI and at most 1001 values"},
	} {
		sw, err := cliflag.ParseSweep("-sweep", tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, cliflag.Sweep{Name: tc.name, Values: tc.values}, sw, tc.in)
	}
	sw, err := cliflag.ParseSweep("-sweep", "n=1..1001")
	require.NoError(t, err)
	assert.Len(t, sw.Values, 41)
	assert.Equal(t, []int{1, 26}, sw.Values[:2])
	assert.Equal(t, 1001, sw.Values[40])
}

func TestSize(t *testing.T) {
	z := &cliflag.Size{N: 8 << 30, Text: func(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }}
	fs := flag.NewFlagSet("cmd", flag.ContinueOnError)
	fs.Var(z, "max-memory", "a size")
	var help strings.Builder
	fs.SetOutput(&help)
	fs.PrintDefaults()
	assert.Contains(t, help.String(), "(default 8192 MiB)")
	_, err := cliflag.Parse(fs, []string{"-max-memory", "512MiB"})
	require.NoError(t, err)
	assert.Equal(t, int64(512<<20), z.N)
	_, err = cliflag.Parse(fs, []string{"-max-memory", "0.5"})
	assert.EqualError(t, err, `cmd: invalid value "0.5" for flag -max-memory: want a positive size such as 8GiB or 512MiB, got "0.5"`)
	assert.Equal(t, int64(512<<20), z.N, "a bad size leaves the value")
	assert.Equal(t, "7", (&cliflag.Size{N: 7}).String())
}

// adv3 M5: -max-neurons 0 and -1 were taken, and turned the limit off.
func TestPositive(t *testing.T) {
	p := cliflag.Positive{N: 7}
	require.NoError(t, p.Set("12"))
	assert.Equal(t, int64(12), p.N)
	assert.Equal(t, "12", p.String())
	for in, want := range map[string]string{
		"0":   "want at least 1, got 0 (there is no setting for no limit: give a large one)",
		"-1":  "want at least 1, got -1 (there is no setting for no limit: give a large one)",
		"1e6": `"1e6" is not an integer`,
	} {
		assert.EqualError(t, p.Set(in), want)
		assert.Equal(t, int64(12), p.N, "a bad value leaves it as it was")
	}
}
