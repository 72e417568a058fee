package study

import (
	"bytes"
	"fmt"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/dp2nn/dp2nn/verify"
)

// PlotSolved draws the block named block (SmoothBlock) of the marginals
// of r, what "dp2nn solve -plot" draws: r must be the smooth scheme's
// graph (a program with data or a search answer).
func PlotSolved(r verify.Solved, block string) ([]byte, error) {
	sr, ok := r.(*verify.SmoothGraphReport)
	if !ok {
		return nil, fmt.Errorf("solve: -plot draws the marginals of the smooth scheme's graph (programs with data or a search answer); this program's smooth network prints its marginals as text")
	}
	b, err := SmoothBlock(sr, block)
	if err != nil {
		return nil, fmt.Errorf("solve: -plot-block: %v", err)
	}
	return PlotSmooth(sr, b)
}

// SmoothBlock picks the block of marginals a picture of r shows: name
// when given, else the first two-dimensional data block (the expected
// arc usage of a shortest path), else the first two-dimensional block of
// cell use (the soft alignment of LCS), else the first block.
func SmoothBlock(r *verify.SmoothGraphReport, name string) (*verify.SmoothBlock, error) {
	if len(r.Marginals) == 0 {
		return nil, fmt.Errorf("%s has no marginals to draw", r.Program)
	}
	if name != "" {
		var names []string
		for i, b := range r.Marginals {
			if b.Name == name {
				return &r.Marginals[i], nil
			}
			names = append(names, b.Name)
		}
		return nil, fmt.Errorf("%s has no block of marginals %q (it has %v)", r.Program, name, names)
	}
	for _, kind := range []string{"data", "cell"} {
		for i, b := range r.Marginals {
			if b.Kind == kind && len(b.Shape) == 2 {
				return &r.Marginals[i], nil
			}
		}
	}
	return &r.Marginals[0], nil
}

// PlotSmooth draws block b of the marginals of r as a heat map (PNG):
// rows top to bottom, a one-dimensional block as a single row. The
// colours run from the smallest marginal (dark) to the largest (light).
func PlotSmooth(r *verify.SmoothGraphReport, b *verify.SmoothBlock) ([]byte, error) {
	g := smoothGrid{b: b, rows: 1, cols: len(b.Values)}
	if len(b.Shape) >= 2 {
		g.cols = b.Shape[len(b.Shape)-1]
		g.rows = len(b.Values) / max(g.cols, 1)
	}
	if g.rows*g.cols == 0 {
		return nil, fmt.Errorf("block %s of %s is empty", b.Name, r.Program)
	}
	g.rowLo, g.colLo = 0, 0
	if len(b.Lo) >= 2 {
		g.rowLo, g.colLo = b.Lo[len(b.Lo)-2], b.Lo[len(b.Lo)-1]
	} else if len(b.Lo) == 1 {
		g.colLo = b.Lo[0]
	}
	lo, hi := b.Values[0], b.Values[0]
	for _, v := range b.Values {
		lo, hi = min(lo, v), max(hi, v)
	}
	pal := moreland.ExtendedBlackBody()
	pal.SetMin(lo)
	pal.SetMax(max(hi, lo+1e-12))
	hm := plotter.NewHeatMap(g, pal.Palette(256))
	p := plot.New()
	what := map[string]string{"data": "∂value/∂" + b.Name, "cell": "expected use of the cells of " + b.Name, "input": "∂value/∂" + b.Name}[b.Kind]
	p.Title.Text = fmt.Sprintf("%s, %s γ = %g: %s (%.3g..%.3g)", r.Program, r.Reg, r.Gamma, what, lo, hi)
	p.Add(hm)
	p.X.Label.Text = "column"
	p.Y.Label.Text = "row"
	p.X.Tick.Marker = indexTicks{lo: g.colLo, n: g.cols}
	p.Y.Tick.Marker = indexTicks{lo: g.rowLo, n: g.rows, flip: true}
	p.X.Min, p.X.Max = -0.5, float64(g.cols)-0.5
	p.Y.Min, p.Y.Max = -float64(g.rows)+0.5, 0.5
	side := 6 * vg.Inch
	h := side * vg.Length(float64(g.rows)/float64(g.cols))
	h = min(max(h, 1.5*vg.Inch), 8*vg.Inch)
	wt, err := p.WriterTo(side, h+0.8*vg.Inch, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// smoothGrid is a block of marginals as plotter.GridXYZ: column c at
// x = c, row r at y = −r (the first row on top).
type smoothGrid struct {
	b            *verify.SmoothBlock
	rows, cols   int
	rowLo, colLo int
}

func (g smoothGrid) Dims() (c, r int)   { return g.cols, g.rows }
func (g smoothGrid) Z(c, r int) float64 { return g.b.Values[r*g.cols+c] }
func (g smoothGrid) X(c int) float64    { return float64(c) }
func (g smoothGrid) Y(r int) float64    { return -float64(r) }

// indexTicks labels cells by their index values (about ten ticks).
type indexTicks struct {
	lo, n int
	flip  bool
}

func (t indexTicks) Ticks(_, _ float64) []plot.Tick {
	step := max(1, t.n/10)
	var ticks []plot.Tick
	for i := 0; i < t.n; i += step {
		v := float64(i)
		if t.flip {
			v = -v
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(t.lo + i)})
	}
	return ticks
}
