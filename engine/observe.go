package engine

import (
	"fmt"

	"github.com/dp2nn/dp2nn/compile"
)

// DType names an evaluation type of the network.
type DType string

const (
	Float64 DType = "float64"
	Float32 DType = "float32"
)

// ParseDTypes reads -dtype: float64, float32, or both (float64 first);
// one is true when a single type is all the caller takes (both refused).
func ParseDTypes(s string, one bool) ([]DType, error) {
	switch {
	case s == "float64" || s == "float32":
		return []DType{DType(s)}, nil
	case one:
		return nil, fmt.Errorf("unknown -dtype %q (want float64 or float32)", s)
	case s == "both":
		return []DType{Float64, Float32}, nil
	}
	return nil, fmt.Errorf("unknown -dtype %q (want float64, float32 or both)", s)
}

// Roundoff is the unit roundoff of d.
func (d DType) Roundoff() float64 {
	if d == Float32 {
		return compile.Float32Roundoff
	}
	return compile.Float64Roundoff
}

// Observed is what one evaluation of a network computed on one instance:
// the state after every step, in the order of Network.State (States[0]
// is the initial state). States[t] is nil for a step the evaluation does
// not expose (an unrolled ONNX model shows only the final state); the
// final state must be there.
type Observed struct {
	Label  string
	DType  DType
	States [][][]float64
	// Answer is the model's own decoded answer (an exported decode tail),
	// nil when it has none; NaN means "none found", or "not certain" when
	// Certain says so.
	Answer *float64
	// Certain is the tail's "answer_certain" output (1: the answer is
	// certain, 0: the rounded values cannot tell it), nil when the tail
	// has none (its comparisons are exact).
	Certain *float64
}

// Observe runs net on steps in the Go evaluator.
func Observe(net *compile.Network, dt DType, steps [][]float64) (Observed, error) {
	var states [][][]float64
	var err error
	switch dt {
	case Float32:
		var r *compile.Runner[float32]
		if r, err = compile.NewRunner[float32](net); err == nil {
			states, err = r.Run(steps)
		}
	case Float64:
		var r *compile.Runner[float64]
		if r, err = compile.NewRunner[float64](net); err == nil {
			states, err = r.Run(steps)
		}
	default:
		err = fmt.Errorf("engine: unknown dtype %q", dt)
	}
	return Observed{Label: string(dt), DType: dt, States: states}, err
}
