package compile_test

import (
	"errors"
	"fmt"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
)

func ExampleEstimate() {
	m := knapsackModel()
	// Before compiling: what will the cell and its ONNX model cost?
	c, err := compile.Estimate(m, compile.Options{}, compile.Job{Export: "auto"}, compile.Limits{})
	if err != nil {
		panic(err)
	}
	o, _ := c.ONNXFor("auto", "float32")
	fmt.Println("depth", c.Depth, "widths", c.Widths, "parameters", c.Params.Network)
	fmt.Println("ONNX:", o.Layout, "layout,", o.Params, "floats")

	// Ten million profits: refused after a walk of a few microseconds.
	m, _ = dsl.Check(m.File, map[string]int64{"pmax": 10_000_000})
	_, err = compile.Estimate(m, compile.Options{}, compile.Job{}, compile.Limits{})
	var tl *compile.TooLargeError
	fmt.Println(errors.As(err, &tl), tl.Flag)
	fmt.Println(err)
	// Output:
	// depth 4 widths [20 45 10] parameters 325
	// ONNX: dense layout, 2215 floats
	// true -max-neurons
	// hidden neurons would be more than 2,000,000, above -max-neurons 2000000 (raise the limit or set smaller params)
}
