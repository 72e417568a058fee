package jsonfinite_test

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/internal/jsonfinite"
)

func ExampleMarshal() {
	b, err := jsonfinite.Marshal(struct {
		Answer float64   `json:"answer"`
		Cells  []float64 `json:"cells"`
	}{math.Inf(1), []float64{0, math.Inf(-1)}})
	fmt.Println(string(b), err)
	// Output: {"answer":"inf","cells":[0,"-inf"]} <nil>
}
