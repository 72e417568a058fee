package verify

import (
	"fmt"
	"math"
	"math/big"

	"github.com/dp2nn/dp2nn/compile"
)

// DType names an evaluation type of the network.
type DType string

const (
	Float64 DType = "float64"
	Float32 DType = "float32"
)

// Roundoff is the unit roundoff of d.
func (d DType) Roundoff() float64 {
	if d == Float32 {
		return compile.Float32Roundoff
	}
	return compile.Float64Roundoff
}

// Case is the comparison of a network with the exact DP on one instance.
type Case struct {
	Name  string
	Steps int
	Exact string // the exact DP's answer
	Known string // the known answer given with the instance, "" if none
	Runs  []Run  // one per evaluation type
	// Mismatch says what disagreed; "" when the network matched.
	Mismatch string
}

// Run is the network's behaviour in one evaluation type.
type Run struct {
	DType     DType
	MaxErr    float64 // max |network − exact| over every cell of every step
	Worst     string  // where MaxErr was seen: step, cell and DSL term
	Tolerance float64 // the decode tolerance; MaxErr above it is a mismatch
	Answer    string  // the decoded network answer
}

// AgainstDP runs net on one instance in every given type and compares every
// state of every step with the exact DP interpreter (RunDP), which shares
// no code with the lowering, and the decoded answers with each other and
// with known (when known is not nil).
func AgainstDP(net *compile.Network, name string, steps [][]float64, dtypes []DType, known *float64) (*Case, error) {
	m := net.Model
	tr, err := RunDP(m, steps)
	if err != nil {
		return nil, err
	}
	c := &Case{Name: name, Steps: len(steps)}
	var exact Answer
	if m.Answer != nil {
		if exact, err = tr.Answer(); err != nil {
			return nil, err
		}
		c.Exact = exact.String()
	}
	if known != nil {
		c.Known = fmt.Sprint(*known)
		if m.Answer != nil && (!exact.Found || exact.Float64() != *known) {
			c.fail("the exact DP's answer %s differs from the known answer %g", exact, *known)
		}
	}
	for _, dt := range dtypes {
		states, err := runStates(net, dt, steps)
		if err != nil {
			return nil, err
		}
		r := Run{DType: dt, Tolerance: net.DecodeTolerance(dt.Roundoff(), len(steps))}
		for t := range states {
			for s := range m.States {
				e, cell := tr.Compare(t, s, states[t][s])
				if e > r.MaxErr || math.IsNaN(e) {
					r.MaxErr = e
					r.Worst = describeCell(net, t, s, cell)
				}
			}
		}
		if !(r.MaxErr <= r.Tolerance) {
			c.fail("%s: state error %.3g at %s exceeds the tolerance %.3g", dt, r.MaxErr, r.Worst, r.Tolerance)
		}
		if m.Answer != nil {
			got, err := net.Decode(states[len(states)-1], r.Tolerance)
			if err != nil {
				return nil, err
			}
			r.Answer = got.String()
			if got.Found != exact.Found || (got.Found && got.Value != exact.Float64()) {
				c.fail("%s: network answer %s, exact DP %s", dt, got, exact)
			}
		}
		c.Runs = append(c.Runs, r)
	}
	return c, nil
}

func (c *Case) fail(format string, args ...any) {
	if c.Mismatch != "" {
		c.Mismatch += "; "
	}
	c.Mismatch += fmt.Sprintf(format, args...)
}

func runStates(net *compile.Network, dt DType, steps [][]float64) ([][][]float64, error) {
	if dt == Float32 {
		r, err := compile.NewRunner[float32](net)
		if err != nil {
			return nil, err
		}
		return r.Run(steps)
	}
	if dt != Float64 {
		return nil, fmt.Errorf("verify: unknown dtype %q", dt)
	}
	r, err := compile.NewRunner[float64](net)
	if err != nil {
		return nil, err
	}
	return r.Run(steps)
}

// describeCell names a state cell and the DSL term whose output neuron
// computes it, e.g. "step 3, f[7] = min(f[p], f[p - profit] + size)
// (knapsack.dp:14:13)".
func describeCell(net *compile.Network, step, state, cell int) string {
	s := net.Model.States[state]
	idx := make([]int, len(s.Dims))
	c := cell
	for d := len(s.Dims) - 1; d >= 0; d-- {
		n := s.Dims[d].Size()
		idx[d] = s.Dims[d].Lo + c%n
		c /= n
	}
	where := fmt.Sprintf("step %d, %s%v", step, s.Name, idx)
	if step > 0 {
		if blk, ok := net.Cell.Output(s.Name); ok {
			if g := net.Cell.GroupOf(blk.Start + cell); g != nil {
				where += fmt.Sprintf(" = %s (%s)", g.Term, g.Pos)
			}
		}
	}
	return where
}

// AgainstRounded is AgainstDP for networks of the fptas scheme: it compares
// every table cell and the running total of every step with the rounded
// DP computed directly (RunRoundedDP), the decoded answer p_NN with the
// rounded DP's, and p_NN with the exact optimum opt (the exact DP's answer
// when opt is nil): p_NN ≤ OPT and p_NN ≥ (1 − n²/P)·OPT, in exact
// arithmetic. Case.Exact holds the rounded DP's answer and Case.Known the
// optimum.
func AgainstRounded(net *compile.Network, name string, steps [][]float64, dtypes []DType, opt *float64) (*Case, error) {
	m, r := net.Model, net.Rounding
	if r == nil {
		return nil, fmt.Errorf("verify: network %s is not rounded", name)
	}
	tr, err := RunRoundedDP(m, steps, r.P)
	if err != nil {
		return nil, err
	}
	want, found, err := tr.Answer(m)
	if err != nil {
		return nil, err
	}
	c := &Case{Name: name, Steps: len(steps)}
	if found {
		c.Exact = want.RatString()
	} else {
		c.Exact = "none"
	}
	var optimum *big.Rat
	if opt != nil {
		optimum = new(big.Rat).SetFloat64(*opt)
	} else {
		exact, err := RunDP(m, steps)
		if err != nil {
			return nil, err
		}
		a, err := exact.Answer()
		if err != nil {
			return nil, err
		}
		if a.Found {
			optimum = a.Value.Rat()
		}
	}
	if optimum != nil {
		c.Known = optimum.RatString()
		if found {
			if err := CheckGuarantee(want, optimum, len(steps), r.P); err != nil {
				c.fail("%v", err)
			}
		}
	}
	for _, dt := range dtypes {
		states, err := runStates(net, dt, steps)
		if err != nil {
			return nil, err
		}
		run := Run{DType: dt, Tolerance: net.DecodeTolerance(dt.Roundoff(), len(steps))}
		for t := range states {
			for cell, v := range states[t][0] {
				e := new(big.Rat).SetFloat64(v)
				if e == nil { // NaN or Inf
					run.MaxErr, run.Worst = math.Inf(1), fmt.Sprintf("step %d, %s[%d]", t, r.State, cell+1)
					continue
				}
				d, _ := new(big.Rat).Sub(e, tr.Tables[t][cell]).Float64()
				if d = math.Abs(d); d > run.MaxErr {
					run.MaxErr, run.Worst = d, describeCell(net, t, 0, cell)
				}
			}
			if got := states[t][1][0]; got != float64(tr.Totals[t]) {
				c.fail("%s: step %d: running total %g, want %d", dt, t, got, tr.Totals[t])
			}
		}
		if !(run.MaxErr <= run.Tolerance) {
			c.fail("%s: table error %.3g at %s exceeds the tolerance %.3g", dt, run.MaxErr, run.Worst, run.Tolerance)
		}
		got, err := net.Decode(states[len(states)-1], run.Tolerance)
		if err != nil {
			return nil, err
		}
		run.Answer = got.String()
		// p·D is an integer below 2^53, so float64(p·D)/P and the exact
		// p·D/P rounded to float64 are the same number.
		wantF := 0.0
		if found {
			wantF, _ = want.Float64()
		}
		if got.Found != found || (found && got.Value != wantF) {
			c.fail("%s: network answer %s, rounded DP %s", dt, got, c.Exact)
		}
		c.Runs = append(c.Runs, run)
	}
	return c, nil
}

// CheckGuarantee checks the FPTAS-NN guarantee of Hertrich & Skutella for
// an instance of n items and table size P: (1 − n²/P)·OPT ≤ p_NN ≤ OPT,
// exactly.
func CheckGuarantee(pNN, opt *big.Rat, n, P int) error {
	if pNN.Cmp(opt) > 0 {
		return fmt.Errorf("p_NN = %s exceeds the optimum %s", pNN.RatString(), opt.RatString())
	}
	bound := new(big.Rat).Sub(big.NewRat(1, 1), big.NewRat(int64(n)*int64(n), int64(P)))
	bound.Mul(bound, opt)
	if pNN.Cmp(bound) < 0 {
		return fmt.Errorf("p_NN = %s is below (1 - n²/P)·OPT = %s (n = %d, P = %d, OPT = %s)", pNN.RatString(), bound.RatString(), n, P, opt.RatString())
	}
	return nil
}
