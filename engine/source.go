package engine

import (
	"fmt"
	"math"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/export"
)

// SourceOf records how net was compiled, for export.Options.Source: the
// program's text and path, the params set explicitly (defaults are
// derived again when the model is read back), the scheme, and the
// scheme's options (the fptas table size P as opt gave it, the smooth
// scheme's regulariser, γ, steps and fixed inputs).
func SourceOf(net *compile.Network, opt compile.Options, path string, program []byte) *export.Source {
	m := net.Original() // the program as written, not the re-checked one
	src := &export.Source{Program: string(program), File: path, Params: map[string]int64{}, Scheme: net.Scheme.String()}
	for _, p := range m.Params {
		if p.Set {
			src.Params[p.Name] = p.Value
		}
	}
	switch {
	case net.Rounding != nil:
		src.P = net.Rounding.P
	case net.OffsetRounding != nil:
		src.P = opt.P
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
	m, err := dsl.Check(f, src.Params)
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

// DecodeTail describes the answer of net as export's non-ReLU tail, for a
// model of the given element type and form: the search of the answer line
// with the decode tolerance of steps steps (the Unrolled form's own count;
// decodeSteps for the Cell and Loop forms, whose step count is not fixed).
func DecodeTail(net *compile.Network, dt export.DType, form export.Form, steps, decodeSteps int) (*export.Decode, error) {
	if net.Rounding != nil {
		return nil, fmt.Errorf("a decode tail is not available for the fptas scheme (its answer scales the table index by the running total); decode p_NN from the exported state instead")
	}
	s, ok := net.Search()
	if !ok {
		return nil, fmt.Errorf("a decode tail needs an answer of the form \"answer max|min VAR where STATE[VAR] OP CONSTANT\"")
	}
	if form == export.Cell && decodeSteps == 0 {
		decodeSteps = 1
	}
	n := decodeSteps
	if form == export.Unrolled {
		n = steps
	}
	u := compile.Float64Roundoff
	if dt == export.Float32 {
		u = compile.Float32Roundoff
	}
	fallback := math.NaN()
	if s.HasFallback {
		fallback = float64(s.Fallback)
	}
	blk, _ := net.Cell.Input(s.State)
	return &export.Decode{
		Name: "answer", Block: s.State, Max: s.Max, Op: s.Op.String(), Threshold: s.Threshold,
		Tolerance: net.DecodeTolerance(u, n), IndexLo: s.Lo, Range: []int{s.Lo, s.Lo + blk.Len - 1}, Fallback: fallback,
	}, nil
}
