package engine

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/export"
)

// DecodeTail returns the export decode tail (output "answer") of net's
// answer for a model in form and element type dt: steps is the number of
// steps of the Unrolled form, and for the Loop form the most steps the
// tail's error bound must cover (a run of more is reported as not
// certain). It refuses every tail that could answer wrongly, saying why
// (compile.Network.DecodeSearch): integer values the type cannot hold
// exactly, real values in float32, real values without a known bound
// (the Cell form, whose input state may come from any number of steps).
// An exact network gets an integer tail (half-integer thresholds); a
// real-valued one in float64 a tail with a bound and the output
// "answer_certain".
func DecodeTail(net *compile.Network, form export.Form, dt export.DType, steps int) (*export.Decode, error) {
	if net.Rounding != nil {
		return nil, fmt.Errorf("a decode tail is not available for the fptas scheme (its answer scales the table index by the running total); decode p_NN from the exported state instead")
	}
	u := compile.Float32Roundoff
	if dt == export.Float64 {
		u = compile.Float64Roundoff
	}
	n := steps
	if form == export.Cell {
		n = -1
	}
	s, err := net.DecodeSearch(u, n)
	if err != nil {
		return nil, err
	}
	fallback := math.NaN()
	if s.HasFallback {
		fallback = float64(s.Fallback)
	}
	d := &export.Decode{
		Name: "answer", Block: s.State, Max: s.Max, Op: s.Op.String(), Threshold: s.Threshold,
		Integer: s.Integer, Bound: s.Bound,
		IndexLo: net.Model.Answer.State.Dims[0].Lo, Range: []int{s.Lo, s.Hi}, Fallback: fallback,
	}
	if d.Bound > 0 {
		d.MaxSteps = steps
	}
	return d, nil
}

// Roundoff returns the unit roundoff of an export element type.
func Roundoff(dt export.DType) float64 {
	if dt == export.Float64 {
		return compile.Float64Roundoff
	}
	return compile.Float32Roundoff
}
