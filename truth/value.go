package truth

import (
	"math"
	"math/big"
	"strconv"
)

// Value is an exact extended rational: a rational number, +inf or -inf.
// The zero Value is 0. Values are immutable: every operation returns a new
// one, so they may be shared freely. No operation ever produces NaN; the
// undefined ones (inf + -inf, 0 · inf) report ok = false instead.
type Value struct {
	inf int8 // -1, 0 or +1
	// The finite value when inf == 0: rat, or small when rat is nil (so
	// the zero Value is 0). Integers that fit an int64 are kept in small,
	// which spares the allocations of big.Rat in the common case of
	// integer programs; every operation that could overflow falls back to
	// big.Rat. rat is never mutated.
	small int64
	rat   *big.Rat
}

// ratValue returns the Value r, which the caller hands over (it must not
// be mutated afterwards): small when r is an integer that fits.
func ratValue(r *big.Rat) Value {
	if r.IsInt() && r.Num().IsInt64() {
		return Value{small: r.Num().Int64()}
	}
	return Value{rat: r}
}

// Inf returns +inf for sign >= 0 and -inf otherwise.
func Inf(sign int) Value {
	if sign >= 0 {
		return Value{inf: 1}
	}
	return Value{inf: -1}
}

// IntValue returns the Value i.
func IntValue(i int64) Value { return Value{small: i} }

// RatValue returns the Value r (copied).
func RatValue(r *big.Rat) Value { return ratValue(new(big.Rat).Set(r)) }

// FloatValue returns the exact value of f; ±Inf map to ±inf. ok is false
// for NaN.
func FloatValue(f float64) (v Value, ok bool) {
	switch {
	case math.IsNaN(f):
		return Value{}, false
	case math.IsInf(f, 0):
		return Inf(int(math.Copysign(1, f))), true
	case f == math.Trunc(f) && math.Abs(f) < 1<<62:
		return Value{small: int64(f)}, true
	}
	return Value{rat: new(big.Rat).SetFloat64(f)}, true
}

// r returns the finite value as a big.Rat, not to be mutated.
func (v Value) r() *big.Rat {
	if v.rat == nil {
		return new(big.Rat).SetInt64(v.small)
	}
	return v.rat
}

// IsInf reports whether v is +inf or -inf.
func (v Value) IsInf() bool { return v.inf != 0 }

// Sign returns -1, 0 or +1.
func (v Value) Sign() int {
	switch {
	case v.inf != 0:
		return int(v.inf)
	case v.rat == nil && v.small > 0:
		return 1
	case v.rat == nil && v.small < 0:
		return -1
	case v.rat == nil:
		return 0
	}
	return v.rat.Sign()
}

// Rat returns a copy of the finite value of v, or nil when v is infinite.
func (v Value) Rat() *big.Rat {
	if v.inf != 0 {
		return nil
	}
	return new(big.Rat).Set(v.r())
}

// IsInt reports whether v is a finite integer.
func (v Value) IsInt() bool { return v.inf == 0 && (v.rat == nil || v.rat.IsInt()) }

// Int64 returns v as an int64; ok is false unless v is an integer that fits.
func (v Value) Int64() (i int64, ok bool) {
	if !v.IsInt() {
		return 0, false
	}
	if v.rat == nil {
		return v.small, true
	}
	n := v.r().Num()
	if !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}

// Float64 returns the float64 nearest to v (±Inf for ±inf; finite values
// too large for float64 also round to ±Inf).
func (v Value) Float64() float64 {
	if v.inf != 0 {
		return math.Inf(int(v.inf))
	}
	if v.rat == nil {
		return float64(v.small) // rounds to nearest, as big.Rat.Float64
	}
	f, _ := v.rat.Float64()
	return f
}

// Cmp compares v and w: -1 if v < w, 0 if equal, +1 if v > w.
func (v Value) Cmp(w Value) int {
	if v.inf != 0 || w.inf != 0 {
		switch {
		case v.inf < w.inf:
			return -1
		case v.inf > w.inf:
			return 1
		}
		return 0
	}
	if v.rat == nil && w.rat == nil {
		switch {
		case v.small < w.small:
			return -1
		case v.small > w.small:
			return 1
		}
		return 0
	}
	return v.r().Cmp(w.r())
}

// Add returns v + w; ok is false for inf + -inf.
func (v Value) Add(w Value) (sum Value, ok bool) {
	switch {
	case v.inf != 0 && w.inf != 0 && v.inf != w.inf:
		return Value{}, false
	case v.inf != 0:
		return v, true
	case w.inf != 0:
		return w, true
	case v.rat == nil && w.rat == nil:
		if sum, overflow := addInt64(v.small, w.small); !overflow {
			return Value{small: sum}, true
		}
	}
	return ratValue(new(big.Rat).Add(v.r(), w.r())), true
}

// addInt64 returns a + b and whether it overflowed.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0)
}

// Neg returns -v.
func (v Value) Neg() Value {
	switch {
	case v.inf != 0:
		return Value{inf: -v.inf}
	case v.rat == nil && v.small != math.MinInt64:
		return Value{small: -v.small}
	}
	return ratValue(new(big.Rat).Neg(v.r()))
}

// Mul returns v · w; ok is false for 0 · inf.
func (v Value) Mul(w Value) (prod Value, ok bool) {
	if v.inf != 0 || w.inf != 0 {
		s := v.Sign() * w.Sign()
		if s == 0 {
			return Value{}, false
		}
		return Inf(s), true
	}
	// Factors below 2^31 in magnitude cannot overflow an int64.
	const half = 1 << 31
	if v.rat == nil && w.rat == nil && v.small > -half && v.small < half && w.small > -half && w.small < half {
		return Value{small: v.small * w.small}, true
	}
	return ratValue(new(big.Rat).Mul(v.r(), w.r())), true
}

// Min returns the smaller of v and w.
func (v Value) Min(w Value) Value {
	if w.Cmp(v) < 0 {
		return w
	}
	return v
}

// Max returns the larger of v and w.
func (v Value) Max(w Value) Value {
	if w.Cmp(v) > 0 {
		return w
	}
	return v
}

// String prints v exactly: "inf", "-inf", an integer or a fraction "a/b".
func (v Value) String() string {
	switch v.inf {
	case 1:
		return "inf"
	case -1:
		return "-inf"
	}
	if v.rat == nil {
		return strconv.FormatInt(v.small, 10)
	}
	return v.rat.RatString()
}
