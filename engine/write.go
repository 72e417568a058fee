package engine

import (
	"fmt"
	"io"
	"os"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/export"
)

// NetworkFile says how WriteNetwork writes a network as ONNX.
type NetworkFile struct {
	Path    string // the .onnx file, written whole or not at all
	Program string // the program's path and text, recorded in the model (SourceOf)
	Source  []byte
	Form    export.Form
	Layout  export.Layout
	DType   export.DType
	// Steps is the number of steps of the unrolled form; for a program
	// with a steps line 0 takes its own, and any other count is refused.
	Steps int
	// Decode appends the decode tail (DecodeTail), whose error bound
	// covers DecodeSteps steps in the cell and loop forms.
	Decode      bool
	DecodeSteps int
}

// Written is what WriteNetwork wrote: the JSON report of "dp2nn compile".
type Written struct {
	Output string `json:"output"`
	Bytes  int64  `json:"bytes"`
	Form   string `json:"form"`
	Layout string `json:"layout"` // as resolved (auto: the one chosen)
	DType  string `json:"dtype"`
	Steps  int    `json:"steps,omitempty"`
	Decode bool   `json:"decode"`
	Depth  int    `json:"depth"`
	Widths []int  `json:"widths"`

	line string // the text report
}

// WriteNetwork writes net, the network of m lowered with opt, to f.Path:
// the data blocks of a program with data given once per instance, the
// big M standing for +inf and its step count in the unrolled and loop
// forms (the unrolled one computing each cell until it settles); the
// gradient output of a smooth network (whose Unrolled form is its cell,
// unrolled over the instance already); the decode tail when asked. It
// refuses a network whose integers the dtype cannot hold exactly. Its
// errors are the user's (prefixed "compile: " where they do not name
// the file).
func WriteNetwork(net *compile.Network, m *dsl.Model, opt compile.Options, f NetworkFile) (*Written, error) {
	eo := export.Options{Layout: f.Layout, Form: f.Form, Steps: f.Steps, State: net.State, Init: net.Init, DType: f.DType}
	if m.Steps > 0 || len(m.Data) > 0 {
		if steps := net.IterationCount(); f.Form == export.Unrolled && f.Steps != 0 && f.Steps != steps {
			return nil, fmt.Errorf("compile: %s runs %d steps (its steps line); -steps %d does not apply", net.Model.Name, steps, f.Steps)
		}
		settled := f.Form == export.Unrolled && net.Rounding == nil && net.OffsetRounding == nil
		var err error
		if eo, err = ExportOptions(net, f.Form, f.Layout, f.DType, settled); err != nil {
			return nil, err
		}
		f.Steps = eo.Steps
	}
	eo.Doc, eo.Source = net.Cell.Doc, SourceOf(net, opt, f.Program, f.Source)
	if net.Smooth != nil && f.Form == export.Unrolled {
		// The smooth network of one instance is unrolled over its steps
		// already (compile.Options.SmoothInstance): laid out as it is,
		// recorded as what it is.
		eo.Form, eo.Steps, eo.UnrolledSteps, f.Steps = export.Cell, 0, net.Steps, net.Steps
	}
	if net.Smooth != nil {
		eo.Gradient = &export.Gradient{Name: "marginals", Output: "value", Index: 0}
		if f.Decode {
			return nil, fmt.Errorf("compile: the smooth network outputs its value itself; -decode does not apply")
		}
	}
	if err := net.CheckIntegers(Roundoff(f.DType), -1); err != nil {
		return nil, fmt.Errorf("compile: %v", err)
	}
	if f.Decode {
		n := f.DecodeSteps // the most steps a loop run may take with a certain answer
		if f.Form == export.Unrolled {
			n = f.Steps
		}
		d, err := DecodeTail(net, f.Form, f.DType, n)
		if err != nil {
			return nil, fmt.Errorf("compile: -decode: %v", err)
		}
		eo.Decode = d
	}
	if err := export.WriteFile(f.Path, net.Cell, eo); err != nil {
		return nil, err
	}
	fi, err := os.Stat(f.Path)
	if err != nil {
		return nil, err
	}
	resolved, _ := export.ResolveLayout(net.Cell, f.Layout)
	st := net.Cell.Stats()
	r := &Written{Output: f.Path, Bytes: fi.Size(), Form: f.Form.String(), Layout: resolved.String(), DType: f.DType.String(),
		Steps: f.Steps, Decode: f.Decode, Depth: st.Depth, Widths: st.Widths}
	r.line = fmt.Sprintf("wrote %s (%d bytes): %s network of %s, form %s, layout %s, %s; cell depth %d, widths %v",
		r.Output, r.Bytes, net.Scheme, m.Name, r.Form, r.Layout, r.DType, r.Depth, r.Widths)
	if r.Decode {
		r.line += ", with the decode tail (output \"answer\")"
	}
	return r, nil
}

// WriteRecurrence writes the loop form of the smooth scheme of m (opt):
// the recurrence vectorised over its state (compile.LowerRecurrence) as
// an ONNX Loop over the steps (export.WriteRecurrenceFile). f's form,
// layout and steps are the Loop's, vector and the recurrence's own.
func WriteRecurrence(m *dsl.Model, opt compile.Options, f NetworkFile) (*Written, error) {
	if f.Decode {
		return nil, fmt.Errorf("compile: the smooth network outputs its value itself; -decode does not apply")
	}
	rec, err := compile.LowerRecurrence(m, opt)
	if err != nil {
		return nil, fmt.Errorf("compile: %v", err)
	}
	if err := export.WriteRecurrenceFile(f.Path, rec, export.RecurrenceOptions{DType: f.DType, Source: RecurrenceSource(m, opt, f.Program, f.Source)}); err != nil {
		return nil, err
	}
	fi, err := os.Stat(f.Path)
	if err != nil {
		return nil, err
	}
	r := &Written{Output: f.Path, Bytes: fi.Size(), Form: export.Loop.String(), Layout: export.Vector.String(), DType: f.DType.String(), Steps: rec.Steps}
	r.line = fmt.Sprintf("wrote %s (%d bytes): smooth recurrence of %s (%v, γ = %g), form loop, layout vector, %s; %d steps over a state of %d cells; outputs value and marginals",
		r.Output, r.Bytes, m.Name, opt.Reg, opt.Gamma, r.DType, rec.Steps, rec.Len)
	return r, nil
}

// WriteText prints the report as "dp2nn compile" does.
func (r *Written) WriteText(w io.Writer) { fmt.Fprintln(w, r.line) }
