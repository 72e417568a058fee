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

// sourceFromSet is the 0-based source vertex a graph file is read with:
// -set s=K gives vertex K (the programs number vertices from 1).
func sourceFromSet(set setFlag) int {
	if s, ok := set["s"]; ok && s >= 1 {
		return int(s - 1)
	}
	return -1
}
