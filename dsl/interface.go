package dsl

import (
	"fmt"
	"math"
	"strconv"
)

// Parse parses the .dp program src; filename is used in positions only.
// On syntax errors it returns the declarations it could parse and an
// ErrorList of every error, sorted by position (the parser reports the
// first error of a line: what follows it on that line is not reliable).
func Parse(filename string, src []byte) (*File, error) {
	f, errs := parseFile(filename, src)
	return f, errs.Err()
}

// Check resolves and type-checks f, binds its params and computes the
// value interval of every term. params overrides the param defaults. On
// errors it returns a nil Model and an ErrorList of every error,
// sorted by position.
func Check(f *File, params map[string]int64) (*Model, error) {
	return CheckWith(f, params, Limits{})
}

// Limits bound the programs Check accepts.
type Limits struct {
	// MaxCount bounds the values of an int input's range, of an index
	// range and of a reduction domain, and the cells of a state or data
	// array; 0 means DefaultMaxCount. A scheme that never materialises a
	// state cell by cell (fptas rounds a state of pmax cells to P) may
	// raise it; the cost model then decides what can be built.
	MaxCount int64
}

// DefaultMaxCount is Check's bound on ranges and cells (2^26): beyond it
// an exact network, or the exact interpreter, would not fit in memory.
const DefaultMaxCount = 1 << 26

func (l Limits) count() float64 {
	if l.MaxCount <= 0 {
		return DefaultMaxCount
	}
	return float64(l.MaxCount)
}

// countText prints a limit: "2^26" for a power of two, else the number.
func countText(n float64) string {
	if n >= 2 && n == math.Exp2(math.Round(math.Log2(n))) {
		return fmt.Sprintf("2^%d", int(math.Round(math.Log2(n))))
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// CheckWith is Check with other Limits.
func CheckWith(f *File, params map[string]int64, lim Limits) (*Model, error) {
	m, errs := check(f, params, lim)
	if len(errs) > 0 {
		return nil, errs
	}
	return m, nil
}
