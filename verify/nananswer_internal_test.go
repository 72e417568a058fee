package verify

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// adv3 D7: a NaN answer was printed as the answer, exit 0. It is a
// failure (a *MismatchError, exit 1) beside the report.
func TestNaNAnswer(t *testing.T) {
	nan, one := math.NaN(), 1.0
	for _, tc := range []struct {
		name string
		r    SolveReport
		want string
	}{
		{"value", SolveReport{Instance: "i.json", Value: &nan, decl: "answer v[k]"}, "i.json: the network gives NaN for answer v[k]: the network is wrong on this instance"},
		{"cell", SolveReport{Instance: "i.json", Cells: []float64{1, nan}, decl: "answer f"}, "i.json: the network gives NaN for cell 1 of answer f: the network is wrong on this instance"},
		{"finite", SolveReport{Instance: "i.json", Value: &one}, ""},
		{"infinite", SolveReport{Instance: "i.json", Cells: []float64{math.Inf(1)}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.nanAnswer()
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			var mm *MismatchError
			assert.True(t, errors.As(err, &mm))
			assert.EqualError(t, err, tc.want)
		})
	}
}
