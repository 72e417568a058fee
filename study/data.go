package study

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"maps"
	"math"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/problems"
)

// This file measures programs with data: the size of the
// cell and of the network unrolled over the program's steps (settled
// cells computed once, compile.Network.Unrolled), set against the O()
// bounds Hertrich & Skutella state for the program (problems.Table),
// at one point or over a sweep of params.

// FormSize is the depth and size of one form of a network, and its ratio
// to the stated bound.
type FormSize struct {
	Form  string `json:"form"`
	Steps int    `json:"steps,omitempty"` // unrolled: the steps composed
	Depth int    `json:"depth"`
	Size  int    `json:"size"`
	// The bound's formulas evaluated at the params, and measured/bound.
	DepthBound float64 `json:"depth_bound,omitempty"`
	SizeBound  float64 `json:"size_bound,omitempty"`
	DepthRatio float64 `json:"depth_ratio,omitempty"`
	SizeRatio  float64 `json:"size_ratio,omitempty"`
}

// DataWidths is the part of the widths report of a program with data.
type DataWidths struct {
	Forms []FormSize `json:"forms"`
	// Bounds are the stated bounds per form; Source says where.
	Bounds  []BoundText `json:"bounds,omitempty"`
	Source  string      `json:"source,omitempty"`
	Symbols string      `json:"symbols,omitempty"`
}

// BoundText is a stated bound of one form, as formulas.
type BoundText struct {
	Form    string `json:"form"`
	Depth   string `json:"depth"`
	Size    string `json:"size"`
	Derived string `json:"derived,omitempty"`
}

func (b BoundText) String() string {
	s := fmt.Sprintf("%s: depth O(%s), size O(%s)", b.Form, b.Depth, b.Size)
	if b.Derived != "" {
		s += " (derived: " + b.Derived + ")"
	}
	return s
}

// MeasureData measures the cell and the unrolled network (over steps
// steps) of net, the forms given ("cell", "unrolled"), against the bounds
// problems.Table states for the program.
func MeasureData(net *compile.Network, forms []string, steps int) (*DataWidths, error) {
	var pb *problems.ProgramBounds
	if p, ok := problems.Identify(net.Original()); ok {
		pb = p.Bounds
	}
	hasBounds := pb != nil
	params := map[string]int64{}
	for _, p := range net.Original().Params {
		params[p.Name] = p.Value
	}
	dw := &DataWidths{}
	if hasBounds {
		dw.Source, dw.Symbols = pb.Source, pb.Symbols
	}
	for _, form := range forms {
		fs := FormSize{Form: form}
		switch form {
		case "cell":
			st := net.Cell.Stats()
			fs.Depth, fs.Size = st.Depth, st.Size
		case "unrolled":
			fs.Steps = steps
			g, err := net.Unrolled(steps)
			if err != nil {
				return nil, err
			}
			st := g.Stats()
			fs.Depth, fs.Size = st.Depth, st.Size
		}
		if !hasBounds {
			dw.Forms = append(dw.Forms, fs)
			continue
		}
		if b, ok := pb.Bound(form); ok {
			fs.DepthBound, fs.SizeBound = b.DepthOf(params), b.SizeOf(params)
			fs.DepthRatio, fs.SizeRatio = float64(fs.Depth)/fs.DepthBound, float64(fs.Size)/fs.SizeBound
			dw.Bounds = append(dw.Bounds, BoundText{Form: form, Depth: b.Depth, Size: b.Size, Derived: b.Derived})
		}
		dw.Forms = append(dw.Forms, fs)
	}
	return dw, nil
}

// WriteText prints the size of each form beside its bound.
func (dw *DataWidths) WriteText(w io.Writer) {
	for _, f := range dw.Forms {
		name := "cell"
		if f.Form == "unrolled" {
			name = fmt.Sprintf("unrolled over %d steps (each cell computed until it settles)", f.Steps)
		}
		line := fmt.Sprintf("%s: depth %d, size %d hidden neurons", name, f.Depth, f.Size)
		if f.SizeBound > 0 {
			line += fmt.Sprintf("; size/bound %.3g, depth/bound %.3g", f.SizeRatio, f.DepthRatio)
		}
		fmt.Fprintln(w, line)
	}
	if len(dw.Bounds) > 0 {
		fmt.Fprintf(w, "bounds (%s):\n", dw.Source)
		for _, b := range dw.Bounds {
			fmt.Fprintf(w, "  %s\n", b)
		}
		fmt.Fprintf(w, "  symbols: %s\n", dw.Symbols)
	}
}

// DataSweepRow is one row of "dp2nn widths -sweep" for a program with data.
type DataSweepRow struct {
	Value  int              `json:"value"`
	Params map[string]int64 `json:"params"`
	Forms  []FormSize       `json:"forms"`
}

// RatioSummary says whether a ratio measured/bound stays bounded over the
// sweep: its largest and smallest value, their quotient, and whether it
// does not grow over the last three points.
type RatioSummary struct {
	Form         string  `json:"form"`
	Quantity     string  `json:"quantity"` // "size" or "depth"
	Bound        string  `json:"bound"`    // the formula, e.g. "n³·log n"
	Min          float64 `json:"min"`
	Max          float64 `json:"max"`
	Spread       float64 `json:"max_over_min"`
	First        float64 `json:"first"`
	Last         float64 `json:"last"`
	NonIncreases bool    `json:"non_increasing_at_end"`
	// LastChange is the relative change of the ratio over the last point.
	LastChange float64 `json:"last_change"`
}

// DataSweepReport is the JSON output of the sweep.
type DataSweepReport struct {
	Program string         `json:"program"`
	Sweep   string         `json:"sweep"`
	Source  string         `json:"source,omitempty"`
	Symbols string         `json:"symbols,omitempty"`
	Bounds  []BoundText    `json:"bounds,omitempty"`
	Rows    []DataSweepRow `json:"rows"`
	Summary []RatioSummary `json:"summary"`
}

// DataSweepModels checks the program f at every value of a data sweep,
// before any network is built: each param of name (comma-separated:
// "m,n" for LCS) takes the value, set binds the others; guard, when not
// nil, may refuse a model (its size).
func DataSweepModels(f *dsl.File, set map[string]int64, name string, values []int, guard func(m *dsl.Model, value int) error) ([]*dsl.Model, error) {
	models := make([]*dsl.Model, len(values))
	for i, v := range values {
		params := maps.Clone(set)
		if params == nil {
			params = map[string]int64{}
		}
		for _, p := range strings.Split(name, ",") {
			params[strings.TrimSpace(p)] = int64(v)
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
		models[i] = m
	}
	return models, nil
}

// DataSweep lowers every model (the program of a data sweep of name at
// each of values, with its options) and measures the given forms against
// the stated bounds, with a summary of each ratio over the sweep. program
// is the program's path; progress, when not nil, is told after each value
// how many are done.
func DataSweep(program, name string, values []int, models []*dsl.Model, opts []compile.Options, forms []string, progress func(done int)) (*DataSweepReport, error) {
	rep := &DataSweepReport{Program: program, Sweep: fmt.Sprintf("%s=%d..%d", name, values[0], values[len(values)-1])}
	for i, v := range values {
		m := models[i]
		net, err := compile.Lower(m, opts[i])
		if err != nil {
			return nil, err
		}
		dw, err := MeasureData(net, forms, net.IterationCount())
		if err != nil {
			return nil, err
		}
		row := DataSweepRow{Value: v, Params: map[string]int64{}, Forms: dw.Forms}
		for _, p := range m.Params {
			row.Params[p.Name] = p.Value
		}
		rep.Rows = append(rep.Rows, row)
		rep.Source, rep.Symbols, rep.Bounds = dw.Source, dw.Symbols, dw.Bounds
		if progress != nil {
			progress(i + 1)
		}
	}
	rep.Summary = summarizeRatios(rep)
	return rep, nil
}

// summarizeRatios reduces each ratio column of the sweep.
func summarizeRatios(rep *DataSweepReport) []RatioSummary {
	if len(rep.Rows) == 0 {
		return nil
	}
	var out []RatioSummary
	for fi, f := range rep.Rows[0].Forms {
		if f.SizeBound == 0 {
			continue
		}
		for _, q := range []string{"size", "depth"} {
			var rs []float64
			for _, r := range rep.Rows {
				x := r.Forms[fi]
				if q == "size" {
					rs = append(rs, x.SizeRatio)
				} else {
					rs = append(rs, x.DepthRatio)
				}
			}
			s := RatioSummary{Form: f.Form, Quantity: q, Min: math.Inf(1), Max: math.Inf(-1), First: rs[0], Last: rs[len(rs)-1], NonIncreases: true}
			for _, b := range rep.Bounds {
				if b.Form == f.Form {
					s.Bound = b.Size
					if q == "depth" {
						s.Bound = b.Depth
					}
				}
			}
			for i, r := range rs {
				s.Min, s.Max = math.Min(s.Min, r), math.Max(s.Max, r)
				// The last three points: each ratio at most the one before
				// (up to float64 rounding of the bound formula).
				if i >= len(rs)-2 && i > 0 && r > rs[i-1]*(1+1e-12) {
					s.NonIncreases = false
				}
			}
			s.Spread = s.Max / s.Min
			if n := len(rs); n > 1 && rs[n-2] > 0 {
				s.LastChange = rs[n-1]/rs[n-2] - 1
			}
			out = append(out, s)
		}
	}
	return out
}

// WriteText prints the sweep of name as a table, then the bounds and
// the summary of each ratio.
func (rep *DataSweepReport) WriteText(w io.Writer, name string) {
	fmt.Fprintf(w, "%s: network size over %s\n", rep.Program, rep.Sweep)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	hdr := name + "\t"
	for _, f := range rep.Rows[0].Forms {
		hdr += fmt.Sprintf("%s depth\t%s size\t", f.Form, f.Form)
		if f.SizeBound > 0 {
			hdr += "size/bound\tdepth/bound\t"
		}
	}
	fmt.Fprintln(tw, hdr)
	for _, r := range rep.Rows {
		line := fmt.Sprintf("%d\t", r.Value)
		for _, f := range r.Forms {
			line += fmt.Sprintf("%d\t%d\t", f.Depth, f.Size)
			if f.SizeBound > 0 {
				line += fmt.Sprintf("%.3g\t%.3g\t", f.SizeRatio, f.DepthRatio)
			}
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	if len(rep.Bounds) == 0 {
		fmt.Fprintln(w, "no stated bound for this program (problems.Table)")
		return
	}
	fmt.Fprintf(w, "bounds (%s):\n", rep.Source)
	for _, b := range rep.Bounds {
		fmt.Fprintf(w, "  %s\n", b)
	}
	fmt.Fprintf(w, "  symbols: %s\n", rep.Symbols)
	for _, s := range rep.Summary {
		trend := "grows over the last three points"
		if s.NonIncreases {
			trend = "non-increasing over the last three points"
		}
		fmt.Fprintf(w, "%s %s / %s: %.3g..%.3g (max/min %.3g), first %.3g, last %.3g (%+.2g%% over the last point), %s\n",
			s.Form, s.Quantity, s.Bound, s.Min, s.Max, s.Spread, s.First, s.Last, 100*s.LastChange, trend)
	}
}

// Plot draws as a PNG, side by side, the size and the depth of each form
// against the swept value on log scales, each with its bound scaled by the
// largest ratio (so the dashed bound touches the measured curve from
// above at one point and lies above it everywhere).
func (rep *DataSweepReport) Plot(name string) ([]byte, error) {
	colors := map[string]color.Color{"cell": color.RGBA{0x1f, 0x77, 0xb4, 0xff}, "unrolled": color.RGBA{0xd6, 0x27, 0x28, 0xff}}
	var panels []*plot.Plot
	for _, q := range []string{"size", "depth"} {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("%s: %s against %s", strings.TrimSuffix(baseName(rep.Program), ".dp"), q, name)
		p.X.Label.Text = name
		p.Y.Label.Text = map[string]string{"size": "hidden neurons", "depth": "affine layers"}[q]
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Legend.Top, p.Legend.Left = true, true
		for fi, f := range rep.Rows[0].Forms {
			var got, bound plotter.XYs
			scale := 0.0
			for _, r := range rep.Rows {
				x := r.Forms[fi]
				meas, b := float64(x.Size), x.SizeBound
				if q == "depth" {
					meas, b = float64(x.Depth), x.DepthBound
				}
				if meas > 0 {
					got = append(got, plotter.XY{X: float64(r.Value), Y: meas})
				}
				if b > 0 {
					scale = math.Max(scale, meas/b)
				}
			}
			for _, r := range rep.Rows {
				x := r.Forms[fi]
				b := x.SizeBound
				if q == "depth" {
					b = x.DepthBound
				}
				if b > 0 && scale > 0 {
					bound = append(bound, plotter.XY{X: float64(r.Value), Y: scale * b})
				}
			}
			c := colors[f.Form]
			if len(got) > 0 {
				line, points, err := plotter.NewLinePoints(got)
				if err != nil {
					return nil, err
				}
				line.Color, points.Color, points.Shape = c, c, draw.CircleGlyph{}
				p.Add(line, points)
				p.Legend.Add(fmt.Sprintf("%s (compiled)", f.Form), line, points)
			}
			if len(bound) > 0 {
				line, err := plotter.NewLine(bound)
				if err != nil {
					return nil, err
				}
				line.Color, line.Dashes, line.Width = c, []vg.Length{vg.Points(4), vg.Points(3)}, vg.Points(2)
				p.Add(line)
				p.Legend.Add(fmt.Sprintf("%s bound O(%s) × %.3g", f.Form, boundFormula(rep, f.Form, q), scale), line)
			}
		}
		panels = append(panels, p)
	}
	img := vgimg.New(12*vg.Inch, 4.5*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 8 * vg.Millimeter, PadTop: 3 * vg.Millimeter, PadBottom: 3 * vg.Millimeter,
		PadLeft: 3 * vg.Millimeter, PadRight: 3 * vg.Millimeter}
	grid := [][]*plot.Plot{panels}
	canvases := plot.Align(grid, tiles, dc)
	for c, p := range panels {
		p.Draw(canvases[0][c])
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// boundFormula returns the formula of one quantity of a form's bound,
// e.g. "n³·log n".
func boundFormula(rep *DataSweepReport, form, q string) string {
	for _, b := range rep.Bounds {
		if b.Form == form && q == "depth" {
			return b.Depth
		} else if b.Form == form {
			return b.Size
		}
	}
	return "?"
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
