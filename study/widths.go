package study

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
)

// This file measures networks layer by layer against the widths of the
// published construction (problems.PaperWidths), at one point or over a
// sweep of a param.

// WidthsReport is the JSON output of "dp2nn widths".
type WidthsReport struct {
	Program     string           `json:"program"`
	File        string           `json:"file"`
	Scheme      string           `json:"scheme"`
	Form        string           `json:"form"`
	Steps       int              `json:"steps,omitempty"`
	Params      map[string]int64 `json:"params"`
	P           int              `json:"P,omitempty"`
	Depth       int              `json:"depth"`
	Widths      []int            `json:"widths"`
	Size        int              `json:"size"`
	Outputs     int              `json:"outputs"`
	Weights     int              `json:"weights"`
	ParamCount  int              `json:"param_count"`
	DenseParams int              `json:"dense_params"`
	Layers      []LayerReport    `json:"layers"`
	Paper       *PaperReport     `json:"paper,omitempty"`
	// Data is the size of the cell and the unrolled network against the
	// stated bounds, for a program with data.
	Data *DataWidths `json:"data,omitempty"`
}

// LayerReport lists the neuron groups of one layer.
type LayerReport struct {
	Layer  int           `json:"layer"`
	Width  int           `json:"width"`
	Output bool          `json:"output,omitempty"`
	Groups []GroupReport `json:"groups"`
}

// GroupReport is one neuron group: what rule made it from which term.
type GroupReport struct {
	Name    string `json:"name"`
	Rule    string `json:"rule"`
	Term    string `json:"term"`
	Pos     string `json:"pos"`
	Neurons int    `json:"neurons"`
}

// PaperReport sets the widths beside the published construction.
type PaperReport struct {
	Source   string   `json:"source"`
	Depth    int      `json:"depth"`
	Widths   []int    `json:"widths"`
	Formulas []string `json:"formulas"`
	Agree    bool     `json:"agree"`
	// Note says why the widths differ from the paper's by design (the
	// fptas rule's one-neuron gates); empty otherwise.
	Note string `json:"note,omitempty"`
}

// Widths measures g, the cell of net or a form of it ("cell", "unrolled"
// over steps steps), layer by layer: every neuron group with the rule and
// the DSL term that made it. file is the program's path.
func Widths(file string, net *compile.Network, g *relu.Graph, form string, steps int) *WidthsReport {
	st := g.Stats()
	r := &WidthsReport{
		Program: net.Model.Name, File: file, Scheme: net.Scheme.String(), Form: form, Steps: steps,
		Params: map[string]int64{}, Depth: st.Depth, Widths: st.Widths, Size: st.Size,
		Outputs: st.Outputs, Weights: st.Weights, ParamCount: st.Params, DenseParams: st.DenseParams,
	}
	if r.Widths == nil {
		r.Widths = []int{}
	}
	for _, p := range net.Model.Params {
		r.Params[p.Name] = p.Value
	}
	if net.Rounding != nil {
		r.P = net.Rounding.P
	}
	for l := 1; l <= st.Depth; l++ {
		lr := LayerReport{Layer: l, Output: l == st.Depth}
		for _, gr := range g.LayerGroups(l) {
			lr.Width += gr.Len
			lr.Groups = append(lr.Groups, GroupReport{Name: gr.Name, Rule: gr.Rule, Term: gr.Term, Pos: gr.Pos, Neurons: gr.Len})
		}
		r.Layers = append(r.Layers, lr)
	}
	return r
}

// MaxWidthsSteps is the most steps WidthsOf unrolls a network over.
const MaxWidthsSteps = 1000

// WidthsOf is the report of "dp2nn widths": the layers of net's cell
// (form "cell", beside the paper's widths) or of the network unrolled
// over steps (form "unrolled", 1..MaxWidthsSteps). For a program with
// data (a steps line) the unrolled network runs its own steps unless
// steps is not 0, and the report adds the size and depth of both forms
// beside the stated bounds (MeasureData).
func WidthsOf(file string, net *compile.Network, form string, steps int) (*WidthsReport, error) {
	data := net.Model.Steps > 0 || len(net.Model.Data) > 0
	g, n := net.Cell, steps
	if data {
		n = net.IterationCount()
	}
	switch form {
	case "", "cell":
		form = "cell"
	case "unrolled":
		if !data || steps != 0 {
			if steps < 1 || steps > MaxWidthsSteps {
				return nil, fmt.Errorf("widths: -form unrolled needs -steps N with 1 <= N <= %d, got %d", MaxWidthsSteps, steps)
			}
			n = steps
		}
		var err error
		if g, err = net.Unrolled(n); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("widths: unknown -form %q (want cell or unrolled)", form)
	}
	if !data {
		r := Widths(file, net, g, form, steps)
		if form == "cell" {
			r.Paper = Paper(net)
		}
		return r, nil
	}
	r := Widths(file, net, g, form, 0)
	if form == "unrolled" {
		r.Steps = n
	}
	var err error
	r.Data, err = MeasureData(net, []string{"cell", "unrolled"}, n)
	return r, err
}

// Paper sets the widths of net's cell beside the published construction
// of its program and scheme (the exact and the fptas scheme of a problem
// a paper gives); nil when none is known.
func Paper(net *compile.Network) *PaperReport {
	pb, ok := paperWidths(net)
	if !ok {
		return nil
	}
	st := net.Cell.Stats()
	r := &PaperReport{Source: pb.Source, Depth: pb.Depth, Widths: pb.Widths, Formulas: pb.Formulas, Agree: pb.Agrees(st.Depth, st.Widths)}
	if net.Rounding != nil && net.Rounding.Gates != "" && !r.Agree {
		r.Note = "layer 2 has one-neuron gates: " + net.Rounding.Gates
	}
	return r
}

// paperWidths is the published size of net's cell.
func paperWidths(net *compile.Network) (problems.PaperBound, bool) {
	switch {
	case net.Rounding != nil:
		return problems.PaperWidths(net.Model, net.Rounding.P)
	case net.Scheme == compile.Exact:
		return problems.PaperWidths(net.Model, 0)
	}
	return problems.PaperBound{}, false
}

// WriteText prints the report: a table of the layers and their groups,
// the totals, the data part and the paper's widths.
func (r *WidthsReport) WriteText(w io.Writer) {
	var ps []string
	for _, k := range sortedKeys(r.Params) {
		ps = append(ps, fmt.Sprintf("%s=%d", k, r.Params[k]))
	}
	scheme := r.Scheme
	if r.P > 0 {
		scheme += fmt.Sprintf(" with P=%d", r.P)
	}
	fmt.Fprintf(w, "program %s (%s), scheme %s, %s\n", r.Program, r.File, scheme, strings.Join(ps, " "))
	if r.Form == "unrolled" {
		fmt.Fprintf(w, "form: cell unrolled over %d steps\n", r.Steps)
	} else {
		fmt.Fprintln(w, "form: RNN cell (one step)")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer\twidth\tneurons\tgroup\trule\tterm")
	for _, l := range r.Layers {
		kind := fmt.Sprint(l.Width)
		if l.Output {
			kind = "output"
		}
		for i, g := range l.Groups {
			layer, width := fmt.Sprint(l.Layer), kind
			if i > 0 {
				layer, width = "", ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s (%s)\n", layer, width, g.Neurons, g.Name, g.Rule, g.Term, g.Pos)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "depth %d, widths %v, size %d hidden neurons, %d outputs\n", r.Depth, r.Widths, r.Size, r.Outputs)
	fmt.Fprintf(w, "parameters: %d nonzero weights + %d biases = %d (dense ONNX layout: %d)\n",
		r.Weights, r.ParamCount-r.Weights, r.ParamCount, r.DenseParams)
	if r.Data != nil {
		r.Data.WriteText(w)
	}
	if p := r.Paper; p != nil {
		verdict := "agree"
		switch {
		case p.Note != "":
			verdict = "differ by design: " + p.Note
		case !p.Agree:
			verdict = "DISAGREE"
		}
		var parts []string
		for i, f := range p.Formulas {
			parts = append(parts, fmt.Sprintf("%s=%d", f, p.Widths[i]))
		}
		fmt.Fprintf(w, "paper: %s: depth %d, widths %s: %s\n", p.Source, p.Depth, strings.Join(parts, ", "), verdict)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SweepRow is one row of "dp2nn widths -sweep".
type SweepRow struct {
	Value  int   `json:"value"`
	Widths []int `json:"widths"`
	Size   int   `json:"size"`
	Paper  []int `json:"paper,omitempty"`
	Agree  *bool `json:"agree,omitempty"`
}

// Sweep lowers the program f at every value of a param (or of P, for
// opt of the fptas scheme when name is "P") and measures the cell beside
// the paper's widths; set binds the other params. guard, when not nil,
// may refuse a checked model before its network is built; progress, when
// not nil, is told after each value how many are done.
func Sweep(f *dsl.File, set map[string]int64, opt compile.Options, name string, values []int, guard func(m *dsl.Model, value int) error, progress func(done int)) ([]SweepRow, error) {
	var rows []SweepRow
	for i, v := range values {
		params := map[string]int64{}
		for k, x := range set {
			params[k] = x
		}
		o := opt
		if name == "P" && o.Scheme == compile.FPTAS {
			o.P = v
		} else {
			params[name] = int64(v)
		}
		m, err := dsl.Check(f, params)
		if err != nil {
			return nil, err
		}
		if guard != nil {
			if err := guard(m, v); err != nil {
				return nil, err
			}
		}
		net, err := compile.Lower(m, o)
		if err != nil {
			return nil, err
		}
		st := net.Cell.Stats()
		r := SweepRow{Value: v, Widths: st.Widths, Size: st.Size}
		if pb, ok := paperWidths(net); ok {
			agree := slices.Equal(r.Widths, pb.Widths)
			r.Paper, r.Agree = pb.Widths, &agree
		}
		rows = append(rows, r)
		if progress != nil {
			progress(i + 1)
		}
	}
	return rows, nil
}

// WriteSweep prints the rows of a sweep of name as a table.
func WriteSweep(w io.Writer, name string, rows []SweepRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\twidths\tsize\tpaper\n", name)
	for _, r := range rows {
		paper := "-"
		if r.Agree != nil {
			paper = fmt.Sprintf("%v (agree: %v)", r.Paper, *r.Agree)
		}
		fmt.Fprintf(tw, "%d\t%v\t%d\t%s\n", r.Value, r.Widths, r.Size, paper)
	}
	tw.Flush()
}

// PlotSweep draws the hidden layer widths of program's cell against the
// swept value of name, with the published widths dashed, as a PNG.
func PlotSweep(program, name string, rows []SweepRow) ([]byte, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: hidden layer widths against %s", program, name)
	p.X.Label.Text = name
	p.Y.Label.Text = "neurons"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = true, true
	layers := 0
	for _, pt := range rows {
		layers = max(layers, len(pt.Widths))
	}
	palette := []color.Color{
		color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff}, color.RGBA{0x2c, 0xa0, 0x2c, 0xff},
		color.RGBA{0xff, 0x7f, 0x0e, 0xff}, color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	}
	for l := 0; l < layers; l++ {
		var got, paper plotter.XYs
		for _, pt := range rows {
			if l < len(pt.Widths) && pt.Widths[l] > 0 {
				got = append(got, plotter.XY{X: float64(pt.Value), Y: float64(pt.Widths[l])})
			}
			if l < len(pt.Paper) && pt.Paper[l] > 0 {
				paper = append(paper, plotter.XY{X: float64(pt.Value), Y: float64(pt.Paper[l])})
			}
		}
		c := palette[l%len(palette)]
		if len(got) > 0 {
			line, points, err := plotter.NewLinePoints(got)
			if err != nil {
				return nil, err
			}
			line.Color, points.Color, points.Shape = c, c, draw.CircleGlyph{}
			p.Add(line, points)
			p.Legend.Add(fmt.Sprintf("layer %d (compiled)", l+1), line, points)
		}
		if len(paper) > 0 {
			line, err := plotter.NewLine(paper)
			if err != nil {
				return nil, err
			}
			line.Color, line.Dashes = c, []vg.Length{vg.Points(4), vg.Points(3)}
			line.Width = vg.Points(2)
			p.Add(line)
			p.Legend.Add(fmt.Sprintf("layer %d (paper)", l+1), line)
		}
	}
	wt, err := p.WriterTo(7*vg.Inch, 4.5*vg.Inch, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
