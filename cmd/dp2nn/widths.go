package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/relu"
)

func init() {
	flagSets["check"] = func() *flag.FlagSet { fs, _ := checkFlags(); return fs }
	flagSets["widths"] = func() *flag.FlagSet { fs, _ := widthsFlags(); return fs }
}

type checkOpts struct{ set setFlag }

func checkFlags() (*flag.FlagSet, *checkOpts) {
	o := &checkOpts{set: setFlag{}}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable; comma-separated lists allowed)")
	return fs, o
}

func runCheck(args []string, stdout io.Writer) error {
	fs, o := checkFlags()
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	m, err := loadModel(path, o.set)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: program %s is well formed (%s)\n", path, m.Name, paramString(m))
	for _, in := range m.Inputs {
		fmt.Fprintf(stdout, "  input %s %s in %g..%g\n", in.Name, in.Type, in.Lo, in.Hi)
	}
	for _, d := range m.Data {
		name := d.Name
		if len(d.Dims) > 0 {
			name += "[" + dimsText(d.Dims) + "]"
		}
		fmt.Fprintf(stdout, "  data %s %s in %s, %d values per instance\n", name, d.Type, rangeText(d.Lo, d.Hi, d.MayInf), d.Cells())
	}
	if m.Steps > 0 {
		fix := ""
		if m.Fixpoint != nil {
			fix = fmt.Sprintf(", then one more that must change nothing (require fixpoint %q)", m.Fixpoint.Msg)
		}
		fmt.Fprintf(stdout, "  steps %d%s\n", m.Steps, fix)
	}
	for _, s := range m.States {
		fmt.Fprintf(stdout, "  state %s[%s] %s in %s, %d cells, step value range %s\n",
			s.Name, dimsText(s.Dims), s.Type, rangeText(s.Lo, s.Hi, s.MayInf), s.Cells(), rangeText(s.Body.Lo, s.Body.Hi, s.Body.MayInf))
	}
	if a := m.Answer; a != nil {
		fmt.Fprintf(stdout, "  %s (decoded outside the network)\n", m.File.Text(a.Decl))
	}
	return nil
}

// dimsText prints index dimensions as declared: "i in 1..6" or, for a
// subsets dimension, "S in subsets(1..4)".
func dimsText(dims []dsl.Dim) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		if d.Set {
			parts[i] = fmt.Sprintf("%s in subsets(%d..%d)", d.Var, d.ElemLo, d.ElemHi)
			continue
		}
		parts[i] = fmt.Sprintf("%s in %d..%d", d.Var, d.Lo, d.Hi)
	}
	return strings.Join(parts, ", ")
}

// rangeText prints a value range, "lo..hi" or "lo..hi or inf".
func rangeText(lo, hi float64, mayInf bool) string {
	s := fmt.Sprintf("%g..%g", lo, hi)
	if mayInf {
		s += " or inf"
	}
	return s
}

type widthsOpts struct {
	set        setFlag
	scheme     *schemeOpts
	form       *string
	steps      *int
	json       *bool
	sweep      *string
	plot       *string
	maxNeurons *int
}

func widthsFlags() (*flag.FlagSet, *widthsOpts) {
	o := &widthsOpts{set: setFlag{}}
	fs := flag.NewFlagSet("widths", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable)")
	o.scheme = addSchemeFlags(fs, true)
	o.form = fs.String("form", "", "network form: cell (one step; the default) or unrolled (-steps copies composed; a program with a steps line: its steps, settled cells computed once); a -sweep of a program with data measures both unless -form picks one")
	o.steps = fs.Int("steps", 0, "number of steps for -form unrolled (default for a program with a steps line: its step count)")
	o.json = fs.Bool("json", false, "print JSON")
	o.sweep = fs.String("sweep", "", "NAME=LO..HI: measure the cell at every value of a param (or P for -scheme fptas) and print a table; NAME,NAME=LO..HI sets several params to each value; for a program with data also the unrolled network and the ratios to the bounds of problems.Table")
	o.plot = fs.String("plot", "", "with -sweep: draw the widths (programs with data: size and depth, beside the scaled bounds) against the swept value as a PNG")
	o.maxNeurons = fs.Int("max-neurons", defaultMaxNeurons, "programs with data: refuse networks with more hidden neurons (estimated before building)")
	return fs, o
}

// SweepRow is one row of "dp2nn widths -sweep".
type SweepRow struct {
	Value  int   `json:"value"`
	Widths []int `json:"widths"`
	Size   int   `json:"size"`
	Paper  []int `json:"paper,omitempty"`
	Agree  *bool `json:"agree,omitempty"`
}

func runWidthsSweep(path string, o *widthsOpts, stdout io.Writer) error {
	sw, err := parseSweep(*o.sweep)
	if err != nil {
		return err
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	if fileDataProgram(f) {
		return runDataSweep(path, f, o, sw, stdout)
	}
	if *o.form != "" && *o.form != "cell" {
		return userErrorf("widths: -sweep measures the cell; drop -form")
	}
	pts, err := runSweep(f, o.set, o.scheme, sw)
	if err != nil {
		return err
	}
	var rows []SweepRow
	for _, pt := range pts {
		r := SweepRow{Value: pt.x, Widths: pt.widths, Size: pt.size, Paper: pt.paper}
		if pt.paper != nil {
			agree := slices.Equal(pt.widths, pt.paper)
			r.Agree = &agree
		}
		rows = append(rows, r)
	}
	if *o.plot != "" {
		if err := plotSweep(*o.plot, f.Name.Name, sw, pts); err != nil {
			return err
		}
	}
	if *o.json {
		return writeJSON(stdout, rows)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\twidths\tsize\tpaper\n", sw.name)
	for _, r := range rows {
		paper := "-"
		if r.Agree != nil {
			paper = fmt.Sprintf("%v (agree: %v)", r.Paper, *r.Agree)
		}
		fmt.Fprintf(tw, "%d\t%v\t%d\t%s\n", r.Value, r.Widths, r.Size, paper)
	}
	tw.Flush()
	if *o.plot != "" {
		fmt.Fprintf(stdout, "plot written to %s\n", *o.plot)
	}
	return nil
}

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
}

func runWidths(args []string, stdout io.Writer) error {
	fs, o := widthsFlags()
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	if *o.sweep != "" {
		return runWidthsSweep(path, o, stdout)
	}
	if *o.plot != "" {
		return userErrorf("widths: -plot needs -sweep NAME=LO..HI")
	}
	m, err := loadModel(path, o.set)
	if err != nil {
		return err
	}
	opt, err := o.scheme.options(0)
	if err != nil {
		return err
	}
	if dataProgram(m) {
		return widthsData(path, m, opt, o, stdout)
	}
	if *o.form == "" {
		*o.form = "cell"
	}
	if opt.Scheme == compile.Smooth {
		// The smooth network is unrolled: -steps is its length (reads
		// with input offsets need an instance: dp2nn compile -instance).
		opt.Steps = *o.steps
	}
	net, err := lower(m, opt)
	if err != nil {
		return err
	}
	g := net.Cell
	switch *o.form {
	case "cell":
		if *o.steps != 0 && opt.Scheme != compile.Smooth {
			return userErrorf("widths: -steps goes with -form unrolled")
		}
	case "unrolled":
		if *o.steps < 1 || *o.steps > 1000 {
			return userErrorf("widths: -form unrolled needs -steps N with 1 <= N <= 1000, got %d", *o.steps)
		}
		if g, err = net.Unrolled(*o.steps); err != nil {
			return err
		}
	default:
		return userErrorf("widths: unknown -form %q (want cell or unrolled)", *o.form)
	}
	r := widthsReport(path, m.Name, opt.Scheme.String(), *o.form, *o.steps, net, g)
	if *o.form == "cell" {
		if pb, ok := paperWidths(m, opt); ok {
			r.Paper = &PaperReport{Source: pb.Source, Depth: pb.Depth, Widths: pb.Widths, Formulas: pb.Formulas, Agree: pb.Agrees(r.Depth, r.Widths)}
		}
	}
	if *o.json {
		return writeJSON(stdout, r)
	}
	printWidths(stdout, r)
	return nil
}

func widthsReport(path, name, scheme, form string, steps int, net *compile.Network, g *relu.Graph) *WidthsReport {
	st := g.Stats()
	r := &WidthsReport{
		Program: name, File: path, Scheme: scheme, Form: form, Steps: steps,
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

func printWidths(w io.Writer, r *WidthsReport) {
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
	fmt.Fprintf(w, "parameters: %d nonzero weights + %d biases = %d (dense layered equivalent: %d)\n",
		r.Weights, r.ParamCount-r.Weights, r.ParamCount, r.DenseParams)
	if r.Data != nil {
		printDataWidths(w, r.Data)
	}
	if p := r.Paper; p != nil {
		verdict := "agree"
		if !p.Agree {
			verdict = "DISAGREE"
		}
		var parts []string
		for i, f := range p.Formulas {
			parts = append(parts, fmt.Sprintf("%s=%d", f, p.Widths[i]))
		}
		fmt.Fprintf(w, "paper: %s: depth %d, widths %s: %s\n", p.Source, p.Depth, strings.Join(parts, ", "), verdict)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// widthsData is "dp2nn widths" for a program with data: the layer report
// of the cell (or of the unrolled network, -form unrolled), then the size
// of both beside the stated bounds.
func widthsData(path string, m *dsl.Model, opt compile.Options, o *widthsOpts, stdout io.Writer) error {
	if opt.Scheme == compile.Smooth {
		return userErrorf("widths: %s has data and a steps line; -scheme smooth is for programs with per-step inputs (use exact or fptas)", path)
	}
	if opt.Scheme == compile.Exact {
		if n := estimateDataNeurons(m, *o.maxNeurons); n > *o.maxNeurons {
			return userErrorf("widths: %s with %s: the network would have %s hidden neurons, above -max-neurons %d; set smaller params or raise the limit",
				path, paramString(m), neuronsText(n), *o.maxNeurons)
		}
	}
	net, err := lower(m, opt)
	if err != nil {
		return err
	}
	steps := net.IterationCount()
	g := net.Cell
	switch *o.form {
	case "", "cell":
		*o.form = "cell"
		if *o.steps != 0 {
			return userErrorf("widths: -steps goes with -form unrolled")
		}
	case "unrolled":
		if *o.steps != 0 {
			if *o.steps < 1 || *o.steps > 1000 {
				return userErrorf("widths: -form unrolled needs -steps N with 1 <= N <= 1000, got %d", *o.steps)
			}
			steps = *o.steps
		}
		if g, err = net.Unrolled(steps); err != nil {
			return err
		}
	default:
		return userErrorf("widths: unknown -form %q (want cell or unrolled)", *o.form)
	}
	r := widthsReport(path, m.Name, opt.Scheme.String(), *o.form, 0, net, g)
	if *o.form == "unrolled" {
		r.Steps = steps
	}
	if r.Data, err = measureData(net, []string{"cell", "unrolled"}, steps); err != nil {
		return err
	}
	if *o.json {
		return writeJSON(stdout, r)
	}
	printWidths(stdout, r)
	return nil
}

// paperWidths is the published size of the network opt builds for m, for
// the exact and the fptas scheme of a problem whose construction a paper
// gives.
func paperWidths(m *dsl.Model, opt compile.Options) (problems.PaperBound, bool) {
	switch opt.Scheme {
	case compile.FPTAS:
		return problems.PaperWidths(m, opt.P)
	case compile.Exact, 0:
		return problems.PaperWidths(m, 0)
	}
	return problems.PaperBound{}, false
}
