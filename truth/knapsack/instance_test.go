package knapsack

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadLowdim(t *testing.T) {
	for _, c := range readLowdim(t) {
		// The names end in _kp_<n>_<capacity>.
		parts := strings.Split(c.Name, "_")
		n, err := strconv.Atoi(parts[len(parts)-2])
		require.NoError(t, err)
		capacity, err := strconv.ParseInt(parts[len(parts)-1], 10, 64)
		require.NoError(t, err)
		assert.Equal(t, n, c.Len(), c.Name)
		assert.Equal(t, capacity, c.Capacity, c.Name)
		assert.Equal(t, Lowdim, c.Family)
	}
}

func TestInstanceRoundTrip(t *testing.T) {
	for _, c := range readLowdim(t) {
		var buf bytes.Buffer
		require.NoError(t, WriteInstance(&buf, c.Instance))
		again, err := ReadInstance(c.Name, &buf)
		require.NoError(t, err)
		assert.Equal(t, c.Instance, again)
	}
}

func TestReadInstanceErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "bad.txt: unexpected end of input, want the item count"},
		{"count not a number", "two\n", "bad.txt:1: item count \"two\" is not an integer"},
		{"negative count", "-1\n", "bad.txt:1: item count -1 out of range"},
		{"missing items", "2\n1 1\n", "bad.txt: unexpected end of input, want item 2 of 2"},
		{"one field", "1\n5\n3\n", "bad.txt:2: want 2 fields, have 1"},
		{"bad weight", "1\n5 x\n3\n", "bad.txt:2: weight \"x\" is not an integer"},
		{"missing capacity", "1\n5 1\n", "want the capacity"},
		{"trailing data", "1\n5 1\n3\n4 4\n", "bad.txt:4: unexpected \"4 4\" after the capacity"},
		{"negative weight", "1\n5 -1\n3\n", "bad.txt: knapsack: item 0 has negative weight -1"},
		{"negative capacity", "0\n-3\n", "negative capacity"},
		{"overflow", "2\n9223372036854775807 1\n1 1\n3\n", "overflow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadInstance("bad.txt", strings.NewReader(tt.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestReadInstanceBlankLines(t *testing.T) {
	in, err := ReadInstance("ok.txt", strings.NewReader("\n2\n\n3 4\n  5 6  \n\n7\n\n"))
	require.NoError(t, err)
	assert.Equal(t, Instance{Name: "ok.txt", Family: Lowdim, Profits: []int64{3, 5}, Weights: []int64{4, 6}, Capacity: 7}, in)
}

func TestReadOptimaErrors(t *testing.T) {
	_, err := ReadOptima("o.txt", strings.NewReader("a 1\nb 2\na 3\n"))
	assert.EqualError(t, err, "o.txt:3: second optimum for a")
	_, err = ReadOptima("o.txt", strings.NewReader("a 1 2\n"))
	assert.EqualError(t, err, "o.txt:1: want 2 fields, have 3: \"a 1 2\"")
	_, err = ReadOptima("o.txt", strings.NewReader("a one\n"))
	assert.EqualError(t, err, "o.txt:1: optimum \"one\" is not an integer")
}

func TestFittingAndSizes(t *testing.T) {
	in := Instance{Name: "x", Profits: []int64{1, 2, 3, 4}, Weights: []int64{0, 8, 9, 4}, Capacity: 8}
	fit := in.Fitting()
	assert.Equal(t, []int64{1, 2, 4}, fit.Profits)
	assert.Equal(t, []int64{0, 8, 4}, fit.Weights)
	assert.Equal(t, "x", fit.Name)
	assert.Equal(t, []int64{0, 8, 9, 4}, in.Weights, "Fitting leaves the original alone")
	// Capacity 8 is a power of two: w/8 is exact.
	assert.Equal(t, []float64{0, 1, 1.125, 0.5}, in.Sizes())
	zero := Instance{Profits: []int64{1, 1}, Weights: []int64{0, 3}}
	assert.Equal(t, []float64{0, math.Inf(1)}, zero.Sizes())
}

func FuzzReadInstance(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(lowdimDir, "f*.txt"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("0\n0\n"))
	f.Add([]byte("1\n-1 2\n3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ReadInstance("fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever reads must be valid and survive a round trip.
		require.NoError(t, Validate(in.Profits, in.Weights, in.Capacity))
		var buf bytes.Buffer
		require.NoError(t, WriteInstance(&buf, in))
		again, err := ReadInstance("fuzz", &buf)
		require.NoError(t, err)
		require.Equal(t, in, again)
	})
}
