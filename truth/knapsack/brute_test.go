package knapsack

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBruteForce(t *testing.T) {
	// Every expected value below was worked out by hand.
	profits25 := make([]int64, 25)
	ones25 := make([]int64, 25)
	for i := range profits25 {
		profits25[i], ones25[i] = int64(i+1), 1
	}
	tests := []struct {
		name     string
		profits  []int64
		weights  []int64
		capacity int64
		best     int64
		chosen   []int
	}{
		{"no items", nil, nil, 10, 0, []int{}},
		{"one item fits exactly", []int64{5}, []int64{3}, 3, 5, []int{0}},
		{"one item too heavy", []int64{5}, []int64{3}, 2, 0, []int{}},
		{"textbook 60/100/120", []int64{60, 100, 120}, []int64{10, 20, 30}, 50, 220, []int{1, 2}},
		// f4 of testdata/lowdim: 10+13 fills the capacity 11 exactly;
		// the runner-up 10+12 has weight 10 and profit 22.
		{"f4 lowdim", []int64{6, 10, 12, 13}, []int64{2, 4, 6, 7}, 11, 23, []int{1, 3}},
		{"everything fits", []int64{1, 2, 3}, []int64{1, 1, 1}, 10, 6, []int{0, 1, 2}},
		{"tie: smallest bitmask wins", []int64{3, 3}, []int64{1, 1}, 1, 3, []int{0}},
		{"weightless items at capacity 0", []int64{4, 5}, []int64{0, 0}, 0, 9, []int{0, 1}},
		{"negative profit left out", []int64{-2, 7}, []int64{1, 1}, 2, 7, []int{1}},
		// 25 items of weight 1 and profits 1..25, room for 12: the top
		// twelve, 14+...+25 = (14+25)·12/2 = 234.
		{"25 items", profits25, ones25, 12, 234, []int{13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			best, chosen, err := BruteForce(tt.profits, tt.weights, tt.capacity)
			require.NoError(t, err)
			assert.Equal(t, tt.best, best)
			assert.Equal(t, tt.chosen, chosen)
			var p, w int64
			for _, i := range chosen {
				p, w = p+tt.profits[i], w+tt.weights[i]
			}
			assert.Equal(t, best, p, "chosen items' profit")
			assert.LessOrEqual(t, w, tt.capacity, "chosen items' weight")
		})
	}
}

func TestBruteForceErrors(t *testing.T) {
	tests := []struct {
		name     string
		profits  []int64
		weights  []int64
		capacity int64
		want     string
	}{
		{"lengths differ", []int64{1, 2}, []int64{1}, 5, "2 profits but 1 weights"},
		{"too many items", make([]int64, 26), make([]int64, 26), 5, "26 items, at most 25"},
		{"negative weight", []int64{1}, []int64{-1}, 5, "negative weight"},
		{"negative capacity", []int64{1}, []int64{1}, -1, "negative capacity"},
		{"overflowing profit", []int64{1 << 60}, []int64{1}, 5, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := BruteForce(tt.profits, tt.weights, tt.capacity)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
