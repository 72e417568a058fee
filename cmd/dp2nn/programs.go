package main

import (
	"github.com/dp2nn/dp2nn/dsl"
)

// dataProgram reports whether m runs for a fixed number of steps on
// per-instance data rather than one step per item.
func dataProgram(m *dsl.Model) bool { return m.Steps > 0 || len(m.Data) > 0 }

// fileDataProgram is dataProgram before checking: the parsed file has a
// steps line or data declarations.
func fileDataProgram(f *dsl.File) bool { return f.StepCount != nil || len(f.Data) > 0 }
