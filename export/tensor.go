package export

import "fmt"

// Tensor is a dense row-major array of float values: the data that
// Model.Run and the runtimes in verify take and return, whatever the
// model's element type.
type Tensor struct {
	Shape []int
	Data  []float64
}

// NewTensor returns a tensor of the given shape holding data. It panics
// when the sizes disagree (a bug of the caller).
func NewTensor(data []float64, shape ...int) Tensor {
	if n := NumElements(shape); n != len(data) {
		panic(fmt.Sprintf("export: %d values for shape %v (%d elements)", len(data), shape, n))
	}
	return Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// NumElements is the number of elements of a tensor of the given shape.
func NumElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
