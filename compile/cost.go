package compile

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"

	"github.com/dp2nn/dp2nn/diag"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/relu"
)

// The cost model predicts, before anything large is built, what a command
// is about to spend: the network's layer widths (exactly), its
// parameters and ONNX file sizes, and the peak memory of building,
// evaluating and exporting it and of the exact ground truth. Every
// command asks Estimate first and refuses a job over its limits, naming
// the figure and the flag that raises it.
//
// Widths are exact by construction: Estimate runs the very lowering
// rules of Lower with a counting relu.Builder (relu.NewCounter), which
// keeps 4 bytes per hidden neuron and no weight (the lowering adds the
// neuron's interval, 16 bytes), and stops as soon as the count passes
// the limit. Sizes and memory follow from the exact counts
// (neurons, weight entries per layer and source, row lengths) by the
// formulas of docs/lowering.md ("Cost model"), measured to lie within a
// factor 2 of the real figures.

// Defaults of the limits of Estimate (the -max-neurons and -max-memory
// flags of dp2nn).
const (
	DefaultMaxNeurons = 2_000_000
	DefaultMaxMemory  = 8 << 30 // bytes; a third of the 24 GiB machine
)

// Limits bound a job. Zero fields take the defaults; a negative field
// means no limit.
type Limits struct {
	Neurons int64 // hidden neurons of the network (-max-neurons)
	Memory  int64 // bytes of each predicted peak the job needs (-max-memory)
}

func (l Limits) resolved() Limits {
	pick := func(x, def int64) int64 {
		switch {
		case x == 0:
			return def
		case x < 0:
			return math.MaxInt64
		}
		return x
	}
	return Limits{pick(l.Neurons, DefaultMaxNeurons), pick(l.Memory, DefaultMaxMemory)}
}

// Job says what a command is about to do with a program, so that Estimate
// checks the figures it needs against the limits.
type Job struct {
	// Form is the network built and exported: "cell" (or ""), "unrolled"
	// or "loop", as export.Form names them.
	Form string
	// Steps is the number of steps of the unrolled form and of the
	// ground-truth run (the instance's length); 0 takes the program's
	// steps line.
	Steps int
	// Batch is the number of instances evaluated together in Go; 0 means
	// no Go evaluation.
	Batch int
	// Export is the ONNX layout written: "auto", "dense" or "structured";
	// "" means no export.
	Export string
	// DType is the element type of the Go evaluation and of the ONNX
	// model: "float32" (or "") or "float64".
	DType string
	// Truth says the exact ground truth runs (verify).
	Truth bool
	// KnownOptimum says the optimum is known (optima.txt), so the ground
	// truth of the fptas scheme is the rounded DP alone, not the exact DP
	// over the whole profit sum.
	KnownOptimum bool
}

// Cost is what a job costs, predicted by Estimate.
type Cost struct {
	Scheme Scheme
	Form   string // "cell", "unrolled" or "loop"
	Steps  int    // steps of the unrolled form and of the ground truth

	// The network the form builds (Network.Cell, or Network.Unrolled for
	// the unrolled form), measured as relu.Stats measures it: exact.
	Depth   int
	Widths  []int64 // hidden layer widths
	Neurons int64   // hidden neurons, Σ Widths
	Inputs  int64   // input units
	Outputs int64   // output neurons
	Weights int64   // nonzero weights
	Params  Params
	// ONNX lists the model export writes in each layout (dense,
	// structured) and element type (float32, float64).
	ONNX []ONNXCost
	// BuildBytes is the peak heap of building the network: Lower, and for
	// the unrolled form Network.Unrolled after it.
	BuildBytes int64
	// TruthBytes is the peak heap of the exact ground truth over Steps
	// steps: truth.RunDP or RunDPData (values as exact rationals), plus
	// the rounded DP of the fptas scheme.
	TruthBytes int64
	// StatesBytes is Network.StatesBytes over Steps: the states of one
	// run kept for a check (CheckBytes).
	StatesBytes int64
	// Shape is the network's shape; Export the shape of the graph export
	// lays out (the cell, or the settled unrolled graph).
	Shape, Export relu.Shape

	exportCopies  int   // emitted copies of the exported graph (the unrolled form chains Steps)
	exportSettled bool  // export unrolls the settled form itself
	exportConsts  int64 // floats export adds: initial states, BigM rows
}

// Params counts parameters.
type Params struct {
	// Network is relu.Stats.Params of the network: nonzero weights plus
	// one bias per neuron.
	Network int64
	// Dense is what export's dense layout stores of the exported graph:
	// a full matrix per connected pair of layers plus the biases (the
	// count export.ResolveLayout returns). Exact.
	Dense int64
	// Structured and StructuredIndices are the float and int32 elements
	// of export's structured layout: the weights of the rows bucketed by
	// length and padded, the nonzero biases, and the Gather indices.
	// Structured is an upper bound (export stores the weights of members
	// that share them once, see structuredParams); StructuredIndices is
	// exact but for the column lists of partly read sources, counted as
	// one per weight entry reading the source when there are fewer than
	// the source's length, else none, and for export's shared partial
	// sums.
	Structured, StructuredIndices int64
}

// ONNXCost is one exported model.
type ONNXCost struct {
	Layout string // "dense" or "structured"
	DType  string // "float32" or "float64"
	// Params and Indices are the float and int32 elements of its
	// initializers (weights, biases, constants; Gather indices).
	Params, Indices int64
	FileBytes       int64 // the size of the file, within a factor 2
	ExportBytes     int64 // the peak heap of export.Marshal
}

// TooLargeError is Estimate's refusal: a figure of the job passes its
// limit.
type TooLargeError struct {
	Figure string // "hidden neurons", "memory to build the network", ...
	Value  int64  // the predicted figure
	// AtLeast says that counting stopped at the limit: the figure is more
	// than Value.
	AtLeast bool
	Limit   int64
	Flag    string // the flag that raises the limit: "-max-neurons" or "-max-memory"
}

func (e *TooLargeError) Error() string {
	v, limit := diag.Thousands(e.Value), strconv.FormatInt(e.Limit, 10)
	if e.Flag == "-max-memory" {
		v, limit = BytesText(e.Value), fmt.Sprintf("%s (%d bytes)", BytesText(e.Limit), e.Limit)
		if !e.AtLeast && v == BytesText(e.Limit) { // above, but rounded to the same text
			v = fmt.Sprintf("%s (%d bytes)", v, e.Value)
		}
	}
	if e.AtLeast {
		v = "more than " + v
	}
	return fmt.Sprintf("%s would be %s, above %s %s (raise the limit or set smaller params)", e.Figure, v, e.Flag, limit)
}

// BytesText prints a byte count: "512 B", "3.4 MiB", "16.0 GiB".
func BytesText(n int64) string { return diag.Bytes(n) }

// Estimate predicts the cost of job on program m lowered with opt, and
// refuses it with a *TooLargeError when a figure the job needs passes
// limits: the hidden neurons, the memory of building the network, and as
// the job asks, of evaluating it, exporting it and running the ground
// truth. A refusal found after counting comes with the Cost, so that the
// caller can show every figure.
//
// Estimate runs the lowering rules of Lower with a counting builder,
// which keeps about 30 bytes per hidden neuron, and stops at the neuron
// limit or where building what it has counted would pass the memory
// limit; rules whose cost is known before they run (the selection
// gadget, the fptas rounding) are refused before they run. So a network
// far too large is refused after a short walk. For the unrolled form
// Estimate builds the cell (once it has checked it against the limits)
// and counts the unrolled network. Other errors are Lower's.
func Estimate(m *dsl.Model, opt Options, job Job, limits Limits) (*Cost, error) {
	if opt.Scheme == 0 {
		opt.Scheme = Exact
	}
	lim := limits.resolved()
	switch job.Form {
	case "":
		job.Form = "cell"
	case "cell", "unrolled", "loop":
	default:
		return nil, fmt.Errorf("cost: unknown form %q (want cell, unrolled or loop)", job.Form)
	}
	if _, err := elemBytes(job.DType); err != nil {
		return nil, err
	}
	c := &Cost{Scheme: opt.Scheme, Form: job.Form, exportCopies: 1}
	if opt.Scheme == Smooth {
		c.Form = "cell" // the network is unrolled over opt.Steps already
	}

	// The cell, counted. The walk stops at the neuron limit, or where
	// the build alone would pass the memory limit.
	cell, net, err := countCell(m, opt, lim.counter())
	if err != nil {
		return nil, refusal(err, lim, 0)
	}
	c.Steps = job.Steps
	if c.Steps == 0 {
		c.Steps = net.IterationCount()
	}
	if opt.Scheme == Smooth {
		c.Steps = opt.Steps
	}
	c.BuildBytes = buildBytes(&cell)
	c.Shape, c.Export = cell, cell
	if c.Form == "unrolled" {
		if err := c.unrolled(m, opt, lim); err != nil {
			return nil, err
		}
	}
	c.exportConsts = exportConsts(net, c)
	c.measure()
	c.TruthBytes = truthBytes(m, net, c.Steps, job.KnownOptimum)
	c.StatesBytes = statesBytes(cell.NumOutputs(), len(net.State), c.Steps)

	// Refusals, in the order the job meets them.
	if c.Neurons > lim.Neurons {
		return c, &TooLargeError{Figure: "hidden neurons", Value: c.Neurons, Limit: lim.Neurons, Flag: "-max-neurons"}
	}
	memory := func(figure string, n int64) error {
		if n > lim.Memory {
			return &TooLargeError{Figure: figure, Value: n, Limit: lim.Memory, Flag: "-max-memory"}
		}
		return nil
	}
	errs := []error{memory("memory to build the network", c.BuildBytes)}
	if job.Truth {
		errs = append(errs, memory("memory of the check (the exact ground truth, and the network's states at every step it is compared with)", c.CheckBytes()))
	}
	if job.Batch > 0 {
		errs = append(errs, memory(fmt.Sprintf("memory to evaluate a batch of %d", job.Batch), c.EvalBytes(job.Batch, job.DType)))
	}
	if job.Export != "" {
		o, err := c.ONNXFor(job.Export, job.DType)
		if err != nil {
			return nil, err
		}
		errs = append(errs, memory("memory to export the "+o.Layout+" ONNX model", o.ExportBytes))
	}
	for _, err := range errs {
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// counter is the limit of a counting walk: the neuron limit, and the
// memory limit on what building the neurons and weight entries counted
// so far costs (by the coefficients of buildBytes).
func (l Limits) counter() relu.Limit {
	r := relu.Limit{NeuronCost: buildBytesPerNeuron, EntryCost: buildBytesPerEntry}
	if l.Neurons < math.MaxInt64 {
		r.Neurons = l.Neurons
	}
	if l.Memory < math.MaxInt64 {
		r.Budget = l.Memory
	}
	return r
}

// refusal turns a counting walk stopped at its limit into the
// *TooLargeError naming the limit that stopped it; base is what the walk's
// budget left out (the cell kept while the unrolled network is counted).
// The count stopped where the next neuron would pass the budget, so the
// figure is more than the limit, whatever the count reached (adv3 M2:
// "more than 199.1 MiB, above -max-memory 200.0 MiB").
func refusal(err error, lim Limits, base int64) error {
	var le *relu.LimitError
	if !errors.As(err, &le) {
		return err
	}
	if !le.Budget {
		return &TooLargeError{Figure: "hidden neurons", Value: le.Limit.Neurons, AtLeast: true, Limit: lim.Neurons, Flag: "-max-neurons"}
	}
	cost := addSat(base, addSat(mulSat(le.Neurons, buildBytesPerNeuron), mulSat(le.Entries, buildBytesPerEntry)))
	return &TooLargeError{Figure: "memory to build the network", Value: max(cost, lim.Memory), AtLeast: true, Limit: lim.Memory, Flag: "-max-memory"}
}

// countCell lowers m by the rules of Lower with a counting builder.
func countCell(m *dsl.Model, opt Options, limit relu.Limit) (relu.Shape, *Network, error) {
	b := relu.NewCounter(limit)
	var net *Network
	err := relu.CatchLimit(func() (err error) {
		net, err = lower(m, opt, b)
		return err
	})
	if err != nil {
		return relu.Shape{}, nil, err
	}
	s, err := b.Shape()
	return s, net, err
}

// unrolled builds the cell (within the limits, as the counted cell shows)
// and counts the unrolled network and the graph export lays out.
func (c *Cost) unrolled(m *dsl.Model, opt Options, lim Limits) error {
	if c.Steps < 1 {
		return fmt.Errorf("cost: the unrolled form needs the number of steps")
	}
	if c.BuildBytes > lim.Memory {
		return &TooLargeError{Figure: "memory to build the cell", Value: c.BuildBytes, Limit: lim.Memory, Flag: "-max-memory"}
	}
	net, err := Lower(m, opt)
	if err != nil {
		return err
	}
	uopt, err := net.unrollOptions()
	if err != nil {
		return err
	}
	limit := lim.counter()
	if limit.Budget > 0 {
		limit.Budget = max(1, limit.Budget-c.BuildBytes) // the cell stays while unrolling
	}
	s, err := relu.UnrolledShape(net.Cell, c.Steps, net.State, net.Init, uopt, limit)
	if err != nil {
		return refusal(err, lim, c.BuildBytes)
	}
	c.Shape = s
	c.BuildBytes += graphBytes(&c.Export) + buildBytes(&s)
	c.exportCopies = c.Steps
	if net.Model.Steps > 0 && net.Rounding == nil && net.OffsetRounding == nil {
		// The compile command exports a program with a steps line
		// settled (export.Options.Settled): export unrolls it itself.
		last, err := net.Settled()
		if err != nil {
			return err
		}
		e, err := relu.UnrolledShape(net.Cell, c.Steps, net.State, net.Init, relu.UnrollOptions{Shared: net.Data, Settled: last}, limit)
		if err != nil {
			return refusal(err, lim, c.BuildBytes)
		}
		c.Export, c.exportCopies, c.exportSettled = e, 1, true
	}
	return nil
}

// exportConsts counts the floats export adds to the layout of the graph,
// with the options the compile command gives it: the initial states of
// the unrolled (chained) and loop forms, and a row of BigM per data block
// that may hold +inf (export.Options.Inf).
func exportConsts(net *Network, c *Cost) int64 {
	var n int64
	if c.Form == "loop" || c.Form == "unrolled" && !c.exportSettled {
		for _, in := range c.Export.Inputs[:len(net.State)] {
			n += int64(in)
		}
	}
	if net.BigM != 0 && (net.Model.Steps > 0 || len(net.Model.Data) > 0) {
		for _, d := range net.Model.Data {
			if d.MayInf {
				n += int64(d.Cells())
			}
		}
	}
	return n
}

// measure fills in the figures that follow from the shapes.
func (c *Cost) measure() {
	s := &c.Shape
	c.Depth, c.Widths, c.Neurons = s.Depth(), s.Widths, s.Hidden()
	c.Inputs, c.Outputs, c.Weights = s.NumInputs(), s.NumOutputs(), s.Weights
	c.Params.Network = s.Weights + c.Neurons + c.Outputs
	e := &c.Export
	c.Params.Dense = denseParams(e)
	c.Params.Structured, c.Params.StructuredIndices = structuredParams(e, c.exportCopies)
	for _, layout := range []string{"dense", "structured"} {
		for _, dt := range []string{"float32", "float64"} {
			c.ONNX = append(c.ONNX, c.onnx(layout, dt))
		}
	}
}

// ONNXFor returns the model export writes in layout ("auto", "dense" or
// "structured"; auto resolved as export.ResolveLayout does) and dtype.
func (c *Cost) ONNXFor(layout, dtype string) (ONNXCost, error) {
	if dtype == "" {
		dtype = "float32"
	}
	switch layout {
	case "auto":
		layout = "structured"
		if c.Params.Dense <= autoDenseLimit {
			layout = "dense"
		}
	case "dense":
		if c.Params.Dense > maxDenseParams {
			return ONNXCost{}, fmt.Errorf("cost: the dense layout would need %s parameters, more than export's limit of %s; use the structured layout",
				diag.Thousands(c.Params.Dense), diag.Thousands(maxDenseParams))
		}
	case "structured":
	default:
		return ONNXCost{}, fmt.Errorf("cost: unknown layout %q (want auto, dense or structured)", layout)
	}
	for _, o := range c.ONNX {
		if o.Layout == layout && o.DType == dtype {
			return o, nil
		}
	}
	return ONNXCost{}, fmt.Errorf("cost: unknown dtype %q (want float32 or float64)", dtype)
}

func elemBytes(dtype string) (int64, error) {
	switch dtype {
	case "", "float32":
		return 4, nil
	case "float64":
		return 8, nil
	}
	return 0, fmt.Errorf("cost: unknown dtype %q (want float32 or float64)", dtype)
}

// The layout limits of export (which compile cannot import); a test keeps
// them equal to export.AutoDenseLimit and export.MaxDenseParams.
const (
	autoDenseLimit = 1 << 22
	maxDenseParams = 1 << 28
)

// sourceLen is the number of values of source src of s (an input block
// or a hidden layer).
func sourceLen(s *relu.Shape, src int) int64 {
	if src < len(s.Inputs) {
		return int64(s.Inputs[src])
	}
	return s.Widths[src-len(s.Inputs)]
}

// fallbackSource is the source a target without weights reads through
// zeros: the first nonempty input block.
func fallbackSource(s *relu.Shape) int {
	for i, n := range s.Inputs {
		if n > 0 {
			return i
		}
	}
	return 0
}

// denseParams is export's dense layout (relu.Shape.DenseParams, the one
// count).
func denseParams(s *relu.Shape) int64 { return s.DenseParams() }

// structuredParams bounds export's structured layout: per target, rows
// bucketed by length class, each bucket an index matrix (int32) and, but
// for rows of equal length with weights all 1, a weight matrix; nonzero
// biases; the column lists of partly read sources; an output block's
// order when its classes are not sorted; and a row of ones per bucket of
// more than one term in every emitted copy. The float count is an upper
// bound: export stores a bucket's weights once per group of members that
// share them (K floats instead of K·n) and one row of ones per K, which
// the Shape does not describe; the index count is within a factor 2
// (export's shared partial sums trade some indices for fewer).
func structuredParams(s *relu.Shape, copies int) (floats, ints int64) {
	firstOutput := len(s.Targets) - len(s.Outputs)
	for i, t := range s.Targets {
		if len(t.Sources) > 1 {
			for _, u := range t.Sources {
				if n := sourceLen(s, u.Source); u.Terms < n {
					ints += u.Terms
				}
			}
		}
		for _, r := range t.Rows {
			k := int64(r.Max)
			ints += k * r.N
			if !r.Ones || r.Min != r.Max {
				floats += k * r.N
			}
			if k > 1 {
				floats += k * int64(copies)
			}
		}
		if t.Bias {
			floats += t.Width
		}
		if !t.Ordered && i >= firstOutput {
			ints += t.Width
		}
	}
	return floats, ints
}

// Saturating arithmetic: figures of absurd programs stay at MaxInt64
// instead of wrapping.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func mulSat(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

// The build memory per hidden neuron and per weight entry (see
// buildBytes). A counting walk stops where the neurons and entries it
// has counted would cost more than the memory limit to build.
const (
	buildBytesPerNeuron = 150
	buildBytesPerEntry  = 80
)

// graphBytes is the heap of a built relu.Graph of shape s: per neuron a
// bias, an activation, a layer and a row start; per weight entry a
// source and a weight; per group its header.
func graphBytes(s *relu.Shape) int64 {
	n := s.Hidden() + s.NumOutputs()
	return 21*n + 12*s.Entries + 100*int64(s.Groups)
}

// buildBytes is the peak heap of building a graph of shape s with a
// Builder (Lower, UnrollWith): per hidden neuron its pending affine
// function, its interval and its row in the graph; per output and input
// unit the same, with the state's and input's bookkeeping; per weight
// entry its term in the affine function and in the graph; and the garbage
// the lowering's affine arithmetic leaves for the collector. The
// coefficients are fitted to the programs of problems.Table at sizes of
// up to 10⁶ neurons (docs/lowering.md).
func buildBytes(s *relu.Shape) int64 {
	b := mulSat(buildBytesPerNeuron, s.Hidden())
	b = addSat(b, mulSat(200, s.NumOutputs()+s.NumInputs()))
	b = addSat(b, mulSat(buildBytesPerEntry, s.Entries))
	return addSat(b, 20<<10)
}

// EvalBytes is the peak heap of evaluating the network in Go on batch
// instances at once in dtype ("float32" or "float64"):
// relu.NewEvaluator's copy of the weights, the scratch of Run (one row of
// unit values for batch 1, else a tile of up to 32 columns per worker)
// and the input and output rows.
func (c *Cost) EvalBytes(batch int, dtype string) int64 {
	t, err := elemBytes(dtype)
	if err != nil {
		t = 8
	}
	s := &c.Shape
	n := s.Hidden() + s.NumOutputs()
	units := n + s.NumInputs()
	weights := t*n + (t+4)*s.Entries + 4*(n+1) + n
	if c.Scheme == Smooth {
		weights += 8 * s.Hidden() // the list of smooth neurons
	}
	rows := int64(max(batch, 1)) * (s.NumInputs() + s.NumOutputs()) * t
	if batch <= 1 {
		return weights + units*t + rows
	}
	unitBytes := units * t
	tile := min(int64(32), max(int64(8), (32<<20)/max(1, unitBytes)/8*8))
	tiles := (int64(batch) + tile - 1) / tile
	workers := min(int64(runtime.GOMAXPROCS(0)), tiles)
	if s.Entries*int64(batch) < 1<<20 {
		workers = 1
	}
	return addSat(weights+rows, mulSat(workers*tile, unitBytes))
}

// truthBytes is the peak heap of the exact ground truth over steps steps
// (a program with a steps line runs its own): the interpreter keeps every
// cell of every step as an exact value (24 bytes, and about 220 more for
// the big.Rat of a state of type real, measured on knapsack), the data
// and the step inputs, and the fptas scheme adds its rounded DP (a
// big.Rat per table cell and step, about 256 bytes) or, for a program
// with data, the run of the re-checked program; half as much again for
// the garbage of the rational arithmetic.
func truthBytes(m *dsl.Model, net *Network, steps int, knownOptimum bool) int64 {
	trace := func(m *dsl.Model) int64 {
		runs := int64(steps) + 1
		if m.Steps > 0 {
			runs = int64(m.Steps) + 1
		}
		if m.Fixpoint != nil {
			runs++
		}
		var n int64
		for _, s := range m.States {
			per := int64(24)
			if s.Type == dsl.Real {
				per += 220
			}
			n = addSat(n, mulSat(int64(s.Cells()), per))
		}
		return mulSat(n, runs)
	}
	var b int64
	if net.Rounding == nil || !knownOptimum {
		b = trace(m)
	}
	for _, d := range m.Data {
		b = addSat(b, mulSat(int64(d.Cells()), 24))
	}
	b = addSat(b, mulSat(int64(steps), int64(len(m.Inputs))*64))
	if r := net.Rounding; r != nil {
		b = addSat(b, mulSat(int64(steps)+1, int64(r.P)*256))
	}
	if net.OffsetRounding != nil {
		b = addSat(b, trace(net.Model))
	}
	return addSat(b+b/2, 4<<10)
}

// onnx predicts the model export writes in layout and dtype.
func (c *Cost) onnx(layout, dtype string) ONNXCost {
	t, _ := elemBytes(dtype)
	e := &c.Export
	o := ONNXCost{Layout: layout, DType: dtype}
	if layout == "dense" {
		o.Params = c.Params.Dense
	} else {
		o.Params, o.Indices = c.Params.Structured, c.Params.StructuredIndices
	}
	o.Params = addSat(o.Params, c.exportConsts)
	raw := addSat(mulSat(o.Params, t), 4*o.Indices)
	copies := int64(c.exportCopies)
	o.FileBytes = addSat(raw, overheadBytes(e, emittedNodes(e, layout)*copies))
	targets := int64(len(e.Targets)) * copies
	if layout == "dense" {
		// Each matrix is filled in float64, then converted to the raw
		// bytes the model keeps; Marshal then writes the file.
		o.ExportBytes = addSat(mulSat(10, o.Params), raw+raw/2)
		o.ExportBytes = addSat(o.ExportBytes, 3000*targets+30<<10)
		return o
	}
	// The structured emitter sorts the rows of the largest target by
	// length (its scratch); the model's raw data, the file and the
	// collector's slack come to three times the file.
	var entries, width int64
	for _, tg := range e.Targets {
		var n int64
		for _, u := range tg.Sources {
			n += u.Terms
		}
		entries, width = max(entries, n), max(width, tg.Width)
	}
	o.ExportBytes = addSat(mulSat(3, o.FileBytes), 60*entries+200*width+10_000*targets+60<<10)
	if c.exportSettled {
		o.ExportBytes = addSat(o.ExportBytes, buildBytes(e)) // export unrolls the settled form itself
	}
	return o
}

// emittedNodes counts the ONNX nodes of one emitted copy of shape s.
func emittedNodes(s *relu.Shape, layout string) int64 {
	var n int64
	for _, t := range s.Targets {
		if layout == "dense" {
			n += int64(max(1, len(t.Sources))) + 1
			continue
		}
		if len(t.Sources) > 1 {
			n++
			for _, u := range t.Sources {
				if u.Terms < sourceLen(s, u.Source) {
					n++
				}
			}
		}
		for _, r := range t.Rows {
			n++
			if !r.Ones || r.Min != r.Max {
				n++
			}
			if r.Max > 1 {
				n += 3
			}
		}
		n += 2
	}
	return n
}

// overheadBytes is what a model file holds besides its initializers'
// data: nodes, names, docs and metadata.
func overheadBytes(s *relu.Shape, nodes int64) int64 {
	var docs int64
	for _, t := range s.Targets {
		for _, g := range t.Groups {
			docs += int64(30 + len(g.Name) + len(g.Rule) + len(g.Term) + len(g.Pos))
		}
	}
	return 100*nodes + 2*docs + 2000
}

// StatesBytes is the memory of every state of one run of n over steps
// steps kept as float64, as engine.Observe and Runner.RunStepsBatch keep
// them for a check to compare with the ground truth's trace: per step
// (and the initial state, and a fixpoint step) a slice per state array and
// 8 bytes per state value.
func (n *Network) StatesBytes(steps int) int64 {
	return statesBytes(int64(n.Cell.NumOutputs()), len(n.State), steps)
}

func statesBytes(values int64, arrays, steps int) int64 {
	perStep := addSat(mulSat(values, 8), 24*int64(arrays+1))
	return mulSat(int64(steps)+2, perStep)
}

// CheckBatchBytes bounds the states a check keeps for one batch of
// instances: verify runs the random instances of a program with data in
// batches of CheckBatch, and keeps every step's states of each to compare
// with the exact interpreter.
const CheckBatchBytes = 256 << 20

// CheckBatch is how many instances a check runs at once in dtypes element
// types when one run's states take statesBytes (StatesBytes): as many as
// fit CheckBatchBytes, at least 1 and at most 256.
func CheckBatch(statesBytes int64, dtypes int) int {
	per := mulSat(statesBytes, int64(max(dtypes, 1)))
	return int(max(1, min(256, CheckBatchBytes/max(per, 1))))
}

// CheckBytes is the memory of checking one instance against the ground
// truth: the truth's trace, and the states of a batch of runs in both
// element types (CheckBatch: one instance when one run is larger than
// CheckBatchBytes).
func (c *Cost) CheckBytes() int64 {
	states := mulSat(2, c.StatesBytes)
	batch := int64(CheckBatch(c.StatesBytes, 2))
	return addSat(c.TruthBytes, mulSat(batch, states))
}
