package main

import (
	"github.com/dp2nn/dp2nn/dsl"
)

// fileDataProgram says whether the parsed program runs for a fixed
// number of steps on per-instance data (a steps line or data
// declarations) rather than one step per item.
func fileDataProgram(f *dsl.File) bool { return f.StepCount != nil || len(f.Data) > 0 }
