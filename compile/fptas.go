package compile

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// The rounding rule (scheme FPTAS) applies to a one-dimensional state f
// indexed by p in 1..hi whose step reads f only at p and at p − u, with u
// a non-negative integer step input: the index accumulates u (in knapsack,
// profit). Instead of one cell per value of p, the network keeps a table
// g(1..P) at granularity d = D/P, where D = max(P, S) and S is the running
// total of u (an extra state, S_out = S + u). Cell p of the table stands
// for index p·d, rounded so that the table never claims more than the
// exact DP could reach:
//
//	read f[p]      → g_old(q1(p)),  q1(p) = ⌈p·D_new / D_old⌉
//	read f[p − u]  → g_old(q2(p)),  q2(p) = ⌈(p·D_new − P·u) / D_old⌉
//
// with g_old(q) = lo (the state's lower bound) for q ≤ 0 and hi for q > P.
// The reads select through monotone telescoping sums: f must be
// non-decreasing in p (the rule checks that the step preserves it), so
//
//	g(q1) = hi − Σ_{j=p..P} [j ≥ q1]·(g(j+1) − g(j))      (q1 ≥ p)
//	g(q2) = lo + Σ_{j=1..p} [j ≤ q2]·(g(j) − g(j−1))      (q2 ≤ p)
//
// and each term is one neuron relu(Δ_j − M·[mask]) with M = hi − lo, the
// mask a step function of the integer x = p·D_new − j·D_old (resp. of
// y = (j−1)·D_old − p·D_new + P·u) made of two ReLUs, relu(x) − relu(x−1).
// Costs: layer 1, D_old and D_new (2 neurons); layer 2, the masks (2 per
// (p, j): 2P² + 2P); layer 3, the telescoping terms (P(P+1)/2 per read:
// P² + P); then the program's own min in layer 4 (P) — the FPTAS-NN of
// Hertrich & Skutella.
//
// One-neuron gates. The two-ReLU step is bounded, but the term neuron sums
// M·relu(x) and −M·relu(x−1), each up to M·P·(P + pmax): with Jooken-style
// instances (capacity 10^10, profits 10^11) that passes 2^53 and float64
// can no longer be proven exact. When M·P·(P + pmax) ≥ 2^53 the rule gates
// each term with one neuron instead, relu(Δ_j − M·relu(x)) (resp.
// relu(y + 1)): masked, relu(x) ≥ 1 and the pre-activation is at most
// Δ_j − M ≤ 0, a term that is only ever large when the ReLU gives its exact
// 0 (the precision analysis proves this); unmasked, relu(x) = 0 and the
// term is Δ_j exactly. Layer 2 then has P² + P neurons, half the paper's.

// Rounding describes the rounded state of an FPTAS network.
type Rounding struct {
	P      int
	State  string     // the rounded state
	Total  string     // name of the extra state holding S, the running total of Offset
	Offset *dsl.Input // the accumulated input u
	// Gates says why the masks are one-neuron gates (P² + P in layer 2,
	// not the paper's 2P² + 2P); empty when they are the paper's
	// two-neuron steps.
	Gates string
	state *dsl.State
}

// gateLimit is the magnitude the two-neuron masks' products may reach:
// float64's 2^53.
const gateLimit = 1 << 53

// MaxFPTASTable is the largest table size P the rounding rule builds: the
// FPTAS-NN has about 3P² hidden neurons, 50 million at P = 4096.
const MaxFPTASTable = 4096

// newRounding checks that the rounding rule applies to m and says why not
// when it does not.
func newRounding(m *dsl.Model, P int) (*Rounding, error) {
	if P < 1 {
		return nil, fmt.Errorf("fptas: table size P must be at least 1, got %d", P)
	}
	if P > MaxFPTASTable {
		return nil, fmt.Errorf("fptas: table size P = %d would need about %d neurons; at most %d is supported", P, 3*P*P, MaxFPTASTable)
	}
	if len(m.States) != 1 {
		return nil, fmt.Errorf("%s: the fptas rounding rule needs exactly one state, the one indexed by an accumulated input; program has %d", m.File.Pos(), len(m.States))
	}
	s := m.States[0]
	at := s.Decl.Pos()
	if len(s.Dims) != 1 || s.Dims[0].Lo != 1 {
		return nil, fmt.Errorf("%s: the fptas rounding rule needs a one-dimensional state indexed from 1, like f[p in 1..pmax]", at)
	}
	if math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
		return nil, fmt.Errorf("%s: the fptas rounding rule needs a finite value range for %s", at, s.Name)
	}
	if s.InitTerm != nil {
		return nil, fmt.Errorf("%s: the fptas rounding rule starts its rounded table from one initial value; %s has a value per cell (= %s)", at, s.Name, dsl.Shorten(s.InitTerm.Text))
	}
	r := &Rounding{P: P, State: s.Name, Total: s.Name + ".total", state: s}
	var err error
	walkSigned(s.Body, 1, func(t *dsl.Term, sign int) {
		if err != nil || t.Kind != dsl.TRead {
			return
		}
		ix := t.Index[0]
		switch {
		case !ix.HasVar || ix.Const != 0 || len(ix.Terms) > 1:
			err = fmt.Errorf("%s: the fptas rounding rule reads %s only at p and at p − u; %s is neither", t.Pos(), s.Name, t.Text)
		case len(ix.Terms) == 1 && (ix.Terms[0].Coef != -1 || ix.Terms[0].Input.Type != dsl.Int || ix.Terms[0].Input.Lo < 0):
			err = fmt.Errorf("%s: the fptas rounding rule needs the offset of %s to be minus a non-negative integer input", t.Pos(), t.Text)
		case len(ix.Terms) == 1 && r.Offset != nil && r.Offset != ix.Terms[0].Input:
			err = fmt.Errorf("%s: the fptas rounding rule needs one accumulated input; %s and %s both offset %s", t.Pos(), r.Offset.Name, ix.Terms[0].Input.Name, s.Name)
		case sign < 0:
			err = fmt.Errorf("%s: the fptas rounding rule needs the step to be non-decreasing in %s, but %s enters it negated", t.Pos(), s.Name, t.Text)
		}
		if err == nil && len(ix.Terms) == 1 {
			r.Offset = ix.Terms[0].Input
		}
	})
	if err != nil {
		return nil, err
	}
	if r.Offset == nil {
		return nil, fmt.Errorf("%s: the fptas rounding rule needs a read %s[p - u] with an integer input u to accumulate", s.Body.Pos(), s.Name)
	}
	// The masks' index arithmetic reaches P·(P + pmax) while the running
	// total stays in the state's range; the paper's masks multiply it by M.
	span := float64(P) * (float64(P) + float64(s.Dims[0].Hi))
	if reach := (s.Hi - s.Lo) * span; reach >= gateLimit {
		r.Gates = fmt.Sprintf("M·P·(P + %d) = %.3g ≥ 2^53 (M = %g, the value range of %s; %d its top index): the paper's two-neuron masks would not be exact in float64, so each mask is one neuron",
			s.Dims[0].Hi, reach, s.Hi-s.Lo, s.Name, s.Dims[0].Hi)
	}
	// Reads below the range must see the lower bound, so that the table
	// stays non-decreasing from index 0 up.
	// The boundary lines are comparisons of the index with constants, so
	// their value changes only next to those constants: checking the ends
	// of the range and the indices around each constant checks them all,
	// in time independent of the offset's range (a profit sum of 10^12).
	for _, i := range boundaryProbes(s, 1-int(r.Offset.Hi), 0) {
		if v, ok := s.BoundaryAt(i); !ok || v != s.Lo {
			return nil, fmt.Errorf("%s: the fptas rounding rule needs %s[%d] = %g (the lower end of its range) below index 1", at, s.Name, i, s.Lo)
		}
	}
	return r, nil
}

// walkSigned visits every term with the sign (±1) it enters the whole
// expression with; min, max, clamp and sums keep it, negation and negative
// factors flip it.
func walkSigned(t *dsl.Term, sign int, visit func(*dsl.Term, int)) {
	visit(t, sign)
	switch t.Kind {
	case dsl.TNeg:
		sign = -sign
	case dsl.TScale:
		if t.Value < 0 {
			sign = -sign
		}
	case dsl.TClamp:
		walkSigned(t.Args[0], sign, visit)
		return
	}
	for _, a := range t.Args {
		walkSigned(a, sign, visit)
	}
}

// scales returns D_old = P + relu(S − P) and D_new = P + relu(S + u − P),
// the table granularities times P, made once (layer 1).
func (l *lowering) scales(t *dsl.Term) (dOld, dNew value) {
	if l.scale == nil {
		r := l.round
		P := float64(r.P)
		g := l.group(t, "fptas-scale", "granularity D = max(P, running total)", "fptas-round")
		total := relu.Var(l.totalUnit)
		u := relu.Var(l.inputUnits[r.Offset.Index])
		oldN := l.relu(g, total.AddConst(-P))
		newN := l.relu(g, total.Plus(u).AddConst(-P))
		l.scale = []value{
			{oldN.a.AddConst(P), P, math.Inf(1)},
			{newN.a.AddConst(P), P, math.Inf(1)},
		}
	}
	return l.scale[0], l.scale[1]
}

// roundedRead lowers a read of the rounded state at table cell p.
func (l *lowering) roundedRead(t *dsl.Term, p int) (value, error) {
	r := l.round
	s := r.state
	P := r.P
	lo, hi := s.Lo, s.Hi
	m := hi - lo
	base := l.stateUnits[s.Index]
	cell := func(j int) relu.Affine { // g_old(j) with its boundary values
		switch {
		case j <= 0:
			return relu.Constant(lo)
		case j > P:
			return relu.Constant(hi)
		}
		return relu.Var(base + relu.Unit(j-1))
	}
	dOld, dNew := l.scales(t)
	shifted := len(t.Index[0].Terms) == 1
	maskG := l.group(t, "fptas-mask", "rounded index of "+t.Text, "fptas-round")
	termG := l.group(t, "fptas-select", "select "+t.Text+" at the rounded index", "fptas-round")
	out := relu.Affine{Const: hi}
	first, last := p, P
	if shifted {
		out.Const, first, last = lo, 1, p
	}
	for j := first; j <= last; j++ {
		var step relu.Affine // 1 where the term is masked out, else 0
		var delta relu.Affine
		// x ≥ 1 exactly where the term is masked out.
		var x relu.Affine
		if !shifted {
			// masked when j < q1(p) ⟺ x = p·D_new − j·D_old ≥ 1
			x = dNew.a.Scale(float64(p)).Minus(dOld.a.Scale(float64(j)))
			delta = cell(j + 1).Minus(cell(j))
		} else {
			// masked when j > q2(p) ⟺ x = y + 1 ≥ 1, with
			// y = (j−1)·D_old − p·D_new + P·u
			u := relu.Var(l.inputUnits[r.Offset.Index])
			x = dOld.a.Scale(float64(j - 1)).Minus(dNew.a.Scale(float64(p))).Plus(u.Scale(float64(P))).AddConst(1)
			delta = cell(j).Minus(cell(j - 1))
		}
		if r.Gates != "" {
			step = l.relu(maskG, x).a // ≥ 1 when masked: Δ − M·step ≤ 0
		} else {
			step = l.relu(maskG, x).a.Minus(l.relu(maskG, x.AddConst(-1)).a)
		}
		term := l.relu(termG, delta.Minus(step.Scale(m)))
		if shifted {
			out.Terms = append(out.Terms, term.a.Terms[0])
		} else {
			out.Terms = append(out.Terms, relu.Term{Unit: term.a.Terms[0].Unit, Coef: -1})
		}
	}
	return value{out, lo, hi}, nil
}

// readCost is how many neurons and weight entries the rounded reads of
// body surely make over all P cells: every read of the rounded state that
// every cell evaluates (not under an if or a reduction) makes, per term
// of its telescoping sum (P(P+1)/2 terms over the cells), two mask
// neurons (one with Gates) of at least two entries each and a term neuron
// of at least one.
// Lower declares them (relu.Builder.Expect) so that a table far too large
// is refused before it is built.
func (r *Rounding) readCost(body *dsl.Term) (neurons, entries int64) {
	reads := int64(0)
	var walk func(t *dsl.Term)
	walk = func(t *dsl.Term) {
		switch t.Kind {
		case dsl.TIf, dsl.TReduce:
			return
		case dsl.TRead:
			if t.State == r.state {
				reads++
			}
			return
		case dsl.TClamp:
			walk(t.Args[0])
			return
		}
		for _, a := range t.Args {
			walk(a)
		}
	}
	walk(body)
	P := int64(r.P)
	terms := reads * P * (P + 1) / 2
	if r.Gates != "" {
		return 2 * terms, 3 * terms
	}
	return 3 * terms, 5 * terms
}

// boundaryProbes lists the indices in lo..hi at which s's boundary value
// can differ from its neighbours': both ends and, for each boundary line,
// its constant and the indices next to it.
func boundaryProbes(s *dsl.State, lo, hi int) []int {
	probes := []int{lo, hi}
	for _, b := range s.Boundaries {
		for d := -1; d <= 1; d++ {
			if i := int(b.Bound) + d; i > lo && i < hi {
				probes = append(probes, i)
			}
		}
	}
	return probes
}
