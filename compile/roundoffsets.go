package compile

import (
	"fmt"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// The offset-rounding rule (scheme FPTAS for a program with data) applies
// to a program whose states are read at an index minus non-negative
// integer data ℓ (f[c − ℓ, …]: c accumulates ℓ, as the length in the
// constrained shortest path), where the data's declared upper end is a
// param (data len[…] int in 1..lmax). With -P N the rule rounds every ℓ
// up to a multiple of k = ⌈lmax / N⌉ and divides by k: the network
// computes
//
//	ℓ' = ⌈ℓ/k⌉ = Σ_{j=0..⌈lmax/k⌉−1} clamp(ℓ − jk, 0, 1)
//
// from the integer ℓ it is fed (two neurons per j, one layer), and then
// runs the program itself, re-checked with lmax' = ⌈lmax/k⌉: every range
// the program derives from lmax (the table length, the step count)
// shrinks with it, so the program keeps saying how large its tables must
// be. A search answer over the accumulated index decodes to k·c'. Since ℓ
// ≤ k·ℓ' < ℓ + k, a solution found at rounded index c' has true index at
// most k·c', and an optimal solution with r offsets has rounded index
// below (OPT + k·r)/k: k·c' is within k·r of the optimum, from above (in
// the constrained shortest path r ≤ n − 1 arcs).

// OffsetRounding describes the rounded data of an FPTAS network of a
// program with data.
type OffsetRounding struct {
	N     int    // rounded offsets take N' = ⌈lmax/k⌉ <= N values above 0
	K     int    // the rounding factor
	Data  string // the rounded data array
	Param string // the param bounding it, re-bound to ⌈lmax/k⌉
	State string // the state its offsets index
	// Original is the program before rounding (Network.Model is the
	// re-checked one).
	Original       *dsl.Model
	dataLo, dataHi float64    // the declared range of Data, which the network is fed
	state          *dsl.State // State itself
	dim            int        // the dimension of State the offsets round
}

// newOffsetRounding checks that the rule applies to m and returns it with
// the re-checked program.
func newOffsetRounding(m *dsl.Model, N int) (*OffsetRounding, *dsl.Model, error) {
	if N < 1 {
		return nil, nil, fmt.Errorf("fptas: the number of rounded offset values P must be at least 1, got %d", N)
	}
	var r *OffsetRounding
	var err error
	for _, s := range m.States {
		if s.Body == nil {
			continue
		}
		walkTerms(s.Body, func(t *dsl.Term) {
			if err != nil || t.Kind != dsl.TRead {
				return
			}
			for dim, ix := range t.Index {
				for _, o := range ix.Offsets {
					switch {
					case o.Term.Kind != dsl.TData:
						err = fmt.Errorf("%s: the fptas offset-rounding rule rounds data offsets; %s is offset by an input", t.Pos(), t.Text)
					case o.Coef != -1 || o.Term.Data.Lo < 0:
						err = fmt.Errorf("%s: the fptas offset-rounding rule needs %s to read at an index minus non-negative data", t.Pos(), t.Text)
					case r != nil && r.Data != o.Term.Data.Name:
						err = fmt.Errorf("%s: the fptas offset-rounding rule rounds one data array; %s and %s both offset reads", t.Pos(), r.Data, o.Term.Data.Name)
					case r == nil:
						r = &OffsetRounding{Data: o.Term.Data.Name, State: t.State.Name, Original: m,
							dataLo: o.Term.Data.Lo, dataHi: o.Term.Data.Hi, state: t.State, dim: dim}
					}
				}
			}
		})
	}
	if err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, fmt.Errorf("%s: the fptas scheme needs a state read at an index minus data (like f[c - len[u, v], u]) to round", m.File.Pos())
	}
	// The guarantee OPT <= k·c' <= OPT + k·(n−1) is about a search over
	// the rounded dimension: an answer that reads the state at a fixed
	// index (f[A]) would read rounded units as if they were the original
	// ones, with no guarantee at all.
	if a := m.Answer; a == nil || (a.Kind != dsl.AnswerMinIndex && a.Kind != dsl.AnswerMaxIndex) || a.State != r.state || a.Dim != r.dim {
		pos := m.File.Pos()
		if a != nil {
			pos = a.Decl.Pos()
		}
		v := r.state.Dims[r.dim].Var
		return nil, nil, fmt.Errorf("%s: the fptas offset-rounding rule rounds the offsets of %s into %s's index %s, so its guarantee holds for a search over that index only (answer min %s where %s[...] ...); this answer has none: use -scheme exact", pos, r.Data, r.State, v, v, r.State)
	}
	var d *dsl.Data
	for _, x := range m.Data {
		if x.Name == r.Data {
			d = x
		}
	}
	for _, s := range m.States {
		if s.Body == nil {
			continue
		}
		walkTerms(s.Body, func(t *dsl.Term) {
			if err == nil && t.Kind == dsl.TData && t.Data == d {
				err = fmt.Errorf("%s: the fptas offset-rounding rule rounds %s, so %s may only be used as an index offset, not as a value", t.Pos(), d.Name, d.Name)
			}
		})
	}
	hi, ok := unparen(d.Decl.Range.Hi).(*dsl.Name)
	if _, isParam := m.Param(nameOf(hi)); err == nil && (!ok || !isParam) {
		err = fmt.Errorf("%s: the fptas offset-rounding rule re-checks the program with a smaller upper end for %s; declare it as a param (data %s[...] int in LO..PARAM)", d.Decl.Pos(), d.Name, d.Name)
	}
	if err != nil {
		return nil, nil, err
	}
	lmax := int(d.Hi)
	r.Param = hi.Ident.Name
	r.K = max(1, (lmax+N-1)/N)
	r.N = (lmax + r.K - 1) / r.K
	params := make(map[string]int64)
	for _, p := range m.Params {
		if p.Set { // a defaulted param may derive from r.Param: let the re-check derive it again
			params[p.Name] = p.Value
		}
	}
	params[r.Param] = int64(r.N)
	rounded, cerr := dsl.Check(m.File, params)
	if cerr != nil {
		return nil, nil, fmt.Errorf("fptas: the program re-checked with %s = %d (offsets rounded by k = %d): %w", r.Param, r.N, r.K, cerr)
	}
	return r, rounded, nil
}

func nameOf(n *dsl.Name) string {
	if n == nil {
		return ""
	}
	return n.Ident.Name
}

func unparen(e dsl.Expr) dsl.Expr {
	for {
		p, ok := e.(*dsl.Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}

// roundedOffset returns ⌈x/k⌉ for an integer value x ≥ 0 by the step
// gadget Σ_j clamp(x − jk, 0, 1), j = 0..⌈hi/k⌉−1.
func (l *lowering) roundedOffset(t *dsl.Term, x value) value {
	k := l.oround.K
	out := relu.Constant(0)
	for j := 0; j*k < int(x.hi); j++ {
		step := l.clampRole(t, fmt.Sprintf("round-%d", j), l.val(x.a.AddConst(-float64(j*k))), 0, 1)
		out = out.Plus(step.a)
	}
	return value{out, float64((int(x.lo) + k - 1) / k), float64((int(x.hi) + k - 1) / k)}
}

// IterationCount is the number of times the cell is applied for a
// program with a steps line (0 for one step per item).
func (n *Network) IterationCount() int {
	return n.Model.Steps
}

// Original is the program as written: Model, or for the fptas scheme of a
// program with data the program before it was re-checked with the
// rounded bound.
func (n *Network) Original() *dsl.Model {
	if r := n.OffsetRounding; r != nil {
		return r.Original
	}
	return n.Model
}
