package truth_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dp2nn/dp2nn/truth"
)

func bigRat(a, b int64) *big.Rat { return big.NewRat(a, b) }

func TestValueArithmetic(t *testing.T) {
	half := truth.RatValue(bigRat(1, 2))
	three := truth.IntValue(3)
	inf, ninf := truth.Inf(1), truth.Inf(-1)
	add := func(a, b truth.Value) string {
		s, ok := a.Add(b)
		if !ok {
			return "undefined"
		}
		return s.String()
	}
	mul := func(a, b truth.Value) string {
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
		{add(truth.Value{}, truth.Value{}), "0"},
		{mul(half, three), "3/2"},
		{mul(three.Neg(), inf), "-inf"},
		{mul(ninf, ninf), "inf"},
		{mul(truth.Value{}, inf), "undefined"},
		{mul(ninf, truth.IntValue(0)), "undefined"},
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
	v, ok := truth.FloatValue(0.1)
	assert.True(t, ok)
	assert.Equal(t, "3602879701896397/36028797018963968", v.String(), "0.1 as float64 is exactly this dyadic fraction")
	assert.Equal(t, 0.1, v.Float64())
	_, ok = truth.FloatValue(math.NaN())
	assert.False(t, ok)
	v, ok = truth.FloatValue(math.Inf(-1))
	assert.True(t, ok)
	assert.True(t, v.IsInf())
	assert.Equal(t, -1, v.Sign())
	assert.Nil(t, v.Rat())
	assert.True(t, math.IsInf(v.Float64(), -1))

	i, ok := truth.IntValue(-7).Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(-7), i)
	_, ok = truth.RatValue(bigRat(7, 2)).Int64()
	assert.False(t, ok)
	assert.False(t, truth.Inf(1).IsInt())
	assert.Equal(t, 0, truth.Value{}.Sign())

	r := truth.RatValue(bigRat(1, 3))
	r.Rat().SetInt64(5) // Rat returns a copy
	assert.Equal(t, "1/3", r.String())
}

func TestValueCmp(t *testing.T) {
	ordered := []truth.Value{truth.Inf(-1), truth.IntValue(-3), truth.RatValue(bigRat(-1, 2)), {}, truth.RatValue(bigRat(1, 3)), truth.IntValue(2), truth.Inf(1)}
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

// TestValueSmallIntegers checks the int64 representation of integers
// against big.Rat on operands near the overflow boundaries, mixed with
// fractions: every operation must give the exact rational result.
func TestValueSmallIntegers(t *testing.T) {
	var ints []int64
	for _, x := range []int64{0, 1, 2, 3, 1 << 31, 1<<31 - 1, 1 << 32, 1 << 62, math.MaxInt64, math.MaxInt64 - 1} {
		ints = append(ints, x, -x)
	}
	ints = append(ints, math.MinInt64, math.MinInt64+1)
	var vals []truth.Value
	var rats []*big.Rat
	for _, x := range ints {
		vals = append(vals, truth.IntValue(x))
		rats = append(rats, new(big.Rat).SetInt64(x))
		// The same integer held as a big.Rat, as a fraction reduces to it.
		vals = append(vals, truth.RatValue(new(big.Rat).SetFrac(big.NewInt(x), big.NewInt(1))))
		rats = append(rats, new(big.Rat).SetInt64(x))
	}
	vals = append(vals, truth.RatValue(bigRat(1, 3)), truth.RatValue(bigRat(-7, 2)))
	rats = append(rats, bigRat(1, 3), bigRat(-7, 2))
	for i, a := range vals {
		ra := rats[i]
		assert.Equal(t, ra.RatString(), a.String())
		assert.Equal(t, ra.Sign(), a.Sign())
		assert.Equal(t, ra.IsInt(), a.IsInt())
		wantF, _ := ra.Float64()
		assert.Equal(t, wantF, a.Float64(), "%v", a)
		assert.Equal(t, new(big.Rat).Neg(ra).RatString(), a.Neg().String())
		if n, ok := a.Int64(); ok {
			assert.Equal(t, ra.RatString(), big.NewRat(n, 1).RatString())
		} else {
			assert.False(t, ra.IsInt() && ra.Num().IsInt64(), "%v fits an int64", a)
		}
		for j, b := range vals {
			rb := rats[j]
			assert.Equal(t, ra.Cmp(rb), a.Cmp(b), "%v cmp %v", a, b)
			sum, ok := a.Add(b)
			assert.True(t, ok)
			assert.Equal(t, new(big.Rat).Add(ra, rb).RatString(), sum.String(), "%v + %v", a, b)
			prod, ok := a.Mul(b)
			assert.True(t, ok)
			assert.Equal(t, new(big.Rat).Mul(ra, rb).RatString(), prod.String(), "%v · %v", a, b)
		}
	}
	for _, f := range []float64{0, -0.0, 1, -3, 1 << 52, 1 << 61, -(1 << 62), 1 << 62, 1 << 63, 1e300, 0.5} {
		v, ok := truth.FloatValue(f)
		assert.True(t, ok)
		assert.Equal(t, new(big.Rat).SetFloat64(f).RatString(), v.String(), "%v", f)
		assert.Equal(t, f, v.Float64())
	}
}
