package smooth

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/diag"
)

// This file predicts the memory of a Graph and of one evaluation of it,
// so that NewGraph refuses a graph past GraphLimits.MaxBytes before it
// allocates anything that grows with the instance.

// NewGraph predicts its bytes twice, each time before the allocations
// it bounds (GraphLimits.MaxBytes):
//
//   - before lowering the cells, from the terms predicted from the
//     program alone (every reduction over its whole declared domain, a
//     constant counting as one term): lowerBytesPerTerm per predicted
//     term for the lowered cells and the garbage of lowering them, and,
//     for a program with per-step inputs (whose layers are lowered and
//     emitted one after the other), the tables and run too, taking every
//     predicted term for a node, an option and a term;
//   - once the cells are lowered and the exact counts of nodes, options
//     and terms are known, before the tables are allocated: the lowering
//     again, plus layoutBytes of the exact counts.
//
// The figures are TotalAlloc measured around NewGraph, Forward and
// Marginals (TestGraphBytesBoundAllocation): an upper bound of the live
// heap at the peak.

// lowerBytesPerTerm bounds the bytes of lowering the cells per predicted
// term (measured 118 to 167 on the example programs with data).
const lowerBytesPerTerm = 200

// layoutBytes is the bytes of a graph's tables and of one evaluation's
// arrays, from its exact counts: per node the general layout's sign,
// bias and option start (16), the compact record twice (level order
// copies it) with its level, permutation, position and tuple (62), the
// run's value, adjoint and scaled mantissa and exponent (32); per option
// its constant, term start and probability (20); per term its source
// and coefficient (12) and the garbage of emitting it (measured about 66
// on Bellman-Ford, whose layers are emitted from one lowering: 80); per
// parameter θ, its value slot, adjoint, marginal, scaled slots, use
// count and owner (56).
func layoutBytes(nodes, opts, terms, params float64) float64 {
	return 110*nodes + 20*opts + 92*terms + 56*params
}

// graphBaseBytes is the fixed part: the program's tables and the small
// buffers of a run.
const graphBaseBytes = 1 << 16

// lowerBytes is the first prediction: terms predicted terms, of which
// the tables are made too when layered (a program with per-step inputs).
func lowerBytes(terms float64, layered bool) float64 {
	n := lowerBytesPerTerm*terms + graphBaseBytes
	if layered {
		n += layoutBytes(terms, terms, terms, 0)
	}
	return n
}

// TooLargeError is NewGraph's refusal of a graph whose predicted bytes
// pass GraphLimits.MaxBytes.
type TooLargeError struct {
	Program string
	Terms   float64 // terms: predicted, or counted once lowered
	Bytes   int64   // predicted bytes
	Limit   int64   // GraphLimits.MaxBytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("smooth: %s's graph and one evaluation of it would need about %s (%.3g terms), above the limit %s (%d bytes); use smaller params",
		e.Program, diag.Bytes(e.Bytes), e.Terms, diag.Bytes(e.Limit), e.Limit)
}

// checkBytes refuses a prediction of n bytes for terms terms past
// lim.MaxBytes.
func (b *builder) checkBytes(n, terms float64) error {
	b.bytes = n
	if b.lim.MaxBytes <= 0 || n <= float64(b.lim.MaxBytes) {
		return nil
	}
	return &TooLargeError{Program: b.m.Name, Terms: terms, Bytes: int64(min(n, math.MaxInt64/2)), Limit: b.lim.MaxBytes}
}
