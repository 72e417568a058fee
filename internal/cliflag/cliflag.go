package cliflag

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Parse parses the flags of fs, which may come before or after the
// positional arguments, and returns the positional ones ("--" ends the
// flags). It returns flag.ErrHelp for -h and -help, and otherwise an
// error prefixed with the flag set's name.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, flag.ErrHelp
			}
			return nil, fmt.Errorf("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// Given is the set of flags given on the command line (flag.FlagSet.Visit).
func Given(fs *flag.FlagSet) map[string]bool {
	g := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { g[f.Name] = true })
	return g
}

// Rule says whether a flag applies (OK) and, when it does not, why.
type Rule struct {
	Flag string
	OK   bool
	Why  string
}

// Refuse returns one line "cmd: -FLAG does not apply: WHY" for every rule
// whose flag is in given but does not apply, in the rules' order; nil
// when there is none.
func Refuse(cmd string, given map[string]bool, rules ...Rule) error {
	var msgs []string
	for _, r := range rules {
		if given[r.Flag] && !r.OK {
			msgs = append(msgs, fmt.Sprintf("%s: -%s does not apply: %s", cmd, r.Flag, r.Why))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// Params is a flag.Value of repeated NAME=INTEGER flags (-set), each of
// which may hold a comma-separated list; a name given twice is an error
// naming both values (which one was meant cannot be told).
type Params map[string]int64

// String lists the params sorted by name: "a=1,b=2".
func (s Params) String() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, s[k]))
	}
	return strings.Join(parts, ",")
}

// Set adds NAME=INTEGER[,NAME=INTEGER...].
func (s Params) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		name, val, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return fmt.Errorf("want NAME=INTEGER, got %q", part)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return fmt.Errorf("%s: %q is not an integer", name, val)
		}
		if old, dup := s[name]; dup {
			return fmt.Errorf("%s is set twice (%s=%d and %s=%d): give it once", name, name, old, name, n)
		}
		s[name] = n
	}
	return nil
}

// Bytes parses a positive size in bytes: "8589934592", "8GiB", "512 MiB",
// "1.5GB" (binary units KiB..TiB, decimal kB..TB, B); at most 2⁶² bytes.
func Bytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3}, {"B", 1}} {
		if v, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(v), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	// !(b >= 1) also refuses NaN, and a fraction of a byte.
	if b := v * float64(mult); err != nil || !(b >= 1) || b > 1<<62 {
		return 0, fmt.Errorf("want a positive size such as 8GiB or 512MiB, got %q", s)
	}
	return int64(v * float64(mult)), nil
}

// Size is a flag.Value of a size in bytes, parsed by Bytes; Text, when
// set, writes it for help and messages (else the number of bytes).
type Size struct {
	N    int64
	Text func(int64) string
}

func (z *Size) String() string {
	if z.Text == nil {
		return strconv.FormatInt(z.N, 10)
	}
	return z.Text(z.N)
}

// Set parses a size; a bad one leaves z as it was.
func (z *Size) Set(s string) error {
	n, err := Bytes(s)
	if err == nil {
		z.N = n
	}
	return err
}

// Positive is a flag.Value of a count of at least 1 (a limit such as
// -max-neurons: 0 or a negative number would not read as "no limit" to
// everyone, and -max-memory, a Size, takes none either).
type Positive struct{ N int64 }

func (p *Positive) String() string { return strconv.FormatInt(p.N, 10) }

// Set parses a count of at least 1; a bad one leaves p as it was.
func (p *Positive) Set(s string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not an integer", s)
	}
	if n < 1 {
		return fmt.Errorf("want at least 1, got %d (there is no setting for no limit: give a large one)", n)
	}
	p.N = n
	return nil
}

// IntList parses a comma-separated list of distinct integers in lo..hi.
// Errors name flagName ("-n") and the value.
func IntList(flagName, s string, lo, hi int) ([]int, error) {
	name := strings.TrimPrefix(flagName, "-")
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an integer", flagName, f)
		}
		if v < lo {
			return nil, fmt.Errorf("%s: %s must be at least %d, got %d", flagName, name, lo, v)
		}
		if v > hi {
			return nil, fmt.Errorf("%s: %s must be at most %d, got %d", flagName, name, hi, v)
		}
		if slices.Contains(out, v) {
			return nil, fmt.Errorf("%s: %d is listed twice", flagName, v)
		}
		out = append(out, v)
	}
	return out, nil
}

// NameList parses a comma-separated list of distinct names among known;
// what names one of them in errors ("family").
func NameList(flagName, s, what string, known []string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(known, f) {
			return nil, fmt.Errorf("%s: unknown %s %q (want %s)", flagName, what, f, strings.Join(known, ", "))
		}
		if slices.Contains(out, f) {
			return nil, fmt.Errorf("%s: %s is listed twice", flagName, f)
		}
		out = append(out, f)
	}
	return out, nil
}

// Range parses LO:HI:STEP (HI included; STEP 1 when left out) with
// lo <= LO <= HI <= hi, or else an IntList.
func Range(flagName, s string, lo, hi int) ([]int, error) {
	if !strings.Contains(s, ":") {
		return IntList(flagName, s, lo, hi)
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return nil, fmt.Errorf("%s: want LO:HI:STEP, got %q", flagName, s)
	}
	var v [3]int
	v[2] = 1
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an integer", flagName, p)
		}
		v[i] = n
	}
	switch {
	case v[0] < lo || v[1] > hi:
		return nil, fmt.Errorf("%s: %s must lie in %d..%d", flagName, s, lo, hi)
	case v[1] < v[0]:
		return nil, fmt.Errorf("%s: %s: HI is below LO", flagName, s)
	case v[2] < 1:
		return nil, fmt.Errorf("%s: %s: STEP must be at least 1", flagName, s)
	}
	// Counted, so that HI near the largest int cannot overflow x.
	out := make([]int, 0, (v[1]-v[0])/v[2]+1)
	for x := v[0]; len(out) < cap(out); x += v[2] {
		out = append(out, x)
	}
	return out, nil
}

// FloatList parses a comma-separated list of distinct numbers (NaN is
// not one); bad says what is wrong with a value ("" when nothing), and
// sym names a value in its message ("ε").
func FloatList(flagName, s, sym string, bad func(float64) string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsNaN(v) {
			return nil, fmt.Errorf("%s: %q is not a number", flagName, f)
		}
		if why := bad(v); why != "" {
			return nil, fmt.Errorf("%s: %s = %s %s", flagName, sym, f, why)
		}
		if slices.Contains(out, v) {
			return nil, fmt.Errorf("%s: %s is listed twice", flagName, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// MaxSweep is the most values a Sweep spans (HI−LO ≤ MaxSweep−1), and
// SweepPoints about the most it takes of them (at most 2·SweepPoints+1).
const (
	MaxSweep    = 1001
	SweepPoints = 40
)

// Sweep is NAME=LO..HI: a name (or comma-separated names) and the
// values it runs over.
type Sweep struct {
	Name   string
	Values []int
}

// ParseSweep parses NAME=LO..HI with 1 <= LO <= HI and at most MaxSweep
// values; the values are LO, LO+step, ... ≤ HI with step
// max(1, ⌊(HI−LO)/SweepPoints⌋), which takes SweepPoints+1 to
// 2·SweepPoints+1 of them (a plot shows the trend, not every value).
func ParseSweep(flagName, s string) (Sweep, error) {
	name, rng, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	lo, hi, ok2 := strings.Cut(rng, "..")
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	b, err2 := strconv.Atoi(strings.TrimSpace(hi))
	switch {
	case !ok || !ok2 || name == "" || err1 != nil || err2 != nil:
		return Sweep{}, fmt.Errorf("%s wants NAME=LO..HI with integers, got %q", flagName, s)
	case a < 1 || b < a || b-a > MaxSweep-1:
		return Sweep{}, fmt.Errorf("%s %s: want 1 <= LO <= HI and at most %d values", flagName, s, MaxSweep)
	}
	sw := Sweep{Name: name}
	step := max(1, (b-a)/SweepPoints)
	for k := 0; k <= (b-a)/step; k++ {
		sw.Values = append(sw.Values, a+k*step)
	}
	return sw, nil
}
