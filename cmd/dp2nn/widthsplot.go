package main

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
)

// sweep is "-sweep NAME=LO..HI": a param (or P, the fptas table size) and
// the values it runs over.
type sweep struct {
	name   string
	values []int
}

func parseSweep(s string) (sweep, error) {
	name, rng, ok := strings.Cut(s, "=")
	lo, hi, ok2 := strings.Cut(rng, "..")
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	b, err2 := strconv.Atoi(strings.TrimSpace(hi))
	switch {
	case !ok || !ok2 || name == "" || err1 != nil || err2 != nil:
		return sweep{}, userErrorf("widths: -sweep wants NAME=LO..HI with integers, got %q", s)
	case a < 1 || b < a || b-a > 1000:
		return sweep{}, userErrorf("widths: -sweep %s: want 1 <= LO <= HI and at most 1001 values", s)
	}
	sw := sweep{name: strings.TrimSpace(name)}
	// At most about 40 points: the plot shows the trend, not every value.
	step := max(1, (b-a)/40)
	for v := a; v <= b; v += step {
		sw.values = append(sw.values, v)
	}
	return sw, nil
}

// sweepPoint is the measured and the published size at one sweep value.
type sweepPoint struct {
	x      int
	widths []int
	paper  []int // nil when no paper formula is known
	size   int
}

// runSweep lowers the program at every sweep value.
func runSweep(f *dsl.File, set setFlag, so *schemeOpts, sw sweep) ([]sweepPoint, error) {
	var pts []sweepPoint
	for _, v := range sw.values {
		params := map[string]int64{}
		for k, x := range set {
			params[k] = x
		}
		opt, err := so.options(0)
		if err != nil {
			return nil, err
		}
		if sw.name == "P" && opt.Scheme == compile.FPTAS {
			opt.P = v
		} else {
			params[sw.name] = int64(v)
		}
		m, err := dsl.Check(f, params)
		if err != nil {
			return nil, err
		}
		if n := estimateNeurons(m); opt.Scheme == compile.Exact && n > 2_000_000 {
			return nil, userErrorf("widths: -sweep %s=%d would build about %d neurons; sweep a smaller range", sw.name, v, n)
		}
		net, err := lower(m, opt)
		if err != nil {
			return nil, err
		}
		st := net.Cell.Stats()
		pt := sweepPoint{x: v, widths: st.Widths, size: st.Size}
		if pb, ok := paperWidths(m, opt); ok {
			pt.paper = pb.Widths
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

// plotSweep draws the hidden layer widths against the sweep value, with
// the published widths dashed, and writes a PNG atomically.
func plotSweep(path, program string, sw sweep, pts []sweepPoint) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: hidden layer widths against %s", program, sw.name)
	p.X.Label.Text = sw.name
	p.Y.Label.Text = "neurons"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = true, true
	layers := 0
	for _, pt := range pts {
		layers = max(layers, len(pt.widths))
	}
	palette := []color.Color{
		color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff}, color.RGBA{0x2c, 0xa0, 0x2c, 0xff},
		color.RGBA{0xff, 0x7f, 0x0e, 0xff}, color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	}
	for l := 0; l < layers; l++ {
		var got, paper plotter.XYs
		for _, pt := range pts {
			if l < len(pt.widths) && pt.widths[l] > 0 {
				got = append(got, plotter.XY{X: float64(pt.x), Y: float64(pt.widths[l])})
			}
			if l < len(pt.paper) && pt.paper[l] > 0 {
				paper = append(paper, plotter.XY{X: float64(pt.x), Y: float64(pt.paper[l])})
			}
		}
		c := palette[l%len(palette)]
		if len(got) > 0 {
			line, points, err := plotter.NewLinePoints(got)
			if err != nil {
				return err
			}
			line.Color, points.Color, points.Shape = c, c, draw.CircleGlyph{}
			p.Add(line, points)
			p.Legend.Add(fmt.Sprintf("layer %d (compiled)", l+1), line, points)
		}
		if len(paper) > 0 {
			line, err := plotter.NewLine(paper)
			if err != nil {
				return err
			}
			line.Color, line.Dashes = c, []vg.Length{vg.Points(4), vg.Points(3)}
			line.Width = vg.Points(2)
			p.Add(line)
			p.Legend.Add(fmt.Sprintf("layer %d (paper)", l+1), line)
		}
	}
	wt, err := p.WriterTo(7*vg.Inch, 4.5*vg.Inch, "png")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}
