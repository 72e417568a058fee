package study

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/train"
)

// The fits recover known curves; the t-tests tell a quadratic from a
// line under noise, and do not on a line.
func TestWidthFits(t *testing.T) {
	var xs, quad, line, pow []float64
	noise := []float64{3, -2, 4, -5, 1, 2, -3, 0, 5, -4, -1, 2}
	for i := range 12 {
		p := float64(3 * (i + 1))
		xs = append(xs, p)
		quad = append(quad, 10+2*p+0.5*p*p+noise[i])
		line = append(line, 10+8*p+noise[i])
		pow = append(pow, 4*math.Pow(p, 1.5))
	}
	q := fitQuadratic(xs, quad)
	require.NotNil(t, q)
	assert.InDelta(t, 0.5, q.A[2], 0.02)
	assert.Less(t, q.P2, 1e-6)
	assert.Greater(t, q.R2, 0.99)
	l := fitQuadratic(xs, line)
	require.NotNil(t, l)
	assert.Greater(t, l.P2, 0.05, "a line has no significant quadratic term")
	f := fitPower(xs, pow)
	require.NotNil(t, f)
	assert.InDelta(t, 1.5, f.K, 1e-9)
	assert.InDelta(t, 4, f.C, 1e-9)
	assert.Nil(t, fitQuadratic(xs[:3], quad[:3]))
	assert.Nil(t, fitPower(xs[:2], pow[:2]))
	// A textbook value: t = 2.228 with 10 degrees of freedom is p = 0.05.
	assert.InDelta(t, 0.05, twoSided(2.228, 10), 1e-4)
}

func TestWidthConfigCheck(t *testing.T) {
	ok := WidthConfig{PStars: []int{3, 6}, Threshold: 0.005, WStep: 25, WMax: 500, Protocol: train.DefaultProtocol(), Pool: DefaultPool}
	require.NoError(t, ok.Check())
	for name, mod := range map[string]func(*WidthConfig){
		"no p*":          func(c *WidthConfig) { c.PStars = nil },
		"p* 1":           func(c *WidthConfig) { c.PStars = []int{1} },
		"p* huge":        func(c *WidthConfig) { c.PStars = []int{MaxWidthPStar + 1} },
		"threshold 0":    func(c *WidthConfig) { c.Threshold = 0 },
		"threshold NaN":  func(c *WidthConfig) { c.Threshold = math.NaN() },
		"threshold inf":  func(c *WidthConfig) { c.Threshold = math.Inf(1) },
		"step 0":         func(c *WidthConfig) { c.WStep = 0 },
		"max below step": func(c *WidthConfig) { c.WMax = 10 },
		"max huge":       func(c *WidthConfig) { c.WMax = MaxWidth + 25 },
		"pool 0":         func(c *WidthConfig) { c.Pool = 0 },
		"epochs 0":       func(c *WidthConfig) { c.Protocol.MaxEpochs = 0 },
	} {
		c := ok
		mod(&c)
		assert.Error(t, c.Check(), name)
	}
	// Points of other settings are refused, not mixed in.
	c := ok
	c.PStars = []int{3}
	c.Done = []WidthPoint{{Key: "v0 other", PStar: 3, Width: 25}}
	_, err := Width(c)
	assert.ErrorContains(t, err, "other settings")
}

// The compiled DP-NN's widest layer is the paper's max(2p*, p*(p*−1)/2).
func TestCompiledWidth(t *testing.T) {
	for _, p := range []int{2, 3, 4, 5, 10, 30, 75} {
		w, err := compiledWidth(p)
		require.NoError(t, err)
		assert.Equal(t, max(2*p, p*(p-1)/2), w, "p* = %d", p)
	}
}
