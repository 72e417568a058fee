package verify

import (
	"fmt"
	"math"

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
