package main

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/verify"
)

// adv3 D7: -json failed on an infinite or NaN answer ("json:
// unsupported value: +Inf") and wrote nothing; the batch's encoder too.
// Reports and batch lines are written whole, ±Inf and NaN as strings.
func TestJSONNonFinite(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	r := &verify.SolveReport{Program: "p", Value: &inf, Cells: []float64{math.Inf(-1), nan}, Tolerance: inf, Totals: map[string]float64{"w": 1}}
	var buf bytes.Buffer
	require.NoError(t, printReport(&buf, true, r, nil))
	require.True(t, json.Valid(buf.Bytes()), buf.String())
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.Equal(t, "inf", got["value"])
	assert.Equal(t, []any{"-inf", "nan"}, got["cells"])
	assert.Equal(t, "inf", got["decode_tolerance"])

	buf.Reset()
	require.NoError(t, writeBatchLine(&buf, verify.BatchLine{Instance: "a", Status: verify.StatusOK, Report: r}))
	assert.True(t, json.Valid(buf.Bytes()), buf.String())
	assert.Contains(t, buf.String(), `"value":"inf"`)
	assert.Equal(t, 1, bytes.Count(buf.Bytes(), []byte("\n")), "one line")
}
