package export

import (
	"fmt"
	"strings"
)

// Layout is how the neurons of a graph become ONNX operators.
type Layout uint8

const (
	// Auto picks Dense when the dense weight matrices hold at most
	// AutoDenseLimit parameters, Structured otherwise.
	Auto Layout = iota
	// Dense emits one Gemm per (source layer, target layer) pair that is
	// connected, so the file holds every zero of those matrices. A ReLU
	// network uses only Gemm and Relu and runs in the simplest ONNX
	// runtimes.
	Dense
	// Structured emits only the nonzero weights, as index and weight
	// tensors for Gather, Mul and ReduceSum: the file grows with the number
	// of nonzeros, not with the square of the width.
	Structured
	// Vector is the layout of a smoothed recurrence (WriteRecurrence): no
	// neurons, the whole state vector updated by elementwise operators in
	// a Loop over the steps. Write refuses it for a relu.Graph.
	Vector
)

// Form is how a recurrent cell is presented.
type Form uint8

const (
	// Cell exports the graph as it is: one step of the recurrence, with the
	// state among its inputs and outputs.
	Cell Form = iota
	// Unrolled chains Options.Steps copies of the cell, which share their
	// weights; the initial state is a constant.
	Unrolled
	// Loop wraps the cell in an ONNX Loop whose trip count is read from the
	// per-step inputs at run time, or is Options.Steps for a cell without
	// per-step inputs (a program with a steps line and data).
	Loop
)

// DType is the element type of the exported tensors.
type DType uint8

const (
	Float32 DType = iota // the default
	Float64
)

// Size limits of the dense layout, in parameters (weights, zeros included,
// plus biases).
const (
	AutoDenseLimit = 1 << 22 // 4,194,304: above it Auto picks Structured
	MaxDenseParams = 1 << 28 // 268,435,456: Dense is refused above it
)

// Options says what Write emits. The zero value exports the cell as it is,
// in float32, choosing the layout by size.
type Options struct {
	Layout Layout
	Form   Form
	// Steps is the number of steps of the Unrolled form, and the trip
	// count of the Loop form of a cell without per-step inputs (ignored
	// otherwise).
	Steps int
	// UnrolledSteps, with the Cell form, says the cell is itself a
	// network unrolled over this many steps (the smooth scheme's network
	// of one instance, compile.Options.SmoothInstance): it is laid out as
	// it is, and the model records form unrolled with these steps, which
	// is what it is. 0 for any other cell.
	UnrolledSteps int
	State         []string // state blocks: cell inputs that are also outputs; nil = every such block
	// Data names input blocks given once per instance (a program's data
	// arrays): in the Unrolled and Loop forms each is one graph input
	// [N, Len] that every step reads, not a per-step input. In the Cell
	// form they are inputs like the others; Data only marks them.
	Data []string
	// Inf describes the finite stand-in for +inf of a network compiled
	// from a program with "or inf" values; nil when it has none.
	Inf *Inf
	// Settled, in the Unrolled form, gives per state block and unit the
	// last step at which the unit can change (-1: any step), as
	// compile.Network.Settled computes it. The form is then built by
	// relu.UnrollWith: each unit is computed only up to that step and
	// neurons feeding only settled units are left out, so a longest
	// common subsequence table computes each cell once instead of once
	// per step. The weights are then not shared between steps. nil
	// chains Steps copies of the whole cell.
	Settled map[string][]int
	// Init is the state before the first step (Unrolled and Loop forms), one
	// value per unit of each state block.
	Init  map[string][]float64
	DType DType
	// Decode appends a non-ReLU tail that turns a state block into one
	// answer per instance. nil exports the pure ReLU network.
	Decode *Decode
	// Gradient appends a gradient output (see Gradient). nil exports no
	// gradient.
	Gradient *Gradient
	// Doc is the source program and its parameters; it becomes the graph's
	// doc string (the graph's own Doc when empty).
	Doc string
	// Source is the program the graph was compiled from; it is stored in
	// metadata_props (keys "source.*") and read back by Model.Source. nil
	// stores none.
	Source *Source
	// Metadata is stored in the model's metadata_props next to the keys
	// dp2nn writes itself (which start with "dp2nn.", and "source." with
	// a Source).
	Metadata map[string]string
}

// Inf describes how a network represents +inf ("unreachable"): by the
// finite value BigM (compile.Network.BigM). The model replaces +inf in
// the Data blocks by BigM itself, with Min(x, BigM) on entry, which
// leaves every finite value (all below BigM) unchanged: a caller may pass
// +inf or BigM. The state stays in the network's representation, in the
// inputs of the Cell form and in every output: a value above
// Finite[state] means +inf.
type Inf struct {
	BigM float64
	// Data lists the data blocks (of Options.Data) that may hold +inf.
	Data []string
	// Finite gives, per state (output) block that may be +inf, its
	// largest finite value.
	Finite map[string]float64
}

// Decode describes the answer tail: among the indices i of Block (cell
// i-IndexLo) in Range satisfying Block[i] Op Threshold, the largest (Max)
// or smallest, or Fallback when none does. For knapsack_int, "answer max
// p where f[p] <= capacity" is {Name: "answer", Block: "f", Max: true,
// Op: "<=", Threshold: 100, Integer: true, IndexLo: 1, Fallback: 0}.
//
// How the comparison is made depends on what the caller knows about the
// block's values (compile.Network.DecodeSearch works it out):
//
//   - Integer: they are integers computed exactly. The comparison is made
//     strict at the half-integer next to Threshold (x <= 7 as x < 7.5,
//     x == 7 as 6.5 < x < 7.5; compile.HalfInteger), so no rounding short
//     of 1/2 could sway it. Bound must be 0.
//   - Bound > 0: each value may differ from the exact one by up to Bound.
//     A comparison is certain only when the value is farther than Bound
//     from Threshold; the tail adds the output Name+"_certain" ([N], 1
//     when every comparison the answer depends on is certain, else 0) and
//     answers NaN where it is 0, never a value the exact DP might not
//     give.
//   - neither: the values are exact as they are; they are compared as
//     written.
//
// A float32 model compares with the float32 bounds that give the same
// result on every float32 value as the float64 comparison.
type Decode struct {
	Name      string // output name, e.g. "answer"
	Block     string // the state (or, in the Cell form, output) block searched
	Max       bool   // largest index when true, smallest when false
	Op        string // "<=", "<", ">=", ">", "==" or "!="
	Threshold float64
	Integer   bool
	Bound     float64
	// MaxSteps, with Bound > 0, is the number of steps Bound holds for:
	// a Loop run of more steps is not certain, and an Unrolled form of
	// more steps is refused. 0: Bound holds for any number of steps.
	MaxSteps int
	IndexLo  int     // index of the block's first cell
	Range    []int   // searched indices [lo, hi], inclusive; nil: the whole block
	Fallback float64 // the answer when no index satisfies the comparison (NaN for "none")
}

// CertainName is the name of the tail's certainty output: d.Name+"_certain"
// when d.Bound > 0, "" otherwise.
func (d *Decode) CertainName() string {
	if d.Bound > 0 {
		return d.Name + "_certain"
	}
	return ""
}

var (
	layoutNames = []string{"auto", "dense", "structured", "vector"}
	formNames   = []string{"cell", "unrolled", "loop"}
	dtypeNames  = []string{"float32", "float64"}
	decodeOps   = []string{"<=", "<", ">=", ">", "==", "!="}
)

func (l Layout) String() string { return enumName(layoutNames, int(l), "Layout") }
func (f Form) String() string   { return enumName(formNames, int(f), "Form") }
func (d DType) String() string  { return enumName(dtypeNames, int(d), "DType") }

func enumName(names []string, i int, kind string) string {
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", kind, i)
}

// ParseLayout parses "auto", "dense" or "structured".
func ParseLayout(s string) (Layout, error) {
	i, err := parseEnum("layout", layoutNames, s)
	return Layout(i), err
}

// ParseForm parses "cell", "unrolled" or "loop".
func ParseForm(s string) (Form, error) {
	i, err := parseEnum("form", formNames, s)
	return Form(i), err
}

// ParseDType parses "float32" or "float64".
func ParseDType(s string) (DType, error) {
	i, err := parseEnum("dtype", dtypeNames, s)
	return DType(i), err
}

func parseEnum(kind string, names []string, s string) (int, error) {
	for i, n := range names {
		if s == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q (valid: %s)", kind, s, strings.Join(names, ", "))
}

// Set implements flag.Value.
func (l *Layout) Set(s string) (err error) { *l, err = ParseLayout(s); return err }

// Set implements flag.Value.
func (f *Form) Set(s string) (err error) { *f, err = ParseForm(s); return err }

// Set implements flag.Value.
func (d *DType) Set(s string) (err error) { *d, err = ParseDType(s); return err }

// size is the number of bytes of one element.
func (d DType) size() int {
	if d == Float64 {
		return 8
	}
	return 4
}
