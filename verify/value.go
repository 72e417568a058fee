package verify

import (
	"math"
	"math/big"
)

// Value is an exact extended rational: a rational number, +inf or -inf.
// The zero Value is 0. Values are immutable: every operation returns a new
// one, so they may be shared freely. No operation ever produces NaN; the
// undefined ones (inf + -inf, 0 · inf) report ok = false instead.
type Value struct {
	inf int8     // -1, 0 or +1
	rat *big.Rat // the finite value when inf == 0; nil means 0; never mutated
}

// Inf returns +inf for sign >= 0 and -inf otherwise.
func Inf(sign int) Value {
	if sign >= 0 {
		return Value{inf: 1}
	}
	return Value{inf: -1}
}

// IntValue returns the Value i.
func IntValue(i int64) Value { return Value{rat: new(big.Rat).SetInt64(i)} }

// RatValue returns the Value r (copied).
func RatValue(r *big.Rat) Value { return Value{rat: new(big.Rat).Set(r)} }

// FloatValue returns the exact value of f; ±Inf map to ±inf. ok is false
// for NaN.
func FloatValue(f float64) (v Value, ok bool) {
	switch {
	case math.IsNaN(f):
		return Value{}, false
	case math.IsInf(f, 0):
		return Inf(int(math.Copysign(1, f))), true
	}
	return Value{rat: new(big.Rat).SetFloat64(f)}, true
}

func (v Value) r() *big.Rat {
	if v.rat == nil {
		return new(big.Rat)
	}
	return v.rat
}

// IsInf reports whether v is +inf or -inf.
func (v Value) IsInf() bool { return v.inf != 0 }

// Sign returns -1, 0 or +1.
func (v Value) Sign() int {
	if v.inf != 0 {
		return int(v.inf)
	}
	return v.r().Sign()
}

// Rat returns a copy of the finite value of v, or nil when v is infinite.
func (v Value) Rat() *big.Rat {
	if v.inf != 0 {
		return nil
	}
	return new(big.Rat).Set(v.r())
}

// IsInt reports whether v is a finite integer.
func (v Value) IsInt() bool { return v.inf == 0 && v.r().IsInt() }

// Int64 returns v as an int64; ok is false unless v is an integer that fits.
func (v Value) Int64() (i int64, ok bool) {
	if !v.IsInt() {
		return 0, false
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
	f, _ := v.r().Float64()
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
	}
	return Value{rat: new(big.Rat).Add(v.r(), w.r())}, true
}

// Neg returns -v.
func (v Value) Neg() Value {
	if v.inf != 0 {
		return Value{inf: -v.inf}
	}
	return Value{rat: new(big.Rat).Neg(v.r())}
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
	return Value{rat: new(big.Rat).Mul(v.r(), w.r())}, true
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
	return v.r().RatString()
}
