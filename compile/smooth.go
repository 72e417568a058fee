package compile

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// The smooth scheme (Vivier-Ardisson, Sander, Parmentier, Blondel 2026)
// lowers every binary min and max by the smoothed rule
//
//	max_Ω(a, b) = a + γ·φ((b − a)/γ)     min_Ω(a, b) = a − γ·φ((a − b)/γ)
//
// one neuron with a smoothed-ReLU activation φ (relu.Shannon, relu.Gini,
// relu.Tsallis) instead of a ReLU: the same rule as the exact scheme with
// relu replaced by φ, so it applies to any min/max recursion the compiler
// handles. φ'(x) is the probability q of the second option.
//
// Values of −∞ (an infeasible option, as in top-k or knapsack) must be
// handled exactly: max_Ω(a, −∞) = a. A network cannot carry −∞ through
// its arithmetic, so the smooth scheme lowers the network unrolled over a
// fixed number of steps, with the state known at compile time wherever it
// is constant: the initial state and boundary values are constants, and
// the rule returns the other operand exactly when one is −∞ (or +∞ for
// min). Step inputs that offset a read (knapsack's weights) are fixed at
// compile time, so every read is static; the remaining inputs (the scores)
// are the network's inputs, one block of Steps values each. The output is
// the program's answer value, a smooth function of the scores whose
// gradient is the relaxed selection.

// SmoothInfo describes a network of the smooth scheme.
type SmoothInfo struct {
	Reg   relu.Activation
	Gamma float64
	Fixed map[string][]float64
}

type smoothing struct {
	act   relu.Activation
	gamma float64
	phi0  float64 // φ(0): the most a smoothed max adds to the max, over γ
}

// ParseReg parses a -reg flag value.
func ParseReg(s string) (relu.Activation, error) {
	switch s {
	case "shannon":
		return relu.Shannon, nil
	case "gini":
		return relu.Gini, nil
	case "tsallis":
		return relu.Tsallis, nil
	}
	return 0, fmt.Errorf("unknown regulariser %q (want shannon, gini or tsallis)", s)
}

// phiAtZero is φ(0) of each smoothed ReLU: the bound on how much max_Ω(a,b)
// exceeds max(a,b), in units of γ.
func phiAtZero(a relu.Activation) float64 {
	switch a {
	case relu.Shannon:
		return math.Ln2
	case relu.Gini:
		return 0.25
	case relu.Tsallis:
		return 4.0 / 3 * (1 - math.Sqrt2/2)
	}
	return 0
}

func lowerSmooth(l *lowering, net *Network, opt Options) (*Network, error) {
	m := l.m
	switch {
	case opt.Reg != relu.Shannon && opt.Reg != relu.Gini && opt.Reg != relu.Tsallis:
		return nil, fmt.Errorf("smooth: regulariser must be shannon, gini or tsallis")
	case !(opt.Gamma > 0) || math.IsInf(opt.Gamma, 0):
		return nil, fmt.Errorf("smooth: γ must be a positive number, got %g", opt.Gamma)
	case opt.Steps < 1 || opt.Steps > 10000:
		return nil, fmt.Errorf("smooth: the network is unrolled over the steps of an instance: give 1..10000 steps (-steps N, or -instance F), got %d", opt.Steps)
	case m.Answer == nil || m.Answer.Kind != dsl.AnswerValue:
		return nil, fmt.Errorf("%s: the smooth scheme outputs the answer's value; the program needs an answer of the form \"answer EXPR\"", m.File.Pos())
	case len(m.Data) > 0 || m.Steps > 0:
		return nil, fmt.Errorf("%s: the smooth scheme lowers programs with one step per item; this program has data or a steps line (use -scheme exact)", m.File.Pos())
	}
	fixed, err := fixedInputs(m, opt)
	if err != nil {
		return nil, err
	}
	l.smooth = &smoothing{act: opt.Reg, gamma: opt.Gamma, phi0: phiAtZero(opt.Reg)}
	units := make([][]relu.Unit, len(m.Inputs))
	for _, in := range m.Inputs {
		if _, ok := fixed[in.Index]; ok {
			continue
		}
		units[in.Index] = l.b.Input(in.Name, opt.Steps)
		l.setInputRange(units[in.Index][0], opt.Steps, in.Lo, in.Hi)
		net.StepInputs = append(net.StepInputs, in.Name)
	}
	l.cur = make([][]value, len(m.States))
	for si, s := range m.States {
		l.cur[si] = make([]value, s.Cells())
		idx := make([]int, len(s.Dims))
		for c := range l.cur[si] {
			cellIndex(s, c, idx)
			l.cur[si][c] = constant(s.InitAt(idx)) // per cell: "= if c == 0 then 0 else -inf"
		}
	}
	for t := 0; t < opt.Steps; t++ {
		l.step = t + 1
		l.inputVals = make([]value, len(m.Inputs))
		for i := range m.Inputs {
			if vals, ok := fixed[i]; ok {
				l.inputVals[i] = constant(vals[t])
			} else {
				l.inputVals[i] = l.val(relu.Var(units[i][t]))
			}
		}
		next := make([][]value, len(m.States))
		for si, s := range m.States {
			next[si] = make([]value, s.Cells())
			idx := make([]int, len(s.Dims))
			for c := range next[si] {
				cellIndex(s, c, idx)
				l.bindCell(s, idx)
				v, err := l.term(s.Body, idx)
				if err != nil {
					return nil, err
				}
				if math.IsNaN(v.a.Const) {
					return nil, fmt.Errorf("%s: step %d: %s adds +∞ and −∞", s.Body.Pos(), t+1, s.Body.Text)
				}
				next[si][c] = v
			}
		}
		l.cur = next
	}
	var inputsInAnswer bool
	walkTerms(m.Answer.Value, func(t *dsl.Term) { inputsInAnswer = inputsInAnswer || t.Kind == dsl.TInput })
	if inputsInAnswer {
		return nil, fmt.Errorf("%s: the answer cannot read step inputs", m.Answer.Decl.Pos())
	}
	l.step = opt.Steps + 1
	v, err := l.term(m.Answer.Value, nil)
	if err != nil {
		return nil, err
	}
	if math.IsInf(v.a.Const, 0) || math.IsNaN(v.a.Const) {
		return nil, fmt.Errorf("%s: the answer %s is %g for this instance whatever its scores (no feasible choice over its %d steps)", m.Answer.Decl.Pos(), m.Answer.Value.Text, v.a.Const, opt.Steps)
	}
	g := l.b.Group(relu.GroupInfo{Name: "value", Rule: "output", Term: m.Answer.Value.Text, Pos: m.Answer.Value.Pos().String()})
	l.b.Output("value", []int{1}, g, []relu.Affine{v.a})
	l.b.SetDoc(docString(m, Smooth) + fmt.Sprintf("\n\nsmooth: %v, γ = %g, unrolled over %d steps", opt.Reg, opt.Gamma, opt.Steps))
	l.b.AlignGroups()
	net.Steps = opt.Steps
	net.Smooth = &SmoothInfo{Reg: opt.Reg, Gamma: opt.Gamma, Fixed: opt.Fixed}
	return net, nil
}

// smoothBinary is binary for the smooth scheme: max_Ω(a, b) = a +
// γ·φ((b − a)/γ), min_Ω(a, b) = a − γ·φ((a − b)/γ), exact on infinite
// operands.
func (l *lowering) smoothBinary(t *dsl.Term, isMin bool, level int, a, b value) value {
	inf := math.Inf(-1) // the neutral element of max
	if isMin {
		inf = math.Inf(1)
	}
	switch {
	case a.a.IsConst() && a.a.Const == inf:
		return b
	case b.a.IsConst() && b.a.Const == inf:
		return a
	case a.a.IsConst() && math.IsInf(a.a.Const, 0):
		return a // the absorbing infinity: max(+∞, b) = +∞
	case b.a.IsConst() && math.IsInf(b.a.Const, 0):
		return b
	}
	sm := l.smooth
	op := "max"
	if isMin {
		op = "min"
	}
	name := "smooth " + op
	if level > 0 {
		name = fmt.Sprintf("%s (tree level %d)", name, level+1)
	}
	g := l.group(t, fmt.Sprintf("%s/%d", name, level), name, "smooth-"+op)
	var pre relu.Affine
	if isMin {
		pre = a.a.Minus(b.a).Scale(1 / sm.gamma)
	} else {
		pre = b.a.Minus(a.a).Scale(1 / sm.gamma)
	}
	u := l.b.Neuron(g, sm.act, pre)
	_, hi := l.interval(pre)
	l.setRange(u, 0, math.Max(0, hi)+sm.phi0) // 0 ≤ φ(x) ≤ max(x, 0) + φ(0)
	if isMin {
		return value{a.a.Minus(relu.Var(u).Scale(sm.gamma)), math.Min(a.lo, b.lo) - sm.gamma*sm.phi0, math.Min(a.hi, b.hi)}
	}
	return value{a.a.Plus(relu.Var(u).Scale(sm.gamma)), math.Max(a.lo, b.lo), math.Max(a.hi, b.hi) + sm.gamma*sm.phi0}
}

// SmoothValue evaluates a smooth network on one instance in float64:
// steps[t] holds all step inputs of step t+1 in declaration order (fixed
// ones included, and ignored: their compile-time values are in the
// network).
func (n *Network) SmoothValue(steps [][]float64) (float64, error) {
	in, err := n.SmoothInputs(steps)
	if err != nil {
		return 0, err
	}
	out, err := relu.Eval[float64](n.Cell, in, 1)
	if err != nil {
		return 0, err
	}
	return out[0], nil
}

// SmoothInputs lays out the network's input row for an instance: one
// block of Steps values per non-fixed step input.
func (n *Network) SmoothInputs(steps [][]float64) ([]float64, error) {
	if n.Smooth == nil {
		return nil, fmt.Errorf("compile: network is not of the smooth scheme")
	}
	if len(steps) != n.Steps {
		return nil, fmt.Errorf("the smooth network is unrolled over %d steps, got %d", n.Steps, len(steps))
	}
	in := make([]float64, n.Cell.NumInputs)
	for _, blk := range n.Cell.Inputs {
		var idx = -1
		for _, x := range n.Model.Inputs {
			if x.Name == blk.Name {
				idx = x.Index
			}
		}
		for t := range steps {
			if len(steps[t]) != len(n.Model.Inputs) {
				return nil, fmt.Errorf("step %d has %d input values, want %d", t+1, len(steps[t]), len(n.Model.Inputs))
			}
			in[blk.Start+t] = steps[t][idx]
		}
	}
	return in, nil
}
