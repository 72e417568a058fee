package compile

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dp2nn/dp2nn/export"
)

// compile cannot import export (a later stage); its copies of export's
// layout limits must stay equal.
func TestLayoutLimitsAreExports(t *testing.T) {
	assert.Equal(t, int64(export.AutoDenseLimit), int64(autoDenseLimit))
	assert.Equal(t, int64(export.MaxDenseParams), int64(maxDenseParams))
}

func TestSaturatingArithmetic(t *testing.T) {
	assert.Equal(t, int64(math.MaxInt64), mulSat(1<<40, 1<<40))
	assert.Equal(t, int64(math.MaxInt64), addSat(math.MaxInt64-1, 2))
	assert.Equal(t, int64(6), mulSat(2, 3))
	assert.Equal(t, int64(0), mulSat(0, math.MaxInt64))
}
