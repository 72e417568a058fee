package engine

import (
	"fmt"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/relu"
)

// Recurrence is a smoothed recurrence compiled again from a model's
// metadata: the program with the params the model was built with, the
// smooth scheme's options and the recurrence itself.
type Recurrence struct {
	Model   *dsl.Model
	Options compile.Options
	Rec     *relu.Recurrence
}

// RecompileRecurrence compiles the recurrence a vector-layout model was
// exported from again, from the program, params, regulariser, γ, steps
// and fixed inputs its metadata records (SourceOf).
func RecompileRecurrence(model *export.Model) (*Recurrence, error) {
	if model.Layout != export.Vector {
		return nil, fmt.Errorf("the model has the %s layout, not the vector layout of a smoothed recurrence", model.Layout)
	}
	src, err := model.Source()
	if err != nil {
		return nil, err
	}
	if src.Scheme != compile.Smooth.String() {
		return nil, fmt.Errorf("a vector-layout model records scheme %q, not smooth", src.Scheme)
	}
	m, err := checkSource(src)
	if err != nil {
		return nil, err
	}
	opt := compile.Options{Scheme: compile.Smooth}
	if opt.Reg, err = compile.ParseReg(src.Reg); err != nil {
		return nil, fmt.Errorf("bad source.reg metadata: %v", err)
	}
	opt.Gamma, opt.Steps, opt.Fixed = src.Gamma, src.Steps, src.Fixed
	rec, err := compile.LowerRecurrence(m, opt)
	if err != nil {
		return nil, err
	}
	return &Recurrence{Model: m, Options: opt, Rec: rec}, nil
}

// checkSource parses and checks the program recorded in src with its
// recorded params.
func checkSource(src *export.Source) (*dsl.Model, error) {
	file := src.File
	if file == "" {
		file = "program.dp"
	}
	f, err := dsl.Parse(file, []byte(src.Program))
	if err != nil {
		return nil, err
	}
	return CheckRecorded(f, src.Params, export.SourceParamsKey)
}
