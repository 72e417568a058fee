package compile

import (
	"fmt"
	"math"
	"sort"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// LowerRecurrence lowers a program of the smooth scheme to the vector form
// of its recurrence (relu.Recurrence), which export writes as an ONNX Loop
// over the steps: the whole state is updated at once, so the model's size
// does not grow with the number of steps.
//
// The rules, none naming a problem:
//
//   - the program has one state of one (non-subsets) dimension and per-step
//     inputs (no data, no steps line);
//   - the step is a max of two operands (the smoothed max of the scheme),
//     each a read of the state at the cell's own index plus an offset,
//     plus an affine function of the step inputs;
//   - an input in an offset is fixed at compile time (opt.Fixed, from
//     Options.SmoothInstance), so each operand's shift is known per step;
//     fixed inputs in the affine part become per-step constants, the others
//     are the run-time inputs;
//   - a read outside the state takes its boundary value, computed here for
//     every index a shift can reach (a read no boundary rule covers is
//     refused); +∞ anywhere is refused (it would absorb the max);
//   - the answer reads one cell of the final state.
//
// opt must be a smooth-scheme Options completed by SmoothInstance.
func LowerRecurrence(m *dsl.Model, opt Options) (*relu.Recurrence, error) {
	where := m.File.Pos()
	switch {
	case opt.Reg != relu.Shannon && opt.Reg != relu.Gini && opt.Reg != relu.Tsallis:
		return nil, fmt.Errorf("smooth: regulariser must be shannon, gini or tsallis")
	case !(opt.Gamma > 0) || math.IsInf(opt.Gamma, 0):
		return nil, fmt.Errorf("smooth: γ must be a positive number, got %g", opt.Gamma)
	case opt.Steps < 1 || opt.Steps > MaxRecurrenceSteps:
		return nil, fmt.Errorf("smooth: the loop form runs the steps of an instance: give 1..%d steps (-steps N, or -instance F), got %d", MaxRecurrenceSteps, opt.Steps)
	case len(m.Data) > 0 || m.Steps > 0:
		return nil, fmt.Errorf("%s: the smooth scheme lowers programs with one step per item; this program has data or a steps line (use -scheme exact)", where)
	case len(m.States) != 1:
		return nil, fmt.Errorf("%s: the loop form of the smooth scheme vectorises one state of one index dimension; this program has %d states (use -form unrolled)", where, len(m.States))
	case len(m.States[0].Dims) != 1:
		s := m.States[0]
		return nil, fmt.Errorf("%s: the loop form of the smooth scheme vectorises one state of one index dimension; state %s has %d index dimensions (use -form unrolled)", s.Decl.Pos(), s.Name, len(s.Dims))
	case m.States[0].Dims[0].Set:
		s := m.States[0]
		return nil, fmt.Errorf("%s: the loop form of the smooth scheme vectorises one state of one index dimension; the dimension of state %s is a subsets dimension (use -form unrolled)", s.Decl.Pos(), s.Name)
	case m.Answer == nil || m.Answer.Kind != dsl.AnswerValue:
		return nil, fmt.Errorf("%s: the smooth scheme outputs the answer's value; the program needs an answer of the form \"answer EXPR\"", where)
	}
	s := m.States[0]
	L := s.Cells()
	if L > MaxRecurrenceCells {
		return nil, fmt.Errorf("%s: state %s has %d cells, more than the loop form's limit of %d", s.Decl.Pos(), s.Name, L, MaxRecurrenceCells)
	}
	body := s.Body
	if body.Kind != dsl.TMax || len(body.Args) != 2 {
		return nil, fmt.Errorf("%s: the loop form lowers a step of the form max(A, B) (one smoothed max of two operands); %s is not (use -form unrolled)", body.Pos(), dsl.Shorten(body.Text))
	}
	fixed, err := fixedInputs(m, opt)
	if err != nil {
		return nil, err
	}
	r := &relu.Recurrence{State: s.Name, Len: L, Steps: opt.Steps, Act: opt.Reg, Gamma: opt.Gamma,
		Doc:  docString(m, Smooth) + fmt.Sprintf("\n\nsmooth: %v, γ = %g, a Loop over %d steps", opt.Reg, opt.Gamma, opt.Steps),
		Text: body.Text}
	var runtime []*dsl.Input
	for _, in := range m.Inputs {
		if fixed[in.Index] == nil {
			runtime = append(runtime, in)
			r.Inputs = append(r.Inputs, in.Name)
		}
	}
	lo := s.Dims[0].Lo
	minShift, maxShift := 0, 0
	for k, arg := range body.Args {
		o, err := lowerOption(arg, s, fixed, runtime, opt.Steps)
		if err != nil {
			return nil, err
		}
		for t := 0; t < opt.Steps; t++ {
			minShift, maxShift = min(minShift, o.ShiftAt(t)), max(maxShift, o.ShiftAt(t))
		}
		r.Options[k] = *o
	}
	r.Init = make([]float64, L)
	for c := range r.Init {
		r.Init[c] = s.InitAt([]int{lo + c})
	}
	boundary := func(i int) (float64, error) {
		v, ok := s.BoundaryAt(i)
		if !ok {
			return 0, fmt.Errorf("%s: %s reads %s[%d], outside %d..%d, and no boundary rule covers it", body.Pos(), dsl.Shorten(body.Text), s.Name, i, lo, lo+L-1)
		}
		return v, nil
	}
	r.Below = make([]float64, maxShift)
	for i := range r.Below {
		if r.Below[i], err = boundary(lo - maxShift + i); err != nil {
			return nil, err
		}
	}
	r.Above = make([]float64, -minShift)
	for i := range r.Above {
		if r.Above[i], err = boundary(lo + L + i); err != nil {
			return nil, err
		}
	}
	for _, v := range append(append(append([]float64(nil), r.Init...), r.Below...), r.Above...) {
		if math.IsInf(v, 1) {
			return nil, fmt.Errorf("%s: state %s holds +∞ (initially or at a boundary), which absorbs a max; the loop form needs finite values or −∞", s.Decl.Pos(), s.Name)
		}
	}
	a := m.Answer.Value
	if a.Kind != dsl.TRead || a.State != s || a.Index[0].HasVar || len(a.Index[0].Terms) > 0 || !a.Index[0].Simple {
		return nil, fmt.Errorf("%s: the loop form outputs one cell of the final state; the answer %s is not a read at a constant index", m.Answer.Decl.Pos(), a.Text)
	}
	r.Answer = a.Index[0].Const - lo
	if r.Answer < 0 || r.Answer >= L {
		return nil, fmt.Errorf("%s: the answer %s reads outside %s", m.Answer.Decl.Pos(), a.Text, s.Name)
	}
	if err := r.Validate(); err != nil {
		panic(err) // the rules above build only valid recurrences
	}
	return r, nil
}

// Limits of the loop form: the state and the steps are tables of the
// model (O(Steps) shifts, O(Len) boundary values), and the forward pass
// keeps Steps·Len pick probabilities per instance for the marginals.
const (
	MaxRecurrenceSteps = 1 << 20
	MaxRecurrenceCells = 1 << 22
)

// fixedInputs returns the per-step values of the inputs fixed in opt, by
// input index, after checking them against the inputs' declared ranges.
func fixedInputs(m *dsl.Model, opt Options) (map[int][]float64, error) {
	names := make([]string, 0, len(opt.Fixed))
	for name := range opt.Fixed {
		names = append(names, name)
	}
	sort.Strings(names)
	fixed := map[int][]float64{}
	for _, name := range names {
		vals := opt.Fixed[name]
		var in *dsl.Input
		for _, x := range m.Inputs {
			if x.Name == name {
				in = x
			}
		}
		if in == nil {
			return nil, fmt.Errorf("smooth: fixed input %q is not an input of %s", name, m.Name)
		}
		if len(vals) != opt.Steps {
			return nil, fmt.Errorf("smooth: fixed input %s has %d values for %d steps", name, len(vals), opt.Steps)
		}
		for t, v := range vals {
			if !(v >= in.Lo && v <= in.Hi) || (in.Type == dsl.Int && v != math.Trunc(v)) {
				return nil, fmt.Errorf("smooth: step %d: %s = %g is outside its declared %s range %g..%g", t+1, name, v, in.Type, in.Lo, in.Hi)
			}
		}
		fixed[in.Index] = vals
	}
	return fixed, nil
}

// affineTerm is a term decomposed as read + Σ coef·input + const, read
// nil when the term reads no state.
type affineTerm struct {
	read  *dsl.Term
	coef  map[int]float64 // by input index
	konst float64
}

func decompose(t *dsl.Term) (*affineTerm, error) {
	switch t.Kind {
	case dsl.TConst:
		if math.IsInf(t.Value, 0) || math.IsNaN(t.Value) {
			return nil, fmt.Errorf("%s: the loop form adds finite constants to a read; %s is %g", t.Pos(), t.Text, t.Value)
		}
		return &affineTerm{coef: map[int]float64{}, konst: t.Value}, nil
	case dsl.TInput:
		return &affineTerm{coef: map[int]float64{t.Input.Index: 1}}, nil
	case dsl.TRead:
		return &affineTerm{read: t, coef: map[int]float64{}}, nil
	case dsl.TAdd:
		sum := &affineTerm{coef: map[int]float64{}}
		for _, a := range t.Args {
			x, err := decompose(a)
			if err != nil {
				return nil, err
			}
			if x.read != nil {
				if sum.read != nil {
					return nil, fmt.Errorf("%s: the loop form lowers an operand with one read of the state; %s has more", t.Pos(), dsl.Shorten(t.Text))
				}
				sum.read = x.read
			}
			for i, c := range x.coef {
				sum.coef[i] += c
			}
			sum.konst += x.konst
		}
		return sum, nil
	case dsl.TNeg, dsl.TScale:
		x, err := decompose(t.Args[0])
		if err != nil {
			return nil, err
		}
		f := -1.0
		if t.Kind == dsl.TScale {
			f = t.Value
		}
		if x.read != nil && f != 1 {
			return nil, fmt.Errorf("%s: the loop form lowers reads of the state with coefficient 1; %s scales one", t.Pos(), dsl.Shorten(t.Text))
		}
		for i := range x.coef {
			x.coef[i] *= f
		}
		x.konst *= f
		return x, nil
	}
	return nil, fmt.Errorf("%s: the loop form lowers an operand of the form read + affine function of the inputs; %s is a %s (use -form unrolled)", t.Pos(), dsl.Shorten(t.Text), t.Kind)
}

// lowerOption lowers one operand of the step's max.
func lowerOption(arg *dsl.Term, s *dsl.State, fixed map[int][]float64, runtime []*dsl.Input, steps int) (*relu.RecurrenceOption, error) {
	x, err := decompose(arg)
	if err != nil {
		return nil, err
	}
	if x.read == nil || x.read.State != s {
		return nil, fmt.Errorf("%s: the loop form lowers operands that read the state; %s does not", arg.Pos(), dsl.Shorten(arg.Text))
	}
	ix := x.read.Index[0]
	if !ix.Simple || !ix.HasVar || ix.Dim != 0 {
		return nil, fmt.Errorf("%s: the loop form reads the state at the cell's index plus an offset; %s is not of that form", x.read.Pos(), x.read.Text)
	}
	o := &relu.RecurrenceOption{Text: arg.Text, Coef: make([]float64, len(runtime))}
	// The read is v[c + Const + Σ coef·input]: shift = −(Const + Σ …).
	if ix.Const != 0 || len(ix.Terms) > 0 {
		o.Shift = make([]int, steps)
		for t := range o.Shift {
			off := ix.Const
			for _, term := range ix.Terms {
				vals := fixed[term.Input.Index]
				if vals == nil {
					return nil, fmt.Errorf("%s: read %s is offset by a run-time input; the smooth scheme needs it fixed at compile time (give the instance)", x.read.Pos(), x.read.Text)
				}
				off += term.Coef * int(vals[t])
			}
			o.Shift[t] = -off
		}
	}
	for idx, c := range x.coef {
		if vals := fixed[idx]; vals != nil {
			if o.Const == nil {
				o.Const = make([]float64, steps)
			}
			for t := range o.Const {
				o.Const[t] += c * vals[t]
			}
			continue
		}
		for j, in := range runtime {
			if in.Index == idx {
				o.Coef[j] = c
			}
		}
	}
	if x.konst != 0 {
		if o.Const == nil {
			o.Const = make([]float64, steps)
		}
		for t := range o.Const {
			o.Const[t] += x.konst
		}
	}
	return o, nil
}
