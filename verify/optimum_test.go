package verify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth/knapsack"
	"github.com/dp2nn/dp2nn/verify"
)

// Every method gives the optimum 7 of a small instance with items
// numbered from 1; auto says which method it used.
func TestOptimumMethods(t *testing.T) {
	in, err := instance.ReadInstance("four.txt", []byte("4\n3 2\n4 3\n5 4\n6 5\n5\n"))
	require.NoError(t, err)
	for _, method := range verify.OptimumMethods {
		r, err := verify.Optimum(in, method)
		require.NoError(t, err, method)
		assert.Equal(t, int64(7), r.Optimum, method)
		assert.Equal(t, []int{1, 2}, r.Items, method)
		assert.Equal(t, int64(5), r.Weight, method)
		assert.Equal(t, 4, r.N)
		assert.Equal(t, int64(5), r.Capacity)
		if method != "auto" {
			assert.Equal(t, method, r.Method)
		}
	}
	_, err = verify.Optimum(in, "dp")
	assert.ErrorContains(t, err, `unknown method "dp"`)
}

// Values the exact solvers cannot take are refused by the instance reader
// (reader: its message) or by KnapsackData, naming the file and the item.
func TestKnapsackDataErrors(t *testing.T) {
	tests := []struct {
		name, file, data, want string
		reader                 bool
	}{
		{"fractional capacity", "a.json", `{"capacity": 2.5, "items": [{"profit": 1, "weight": 1}]}`, "a.json: capacity 2.5 is not an integer in 0..2^53", false},
		{"huge capacity", "b.json", `{"capacity": 1e300, "items": [{"profit": 1, "weight": 1}]}`, "b.json: capacity 1e+300 is not an integer in 0..2^53", false},
		{"fractional weight", "c.txt", "1\n1 2.5\n3\n", "c.txt:2: item 1: weight 2.5 is not an integer within int64", false},
		{"fractional profit", "d.txt", "1\n1.5 2\n3\n", "d.txt:2:1: item 1: profit 1.5 is not an integer", true},
		{"profit past 2^53", "e.txt", "1\n99999999999999999999 2\n3\n", "e.txt:2:1: item 1: profit 99999999999999999999 is above 2^53", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := instance.ReadInstance(tt.file, []byte(tt.data))
			if tt.reader {
				assert.ErrorContains(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			_, _, _, err = verify.KnapsackData(in)
			assert.ErrorContains(t, err, tt.want)
			_, err = verify.Optimum(in, "auto")
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// A method that refuses the instance says so, wrapping ErrTooLarge.
func TestOptimumRefused(t *testing.T) {
	in, err := instance.ReadInstance("big.txt", []byte("2\n1000000000001 1000000000005\n1000000000003 1000000000009\n2000000000000\n"))
	require.NoError(t, err)
	_, err = verify.Optimum(in, "weight-dp")
	require.ErrorIs(t, err, knapsack.ErrTooLarge)
	assert.ErrorContains(t, err, "big.txt")
	r, err := verify.Optimum(in, "auto")
	require.NoError(t, err)
	assert.Equal(t, int64(1000000000003), r.Optimum)
}

// OptimumFile reads the file; WriteText prints the optimum and the items.
func TestOptimumFileText(t *testing.T) {
	r, err := verify.OptimumFile("../testdata/lowdim/f3_l-d_kp_4_20.txt", "weight-dp")
	require.NoError(t, err)
	r.TimeMS = 1.25
	var b strings.Builder
	r.WriteText(&b)
	assert.Equal(t, fmt.Sprintf("f3_l-d_kp_4_20: optimum %d, weight %d of 20, %d of 4 items, weight-dp, 1.250 ms\n  items: %s\n",
		r.Optimum, r.Weight, len(r.Items), strings.Trim(fmt.Sprint(r.Items), "[]")), b.String())
	assert.Equal(t, int64(35), r.Optimum, "f3's optimum (testdata/lowdim/optima.txt)")
	_, err = verify.OptimumFile("no-such-file.txt", "auto")
	assert.ErrorContains(t, err, "no-such-file.txt")
}
