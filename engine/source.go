package engine

import (
	"fmt"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/export"
)

// SourceOf records how net was compiled, for export.Options.Source: the
// program's text and path, every param it was built with (set, taken
// from an instance or defaulted: a model checks against the network it
// is, whatever the program's defaults become), the scheme, and the
// scheme's options (the fptas table size P as opt gave it, the smooth
// scheme's regulariser, γ, steps and fixed inputs). The fptas scheme of a
// program with data records only the params set explicitly (see below).
func SourceOf(net *compile.Network, opt compile.Options, path string, program []byte) *export.Source {
	m := net.Original() // the program as written, not the re-checked one
	src := &export.Source{Program: string(program), File: path, Params: allParams(m), Scheme: net.Scheme.String()}
	switch {
	case net.Rounding != nil:
		src.P = net.Rounding.P
	case net.OffsetRounding != nil:
		src.P = opt.P
		// The offset-rounding rule re-checks the program with a smaller
		// bound and lets defaulted params derive from it again; recording
		// them as set would freeze them at the unrounded values.
		src.Params = setParams(m)
	}
	if sm := net.Smooth; sm != nil {
		src.Reg, src.Gamma, src.Steps, src.Fixed = sm.Reg.String(), sm.Gamma, net.Steps, sm.Fixed
	}
	return src
}

// Recompile compiles the network a model was exported from again, from
// the program, params and scheme its metadata records (SourceOf).
func Recompile(model *export.Model) (*compile.Network, error) {
	src, err := model.Source()
	if err != nil {
		return nil, err
	}
	file := src.File
	if file == "" {
		file = "program.dp"
	}
	f, err := dsl.Parse(file, []byte(src.Program))
	if err != nil {
		return nil, err
	}
	m, err := CheckRecorded(f, src.Params, export.SourceParamsKey)
	if err != nil {
		return nil, err
	}
	scheme, err := compile.ParseScheme(src.Scheme)
	if err != nil {
		return nil, err
	}
	opt := compile.Options{Scheme: scheme}
	switch scheme {
	case compile.FPTAS:
		opt.P = src.P
	case compile.Smooth:
		if opt.Reg, err = compile.ParseReg(src.Reg); err != nil {
			return nil, fmt.Errorf("bad source.reg metadata: %v", err)
		}
		opt.Gamma, opt.Steps, opt.Fixed = src.Gamma, src.Steps, src.Fixed
	}
	return compile.Lower(m, opt)
}

// RecurrenceSource is SourceOf for the loop form of the smooth scheme
// (compile.LowerRecurrence of m with opt).
func RecurrenceSource(m *dsl.Model, opt compile.Options, path string, program []byte) *export.Source {
	return &export.Source{Program: string(program), File: path, Params: allParams(m), Scheme: compile.Smooth.String(),
		Reg: opt.Reg.String(), Gamma: opt.Gamma, Steps: opt.Steps, Fixed: opt.Fixed}
}

// allParams is every param of m with its value.
func allParams(m *dsl.Model) map[string]int64 {
	ps := map[string]int64{}
	for _, p := range m.Params {
		ps[p.Name] = p.Value
	}
	return ps
}

// setParams is every param of m that was set explicitly.
func setParams(m *dsl.Model) map[string]int64 {
	ps := map[string]int64{}
	for _, p := range m.Params {
		if p.Set {
			ps[p.Name] = p.Value
		}
	}
	return ps
}
