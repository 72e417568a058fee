package study

import (
	"bytes"
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot draws Figure 8 of the paper for this run: the required width
// against p* with the quadratic fit and, on the same axes, the widest
// layer of the compiled DP-NN.
func (rep *WidthReport) Plot() ([]byte, error) {
	p := plot.New()
	p.Title.Text = "width to reach test MSE <= " + plotNumber(rep.Threshold)
	p.X.Label.Text = "p*"
	p.Y.Label.Text = "width"
	var req, miss, comp plotter.XYs
	for _, r := range rep.Rows {
		comp = append(comp, plotter.XY{X: float64(r.PStar), Y: float64(r.Compiled)})
		if r.Required > 0 {
			req = append(req, plotter.XY{X: float64(r.PStar), Y: float64(r.Required)})
		} else {
			miss = append(miss, plotter.XY{X: float64(r.PStar), Y: float64(rep.WMax)})
		}
	}
	cl, cs, err := plotter.NewLinePoints(comp)
	if err != nil {
		return nil, err
	}
	cl.Color, cs.Color = color.RGBA{R: 170, G: 170, B: 170, A: 255}, color.RGBA{R: 170, G: 170, B: 170, A: 255}
	cs.Shape = draw.BoxGlyph{}
	p.Add(cl, cs)
	p.Legend.Add("compiled DP-NN, widest layer", cl, cs)
	if len(req) > 0 {
		s, err := plotter.NewScatter(req)
		if err != nil {
			return nil, err
		}
		s.Shape, s.Radius = draw.CircleGlyph{}, vg.Points(3)
		p.Add(s)
		p.Legend.Add("trained, smallest width reaching it", s)
	}
	if len(miss) > 0 {
		s, err := plotter.NewScatter(miss)
		if err != nil {
			return nil, err
		}
		s.Shape, s.Color = draw.CrossGlyph{}, color.RGBA{R: 200, A: 255}
		p.Add(s)
		p.Legend.Add("not reached up to the largest width", s)
	}
	if q := rep.Quadratic; q != nil {
		f := plotter.NewFunction(q.Eval)
		f.Color = color.RGBA{B: 200, A: 255}
		f.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(f)
		p.Legend.Add("least squares a0 + a1·p* + a2·p*²", f)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Y.Min = 0
	var b bytes.Buffer
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return nil, err
	}
	if _, err := wt.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func plotNumber(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
