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
	"github.com/dp2nn/dp2nn/relu"
	"github.com/dp2nn/dp2nn/verify"
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
	for _, s := range m.States {
		var dims []string
		for _, d := range s.Dims {
			dims = append(dims, fmt.Sprintf("%s in %d..%d", d.Var, d.Lo, d.Hi))
		}
		fmt.Fprintf(stdout, "  state %s[%s] %s in %g..%g, %d cells, step value range %g..%g\n",
			s.Name, strings.Join(dims, ", "), s.Type, s.Lo, s.Hi, s.Cells(), s.Body.Lo, s.Body.Hi)
	}
	if a := m.Answer; a != nil {
		fmt.Fprintf(stdout, "  %s (decoded outside the network)\n", m.File.Text(a.Decl))
	}
	return nil
}

type widthsOpts struct {
	set    setFlag
	scheme *schemeOpts
	form   *string
	steps  *int
	json   *bool
	sweep  *string
	plot   *string
}

func widthsFlags() (*flag.FlagSet, *widthsOpts) {
	o := &widthsOpts{set: setFlag{}}
	fs := flag.NewFlagSet("widths", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable)")
	o.scheme = addSchemeFlags(fs, true)
	o.form = fs.String("form", "cell", "network form: cell (one step) or unrolled (-steps copies composed)")
	o.steps = fs.Int("steps", 0, "number of steps for -form unrolled")
	o.json = fs.Bool("json", false, "print JSON")
	o.sweep = fs.String("sweep", "", "NAME=LO..HI: measure the cell at every value of a param (or P for -scheme fptas) and print a table")
	o.plot = fs.String("plot", "", "with -sweep: draw the widths against the swept value, beside the paper's, as a PNG")
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
	if *o.form != "cell" {
		return userErrorf("widths: -sweep measures the cell; drop -form")
	}
	sw, err := parseSweep(*o.sweep)
	if err != nil {
		return err
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
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
		if pb, ok := verify.PaperWidths(m, opt); ok {
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
