package instance

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/diag"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/truth"
)

// MaxParam is the largest param value Params derives: params must be
// exact in float64.
const MaxParam = 1 << 53

// Params picks a value for every param of f, in this order:
//
//  1. set, the caller's -set values;
//  2. the instance scalar of the same name, which must be an integer
//     (e.g. capacity from a knapsack instance); a -set value that
//     contradicts it is an error naming both (the instance fixes it);
//  3. for a param that only bounds index ranges (every use of it in f is
//     the upper end of an int input's range or of a state's index range)
//     and ends the range of an int input ("input profit int in 1..pmax"):
//     the sum of that input over the instance (at least 1), or the
//     declared default when that is larger. Offsets read by such an input
//     add up along the steps, so the sum is the largest index any sequence
//     of them can reach: for knapsack, pmax = Σ profits bounds every
//     reachable profit and the optimum. When several inputs end at the
//     param, the largest sum is used;
//  4. the declared default: the author's value, which the instance does
//     not override for a param the program reads elsewhere (an amount in
//     the answer, a capacity in a comparison, a marker value);
//  5. otherwise an error.
//
// An instance whose file names its params and step values
// (Instance.Named: the generic JSON form's "params" and "steps") may give
// only params f declares and values of its inputs: a misspelt or extra
// name is an error naming it, the file, and what f reads.
//
// notes says, for every param not given in set, where its value came
// from. inst may be nil (no scalars, no automatic rule). Defaults are
// evaluated by dsl.CheckWith (without its range limit: the caller checks
// f with the chosen values under its scheme's).
func Params(f *dsl.File, inst *Instance, set map[string]int64) (params map[string]int64, notes []string, err error) {
	if inst == nil {
		inst = &Instance{}
	}
	declared := make(map[string]*dsl.ParamDecl)
	for _, d := range f.Params {
		declared[d.Name.Name] = d
	}
	var errs dsl.ErrorList
	for _, name := range slices.Sorted(maps.Keys(set)) {
		if declared[name] == nil {
			errs.Add(dsl.Pos{File: programName(f)}, fmt.Sprintf("-set %s=%d: %s has no param %s", name, set[name], programName(f), name))
		}
	}
	if inst.Named && sameData(f, inst) {
		unread(f, inst, declared, &errs)
	}
	params = make(map[string]int64)
	var defaulted []string
	derived := map[string]derivedBound{}
	for _, d := range f.Params {
		name := d.Name.Name
		if v, ok := set[name]; ok {
			if x, inInst := inst.Scalars[name]; inInst && x != float64(v) {
				errs.Add(dsl.Pos{File: programName(f)}, fmt.Sprintf("-set %s=%d contradicts the instance %s, which gives %s = %v; drop -set %s or use another instance", name, v, inst.Source, name, x, name))
				continue
			}
			params[name] = v
			continue
		}
		if v, ok := inst.Scalars[name]; ok {
			if v != math.Trunc(v) || math.Abs(v) > MaxParam {
				errs.Add(d.Pos(), fmt.Sprintf("param %s: the instance %s gives %s = %v, which is not an integer", name, inst.Source, name, v))
				continue
			}
			params[name] = int64(v)
			notes = append(notes, fmt.Sprintf("%s = %d from the instance %s", name, int64(v), inst.Source))
			continue
		}
		use, boundOnly := otherUse(f, name)
		if boundOnly {
			if v, input, ok := sumOverInstance(f, inst, name); ok {
				if d.Default == nil {
					params[name] = v
					notes = append(notes, fmt.Sprintf("%s not set: using %d, the sum of input %s over the instance %s (%s only bounds index ranges: an upper bound on every reachable index)", name, v, input, inst.Source, name))
					continue
				}
				// The default, or the sum when the default is too small:
				// decided once the default is evaluated.
				derived[name] = derivedBound{v, input}
			}
		}
		if d.Default == nil {
			why := ""
			if use != "" {
				why = fmt.Sprintf(" (it is read at %s, not only as the upper end of index ranges, so it is not derived from the instance)", use)
			}
			errs.Add(d.Pos(), fmt.Sprintf("param %s has no value: set it with -set %s=N or give the instance a scalar %s%s", name, name, name, why))
			continue
		}
		defaulted = append(defaulted, name)
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	if len(defaulted) > 0 {
		// Only the defaults' values are wanted here: the caller checks the
		// program with them under its scheme's limits (the fptas scheme
		// takes ranges past dsl.DefaultMaxCount), so none is applied.
		m, err := dsl.CheckWith(f, params, dsl.Limits{MaxCount: MaxParam})
		if err != nil {
			return nil, nil, err
		}
		// A raised param is used by no default (that is a use beyond
		// index ranges), so the defaults above stand.
		for _, name := range defaulted {
			v, _ := m.Param(name)
			params[name] = v
			b, ok := derived[name]
			switch {
			case !ok:
				notes = append(notes, fmt.Sprintf("%s not set: using its default %d", name, v))
			case b.sum <= v:
				notes = append(notes, fmt.Sprintf("%s not set: using its default %d (at least %d, the sum of input %s over the instance %s, so every reachable index fits)", name, v, b.sum, b.input, inst.Source))
			default:
				params[name] = b.sum
				notes = append(notes, fmt.Sprintf("%s not set: using %d, the sum of input %s over the instance %s, as its default %d is below it (%s only bounds index ranges: an upper bound on every reachable index)", name, b.sum, b.input, inst.Source, v, name))
			}
		}
	}
	return params, notes, nil
}

// derivedBound is the automatic rule's value for a param: the sum of
// input over the instance.
type derivedBound struct {
	sum   int64
	input string
}

// otherUse says whether every use of the param name in f is the upper end
// of an input's range or of a state's index range (boundOnly), and
// otherwise where the first other use is.
func otherUse(f *dsl.File, name string) (where string, boundOnly bool) {
	var first *dsl.Name
	visit := func(e dsl.Expr, rangeEnd bool) {
		if rangeEnd {
			if n, ok := e.(*dsl.Name); ok && n.Ident.Name == name {
				return
			}
		}
		dsl.Inspect(e, func(x dsl.Expr) bool {
			if n, ok := x.(*dsl.Name); ok && n.Ident.Name == name && first == nil {
				first = n
			}
			return first == nil
		})
	}
	rng := func(r dsl.Range, hiIsEnd bool) {
		visit(r.Lo, false)
		visit(r.Hi, hiIsEnd)
	}
	for _, d := range f.Params {
		visit(d.Default, false)
	}
	for _, d := range f.Inputs {
		rng(d.Range, true)
	}
	for _, d := range f.States {
		for _, dim := range d.Dims {
			rng(dim.Range, true)
		}
		rng(d.Range, false)
		visit(d.Init, false)
	}
	for _, d := range f.Data {
		for _, dim := range d.Dims {
			rng(dim.Range, false)
		}
		rng(d.Range, false)
	}
	for _, b := range f.Boundaries {
		visit(b.Bound, false)
		visit(b.Value, false)
	}
	for _, s := range f.Steps {
		visit(s.Body, false)
	}
	if f.StepCount != nil {
		visit(f.StepCount.Count, false)
	}
	if a := f.Answer; a != nil {
		visit(a.Value, false)
		visit(a.LHS, false)
		visit(a.RHS, false)
	}
	if first == nil {
		return "", true
	}
	return first.Pos().String(), false
}

// CheckSet refuses a value of set (-set NAME=V) that contradicts a scalar
// of inst: for an instance that fixes the network (compile -instance),
// where Params would let -set win.
func CheckSet(inst *Instance, set map[string]int64) error {
	for _, name := range slices.Sorted(maps.Keys(set)) {
		if x, ok := inst.Scalars[name]; ok && x != float64(set[name]) {
			return fmt.Errorf("-set %s=%d contradicts the instance %s, which gives %s = %v; drop -set %s or use another instance", name, set[name], inst.Source, name, x, name)
		}
	}
	return nil
}

// sameData says whether inst gives exactly the data f declares. When it
// does not, it is likely the instance of another program: BindData's
// missing and undeclared data say so better than its params would.
func sameData(f *dsl.File, inst *Instance) bool {
	if len(f.Data) != len(inst.Data) {
		return false
	}
	for _, d := range f.Data {
		if _, ok := inst.Data[d.Name.Name]; !ok {
			return false
		}
	}
	return true
}

// unread adds an error for every param and step value of inst that f
// does not read (declared are f's params by name): a step value once, at
// the first step that has it.
func unread(f *dsl.File, inst *Instance, declared map[string]*dsl.ParamDecl, errs *dsl.ErrorList) {
	var params, inputs []string
	for _, d := range f.Params {
		params = append(params, d.Name.Name)
	}
	for _, d := range f.Inputs {
		inputs = append(inputs, d.Name.Name)
	}
	list := func(names []string) string {
		if len(names) == 0 {
			return "none"
		}
		return strings.Join(names, ", ")
	}
	for _, name := range slices.Sorted(maps.Keys(inst.Scalars)) {
		if declared[name] == nil {
			errs.Add(dsl.Pos{File: inst.Source}, fmt.Sprintf("\"params\" gives %s, which %s does not declare (its params: %s)", name, f.Name.Name, list(params)))
		}
	}
	if f.StepCount != nil {
		return // steps in the instance of a program with a steps line: Bind says so
	}
	seen := map[string]bool{}
	for k, step := range inst.Steps {
		for _, key := range slices.Sorted(maps.Keys(step)) {
			if !slices.Contains(inputs, key) && !seen[key] {
				seen[key] = true
				errs.Add(inst.stepPos(k), fmt.Sprintf("%s %d: %s is not an input of %s (its inputs: %s)", inst.StepNoun, k+1, key, f.Name.Name, list(inputs)))
			}
		}
	}
}

func programName(f *dsl.File) string {
	if f.DpPos.File != "" {
		return f.DpPos.File
	}
	if f.Name != nil {
		return f.Name.Name
	}
	return "the program"
}

// sumOverInstance applies the automatic rule of Params to the param name:
// the largest, over the int inputs whose range ends exactly at name, of
// max(1, the input's sum over the instance). ok is false when no input
// qualifies or the instance lacks the values (then Bind reports it).
func sumOverInstance(f *dsl.File, inst *Instance, name string) (sum int64, input string, ok bool) {
	for _, d := range f.Inputs {
		hi, isName := d.Range.Hi.(*dsl.Name)
		if d.Type != dsl.Int || !isName || hi.Ident.Name != name {
			continue
		}
		var s float64
		have := len(inst.Steps) > 0
		for _, step := range inst.Steps {
			v, found := step[d.Name.Name]
			if !found || v != math.Trunc(v) || math.Abs(v) > MaxParam {
				have = false
				break
			}
			s += v
		}
		if !have || math.Abs(s) > MaxParam {
			continue
		}
		v := max(1, int64(s))
		if !ok || v > sum {
			sum, input, ok = v, d.Name.Name, true
		}
	}
	return sum, input, ok
}

// Bind returns, per step of inst, the values of m.Inputs in order, looked
// up by name, as float64 (what a network is fed). It checks every value
// against its input's declaration: present, finite, an integer for an int
// input, inside the declared range. Errors name the instance location and
// the declaration, e.g.
//
//	f1.txt:4: item 3: profit 57 is above 50, the upper end of input profit (knapsack.dp:10:1)
//
// A program with a steps line takes no per-step inputs: Bind returns nil
// for it, and an error when the instance has steps.
func Bind(m *dsl.Model, inst *Instance) ([][]float64, error) {
	if m.Steps > 0 {
		if len(inst.Steps) > 0 {
			return nil, diag.ErrorList{{Pos: diag.Pos{File: inst.Source},
				Msg: fmt.Sprintf("%s runs %d steps (its steps line) and takes no per-step inputs, but the instance has %d steps", m.Name, m.Steps, len(inst.Steps))}}
		}
		return nil, nil
	}
	if err := checkBinding(m, inst); err != nil {
		return nil, err
	}
	out := make([][]float64, len(inst.Steps))
	for k, step := range inst.Steps {
		out[k] = make([]float64, len(m.Inputs))
		for i, in := range m.Inputs {
			out[k][i] = step[in.Name]
		}
	}
	return out, nil
}

// BindExact is Bind with the instance's exact values (Instance.Exact), for
// RunDPExact: decimals as written and sizes as fractions weight/capacity.
// Where the instance holds no exact value, the float64 is taken exactly.
func BindExact(m *dsl.Model, inst *Instance) ([][]truth.Value, error) {
	if err := checkBinding(m, inst); err != nil {
		return nil, err
	}
	out := make([][]truth.Value, len(inst.Steps))
	for k, step := range inst.Steps {
		out[k] = make([]truth.Value, len(m.Inputs))
		for i, in := range m.Inputs {
			if k < len(inst.Exact) && inst.Exact[k][in.Name] != nil {
				out[k][i] = truth.RatValue(inst.Exact[k][in.Name])
			} else {
				out[k][i], _ = truth.FloatValue(step[in.Name])
			}
		}
	}
	return out, nil
}

// checkBinding reports every value of inst that m's inputs cannot take.
// The range test is on the exact value when there is one.
func checkBinding(m *dsl.Model, inst *Instance) error {
	var errs diag.ErrorList
	add := func(k int, format string, args ...any) {
		errs.Add(inst.stepPos(k), fmt.Sprintf("%s %d: ", inst.StepNoun, k+1)+fmt.Sprintf(format, args...))
	}
	if len(inst.Steps) == 0 {
		errs.Add(diag.Pos{File: inst.Source}, "the instance has no steps")
	}
	for k, step := range inst.Steps {
		for _, in := range m.Inputs {
			f, found := step[in.Name]
			if !found {
				add(k, "no value for input %s (%s); the %s has %s", in.Name, truth.DeclPos(in.Decl), inst.StepNoun, namesOf(step))
				continue
			}
			v, ok := truth.FloatValue(f)
			if k < len(inst.Exact) && inst.Exact[k][in.Name] != nil {
				v = truth.RatValue(inst.Exact[k][in.Name])
			}
			lo, _ := truth.FloatValue(in.Lo)
			hi, _ := truth.FloatValue(in.Hi)
			switch {
			case !ok || v.IsInf():
				add(k, "%s %v is not a finite number (%s)", in.Name, f, truth.DeclPos(in.Decl))
			case in.Type == dsl.Int && !v.IsInt():
				add(k, "%s %v is not an integer, but input %s is int (%s)", in.Name, v.Float64(), in.Name, truth.DeclPos(in.Decl))
			case v.Cmp(lo) < 0:
				add(k, "%s %v is below %v, the lower end of input %s (%s)", in.Name, v.Float64(), in.Lo, in.Name, truth.DeclPos(in.Decl))
			case v.Cmp(hi) > 0:
				add(k, "%s %v is above %v, the upper end of input %s (%s)", in.Name, v.Float64(), in.Hi, in.Name, truth.DeclPos(in.Decl))
			}
		}
	}
	return errs.Err() // in step order, not sorted: JSON steps have no lines
}

func namesOf(step map[string]float64) string {
	if len(step) == 0 {
		return "no values"
	}
	return strings.Join(slices.Sorted(maps.Keys(step)), ", ")
}
