package compile

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/dsl"
)

// Request is a lowering asked for before the instance is known: Options,
// validated once where they are given (the command line), in which the
// fptas table size is either P itself or chosen from a target error ε for
// n items, P = ⌈n²/ε⌉, so that the guarantee (1 − n²/P)·OPT <= p_NN of
// Hertrich & Skutella reads (1 − ε)·OPT <= p_NN.
type Request struct {
	Options
	// Eps is the target error ε in (0, 1) of the fptas scheme when P is
	// 0; N is the number of items it is for, 0 for the instance's own.
	Eps float64
	N   int
}

// For returns the options for an instance of n items (0 when unknown):
// Options itself, with P chosen from ε for a request by error.
func (r Request) For(n int) (Options, error) {
	if r.Scheme != FPTAS || r.Eps == 0 {
		return r.Options, nil
	}
	if r.N != 0 {
		n = r.N
	}
	opt := r.Options
	P, err := PForEps(r.Eps, n)
	opt.P = P
	return opt, err
}

// WithoutItems is For of a request without an instance: a request by
// error needs its number of items N.
func (r Request) WithoutItems() (Options, error) {
	if r.Eps != 0 && r.N < 1 {
		return Options{}, fmt.Errorf("-eps needs the number of items: give -n N")
	}
	return r.For(0)
}

// PForEps is the table size P = ⌈n²/ε⌉ of the FPTAS-NN whose value is
// at least (1 − ε)·OPT on instances of n items. P is at most
// MaxFPTASTable.
func PForEps(eps float64, n int) (int, error) {
	if !(eps > 0 && eps < 1) {
		return 0, fmt.Errorf("fptas: the target error ε must lie strictly between 0 and 1, got %g", eps)
	}
	if n < 1 {
		return 0, fmt.Errorf("fptas: ε = %g needs the number of items n the guarantee is for", eps)
	}
	P := math.Ceil(float64(n) * float64(n) / eps)
	if P > MaxFPTASTable {
		return 0, fmt.Errorf("fptas: ε = %g with n = %d needs P = %.0f, above the supported %d", eps, n, P, MaxFPTASTable)
	}
	return int(P), nil
}

// SmoothInstance completes the options of the smooth scheme for one
// instance (steps[t] holds the step inputs of step t+1): the network is
// unrolled over its steps, and every input that offsets a read (knapsack's
// weights) is fixed to the instance's values, so that every read is
// static.
func (o Options) SmoothInstance(m *dsl.Model, steps [][]float64) Options {
	o.Steps = len(steps)
	o.Fixed = map[string][]float64{}
	for _, s := range m.States {
		walkReads(s.Body, func(ix *dsl.IndexExpr) {
			for _, t := range ix.Terms {
				vals := make([]float64, len(steps))
				for i, st := range steps {
					vals[i] = st[t.Input.Index]
				}
				o.Fixed[t.Input.Name] = vals
			}
		})
	}
	return o
}

func walkReads(t *dsl.Term, visit func(*dsl.IndexExpr)) {
	if t.Kind == dsl.TRead {
		for _, ix := range t.Index {
			visit(ix)
		}
	}
	for _, a := range t.Args {
		walkReads(a, visit)
	}
}

// RoundingOf is the rounding the fptas scheme with table size P applies
// to m, found without building the network: the rounded state and the
// accumulated input (Rounding.Offset). Its error says why the rule does
// not apply, as Lower's does.
func RoundingOf(m *dsl.Model, P int) (*Rounding, error) { return newRounding(m, P) }

// Limits is what dsl.CheckWith may allow a program lowered with o: the
// fptas scheme's table has P cells whatever the range of the index it
// rounds (a profit sum of 10^12), so its index ranges may reach 2^53
// values and the cost model decides what fits; other schemes keep dsl's
// default.
func (o Options) Limits() dsl.Limits {
	if o.Scheme == FPTAS {
		return dsl.Limits{MaxCount: 1 << 53}
	}
	return dsl.Limits{}
}

// SchemeFlags are the command line's lowering flags besides -scheme, as
// given: -reg and -gamma of the smooth scheme, -P, or -eps and -n, of
// the fptas scheme.
type SchemeFlags struct {
	Reg   string
	Gamma float64
	P     int
	Eps   float64
	N     int
}

// Request validates the flags of scheme s into the lowering they ask
// for, or says what is wrong with them, naming the flag; given are the
// flags given (the fptas scheme needs -P or -eps, not both). Whether a
// flag applies to s at all is the command line's to check first.
func (f SchemeFlags) Request(s Scheme, given map[string]bool) (Request, error) {
	switch s {
	case Smooth:
		reg, err := ParseReg(f.Reg)
		if err != nil {
			return Request{}, fmt.Errorf("-reg: %v", err)
		}
		if g := f.Gamma; !(g > 0) || math.IsInf(g, 0) {
			return Request{}, fmt.Errorf("-gamma must be a positive number, got %g", g)
		}
		return Request{Options: Options{Scheme: s, Reg: reg, Gamma: f.Gamma}}, nil
	case FPTAS:
	default:
		return Request{Options: Options{Scheme: s}}, nil
	}
	switch {
	case given["P"] && given["eps"]:
		return Request{}, fmt.Errorf("-scheme fptas: give -P or -eps, not both")
	case given["P"]:
		if f.P < 1 {
			return Request{}, fmt.Errorf("-P must be at least 1: P is the size of the FPTAS-NN's table (its width is 2P²+2P), got %d", f.P)
		}
		return Request{Options: Options{Scheme: s, P: f.P}}, nil
	case given["eps"]:
		if e := f.Eps; !(e > 0 && e < 1) {
			return Request{}, fmt.Errorf("-eps must lie strictly between 0 and 1, got %g", e)
		}
		return Request{Options: Options{Scheme: s}, Eps: f.Eps, N: f.N}, nil
	}
	return Request{}, fmt.Errorf("-scheme fptas needs -P N or -eps E")
}
