package smoothonnx

import "github.com/dp2nn/dp2nn/smooth"

// SetWindow makes the loop form keep w levels in its window (0: its own
// choice).
func SetWindow(w int) { forceWindow = w }

// Elements is what Marshal measures of g's model in form with reg before
// writing it, in 8-byte constants.
func Elements(g *smooth.Graph, form Form, reg smooth.Reg) int {
	st := g.Structure()
	p := plan(st)
	if form == Unrolled {
		return p.elements()
	}
	q := newLoopPlan(st, p, reg)
	return q.tables(st).elements()
}
