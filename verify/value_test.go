package verify

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

func bigRat(a, b int64) *big.Rat { return big.NewRat(a, b) }

func TestValueArithmetic(t *testing.T) {
	half := RatValue(bigRat(1, 2))
	three := IntValue(3)
	inf, ninf := Inf(1), Inf(-1)
	add := func(a, b Value) string {
		s, ok := a.Add(b)
		if !ok {
			return "undefined"
		}
		return s.String()
	}
	mul := func(a, b Value) string {
		p, ok := a.Mul(b)
		if !ok {
			return "undefined"
		}
		return p.String()
	}
	tests := []struct{ got, want string }{
		{add(half, three), "7/2"},
		{add(half, inf), "inf"},
		{add(ninf, three), "-inf"},
		{add(inf, inf), "inf"},
		{add(inf, ninf), "undefined"},
		{add(Value{}, Value{}), "0"},
		{mul(half, three), "3/2"},
		{mul(three.Neg(), inf), "-inf"},
		{mul(ninf, ninf), "inf"},
		{mul(Value{}, inf), "undefined"},
		{mul(ninf, IntValue(0)), "undefined"},
		{half.Neg().String(), "-1/2"},
		{inf.Neg().String(), "-inf"},
		{half.Min(ninf).String(), "-inf"},
		{half.Max(three).String(), "3"},
	}
	for i, tt := range tests {
		assert.Equal(t, tt.want, tt.got, "case %d", i)
	}
}

func TestValueConversions(t *testing.T) {
	v, ok := FloatValue(0.1)
	assert.True(t, ok)
	assert.Equal(t, "3602879701896397/36028797018963968", v.String(), "0.1 as float64 is exactly this dyadic fraction")
	assert.Equal(t, 0.1, v.Float64())
	_, ok = FloatValue(math.NaN())
	assert.False(t, ok)
	v, ok = FloatValue(math.Inf(-1))
	assert.True(t, ok)
	assert.True(t, v.IsInf())
	assert.Equal(t, -1, v.Sign())
	assert.Nil(t, v.Rat())
	assert.True(t, math.IsInf(v.Float64(), -1))

	i, ok := IntValue(-7).Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(-7), i)
	_, ok = RatValue(bigRat(7, 2)).Int64()
	assert.False(t, ok)
	assert.False(t, Inf(1).IsInt())
	assert.Equal(t, 0, Value{}.Sign())

	r := RatValue(bigRat(1, 3))
	r.Rat().SetInt64(5) // Rat returns a copy
	assert.Equal(t, "1/3", r.String())
}

func TestValueCmp(t *testing.T) {
	ordered := []Value{Inf(-1), IntValue(-3), RatValue(bigRat(-1, 2)), {}, RatValue(bigRat(1, 3)), IntValue(2), Inf(1)}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			assert.Equal(t, want, a.Cmp(b), "%v cmp %v", a, b)
		}
	}
}
