package knapsack

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Family names where an instance came from: one of Pisinger's generated
// families, or Lowdim for the files under testdata/lowdim.
type Family string

// Lowdim is the family of the instances read by ReadInstance.
const Lowdim Family = "lowdim"

// Instance is a 0-1 knapsack instance with integer data: choose items whose
// weights sum to at most Capacity and whose profits sum to as much as
// possible.
type Instance struct {
	Name     string
	Family   Family
	Profits  []int64
	Weights  []int64
	Capacity int64
}

// Len is the number of items.
func (in Instance) Len() int { return len(in.Profits) }

// Sizes returns the weights divided by the capacity, the normalised sizes
// that the networks read (capacity 1). With Capacity 0 an item of positive
// weight gets size +Inf. The division rounds, so compare the float DP with
// integer solvers only where w/C is exact (C a power of two, say).
func (in Instance) Sizes() []float64 {
	s := make([]float64, len(in.Weights))
	for i, w := range in.Weights {
		switch {
		case w == 0:
			s[i] = 0
		case in.Capacity == 0:
			s[i] = math.Inf(1)
		default:
			s[i] = float64(w) / float64(in.Capacity)
		}
	}
	return s
}

// Fitting returns the instance without the items that do not fit into the
// knapsack on their own (weight > capacity). No solution uses them, so the
// optimum does not change; the FPTAS guarantee needs them gone, because it
// bounds the largest profit by OPT.
func (in Instance) Fitting() Instance {
	out := in
	out.Profits, out.Weights = nil, nil
	for i, w := range in.Weights {
		if w <= in.Capacity {
			out.Profits = append(out.Profits, in.Profits[i])
			out.Weights = append(out.Weights, w)
		}
	}
	return out
}

// Validate reports the first thing that makes profits, weights and
// capacity unusable: different lengths, a negative number, or sums that
// overflow int64.
func Validate(profits, weights []int64, capacity int64) error {
	if len(profits) != len(weights) {
		return fmt.Errorf("knapsack: %d profits but %d weights", len(profits), len(weights))
	}
	if capacity < 0 {
		return fmt.Errorf("knapsack: negative capacity %d", capacity)
	}
	var sp, sw int64
	for i := range profits {
		if profits[i] < 0 {
			return fmt.Errorf("knapsack: item %d has negative profit %d", i, profits[i])
		}
		if weights[i] < 0 {
			return fmt.Errorf("knapsack: item %d has negative weight %d", i, weights[i])
		}
		if sp > math.MaxInt64-profits[i] || sw > math.MaxInt64-weights[i] {
			return fmt.Errorf("knapsack: the profits or weights of the first %d items overflow int64", i+1)
		}
		sp += profits[i]
		sw += weights[i]
	}
	return nil
}

// ReadInstance reads an instance in the format of testdata/lowdim: the
// number of items n, then n lines "profit weight", then the capacity.
// Blank lines are skipped. Errors name the file and line.
func ReadInstance(name string, r io.Reader) (Instance, error) {
	lines := &lineReader{name: name, sc: bufio.NewScanner(r)}
	in := Instance{Name: name, Family: Lowdim}
	f, err := lines.expect(1, "the item count")
	if err != nil {
		return in, err
	}
	n, err := lines.integer(f[0], "item count")
	if err != nil {
		return in, err
	}
	if n < 0 || n > 1<<24 {
		return in, lines.errorf("item count %d out of range 0..%d", n, 1<<24)
	}
	in.Profits = make([]int64, n)
	in.Weights = make([]int64, n)
	for i := range n {
		f, err := lines.expect(2, fmt.Sprintf("item %d of %d", i+1, n))
		if err != nil {
			return in, err
		}
		if in.Profits[i], err = lines.integer(f[0], "profit"); err != nil {
			return in, err
		}
		if in.Weights[i], err = lines.integer(f[1], "weight"); err != nil {
			return in, err
		}
	}
	if f, err = lines.expect(1, "the capacity"); err != nil {
		return in, err
	}
	if in.Capacity, err = lines.integer(f[0], "capacity"); err != nil {
		return in, err
	}
	if f, err := lines.next(-1); err != io.EOF {
		if err != nil {
			return in, err
		}
		return in, lines.errorf("unexpected %q after the capacity", strings.Join(f, " "))
	}
	if err := Validate(in.Profits, in.Weights, in.Capacity); err != nil {
		return in, fmt.Errorf("%s: %w", name, err)
	}
	return in, nil
}

// ReadOptima reads lines "name optimum", as in testdata/lowdim/optima.txt.
func ReadOptima(name string, r io.Reader) (map[string]int64, error) {
	lines := &lineReader{name: name, sc: bufio.NewScanner(r)}
	opt := make(map[string]int64)
	for {
		f, err := lines.next(2)
		if err == io.EOF {
			return opt, nil
		}
		if err != nil {
			return opt, err
		}
		if _, dup := opt[f[0]]; dup {
			return opt, lines.errorf("second optimum for %s", f[0])
		}
		if opt[f[0]], err = lines.integer(f[1], "optimum"); err != nil {
			return opt, err
		}
	}
}

// lineReader hands out the fields of non-blank lines and remembers where
// it is for error messages.
type lineReader struct {
	name string
	sc   *bufio.Scanner
	line int
}

func (l *lineReader) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", l.name, l.line, fmt.Sprintf(format, args...))
}

// expect is next with the end of the input turned into an error that says
// what was missing.
func (l *lineReader) expect(want int, what string) ([]string, error) {
	f, err := l.next(want)
	if err == io.EOF {
		return nil, fmt.Errorf("%s: unexpected end of input, want %s", l.name, what)
	}
	return f, err
}

// next returns the fields of the next non-blank line, which must number
// exactly want (any number when want < 0); at the end of the input it
// returns io.EOF.
func (l *lineReader) next(want int) ([]string, error) {
	for l.sc.Scan() {
		l.line++
		f := strings.Fields(l.sc.Text())
		if len(f) == 0 {
			continue
		}
		if want >= 0 && len(f) != want {
			return nil, l.errorf("want %d fields, have %d: %q", want, len(f), l.sc.Text())
		}
		return f, nil
	}
	if err := l.sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", l.name, err)
	}
	return nil, io.EOF
}

func (l *lineReader) integer(s, what string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, l.errorf("%s %q is not an integer", what, s)
	}
	return v, nil
}

// WriteInstance writes in in the format ReadInstance reads.
func WriteInstance(w io.Writer, in Instance) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, len(in.Profits))
	for i := range in.Profits {
		fmt.Fprintln(bw, in.Profits[i], in.Weights[i])
	}
	fmt.Fprintln(bw, in.Capacity)
	return bw.Flush()
}
