package verify

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/export/smoothonnx"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth"
)

// This file is the smooth scheme for every program through smooth.Graph:
// programs with data (LCS, edit distance, shortest paths, Held-Karp) and
// programs whose answer is a search (knapsack.dp), whose smoothed value
// is the searched state. "solve -scheme smooth" prints the value and the
// marginals; "verify -scheme smooth" checks them on random instances
// against the exact interpreter (truth), the stated bound and central
// differences.

// SmoothGraphReport is the JSON output of "dp2nn solve -scheme smooth"
// for a program the smooth network does not cover (data, or a search).
type SmoothGraphReport struct {
	Program  string  `json:"program"`
	Instance string  `json:"instance"`
	Reg      string  `json:"reg"`
	Gamma    float64 `json:"gamma"`
	// Mode is "once" (every cell evaluated once after the cells it
	// reads) or "layered" (cell c after step t is a node of its own);
	// Layers the steps or the longest chain of cells.
	Mode    string `json:"mode"`
	Layers  int    `json:"layers"`
	Nodes   int    `json:"nodes"`
	Options int    `json:"options"`
	// Search is the program's answer line when it is a search: its index
	// has no gradient, so the outputs are the searched state.
	Search string `json:"search,omitempty"`
	// ExactSkipped says why the exact interpreter was not run (an
	// instance past SmoothTruthLimit, or compile's export).
	ExactSkipped string         `json:"exact_skipped,omitempty"`
	Outputs      []SmoothOutput `json:"outputs"`
	// Marginals are ∂(Σ finite outputs)/∂θ per parameter block: data and
	// inputs read as numbers, and one bias per state cell (the expected
	// use of the cell: the soft alignment of LCS).
	Marginals []SmoothBlock `json:"marginals"`

	graph *smooth.Graph
	// src is what rebuilds graph (the model's metadata, graphMeta).
	src graphSource
}

// ONNX exports the report's graph at its regulariser and γ
// (export/smoothonnx) in form (loop or unrolled): inputs theta and seed,
// outputs value and marginals, float32 or float64 inputs and outputs.
//
// maxMemory > 0 bounds the model's constants to maxMemory/16 (each is 8
// bytes, and 8 again in the serialized model; smoothonnx.Options
// MaxElements).
func (r *SmoothGraphReport) ONNX(float32 bool, form smoothonnx.Form, maxMemory int64) ([]byte, error) {
	reg, err := smooth.ParseReg(r.Reg)
	if err != nil {
		return nil, err
	}
	dt := smoothonnx.Float64
	if float32 {
		dt = smoothonnx.Float32
	}
	meta, err := r.src.metadata()
	if err != nil {
		return nil, err
	}
	opt := smoothonnx.Options{Reg: reg, Gamma: r.Gamma, DType: dt, Form: form, Metadata: meta}
	if maxMemory > 0 && maxMemory/16 < smoothonnx.DefaultMaxElements {
		opt.MaxElements = int(max(maxMemory/16, 1))
	}
	b, err := smoothonnx.Marshal(r.graph, opt)
	if err != nil && opt.MaxElements > 0 {
		return nil, fmt.Errorf("%v (the limit is -max-memory %s (%d bytes) over 16 bytes a constant: its value and its serialized copy)", err, compile.BytesText(maxMemory), maxMemory)
	}
	return b, err
}

// Params is the number of parameters θ of the report's graph (the
// columns of the ONNX model's theta and marginals).
func (r *SmoothGraphReport) Params() int { return len(r.graph.Theta) }

// SmoothOutput is one output: the smoothed value, the exact DP's value
// (the interpreter, truth.RunDPData) and the bound γ·B on their distance.
type SmoothOutput struct {
	Name  string  `json:"name"`
	Value Number  `json:"value"`
	Exact *Number `json:"exact,omitempty"` // nil when the interpreter was not run (ExactSkipped)
	Bound Number  `json:"bound"`
}

// SmoothBlock is the marginals of one parameter block, row-major.
type SmoothBlock struct {
	Name   string    `json:"name"`
	Kind   string    `json:"kind"` // data, input or cell
	Shape  []int     `json:"shape"`
	Lo     []int     `json:"lo"` // the first index of each dimension
	Values []float64 `json:"values"`
}

// AnswerText is the smoothed value: of the answer, or the outputs.
func (r *SmoothGraphReport) AnswerText() string {
	parts := make([]string, len(r.Outputs))
	for i, o := range r.Outputs {
		parts[i] = fmt.Sprintf("%.10g", float64(o.Value))
	}
	return strings.Join(parts, " ")
}

// maxTextMarginals bounds the marginals WriteText prints per block.
const maxTextMarginals = 4096

// WriteText prints the report: the outputs, then every block of
// marginals (a matrix for two dimensions).
func (r *SmoothGraphReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "program %s, scheme smooth (%s, γ = %g): %d nodes, %d options, %s over %d layers\n", r.Program, r.Reg, r.Gamma, r.Nodes, r.Options, r.Mode, r.Layers)
	if r.Search != "" {
		fmt.Fprintf(w, "the answer is a search (%s), whose index has no gradient: the outputs are the searched state\n", r.Search)
	}
	if r.ExactSkipped != "" {
		fmt.Fprintf(w, "exact DP not run: %s\n", r.ExactSkipped)
	}
	for _, o := range r.Outputs {
		if o.Exact == nil {
			fmt.Fprintf(w, "value %s = %.10g (|difference from the exact DP| ≤ %.4g)\n", o.Name, float64(o.Value), float64(o.Bound))
			continue
		}
		fmt.Fprintf(w, "value %s = %.10g (exact DP %.10g, |difference| ≤ %.4g)\n", o.Name, float64(o.Value), float64(*o.Exact), float64(o.Bound))
	}
	for _, b := range r.Marginals {
		what := map[string]string{"data": "data", "input": "input", "cell": "cell use (a bias on every cell of state)"}[b.Kind]
		fmt.Fprintf(w, "marginals ∂value/∂%s, %s %v:\n", b.Name, what, b.Shape)
		if len(b.Values) > maxTextMarginals {
			fmt.Fprintf(w, "  (%d values: see -json)\n", len(b.Values))
			continue
		}
		cols := len(b.Values)
		if len(b.Shape) >= 2 {
			cols = b.Shape[len(b.Shape)-1]
		}
		for i := 0; i < len(b.Values); i += max(cols, 1) {
			fmt.Fprint(w, " ")
			for _, y := range b.Values[i:min(i+cols, len(b.Values))] {
				fmt.Fprintf(w, " %.6f", y)
			}
			fmt.Fprintln(w)
		}
	}
}

// SolveSmoothGraph runs the smooth scheme through smooth.Graph on one
// instance (data, or steps for a program with per-step inputs; path
// names it): the outputs beside the exact interpreter's values and the
// bound, and the marginals of their sum. The graph's own hard evaluation
// must equal the interpreter, else the result is a mismatch; a
// negative cycle ("require fixpoint") is refused like the exact scheme
// does. lim bounds the graph's memory (-max-memory).
func SolveSmoothGraph(m *dsl.Model, path string, data, steps [][]float64, opt compile.Options, lim SmoothLimit) (*SmoothGraphReport, error) {
	reg, gamma, err := smoothReg(opt)
	if err != nil {
		return nil, err
	}
	// The interpreter runs beside the value, and decides a program's
	// "require fixpoint", unless the instance is past SmoothTruthLimit.
	work := smoothTruthWork(m, steps)
	check := work <= SmoothTruthLimit
	if !check && m.Fixpoint != nil {
		return nil, fmt.Errorf("%s: the exact interpreter decides the program's fixpoint (%s) and would update about %.3g cells, more than %.0g: use a smaller instance", path, m.File.Text(m.Fixpoint), work, SmoothTruthLimit)
	}
	var g *smooth.Graph
	var exact []float64
	if check {
		g, exact, err = smoothGraph(m, data, steps, lim)
	} else {
		if data == nil {
			data = [][]float64{}
		}
		g, err = smooth.NewGraph(m, data, steps, lim.graph())
		err = lim.refusal(err)
	}
	if err != nil {
		return nil, err
	}
	run, err := g.Forward(reg, gamma, nil)
	if err != nil {
		return nil, err
	}
	y, err := run.Marginals(nil)
	if err != nil {
		return nil, err
	}
	r := &SmoothGraphReport{Program: m.Name, Instance: path, Reg: reg.String(), Gamma: gamma, Mode: g.Mode.String(), Layers: g.Layers,
		Nodes: g.Nodes(), Options: g.Options(), Search: g.Search, graph: g, src: graphSource{m: m, data: data, steps: steps}}
	if !check {
		r.ExactSkipped = fmt.Sprintf("the interpreter would update about %.3g cells (every cell at every step), more than %.0g", work, SmoothTruthLimit)
	}
	bound := g.Bound(reg)
	for k, v := range run.Values() {
		o := SmoothOutput{Name: g.Outputs[k], Value: Number(v), Bound: Number(gamma * bound[k])}
		if exact != nil {
			x := Number(exact[k])
			o.Exact = &x
		}
		r.Outputs = append(r.Outputs, o)
	}
	for _, b := range g.Params {
		r.Marginals = append(r.Marginals, SmoothBlock{Name: b.Name, Kind: b.Kind.String(), Shape: b.Shape, Lo: b.Lo, Values: y[b.Start : b.Start+b.Len]})
	}
	return r, nil
}

// SmoothTruthLimit bounds the cell updates of the exact interpreter
// (truth.RunDPData, rational arithmetic, about 0.4 µs each) that
// SolveSmoothGraph runs beside the smoothed value: past it (LCS of two
// length-200 strings is 1.6e7) the value and marginals come without it.
const SmoothTruthLimit = 1e7

// smoothTruthWork is the interpreter's cell updates on an instance: every
// cell of every state at every step.
func smoothTruthWork(m *dsl.Model, steps [][]float64) float64 {
	cells := 0.0
	for _, s := range m.States {
		cells += float64(s.Cells())
	}
	return cells * float64(max(m.Steps, len(steps), 1))
}

// smoothReg is the regulariser and strength of the smooth scheme's options.
func smoothReg(opt compile.Options) (smooth.Reg, float64, error) {
	reg, err := smooth.ParseReg(opt.Reg.String())
	if err != nil {
		return 0, 0, err
	}
	if !(opt.Gamma > 0) || math.IsInf(opt.Gamma, 1) {
		return 0, 0, fmt.Errorf("-gamma must be a finite number > 0, got %g", opt.Gamma)
	}
	return reg, opt.Gamma, nil
}

// smoothGraph builds the graph of one instance and checks its hard
// evaluation against the exact interpreter, whose outputs it returns.
func smoothGraph(m *dsl.Model, data, steps [][]float64, lim SmoothLimit) (*smooth.Graph, []float64, error) {
	if data == nil {
		data = [][]float64{}
	}
	// The graph first: a graph past the limit is refused before the
	// interpreter runs; its other errors come after the interpreter's
	// (a fixpoint the program lacks).
	g, gerr := smooth.NewGraph(m, data, steps, lim.graph())
	if tl := (*smooth.TooLargeError)(nil); errors.As(gerr, &tl) {
		return nil, nil, lim.refusal(gerr)
	}
	tr, err := truth.RunDPData(m, steps, data)
	var fix *truth.FixpointError
	if errors.As(err, &fix) {
		return nil, nil, fmt.Errorf("%s: %s (step %d changes %s); the smooth scheme, like the exact one, needs the program's fixpoint", fix.Pos, fix.Msg, fix.Step, fix.Cell)
	}
	if err != nil {
		return nil, nil, err
	}
	if gerr != nil {
		return nil, nil, gerr
	}
	var exact []float64
	if a := m.Answer; a.Kind == dsl.AnswerValue {
		ans, err := tr.Answer()
		if err != nil {
			return nil, nil, err
		}
		exact = []float64{ans.Value.Float64()}
	} else {
		exact = tr.Final(a.State.Index)
	}
	hard, err := g.Hard(nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range hard {
		if !sameSmoothValue(v, exact[k]) {
			return nil, nil, mismatchf("the smooth graph's hard evaluation of %s is %g, the exact interpreter's %g", g.Outputs[k], v, exact[k])
		}
	}
	return g, exact, nil
}

// sameSmoothValue compares a float64 evaluation with the interpreter's
// exact value converted to float64: equal up to the rounding of float64
// sums of real data (1e-9 relative).
func sameSmoothValue(a, b float64) bool {
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= 1e-9*(1+math.Abs(b))
}

// SmoothRandom checks the smooth scheme of m on count random instances
// from seed: through smooth.Graph (SmoothGraph) where it applies, else
// the smooth network against the smoothed DP (Smooth); what names the
// two sides it compared.
func SmoothRandom(m *dsl.Model, opt compile.Options, count int, seed uint64, nsteps int, lim SmoothLimit, progress func(done int)) (c *SmoothCheck, what string, err error) {
	if SmoothGraphApplies(m) {
		c, err = SmoothGraph(m, opt, count, seed, nsteps, lim, progress)
		return c, "the smoothed graph and the exact DP", err
	}
	c, err = Smooth(m, opt, count, seed, nsteps, progress)
	return c, "the smooth network and the smoothed DP", err
}

// SmoothGraphApplies says whether the smooth scheme of m runs through
// smooth.Graph (SolveSmoothGraph, SmoothGraph): a program with data or a
// steps line, or whose answer is not a value.
func SmoothGraphApplies(m *dsl.Model) bool {
	return m.Steps > 0 || len(m.Data) > 0 || m.Answer == nil || m.Answer.Kind != dsl.AnswerValue
}

// SmoothGraphExports says whether compile -scheme smooth exports m
// through smooth.Graph: SmoothGraphApplies, or every per-step input is
// read only as an offset or in a comparison (change.dp's coin), which
// leaves the smooth network no input to carry.
func SmoothGraphExports(m *dsl.Model) bool {
	return SmoothGraphApplies(m) || (len(m.Inputs) > 0 && !smooth.ReadsInputsAsNumbers(m))
}

// SmoothGraph checks the smooth scheme of m (through smooth.Graph) on
// count random instances from seed: data from the generator of the
// program's row of problems.Table (uniform data without one), per-step
// inputs from problems.RandomFor over nsteps steps. Per instance:
//
//   - the graph's hard evaluation equals the exact interpreter;
//   - |smoothed − exact| ≤ γ·B, the bound of docs/smooth.md (Graph.Bound);
//   - the marginals equal central differences of the value for up to 64
//     parameters, and the VJP of the marginals along a random direction
//     equals central differences of the marginals (smoothDifferences
//     states the step and the tolerance).
//
// A difference whose one-sided differences disagree straddles a point
// where Gini's or Tsallis's support changes (no derivative there: integer
// data make ties): it is skipped and counted in the title. Instances the
// exact scheme refuses (a negative cycle) are skipped and counted too.
func SmoothGraph(m *dsl.Model, opt compile.Options, count int, seed uint64, nsteps int, lim SmoothLimit, progress func(done int)) (*SmoothCheck, error) {
	reg, gamma, err := smoothReg(opt)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var gen func() (data, steps [][]float64)
	genName := ""
	switch p, ok := dataProblemFor(m); {
	case len(m.Data) > 0 && ok:
		gen, genName = func() ([][]float64, [][]float64) { return p.Random(rng, m), nil }, "the generator of problem "+p.Name
	case len(m.Data) > 0 || m.Steps > 0:
		gen, genName = func() ([][]float64, [][]float64) { return uniformData(rng, m), nil }, "uniform data"
	default:
		steps, name := problems.RandomFor(m, nsteps)
		gen, genName = func() ([][]float64, [][]float64) { return nil, steps(rng) }, name
	}
	c := &SmoothCheck{}
	refused, kinks, fds := 0, 0, 0
	for i := 0; i < count; i++ {
		data, steps := gen()
		g, exact, err := smoothGraph(m, data, steps, lim)
		var mis *MismatchError
		switch {
		case errors.As(err, &mis):
			c.fail("random #%d: %v", i+1, err)
			c.Cases++
			continue
		case err != nil && strings.Contains(err.Error(), "fixpoint"):
			refused++
			continue
		case err != nil:
			return nil, fmt.Errorf("random #%d: %v", i+1, err)
		}
		run, err := g.Forward(reg, gamma, nil)
		if err != nil {
			return nil, err
		}
		bound := g.Bound(reg)
		bad := false
		for k, v := range run.Values() {
			if math.IsInf(exact[k], 0) {
				if v != exact[k] {
					bad = true
					c.WorstValue = worse(c.WorstValue, math.Inf(1))
				}
				continue
			}
			d := math.Abs(v - exact[k])
			slack := 1e-9 * (1 + math.Abs(exact[k])) // float64 rounding
			ratio := 0.0
			if d > slack {
				ratio = d / (gamma * bound[k])
			}
			c.WorstValue = worse(c.WorstValue, ratio)
			bad = bad || !(d <= gamma*bound[k]+slack)
		}
		k, f, e, err := smoothDifferences(g, run, reg, gamma, rng)
		if err != nil {
			return nil, err
		}
		kinks, fds = kinks+k, fds+f
		c.WorstGrad = worse(c.WorstGrad, e)
		bad = bad || !(e <= 1)
		if bad {
			c.fail("random #%d: data %v steps %v", i+1, data, steps)
		}
		c.Cases++
		if progress != nil {
			progress(c.Cases + refused)
		}
	}
	c.Title = fmt.Sprintf("verify %s (scheme smooth, %s, γ = %g, through smooth.Graph): %d random instances (%s, seed %d); %d refused by the exact scheme too (require fixpoint); %d differences checked, %d skipped at a kink of %s",
		m.Name, reg, gamma, c.Cases, genName, seed, refused, fds, kinks, reg)
	c.Value, c.ValueTol = "|smoothed − exact interpreter| / (γ·bound of docs/smooth.md): worst ratio", "1 (+1e-9 relative for float64 rounding)"
	c.Marginals, c.MarginalsTol = "marginals and VJP vs central differences (step 1e-5·min(1, γ), at θ within ±0.05γ of the instance): worst error in units of the tolerance", "1 (1e-6 relative to max(1, |marginal|), plus rounding 1e-14·max(1, |value|)/step)"
	return c, nil
}

// smoothDifferences compares the marginals of the sum of the finite
// outputs with central differences of it for up to 64 parameters, and
// the VJP along a random direction with central differences of the
// marginals; it returns the differences skipped at kinks, those checked
// and the worst error in units of the tolerance (≤ 1 passes).
//
// The differences are taken at θ moved by up to ±0.05γ off the
// instance (the smoothed value is defined for every θ): integer data tie
// options exactly where Gini and Tsallis change support, a kink. The
// step is h = 1e-5·min(1, γ) (the truncation error h²·f‴/6 grows like
// h²/γ²); the tolerance is 1e-6 relative to max(1, |marginal|) plus the
// rounding of the difference, 1e-14·max(1, |value|)/h.
func smoothDifferences(g *smooth.Graph, run *smooth.GraphRun, reg smooth.Reg, gamma float64, rng *rand.Rand) (kinks, checked int, worst float64, err error) {
	h := 1e-5 * min(1, gamma)
	seed := make([]float64, len(g.Outputs))
	for k, v := range run.Values() {
		if !math.IsInf(v, 0) {
			seed[k] = 1
		}
	}
	sum := func(theta []float64) (float64, []float64, error) {
		r, err := g.Forward(reg, gamma, theta)
		if err != nil {
			return 0, nil, err
		}
		s := 0.0
		for k, v := range r.Values() {
			if seed[k] != 0 {
				s += v
			}
		}
		y, err := r.Marginals(seed)
		return s, y, err
	}
	theta := append([]float64(nil), g.Theta...)
	for i := range theta {
		theta[i] += 0.1 * gamma * (rng.Float64() - 0.5)
	}
	f0, y, err := sum(theta)
	if err != nil {
		return 0, 0, 0, err
	}
	round := 1e-14 * max(1, math.Abs(f0)) / h
	idx := rng.Perm(len(theta))[:min(64, len(theta))]
	for _, i := range idx {
		x := append([]float64(nil), theta...)
		x[i] += h
		fp, _, err := sum(x)
		if err != nil {
			return 0, 0, 0, err
		}
		x[i] = theta[i] - h
		fm, _, err := sum(x)
		if err != nil {
			return 0, 0, 0, err
		}
		scale := max(1, math.Abs(y[i]))
		if math.Abs((fp-f0)/h-(f0-fm)/h) > 1e-3*scale {
			kinks++
			continue
		}
		checked++
		worst = max(worst, math.Abs((fp-fm)/(2*h)-y[i])/(1e-6*scale+round))
	}
	z := make([]float64, len(theta))
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	r, err := g.Forward(reg, gamma, theta)
	if err != nil {
		return 0, 0, 0, err
	}
	vjp, err := r.VJP(seed, z)
	if err != nil {
		return 0, 0, 0, err
	}
	at := func(s float64) ([]float64, error) {
		x := append([]float64(nil), theta...)
		for i := range x {
			x[i] += s * z[i]
		}
		_, y, err := sum(x)
		return y, err
	}
	yp, err := at(h)
	if err != nil {
		return 0, 0, 0, err
	}
	ym, err := at(-h)
	if err != nil {
		return 0, 0, 0, err
	}
	scale, ymax := 1.0, 1.0
	for i, v := range vjp {
		scale = max(scale, math.Abs(v))
		ymax = max(ymax, math.Abs(y[i]))
	}
	for i := range y {
		if math.Abs((yp[i]-y[i])/h-(y[i]-ym[i])/h) > 1e-3*scale {
			return kinks + 1, checked, worst, nil
		}
	}
	checked++
	for i := range y {
		worst = max(worst, math.Abs((yp[i]-ym[i])/(2*h)-vjp[i])/(1e-6*scale+1e-14*ymax/h))
	}
	return kinks, checked, worst, nil
}

// SmoothLimit is -max-memory for the smooth scheme's graphs: MaxMemory
// bytes (0: no bound) shared by Workers graphs built and run at once
// (a batch's workers; 0 or 1: one). smooth.NewGraph predicts a graph's
// bytes and those of one evaluation and refuses past the share before
// it allocates them (smooth.GraphLimits.MaxBytes).
type SmoothLimit struct {
	MaxMemory int64
	Workers   int
}

func (l SmoothLimit) workers() int64 { return int64(max(l.Workers, 1)) }

// graph is the limits of one graph: its share of MaxMemory.
func (l SmoothLimit) graph() smooth.GraphLimits {
	if l.MaxMemory <= 0 {
		return smooth.GraphLimits{}
	}
	return smooth.GraphLimits{MaxBytes: max(l.MaxMemory/l.workers(), 1)}
}

// refusal restates smooth's refusal as the -max-memory refusal of every
// scheme (compile.TooLargeError); other errors pass unchanged.
func (l SmoothLimit) refusal(err error) error {
	var tl *smooth.TooLargeError
	if !errors.As(err, &tl) {
		return err
	}
	fig := fmt.Sprintf("memory of the smooth graph of %s and one evaluation of it (%.3g terms)", tl.Program, tl.Terms)
	if w := l.workers(); w > 1 {
		fig = fmt.Sprintf("memory of %d smooth graphs of %s evaluated at once, one per worker (%.3g terms each)", w, tl.Program, tl.Terms)
	}
	return &compile.TooLargeError{Figure: fig, Value: min(tl.Bytes, math.MaxInt64/l.workers()) * l.workers(), Limit: l.MaxMemory, Flag: "-max-memory"}
}
