package verify

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
)

// This file checks programs with data on random instances from the
// generator of problems.Table for the program (uniform draws when the
// table has none): the network (or a model file) in every
// dtype against the exact interpreter on every cell of every step, the
// "require fixpoint" step, the decoded answer, and the independent solver
// of the table row (truth/graphs) on the answer.

// dataProblemFor returns the row of problems.Table that the checked
// program m is, matched by structure (problems.Identify), never by file
// name; its generator and solver read the params from m.
func dataProblemFor(m *dsl.Model) (*problems.Problem, bool) {
	p, ok := problems.Identify(m)
	if !ok || !p.HasData() {
		return nil, false
	}
	return p, true
}

// uniformData draws every data value uniformly: an integer in Lo..Hi (a
// real in [Lo, Hi] for real data), or +inf with probability 1/4 when the
// data may be inf.
func uniformData(rng *rand.Rand, m *dsl.Model) [][]float64 {
	data := make([][]float64, len(m.Data))
	for k, d := range m.Data {
		data[k] = make([]float64, d.Cells())
		for i := range data[k] {
			switch {
			case d.MayInf && rng.IntN(4) == 0:
				data[k][i] = math.Inf(1)
			case d.Type == dsl.Int:
				data[k][i] = d.Lo + float64(rng.IntN(int(d.Hi-d.Lo)+1))
			default:
				data[k][i] = uniformReal(rng.Float64(), d.Lo, d.Hi)
			}
		}
	}
	return data
}

// uniformReal maps r in [0, 1) to [lo, hi] without overflow: lo + (hi −
// lo)·r would be +inf when hi − lo exceeds the largest float64 (a range
// of ±1e308), and the generator would then refuse its own value.
func uniformReal(r, lo, hi float64) float64 {
	v := lo + (hi-lo)*r
	if math.IsInf(hi-lo, 0) {
		v = lo*(1-r) + hi*r
	}
	return math.Min(math.Max(v, lo), hi)
}

// Random instances run through the network in batches of
// compile.CheckBatch: every step's states of each are kept to compare
// with the interpreter, so a batch holds at most compile.CheckBatchBytes
// of them (or one instance, when one is larger).

// DataRandom checks count random instances (from seed) of a program with
// data and a steps line: net in every dtype, form "cell" (the cell run
// once per step, every step observed) or "unrolled" (the network unrolled
// over the steps, the final state observed), against the exact
// interpreter, the "require fixpoint" step and the answer, and the answer
// against the independent solver of the program's row of problems.Table
// (whose generator draws the instances; uniform data without one). It
// adds one row to rep and says in rep.Against what it compared.
func DataRandom(rep *Report, net *compile.Network, form string, dtypes []engine.DType, count int, seed uint64) error {
	if form != "cell" && form != "unrolled" {
		return fmt.Errorf("unknown form %q (want cell or unrolled)", form)
	}
	m := net.Original()
	var err error
	gen := uniformData
	genName := "uniform data"
	p, hasProblem := dataProblemFor(net.Original())
	if hasProblem {
		gen, genName = p.Random, "the generator of problem "+p.Name+" (problems.Table)"
	}
	observed := "every cell of every step"
	if form == "unrolled" {
		observed = "every cell of the final state (the unrolled network shows no other)"
	}
	rep.Against = fmt.Sprintf("network vs the exact interpreter (exact rational arithmetic) on %s, the extra step of require fixpoint, and the answer", observed)
	if hasProblem {
		rep.Against += "; the interpreter's final state and every answer vs the independent solver of problem " + p.Name + " (truth/graphs)"
	}
	if r := net.OffsetRounding; r != nil {
		slack := "a slack the problem table does not state"
		if _, why, ok := fptasSlack(net); ok {
			slack = why
		}
		rep.Against = fmt.Sprintf("network vs the rounded DP (the exact interpreter on the program re-checked with %s = %d, data ⌈%s/%d⌉) on %s; its answer k·c' vs the exact optimum: OPT <= k·c' <= OPT + %s",
			r.Param, r.N, r.Data, r.K, observed, slack)
		if hasProblem {
			rep.Against += "; OPT vs the independent solver of problem " + p.Name + " (truth/graphs)"
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	steps, extra := networkSteps(net)
	row := Row{Source: fmt.Sprintf("random (%s), seed %d", genName, seed), Params: ParamString(m), MaxErr: map[string]Number{}, Tolerance: map[string]Number{}}
	if form == "unrolled" {
		row.Source += ", unrolled form"
	}
	var unrolled []*relu.Graph
	if form == "unrolled" {
		if unrolled, err = unrolledGraphs(net); err != nil {
			return err
		}
	}
	kept := steps
	if extra {
		kept++
	}
	batch := compile.CheckBatch(net.StatesBytes(kept), len(dtypes))
	for done := 0; done < count; done += batch {
		datas := make([][][]float64, min(batch, count-done))
		for i := range datas {
			datas[i] = gen(rng, m)
		}
		runs := make([][][][][]float64, len(dtypes)) // [dtype][instance][step][state][cell]
		for di, dt := range dtypes {
			if form == "unrolled" {
				runs[di], err = runUnrolledBatch(net, unrolled, dt, datas)
			} else {
				runs[di], err = runDataBatch(net, dt, datas)
			}
			if err != nil {
				return fmt.Errorf("random instances %d..%d: %v", done+1, done+len(datas), err)
			}
		}
		for i, data := range datas {
			name := fmt.Sprintf("random #%d", done+i+1)
			c, err := checkDataInstance(net, name, data, dtypes, runs, i, p, hasProblem, &row)
			if err != nil {
				return fmt.Errorf("%s: %v", name, err)
			}
			c.Steps = steps
			if extra {
				c.Steps++
			}
			rep.Add(&row, c)
		}
	}
	rep.Rows = append(rep.Rows, row)
	return nil
}

// checkDataInstance compares every dtype's run on one instance with the
// interpreter, and the interpreter's answer with the table's solver.
func checkDataInstance(net *compile.Network, name string, data [][]float64, dtypes []engine.DType, runs [][][][][]float64, i int, p *problems.Problem, hasProblem bool, row *Row) (*Case, error) {
	gt, err := runDataTruth(net, data)
	if err != nil {
		return nil, fmt.Errorf("the exact interpreter: %v", err)
	}
	c := &Case{Name: name}
	steps, _ := networkSteps(net)
	for di, dt := range dtypes {
		tol := net.DecodeTolerance(dt.Roundoff(), steps+1)
		out := compareData(net, gt, runs[di][i], data, tol)
		r := Run{Label: string(dt), DType: dt, MaxErr: out.maxErr, Worst: out.worst, Tolerance: tol, Answer: answerText(out.answer)}
		if gt.fix != nil {
			r.Answer = "fixpoint fails"
		}
		c.Runs = append(c.Runs, r)
		if out.mismatch != "" && c.Mismatch == "" {
			c.Mismatch = fmt.Sprintf("%s: %s", dt, out.mismatch)
		}
		if di > 0 || out.mismatch != "" {
			continue
		}
		switch {
		case gt.fix != nil:
			c.Exact = "fixpoint fails: " + gt.fix.Msg
			row.Fixpoint++
		case gt.opt != nil:
			c.Exact = gt.opt.String()
			if !gt.opt.Found {
				row.NoAnswer++
			}
			if out.answer.Found && gt.opt.Found {
				gap := float64(out.answer.Index - gt.opt.Index)
				if row.MaxGap == nil || gap > *row.MaxGap {
					row.MaxGap = &gap
				}
				if _, why, ok := fptasSlack(net); ok {
					row.Slack = why
				}
			}
		default:
			c.Exact = out.exact.String()
			if !answerFinite(out.answer) {
				row.NoAnswer++
			}
		}
	}
	if !hasProblem || c.Mismatch != "" {
		return c, nil
	}
	solved, err := p.ExactData(net.Original(), data)
	if err != nil {
		return nil, fmt.Errorf("the solver of problems.Table: %v", err)
	}
	if msg := againstSolver(net, gt, solved, runs[0][i], data); msg != "" {
		c.Mismatch = "against the solver of problems.Table: " + msg
	}
	return c, nil
}

// againstSolver compares the ground truth with the independent solver of
// the table row (truth/graphs): the fixpoint with its negative cycle, the
// interpreter's final state with the solver's table, and the network's
// decoded answer with the solver's answer (for fptas, the exact optimum
// the guarantee was checked against).
func againstSolver(net *compile.Network, gt *dataTruth, solved problems.DataAnswer, states [][][]float64, data [][]float64) string {
	if net.OffsetRounding != nil {
		switch {
		case gt.opt == nil:
			return "the original program's fixpoint fails"
		case gt.opt.Found != !math.IsInf(solved.Value, 1) || gt.opt.Found && gt.opt.Float64() != solved.Value:
			return fmt.Sprintf("the interpreter's OPT %s, the solver's %s", gt.opt, compile.ValueText(solved.Value))
		}
		return ""
	}
	if (gt.fix != nil) != solved.NegativeCycle {
		return fmt.Sprintf("require fixpoint fails: %v, but the solver's negative cycle: %v", gt.fix != nil, solved.NegativeCycle)
	}
	if gt.fix != nil {
		return ""
	}
	if solved.Final != nil && len(net.Model.States) == 1 {
		final := gt.trace.Final(0)
		if len(final) != len(solved.Final) {
			return fmt.Sprintf("the solver's table has %d cells, the state %d", len(solved.Final), len(final))
		}
		for c, v := range final {
			if !sameValue(v, solved.Final[c], 0) { // the random instances of the solvers' problems are integers: exact
				return fmt.Sprintf("interpreter's final %s = %s, the solver's table %s", cellText(net.Model.States[0], c), compile.ValueText(v), compile.ValueText(solved.Final[c]))
			}
		}
	}
	steps, _ := networkSteps(net)
	ans, err := net.DecodeData(states[steps], data, 0)
	if err != nil {
		return fmt.Sprintf("decoding: %v", err)
	}
	switch ans.Kind {
	case dsl.AnswerState:
		if len(ans.Cells) != len(solved.Cells) {
			return fmt.Sprintf("answer: network %s, the solver's %v", answerText(ans), solved.Cells)
		}
		for c, v := range ans.Cells {
			if !sameValue(v, solved.Cells[c], 0) {
				return fmt.Sprintf("answer: network %s, the solver's %v", answerText(ans), solved.Cells)
			}
		}
	case dsl.AnswerValue:
		if !sameValue(ans.Value, solved.Value, 0) {
			return fmt.Sprintf("answer: network %s, the solver's %s", answerText(ans), compile.ValueText(solved.Value))
		}
	default:
		if got := float64(ans.Index); !(ans.Found && got == solved.Value) && !(!ans.Found && math.IsInf(solved.Value, 1)) {
			return fmt.Sprintf("answer: network %s, the solver's %s", answerText(ans), compile.ValueText(solved.Value))
		}
	}
	return ""
}

// unrolledGraphs builds the unrolled network over the program's steps
// and, for "require fixpoint", over one step more.
func unrolledGraphs(net *compile.Network) ([]*relu.Graph, error) {
	steps, extra := networkSteps(net)
	g, err := net.Unrolled(steps)
	if err != nil {
		return nil, err
	}
	gs := []*relu.Graph{g}
	if extra {
		g2, err := net.Unrolled(steps + 1)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g2)
	}
	return gs, nil
}

// runUnrolledBatch evaluates the unrolled graphs on every instance. Only
// the final states are observed: states[b][t] is nil for the steps in
// between.
func runUnrolledBatch(net *compile.Network, gs []*relu.Graph, dt engine.DType, datas [][][]float64) ([][][][]float64, error) {
	steps, extra := networkSteps(net)
	out := make([][][][]float64, len(datas))
	for b := range out {
		n := steps + 1
		if extra {
			n++
		}
		out[b] = make([][][]float64, n)
		init := make([][]float64, len(net.State))
		for s, name := range net.State {
			init[s] = net.Init[name]
		}
		out[b][0] = init
	}
	for gi, g := range gs {
		var finals [][][]float64
		var err error
		if dt == engine.Float32 {
			finals, err = evalUnrolled[float32](net, g, datas)
		} else {
			finals, err = evalUnrolled[float64](net, g, datas)
		}
		if err != nil {
			return nil, err
		}
		for b := range datas {
			out[b][steps+gi] = finals[b]
		}
	}
	return out, nil
}

// evalUnrolled runs an unrolled graph, whose inputs are the data blocks,
// on every instance and returns the final states in net.State order.
func evalUnrolled[T relu.Float](net *compile.Network, g *relu.Graph, datas [][][]float64) ([][][]float64, error) {
	ev, err := relu.NewEvaluator[T](g)
	if err != nil {
		return nil, err
	}
	nin, nout := ev.NumInputs(), ev.NumOutputs()
	in := make([]T, len(datas)*nin)
	for b, data := range datas {
		fed, err := net.Feed(data)
		if err != nil {
			return nil, err
		}
		for _, blk := range g.Inputs {
			k := indexOf(net.Data, blk.Name)
			if k < 0 || len(fed[k]) != blk.Len {
				return nil, fmt.Errorf("unrolled graph input %q is not a data block of %s", blk.Name, net.Model.Name)
			}
			for i, x := range fed[k] {
				in[b*nin+blk.Start+i] = T(x)
			}
		}
	}
	out := make([]T, len(datas)*nout)
	if err := ev.Run(in, out, len(datas)); err != nil {
		return nil, err
	}
	finals := make([][][]float64, len(datas))
	for b := range datas {
		finals[b] = make([][]float64, len(net.State))
		for s, name := range net.State {
			blk, ok := g.Output(name)
			if !ok {
				return nil, fmt.Errorf("unrolled graph has no output %q", name)
			}
			at := b*nout + blk.Start - g.Outputs[0].Start // outputs cover the last layer in order
			finals[b][s] = make([]float64, blk.Len)
			for i := range finals[b][s] {
				finals[b][s][i] = float64(out[at+i])
			}
		}
	}
	return finals, nil
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// ModelData is DataRandom for a model file of a program with data,
// run in a runtime: the cell form shows every step and runs the extra
// step of "require fixpoint"; the loop form shows every step of its fixed
// count, the unrolled form only the last, so for them the fixpoint is not
// observed (instances where it fails are compared up to the last step
// and counted). It adds one row to rep.
func ModelData(rep *Report, run *engine.Runner, net *compile.Network, count int, seed uint64) error {
	model := run.Model
	m := net.Original()
	rep.Against = "the model vs the exact interpreter (exact rational arithmetic) on every state it shows, and the answer"
	gen, genName := uniformData, "uniform data"
	p, hasProblem := dataProblemFor(m)
	if hasProblem {
		gen, genName = p.Random, "the generator of problem "+p.Name+" (problems.Table)"
		rep.Against += "; the answer vs the independent solver of problem " + p.Name + " (truth/graphs)"
	}
	steps, extra := networkSteps(net)
	observe := steps
	if extra && model.Form == export.Cell {
		observe++
	}
	dt := engine.Float32
	if model.DType == export.Float64 {
		dt = engine.Float64
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	row := Row{Source: fmt.Sprintf("random (%s), seed %d", genName, seed), Params: ParamString(m), MaxErr: map[string]Number{}, Tolerance: map[string]Number{}}
	for i := 0; i < count; i++ {
		data := gen(rng, m)
		obs, err := run.ObserveData(data, observe)
		if err != nil {
			return fmt.Errorf("random #%d: %v", i+1, err)
		}
		runs := [][][][][]float64{{obs.States}}
		c, err := checkDataInstance(net, fmt.Sprintf("random #%d", i+1), data, []engine.DType{dt}, runs, 0, p, hasProblem, &row)
		if err != nil {
			return fmt.Errorf("random #%d: %v", i+1, err)
		}
		for r := range c.Runs {
			c.Runs[r].Label = obs.Label
		}
		c.Steps = observe
		rep.Add(&row, c)
	}
	rep.Rows = append(rep.Rows, row)
	return nil
}
