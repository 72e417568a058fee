package compile

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// This file says what evaluating a network in floating point can be
// trusted with. There are two regimes.
//
// Exact. When every input, state, weight and bias is an integer and every
// sum the network forms stays below 1/u in magnitude (2^24 in float32,
// 2^53 in float64), floating-point arithmetic is integer arithmetic, in
// any summation order: the network computes the exact DP, step after
// step, and every comparison made on its values is exact. The analysis
// below proves this neuron by neuron from the ranges the compiler knows
// (declared input and data ranges, the states' declared or derived
// ranges, which dsl checks are invariants of the DP).
//
// Bounded. Otherwise (a real-valued state or input, or an integer that may
// reach 1/u) the network's values are rounded. For the exact scheme the
// analysis then bounds |computed − exact| for every state after t steps:
// one evaluation of the cell rounds by at most r (propagated neuron by
// neuron, |error of a sum of k terms| ≤ γ_{k+2}·Σ|terms|, ReLU being
// 1-Lipschitz), and the cell's exact function passes the error of its
// input state on by the Lipschitz constant of the step term (reads 1,
// sums add, min and max and clamp keep the largest), plus, for a read at
// a run-time offset, twice the amount by which a computed state may
// exceed its range (the selection gadget's neighbouring terms then leak).
// That excess is bounded separately from the network's own intervals. A
// decision on such values is certain only when the compared value is
// farther than the bound from its threshold.
//
// The fptas scheme's rounded reads (telescoping sums over gated
// differences) and the smooth scheme have no such bound: their real
// values are not bounded here (Precision.Bound is +Inf).

// Precision is what evaluating a network in a floating-point type
// guarantees.
type Precision struct {
	DType    string  // "float32" or "float64" (from the unit roundoff)
	Roundoff float64 // u
	Steps    int     // the number of steps Bound covers
	// Exact: every value the network handles is an integer below 1/u, so
	// the computed states are the exact DP's after any number of steps.
	Exact bool
	// Integers: every integer-valued neuron is exact (Exact, or a
	// real-valued network whose index arithmetic, selection indicators
	// and comparisons of integers are exact). When it is false, the
	// network may select or compare wrongly: the type is refused.
	Integers bool
	// Bound bounds |computed − exact| of every state value after at most
	// Steps steps: 0 when Exact, +Inf when no bound is known.
	Bound float64
	// States gives Bound per state (Model.States order).
	States []float64
	// Why says why the network is not exact (empty when it is), and, when
	// Bound is +Inf, why there is no bound.
	Why string
	// Where is the position (file:line:col) of the term Why is about, ""
	// when it is about no one term.
	Where string
	// Overflow says which value of the network may pass the largest
	// finite number of the type (declared ranges of ±1e200 in float32,
	// a max(x, y) of ±1e308 in float64, whose y − x is 2e308), ""
	// when none can; OverflowWhere is its position. Values whose bound
	// is infinite (a state in -inf..inf) are not decided here.
	Overflow, OverflowWhere string
}

// dtypeName names the float type of unit roundoff u.
func dtypeName(u float64) string {
	if u >= Float32Roundoff {
		return "float32"
	}
	return "float64"
}

// Precision analyses the network in the type of unit roundoff u for runs
// of at most steps steps (steps < 0: any number; an inexact network then
// has no bound). Results are cached per network.
func (n *Network) Precision(u float64, steps int) Precision {
	if n.prec == nil {
		return n.precision(u, steps)
	}
	return n.prec.get(n, u, steps)
}

// precCache memoises Precision: verify asks once per instance.
type precCache struct {
	mu    sync.Mutex
	seen  map[precKey]Precision
	round map[roundKey]float64 // roundedStepError
}

type precKey struct {
	u     float64
	steps int
}

func (c *precCache) get(n *Network, u float64, steps int) Precision {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := precKey{u, steps}
	if p, ok := c.seen[k]; ok {
		return p
	}
	if c.seen == nil {
		c.seen = map[precKey]Precision{}
	}
	p := n.precision(u, steps)
	c.seen[k] = p
	return p
}

func (n *Network) precision(u float64, steps int) Precision {
	p := Precision{DType: dtypeName(u), Roundoff: u, Steps: steps, Bound: math.Inf(1), States: make([]float64, len(n.Model.States))}
	for i := range p.States {
		p.States[i] = math.Inf(1)
	}
	if n.Steps > 0 || n.Smooth != nil {
		p.Why = "the smooth scheme replaces min and max by smoothed ones: its values are not the exact DP's"
		return p
	}
	m := n.Model
	zero := make([]float64, len(m.States))
	in, err := n.inputBounds(u, steps, zero, zero, 0)
	if err != nil {
		p.Why = err.Error()
		return p
	}
	units, worst, reach := cellBounds(n.Cell, u, in)
	p.Integers = worst < 0
	p.Overflow, p.OverflowWhere = n.overflow(u, units)
	if why := n.inexactInit(u); why == "" && worst < 0 && n.outputsExact(units) {
		p.Exact, p.Bound = true, 0
		for i := range p.States {
			p.States[i] = 0
		}
		return p
	} else if why != "" {
		p.Why = why
	}
	if worst >= 0 {
		// An integer value that may not be exact: comparisons and the
		// selection gadget's indicators rest on integers being exact.
		p.Why, p.Where = n.magnitudeWhy(worst, reach, u)
		return p
	}
	if p.Why == "" {
		p.Why = n.realWhy()
	}
	if steps < 0 {
		p.Why += "; the rounding error grows with the number of steps, which is not given"
		return p
	}
	if n.Rounding != nil {
		p.Why += "; the fptas scheme's rounded reads (telescoping sums over gated differences) do not keep rounding errors bounded, so there is no bound"
		return p
	}
	e, err := n.stepBounds(u, steps)
	if err != nil {
		p.Why += "; " + err.Error()
		return p
	}
	p.Bound = 0
	for i, x := range e {
		p.States[i] = x
		p.Bound = math.Max(p.Bound, x)
	}
	return p
}

// DecodeTolerance is the error bound Decode takes for a network
// evaluated with unit roundoff u (Float64Roundoff or Float32Roundoff) for
// steps steps: Precision(u, steps).Bound. It is 0 for an exact network,
// +Inf when no bound is known.
func (n *Network) DecodeTolerance(u float64, steps int) float64 {
	return n.Precision(u, steps).Bound
}

// unitBound is what the analysis knows about one unit (input or neuron)
// of a graph.
type unitBound struct {
	lo, hi  float64 // the computed value lies in lo..hi
	integer bool    // the exact value is always an integer
	exact   bool    // the computed value is the exact value
	err     float64 // |computed − exact| ≤ err
}

// gamma is γ_k = k·u/(1 − k·u), the relative error bound of a sum of k
// rounded terms in any order.
func gamma(k int, u float64) float64 {
	ku := float64(k) * u
	if ku >= 1 {
		return math.Inf(1)
	}
	return ku / (1 - ku)
}

// cellBounds propagates input bounds through g evaluated with unit
// roundoff u. A neuron is exact when its terms and bias are integers,
// computed exactly, and either every partial sum of its terms (in any
// order) stays below 1/u, or it is a ReLU whose terms that are always ≤ 0
// can only be large when its pre-activation is far below 0: if the
// pre-activation z ≥ −T (T the rounding bound of the whole sum) those
// terms sum to at least −T − P⁺ (P⁺ the largest sum of the other terms),
// so every partial sum lies in [P⁻ − T − P⁺, P⁺], exact when that is
// below 1/u; if z < −T the computed sum is still negative and the ReLU
// gives its exact 0. (This is what keeps the selection gadget's
// M·|D − k| terms exact.) worst is the first integer-valued neuron that
// is not exact, -1 when there is none, and worstReach the largest partial
// sum the analysis allows it.
func cellBounds(g *relu.Graph, u float64, in []unitBound) (units []unitBound, worst int, worstReach float64) {
	units = make([]unitBound, g.NumInputs+g.NumNeurons())
	copy(units, in)
	limit := 1 / u
	worst = -1
	for j := range g.NumNeurons() {
		b := g.Bias[j]
		lo, hi := b, b
		posAll, negAll := math.Max(0, b), math.Min(0, b)
		pPos, pNeg := posAll, negAll
		abs, pAbs := math.Abs(b), math.Abs(b)
		integer, exact := b == math.Trunc(b), true
		errIn := 0.0
		k := 2 // the bias, and the rounding of a weight to the element type
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			w, x := g.W[r], units[g.Src[r]]
			k++
			tlo, thi := w*x.lo, w*x.hi
			if tlo > thi {
				tlo, thi = thi, tlo
			}
			lo, hi = lo+tlo, hi+thi
			posAll, negAll = posAll+math.Max(0, thi), negAll+math.Min(0, tlo)
			if thi > 0 {
				pPos, pNeg = pPos+thi, pNeg+math.Min(0, tlo)
				pAbs += math.Max(math.Abs(tlo), math.Abs(thi))
			}
			abs += math.Max(math.Abs(tlo), math.Abs(thi))
			integer = integer && x.integer && w == math.Trunc(w)
			exact = exact && x.exact
			errIn += math.Abs(w) * x.err
		}
		T := gamma(k, u) * abs
		isReLU := g.Act[j] == relu.ReLU
		if isReLU {
			// Terms that are always ≤ 0 can only be large when the ReLU
			// gives 0: if z < −T its computed sum is negative too, and
			// if z ≥ −T they sum to at least −T − P⁺, so the whole sum
			// rounds by at most γ·(P_abs + P⁺ + T).
			T = math.Min(T, gamma(k, u)*(pAbs+pPos+T))
		}
		reach := math.Max(posAll, -negAll) // the largest partial sum
		if isReLU {
			reach = math.Min(reach, math.Max(pPos, T+pPos-pNeg))
		}
		exact = integer && exact && reach < limit
		var ub unitBound
		switch {
		case exact:
			ub = unitBound{lo: lo, hi: hi, integer: true, exact: true}
		case g.Act[j] == relu.Identity || isReLU:
			ub = unitBound{lo: lo - T, hi: hi + T, integer: integer, err: errIn + T}
		default: // smoothed activations: not analysed
			ub = unitBound{lo: math.Inf(-1), hi: math.Inf(1), err: math.Inf(1)}
		}
		if isReLU {
			ub.lo, ub.hi = math.Max(0, ub.lo), math.Max(0, ub.hi)
		}
		if integer && !exact && worst < 0 {
			worst, worstReach = j, reach
		}
		units[g.NumInputs+j] = ub
	}
	return units, worst, worstReach
}

// overflow finds the first value of the cell (an input, a weight, a
// bias, a partial sum of a neuron) that may pass the largest finite
// number of the type of unit roundoff u, judged from bounds that are
// themselves finite (a unit fed by an unbounded input is not decided).
// It returns why and where ("" when none can).
func (n *Network) overflow(u float64, units []unitBound) (why, where string) {
	g := n.Cell
	limit := math.MaxFloat64
	if u >= Float32Roundoff {
		limit = math.MaxFloat32
	}
	big := func(v float64) bool { return math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) > limit }
	unbounded := make([]bool, len(units))
	for _, blk := range g.Inputs {
		for k := range blk.Len {
			i := blk.Start + k
			x := units[i]
			unbounded[i] = math.IsInf(x.lo, 0) || math.IsInf(x.hi, 0)
			if !unbounded[i] && (big(x.lo) || big(x.hi)) {
				return fmt.Sprintf("%s ranges over %.4g..%.4g, past the largest %s %.4g", blk.Name, x.lo, x.hi, dtypeName(u), limit), n.declPos(blk.Name)
			}
		}
	}
	for _, name := range n.State {
		for _, v := range n.Init[name] {
			if big(v) {
				return fmt.Sprintf("state %s starts at %g, past the largest %s %.4g", name, v, dtypeName(u), limit), ""
			}
		}
	}
	for j := range g.NumNeurons() {
		b := g.Bias[j]
		pos, neg := math.Max(0, b), math.Min(0, b)
		unb, weight := false, big(b)
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			w, x := g.W[r], units[g.Src[r]]
			weight = weight || big(w)
			if unbounded[g.Src[r]] {
				unb = true
				continue
			}
			tlo, thi := w*x.lo, w*x.hi
			pos += math.Max(0, math.Max(tlo, thi))
			neg += math.Min(0, math.Min(tlo, thi))
		}
		unbounded[g.NumInputs+j] = unb
		reach := math.Max(pos, -neg)
		if weight || !unb && big(reach) {
			what := fmt.Sprintf("neuron %d", j)
			if gr := g.GroupOf(j); gr != nil {
				what, where = fmt.Sprintf("%s (%s)", dsl.Shorten(gr.Term), gr.Pos), gr.Pos
			}
			if weight {
				return fmt.Sprintf("a weight or bias of %s is past the largest %s %.4g", what, dtypeName(u), limit), where
			}
			if math.IsInf(reach, 0) {
				return fmt.Sprintf("the network's sums for %s may pass the largest %s %.4g", what, dtypeName(u), limit), where
			}
			return fmt.Sprintf("the network's sums for %s may reach %.4g, past the largest %s %.4g", what, reach, dtypeName(u), limit), where
		}
	}
	return "", ""
}

// declPos is the position of the declaration of the state, input or
// data array name ("" when none is called so).
func (n *Network) declPos(name string) string {
	m := n.Model
	switch {
	case stateByName(m, name) != nil:
		return stateByName(m, name).Decl.Pos().String()
	case inputByName(m, name) != nil:
		return inputByName(m, name).Decl.Pos().String()
	case dataByName(m, name) != nil:
		return dataByName(m, name).Decl.Pos().String()
	}
	return ""
}

// inputBounds describes the cell's inputs for one evaluation: each
// state's network range widened by e (below) and ex (above), computed
// without error (the analysis of one step starts from representable
// state values); the step inputs and data in their declared ranges, real
// ones in float32 with the error of rounding the float64 values given;
// the running total of the fptas scheme up to steps times its input's
// largest value (+Inf when steps < 0), or up to totalHi when positive.
func (n *Network) inputBounds(u float64, steps int, e, ex []float64, totalHi float64) ([]unitBound, error) {
	return n.inputBoundsOf(n.Cell, u, steps, e, ex, totalHi)
}

// inputBoundsOf is inputBounds for a graph g whose input blocks are named
// like the cell's: the cell itself, or the cell unrolled (per-step
// inputs with a leading steps dimension, data once, no state).
func (n *Network) inputBoundsOf(g *relu.Graph, u float64, steps int, e, ex []float64, totalHi float64) ([]unitBound, error) {
	m := n.Model
	in := make([]unitBound, g.NumInputs)
	set := func(blk relu.Block, lo, hi float64, integer bool) {
		err := 0.0
		if !integer && u >= Float32Roundoff {
			err = u * math.Max(math.Abs(lo), math.Abs(hi))
		}
		for k := range blk.Len {
			in[blk.Start+k] = unitBound{lo: lo, hi: hi, integer: integer, exact: err == 0 && (integer || lo == hi), err: err}
		}
	}
	for _, blk := range g.Inputs {
		switch {
		case n.Rounding != nil && blk.Name == n.Rounding.Total:
			hi := totalHi
			if hi <= 0 {
				hi = math.Inf(1)
				if steps >= 0 {
					hi = float64(steps) * n.Rounding.Offset.Hi
				}
			}
			set(blk, 0, hi, true)
		case stateByName(m, blk.Name) != nil:
			s := stateByName(m, blk.Name)
			lo, hi := n.reps.stateRange(s)
			if dlo, dhi, ok := n.steppedRange(s); ok {
				lo, hi = math.Max(lo, dlo), math.Min(hi, dhi)
			}
			set(blk, lo-e[s.Index], hi+ex[s.Index], s.Type == dsl.Int && e[s.Index] == 0)
			for k := range blk.Len { // representable values: no error of their own
				in[blk.Start+k].err = 0
				in[blk.Start+k].exact = in[blk.Start+k].integer
			}
		case inputByName(m, blk.Name) != nil:
			x := inputByName(m, blk.Name)
			set(blk, x.Lo, x.Hi, x.Type == dsl.Int)
		case dataByName(m, blk.Name) != nil:
			d := dataByName(m, blk.Name)
			lo, hi := n.reps.dataRange(d)
			if r := n.OffsetRounding; r != nil && r.Data == d.Name {
				lo, hi = r.dataLo, r.dataHi // fed unrounded
			}
			set(blk, lo, hi, d.Type == dsl.Int)
		default:
			return nil, fmt.Errorf("compile: cell input %q is neither a state, an input nor data", blk.Name)
		}
	}
	return in, nil
}

// steppedRange is the range of s's values in a program with a steps
// line, from the checker's step-iterated analysis: its initial values
// and the interval of its step, which is the join over every step run
// (the fixpoint step included). A state declared 0..inf whose steps keep
// it below 2^53 (fib(40)) is then exact in float64. ok is false for a
// program without a steps line, the fptas scheme, and a state that may
// hold the big M of +inf (its network range is bigm.go's).
func (n *Network) steppedRange(s *dsl.State) (lo, hi float64, ok bool) {
	if n.Model.Steps == 0 || n.Rounding != nil || n.OffsetRounding != nil || s.MayInf || n.BigM != 0 || s.Body == nil {
		return 0, 0, false
	}
	lo, hi = s.Init, s.Init
	if s.InitTerm != nil {
		lo, hi = s.InitTerm.Lo, s.InitTerm.Hi
	}
	lo, hi = math.Min(lo, s.Body.Lo), math.Max(hi, s.Body.Hi)
	if math.IsNaN(lo) || math.IsNaN(hi) || lo > hi {
		return 0, 0, false
	}
	return lo, hi, true
}

func stateByName(m *dsl.Model, name string) *dsl.State {
	for _, s := range m.States {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func inputByName(m *dsl.Model, name string) *dsl.Input {
	for _, x := range m.Inputs {
		if x.Name == name {
			return x
		}
	}
	return nil
}

func dataByName(m *dsl.Model, name string) *dsl.Data {
	for _, d := range m.Data {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// outputsExact reports whether every output neuron is exact.
func (n *Network) outputsExact(units []unitBound) bool {
	g := n.Cell
	for _, blk := range g.Outputs {
		for k := range blk.Len {
			if !units[g.NumInputs+blk.Start+k].exact {
				return false
			}
		}
	}
	return true
}

// inexactInit says which initial state value is not an integer below 1/u
// ("" when all are).
func (n *Network) inexactInit(u float64) string {
	for _, name := range n.State {
		for _, v := range n.Init[name] {
			if v != math.Trunc(v) || math.Abs(v) >= 1/u {
				return fmt.Sprintf("state %s starts at %g, not an integer below 2^%d", name, v, roundoffBits(u))
			}
		}
	}
	return ""
}

func roundoffBits(u float64) int { return -math.Ilogb(u) }

// magnitudeWhy explains why integer neuron j of the cell may not be
// exact: its sums may reach reach, or an integer it reads is not exact.
// where is the term's position, "" when the neuron belongs to no term.
func (n *Network) magnitudeWhy(j int, reach, u float64) (why, where string) {
	return magnitudeWhyOf(n.Cell, j, reach, u)
}

func magnitudeWhyOf(g *relu.Graph, j int, reach, u float64) (why, where string) {
	what := fmt.Sprintf("neuron %d", j)
	if gr := g.GroupOf(j); gr != nil {
		what, where = fmt.Sprintf("%s (%s)", dsl.Shorten(gr.Term), gr.Pos), gr.Pos
	}
	if reach < 1/u {
		return fmt.Sprintf("an integer feeding %s is not computed exactly", what), where
	}
	return fmt.Sprintf("the network's sums for %s may reach %.4g, at or above 2^%d = %.4g, where %s stops representing every integer", what, reach, roundoffBits(u), 1/u, dtypeName(u)), where
}

// realWhy names what makes the network real-valued.
func (n *Network) realWhy() string {
	m := n.Model
	for _, s := range m.States {
		if s.Type != dsl.Int {
			for _, x := range m.Inputs {
				if x.Type != dsl.Int && termUses(s.Body, func(t *dsl.Term) bool { return t.Kind == dsl.TInput && t.Input == x }) {
					return fmt.Sprintf("state %s is real-valued (it adds the real input %s)", s.Name, x.Name)
				}
			}
			return fmt.Sprintf("state %s is real-valued", s.Name)
		}
	}
	for _, x := range m.Inputs {
		if x.Type != dsl.Int {
			return fmt.Sprintf("input %s is real-valued", x.Name)
		}
	}
	for _, d := range m.Data {
		if d.Type != dsl.Int {
			return fmt.Sprintf("data %s is real-valued", d.Name)
		}
	}
	return "a weight of the network is not an integer"
}

func termUses(t *dsl.Term, pred func(*dsl.Term) bool) bool {
	found := false
	walkTerms(t, func(x *dsl.Term) { found = found || pred(x) })
	return found
}

// stepBounds bounds, per state, |computed − exact| after steps steps of
// the exact scheme's cell (see the comment at the top of this file):
//
//	e[t+1]  = lip(body; e[t], ex[t]) + r[t]
//	ex[t+1] = min(e[t+1], max(0, hi[t] − Hi))
//
// where r[t] and hi[t] are the rounding error and the largest computed
// value of one cell evaluation with each state in [Lo − e[t], Hi + ex[t]]
// (cellBounds), and lip the error the step term passes on.
func (n *Network) stepBounds(u float64, steps int) ([]float64, error) {
	m := n.Model
	g := n.Cell
	e := make([]float64, len(m.States))
	ex := make([]float64, len(m.States))
	for i, s := range m.States {
		for _, v := range n.Init[s.Name] {
			r := roundTo(v, u)
			e[i] = math.Max(e[i], math.Abs(r-v))
			_, hi := n.reps.stateRange(s)
			ex[i] = math.Max(ex[i], r-hi)
		}
	}
	for t := 0; t < steps; t++ {
		in, err := n.inputBounds(u, steps, e, ex, 0)
		if err != nil {
			return nil, err
		}
		units, worst, reach := cellBounds(g, u, in)
		if worst >= 0 {
			why, _ := n.magnitudeWhy(worst, reach, u)
			return nil, fmt.Errorf("after %d steps %s", t, why)
		}
		next, nextEx := make([]float64, len(e)), make([]float64, len(e))
		for i, s := range m.States {
			lip, err := n.lipschitz(s.Body, e, ex)
			if err != nil {
				return nil, err
			}
			blk, _ := g.Output(s.Name)
			r, top := 0.0, math.Inf(-1)
			for k := range blk.Len {
				ub := units[g.NumInputs+blk.Start+k]
				r, top = math.Max(r, ub.err), math.Max(top, ub.hi)
			}
			_, hi := n.reps.stateRange(s)
			next[i] = lip + r
			nextEx[i] = math.Min(next[i], math.Max(0, top-hi))
			if math.IsNaN(next[i]) || math.IsInf(next[i], 0) {
				return nil, fmt.Errorf("the rounding error of state %s is unbounded after %d steps", s.Name, t+1)
			}
		}
		e, ex = next, nextEx
	}
	return e, nil
}

// roundTo rounds v to the type of unit roundoff u.
func roundTo(v, u float64) float64 {
	if u >= Float32Roundoff {
		return float64(float32(v))
	}
	return v
}

// lipschitz bounds |F(x̂) − body(x)| where F is the cell's exact function
// for the step term t, x the exact state and x̂ a computed one with
// |x̂ − x| ≤ e and x̂ ≤ Hi + ex per state. The lowering rules for min, max
// and clamp are identities on all reals, and their interval shortcuts pick
// an operand, so they keep the largest error of their operands; a read
// at a run-time offset (the selection gadget) adds the leak of its two
// neighbouring terms, relu(x̂ − Hi) ≤ ex each, valid while ex < M (then
// farther terms stay 0). A comparison of values that carry an error is
// not continuous: there is no bound.
func (n *Network) lipschitz(t *dsl.Term, e, ex []float64) (float64, error) {
	switch t.Kind {
	case dsl.TConst, dsl.TInput, dsl.TIndexVar, dsl.TData:
		return 0, nil
	case dsl.TRead:
		s := t.State
		if !offsetRead(t) {
			return e[s.Index], nil
		}
		lo, hi := n.reps.stateRange(s)
		for _, b := range s.Boundaries {
			v := n.reps.represent(b.Value)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if ex[s.Index] > 0 && !(ex[s.Index] < hi-lo) {
			return 0, fmt.Errorf("%s: a computed %s may exceed its range by %g, so the selection gadget of %s may select more than one value", t.Pos(), s.Name, ex[s.Index], dsl.Shorten(t.Text))
		}
		return e[s.Index] + 2*ex[s.Index], nil
	case dsl.TCmp:
		for _, a := range t.Args {
			d, err := n.lipschitz(a, e, ex)
			if err != nil {
				return 0, err
			}
			if d != 0 {
				return 0, fmt.Errorf("%s: the comparison %s is made on rounded values, so it may flip", t.Pos(), dsl.Shorten(t.Text))
			}
		}
		return 0, nil
	}
	errs := make([]float64, len(t.Args))
	for i, a := range t.Args {
		d, err := n.lipschitz(a, e, ex)
		if err != nil {
			return 0, err
		}
		errs[i] = d
	}
	switch t.Kind {
	case dsl.TAdd:
		s := 0.0
		for _, d := range errs {
			s += d
		}
		return s, nil
	case dsl.TNeg:
		return errs[0], nil
	case dsl.TScale:
		return math.Abs(t.Value) * errs[0], nil
	case dsl.TClamp, dsl.TReduce:
		return errs[0], nil
	case dsl.TMin, dsl.TMax, dsl.TIf:
		return fold(errs, math.Max), nil
	}
	panic(fmt.Sprintf("compile: unknown term kind %v", t.Kind))
}

// offsetRead reports whether a read has a run-time offset (the selection
// gadget).
func offsetRead(t *dsl.Term) bool {
	for _, ix := range t.Index {
		if len(ix.Terms) > 0 || len(ix.Offsets) > 0 {
			return true
		}
	}
	return false
}

// RunTolerance is DecodeTolerance for a run whose every state is known:
// states[t] is the state after step t (states[0] the initial one), as
// evaluated with unit roundoff u. For the exact scheme it is
// DecodeTolerance(u, len(states)-1). The fptas scheme's real-valued table
// has no bound a priori, but one run can certify its own: while every
// computed table lies in the state's range and is non-decreasing up to a
// defect ν (the largest drop between neighbouring cells), the rounded
// reads (telescoping sums of gated differences) read each cell to within
// (P+1)·ν, so a step adds (P+1)·ν plus its own rounding to the error of
// the cells it reads. +Inf when a state is missing or out of range.
func (n *Network) RunTolerance(states [][][]float64, u float64) float64 {
	steps := len(states) - 1
	p := n.Precision(u, steps)
	if n.Rounding == nil || p.Exact || !p.Integers || !math.IsInf(p.Bound, 1) {
		return p.Bound
	}
	b, err := n.roundedRunBound(states, u)
	if err != nil {
		return math.Inf(1)
	}
	return b
}

func (n *Network) roundedRunBound(states [][][]float64, u float64) (float64, error) {
	r := n.Rounding
	s := r.state
	steps := len(states) - 1
	// The running total is an exact integer state: its largest value in
	// this run bounds the index arithmetic.
	total := 0.0
	for _, st := range states {
		if len(st) < 2 || len(st[1]) != 1 || st[1][0] != math.Trunc(st[1][0]) || st[1][0] < total {
			return 0, fmt.Errorf("the running total %s is not a non-decreasing integer", r.Total)
		}
		total = st[1][0]
	}
	round, err := n.roundedStepError(u, total)
	if err != nil {
		return 0, err
	}
	e := []float64{math.Abs(roundTo(s.Init, u) - s.Init)}
	for t := 0; t < steps; t++ {
		if len(states[t]) == 0 {
			return 0, fmt.Errorf("the state after step %d is not known", t)
		}
		defect, prev := 0.0, s.Lo
		for _, v := range states[t][0] {
			if !(v >= s.Lo && v <= s.Hi) {
				return 0, fmt.Errorf("after step %d a cell of %s is %g, outside %g..%g", t, s.Name, v, s.Lo, s.Hi)
			}
			defect, prev = math.Max(defect, prev-v), v
		}
		lip, err := n.lipschitz(s.Body, e, []float64{0})
		if err != nil {
			return 0, err
		}
		e = []float64{lip + float64(r.P+1)*defect + round}
	}
	return e[0], nil
}

// roundedStepError bounds the rounding of one step of the fptas cell
// with its table in range and the running total at most total, rounded
// up to a power of 2^(1/8) so that runs share the analysis (cached).
func (n *Network) roundedStepError(u, total float64) (float64, error) {
	total = math.Exp2(math.Ceil(8*math.Log2(math.Max(total, 1))) / 8)
	k := roundKey{u, total}
	if c := n.prec; c != nil {
		c.mu.Lock()
		r, ok := c.round[k]
		c.mu.Unlock()
		if ok {
			return r, nil
		}
	}
	zero := make([]float64, len(n.Model.States))
	in, err := n.inputBounds(u, -1, zero, zero, total)
	if err != nil {
		return 0, err
	}
	units, worst, reach := cellBounds(n.Cell, u, in)
	if worst >= 0 {
		why, _ := n.magnitudeWhy(worst, reach, u)
		return 0, errors.New(why)
	}
	g := n.Cell
	blk, _ := g.Output(n.Rounding.State)
	r := 0.0
	for k := range blk.Len {
		r = math.Max(r, units[g.NumInputs+blk.Start+k].err)
	}
	if c := n.prec; c != nil {
		c.mu.Lock()
		if c.round == nil {
			c.round = map[roundKey]float64{}
		}
		c.round[k] = r
		c.mu.Unlock()
	}
	return r, nil
}

type roundKey struct {
	u, total float64
}

// CheckIntegers returns an error when evaluating the network with unit
// roundoff u for at most steps steps (steps < 0: any number) may compute
// an integer value inexactly: an index, a selection indicator, a
// comparison of integers or an integer state would then be wrong, not
// merely rounded, so that type must be refused. Real-valued states are
// not checked here (their error is bounded by Precision, and a decision
// on them by DecodeSearch and Decode). The fptas scheme's index
// arithmetic grows with the running total of the instance: for steps < 0
// it is not checked (check each instance's run instead). Every Runner
// run calls it for its own number of steps, so that solve and verify
// refuse such a type as compile does. (n.Steps > 0 is the smooth
// scheme's unrolled network, which has no exact integers to check; a
// program's steps line is Model.Steps.)
func (n *Network) CheckIntegers(u float64, steps int) error {
	if n.Rounding != nil && steps < 0 {
		return nil
	}
	p := n.Precision(u, steps)
	if n.Steps > 0 || n.Smooth != nil {
		return nil
	}
	if p.Overflow != "" {
		where := p.OverflowWhere
		if where == "" {
			where = n.Model.File.Pos().String()
		}
		remedy := "use -dtype float64 or narrower ranges"
		if p.DType == "float64" {
			remedy = "narrow the declared ranges"
		}
		return fmt.Errorf("%s: %s cannot run %s: %s; %s", where, p.DType, n.Model.Name, p.Overflow, remedy)
	}
	if p.Integers {
		return nil
	}
	remedy := "use -dtype float64"
	if p.DType == "float64" {
		remedy = "set smaller params"
	}
	where := p.Where
	if where == "" {
		where = n.Model.File.Pos().String()
	}
	return fmt.Errorf("%s: %s cannot run %s exactly: %s; %s", where, p.DType, n.Model.Name, p.Why, remedy)
}

// CheckUnrolled is CheckIntegers for the cell composed steps times by
// relu.UnrollWith (the export's settled Unrolled form, Network.Unrolled):
// composing merges each step's affine outputs into the next step's sums
// (a state that is a min or max of itself telescopes: d_t = d_0 − Σ relu
// terms of every step), whose partial sums the cell's analysis does not
// bound. Each composed hidden neuron computes the value of a cell neuron,
// so its range is the cell analysis's; the composed sums are bounded by
// following the composition symbolically (absAffine), step by step, with
// every bound kept non-decreasing over the steps so that it also covers
// the settled form (a settled unit carries an earlier value) and any
// unit computed once.
func (n *Network) CheckUnrolled(u float64, steps int) error {
	if n.Steps > 0 || n.Smooth != nil || n.Rounding != nil {
		return nil
	}
	if err := n.CheckIntegers(u, steps); err != nil {
		return err
	}
	p := n.Precision(u, steps)
	if !p.Exact {
		return nil // real-valued: only the cell's integers are claimed exact
	}
	g := n.Cell
	zero := make([]float64, len(n.Model.States))
	in, err := n.inputBounds(u, steps, zero, zero, 0)
	if err != nil {
		return err
	}
	units, _, _ := cellBounds(g, u, in)
	val := make([]absAffine, g.NumInputs+g.NumNeurons())
	isState := map[int]bool{}
	for _, name := range n.State {
		blk, _ := g.Input(name)
		for k := range blk.Len {
			val[blk.Start+k] = constAffine(n.Init[name][k])
			isState[blk.Start+k] = true
		}
	}
	for i := range g.NumInputs {
		if !isState[i] {
			val[i] = unitAffine(units[i].lo, units[i].hi)
		}
	}
	limit := 1 / u
	for t := 1; t <= steps; t++ {
		for j := range g.NumNeurons() {
			pre := constAffine(g.Bias[j])
			for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
				pre = pre.plus(val[g.Src[r]].scale(g.W[r]))
			}
			if (g.Act[j] != relu.Identity || t == steps) && !(pre.reach(u, g.Act[j] == relu.ReLU) < limit) {
				why, where := magnitudeWhyOf(g, j, pre.reach(u, g.Act[j] == relu.ReLU), u)
				if where == "" {
					where = n.Model.File.Pos().String()
				}
				return fmt.Errorf("%s: %s cannot run %s unrolled over %d steps exactly: %s; use the loop form or -dtype float64",
					where, dtypeName(u), n.Model.Name, steps, why)
			}
			if g.Act[j] == relu.Identity {
				val[g.NumInputs+j] = pre
			} else {
				ub := units[g.NumInputs+j]
				val[g.NumInputs+j] = unitAffine(ub.lo, ub.hi)
			}
		}
		for _, name := range n.State {
			in, _ := g.Input(name)
			out, _ := g.Output(name)
			for k := range in.Len {
				val[in.Start+k] = val[in.Start+k].envelope(val[g.NumInputs+out.Start+k])
			}
		}
	}
	return nil
}

// absAffine bounds an affine function composed of many terms, unmerged:
// posG sums the largest values of its terms that are never negative
// (constants included), negN the smallest of those never positive, posM
// and negM the largest and smallest of the others; terms counts them.
// Merging terms on the same unit only shrinks these bounds.
type absAffine struct {
	posG, negN, posM, negM float64
	terms                  int
}

func constAffine(c float64) absAffine {
	if c >= 0 {
		return absAffine{posG: c}
	}
	return absAffine{negN: c}
}

// unitAffine is one unit with values in lo..hi.
func unitAffine(lo, hi float64) absAffine {
	switch {
	case lo >= 0:
		return absAffine{posG: hi, terms: 1}
	case hi <= 0:
		return absAffine{negN: lo, terms: 1}
	}
	return absAffine{posM: hi, negM: lo, terms: 1}
}

func (a absAffine) scale(w float64) absAffine {
	if w >= 0 {
		return absAffine{posG: w * a.posG, negN: w * a.negN, posM: w * a.posM, negM: w * a.negM, terms: a.terms}
	}
	return absAffine{posG: w * a.negN, negN: w * a.posG, posM: w * a.negM, negM: w * a.posM, terms: a.terms}
}

func (a absAffine) plus(b absAffine) absAffine {
	return absAffine{posG: a.posG + b.posG, negN: a.negN + b.negN, posM: a.posM + b.posM, negM: a.negM + b.negM, terms: a.terms + b.terms}
}

func (a absAffine) envelope(b absAffine) absAffine {
	return absAffine{posG: math.Max(a.posG, b.posG), negN: math.Min(a.negN, b.negN), posM: math.Max(a.posM, b.posM), negM: math.Min(a.negM, b.negM), terms: max(a.terms, b.terms)}
}

// reach bounds the partial sums of a as cellBounds does for one neuron:
// every partial sum, or for a ReLU, those of the sums it does not
// certainly send to 0.
func (a absAffine) reach(u float64, isReLU bool) float64 {
	pos, neg := a.posG+a.posM, a.negN+a.negM
	r := math.Max(pos, -neg)
	if isReLU {
		T := gamma(a.terms+2, u) * (pos - neg)
		r = math.Min(r, math.Max(pos, T+pos-a.negM))
	}
	return r
}
