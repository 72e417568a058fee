package diag_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dp2nn/dp2nn/diag"
)

func TestPosString(t *testing.T) {
	for _, tt := range []struct {
		pos  diag.Pos
		want string
	}{
		{diag.Pos{}, "-"},
		{diag.Pos{File: "a.dp"}, "a.dp"},
		{diag.Arg("gamma"), "gamma"},
		{diag.Pos{Line: 2, Col: 5}, "2:5"},
		{diag.Pos{File: "k.txt", Line: 3}, "k.txt:3"},
		{diag.Pos{File: "a.dp", Line: 2, Col: 5}, "a.dp:2:5"},
		{diag.Pos{File: "a.dp", Line: 2, Col: 5}.Add(3), "a.dp:2:8"},
	} {
		assert.Equal(t, tt.want, tt.pos.String())
	}
}

func TestErrorListListsEveryError(t *testing.T) {
	var l diag.ErrorList
	assert.NoError(t, l.Err())
	l.Addf(diag.Pos{File: "b.dp", Line: 1, Col: 5}, "second %s", "file")
	l.Add(diag.Pos{File: "a.dp", Line: 9, Col: 9}, "later")
	l.Add(diag.Pos{File: "a.dp", Line: 2, Col: 1}, "earlier")
	l.Add(diag.Pos{}, "nowhere")
	l.Sort()
	assert.Equal(t, "nowhere\na.dp:2:1: earlier\na.dp:9:9: later\nb.dp:1:5: second file", l.Err().Error())
	var el diag.ErrorList
	assert.True(t, errors.As(fmt.Errorf("wrapped: %w", l.Err()), &el))
	assert.Len(t, el, 4)
}

func ExampleErrorList() {
	var errs diag.ErrorList
	errs.Addf(diag.Pos{File: "k.txt", Line: 3, Col: 1}, "capacity %d must be positive", 0)
	errs.Addf(diag.Arg("gamma"), "is %v, want > 0", -1)
	errs.Sort()
	fmt.Println(errs.Err())
	// Output:
	// gamma: is -1, want > 0
	// k.txt:3:1: capacity 0 must be positive
}
