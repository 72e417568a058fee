package export

import (
	"fmt"
	"slices"

	"github.com/dp2nn/dp2nn/relu"
)

// actClass is the neurons of one hidden layer that share an activation:
// their positions in the layer's pre-activation tensor, ascending.
type actClass struct {
	act relu.Activation
	pos []int32
}

// contiguous reports whether the positions are one run lo..hi-1.
func (c actClass) contiguous() bool {
	return int(c.pos[len(c.pos)-1]-c.pos[0]) == len(c.pos)-1
}

// activationClasses groups positions 0..len(acts)-1 by their activation,
// in the order of the Activation constants.
func activationClasses(acts []relu.Activation) []actClass {
	var cs []actClass
	for _, a := range []relu.Activation{relu.ReLU, relu.Shannon, relu.Gini, relu.Tsallis} {
		c := actClass{act: a}
		for i, x := range acts {
			if x == a {
				c.pos = append(c.pos, int32(i))
			}
		}
		if len(c.pos) > 0 {
			cs = append(cs, c)
		}
	}
	for i, x := range acts {
		if !x.Hidden() {
			panic(fmt.Sprintf("export: hidden neuron at position %d has activation %v", i, x))
		}
	}
	return cs
}

// activated is a hidden layer after its activation, with what the
// backward pass needs: for each class, its pre-activation slice and, for
// Gini and Tsallis, q = φ' computed on the way.
type activated struct {
	out     string
	classes []actClass
	pre, q  []string // per class
	// newPos maps a pre-activation position to its position in out (nil:
	// the same).
	newPos []int32
}

// emitActivations applies each class's activation to its positions of the
// pre-activation x (positions along axis) and concatenates the results
// along axis, class after class. Node names start with stem ("s1/L2/sel"),
// tensor names with tstem ("s1/L2"); the result is called tstem.
func emitActivations(sc *scope, stem, tstem, x string, classes []actClass, axis int) activated {
	a := activated{classes: classes}
	if len(classes) == 1 {
		y, q := emitActivation(sc, stem, tstem, classes[0].act, x)
		a.out, a.pre, a.q = y, []string{x}, []string{q}
		return a
	}
	mb := sc.mb
	var parts []string
	total := 0
	for _, c := range classes {
		total += len(c.pos)
	}
	a.newPos = make([]int32, total)
	at := int32(0)
	for _, c := range classes {
		name := c.act.String()
		var xc string
		if c.contiguous() {
			xc = sc.op("Slice", stem+"/"+name+" neurons", []string{x,
				mb.int64Const([]int{1}, int64(c.pos[0])), mb.int64Const([]int{1}, int64(c.pos[0])+int64(len(c.pos))), mb.int64Const([]int{1}, int64(axis))},
				tstem+"/pre "+name)
		} else {
			idx := mb.int32s(stem+"/"+name+" neurons", []int{len(c.pos)}, c.pos)
			xc = sc.op("Gather", stem+"/"+name+" neurons", []string{x, idx}, tstem+"/pre "+name, attrInt("axis", int64(axis)))
		}
		y, q := emitActivation(sc, stem, tstem+"/"+name, c.act, xc)
		parts = append(parts, y)
		a.pre = append(a.pre, xc)
		a.q = append(a.q, q)
		for _, p := range c.pos {
			a.newPos[p] = at
			at++
		}
	}
	a.out = sc.op("Concat", stem+"/activations", parts, tstem, attrInt("axis", int64(axis)))
	if isIdentity(a.newPos) {
		a.newPos = nil
	}
	return a
}

// emitActivation applies act elementwise to x and returns φ(x) and, for
// Gini and Tsallis, the tensor q = φ'(x) it computed on the way ("" for
// ReLU and Shannon, whose slopes the backward pass computes itself).
//
//	ReLU     Relu
//	Shannon  Softplus (float32); Relu(x) + Log(1 + Exp(−|x|)) (float64,
//	         as ONNX Runtime has no double Softplus)
//	Gini     q = Clip((1 + x)/2, 0, 1), φ = q·x + q·(1 − q)
//	Tsallis  c = Clip(x/2, −1, 1), q = (1 + c·Sqrt(2 − c²))/2,
//	         φ = q·x + (4/3)(1 − q·Sqrt(q) − (1 − q)·Sqrt(1 − q))
func emitActivation(sc *scope, stem, tstem string, act relu.Activation, x string) (string, string) {
	mb := sc.mb
	c := mb.floatConst
	n := act.String()
	op := func(opType, step string, args ...string) string {
		return sc.op(opType, stem+"/"+n+" "+step, args, tstem+"/"+n+" "+step)
	}
	switch act {
	case relu.ReLU:
		return sc.op("Relu", stem+"/relu", []string{x}, tstem), ""
	case relu.Shannon:
		if mb.dtype == Float32 {
			return sc.op("Softplus", stem+"/shannon softplus", []string{x}, tstem), ""
		}
		abs := op("Abs", "|x|", x)
		neg := op("Neg", "-|x|", abs)
		e := op("Exp", "exp(-|x|)", neg)
		l := op("Log", "log(1+exp(-|x|))", op("Add", "1+exp(-|x|)", c(1), e))
		return sc.op("Add", stem+"/shannon softplus", []string{op("Relu", "relu", x), l}, tstem), ""
	case relu.Gini:
		q := sc.op("Clip", stem+"/gini q", []string{op("Mul", "(1+x)/2", op("Add", "1+x", c(1), x), c(0.5)), c(0), c(1)}, tstem+"/gini q")
		qx := op("Mul", "q·x", q, x)
		qr := op("Mul", "q·(1-q)", q, op("Sub", "1-q", c(1), q))
		return sc.op("Add", stem+"/gini φ", []string{qx, qr}, tstem), q
	case relu.Tsallis:
		cl := op("Clip", "c", op("Mul", "x/2", x, c(0.5)), c(-1), c(1))
		root := op("Sqrt", "sqrt(2-c²)", op("Sub", "2-c²", c(2), op("Mul", "c²", cl, cl)))
		q := sc.op("Mul", stem+"/tsallis q", []string{op("Add", "1+c·sqrt(2-c²)", c(1), op("Mul", "c·sqrt(2-c²)", cl, root)), c(0.5)}, tstem+"/tsallis q")
		r := op("Sub", "1-q", c(1), q)
		a := op("Mul", "q·sqrt(q)", q, op("Sqrt", "sqrt(q)", q))
		b := op("Mul", "(1-q)·sqrt(1-q)", r, op("Sqrt", "sqrt(1-q)", r))
		bonus := op("Mul", "bonus", op("Sub", "1-q^1.5-(1-q)^1.5", op("Sub", "1-q^1.5", c(1), a), b), c(4.0/3))
		return sc.op("Add", stem+"/tsallis φ", []string{op("Mul", "q·x", q, x), bonus}, tstem), q
	}
	panic(fmt.Sprintf("export: %v is not a hidden activation", act))
}

// emitSlope returns φ'(x) for the pre-activation x of a class, given the
// q that emitActivation returned: (x > 0) for ReLU, Sigmoid(x) for
// Shannon, q for Gini and Tsallis.
func emitSlope(sc *scope, stem, tstem string, act relu.Activation, x, q string) string {
	switch act {
	case relu.ReLU:
		pos := sc.op("Greater", stem+"/relu x>0", []string{x, sc.mb.floatConst(0)}, tstem+"/relu x>0")
		return sc.op("Where", stem+"/relu slope", []string{pos, sc.mb.floatConst(1), sc.mb.floatConst(0)}, tstem+"/relu slope")
	case relu.Shannon:
		return sc.op("Sigmoid", stem+"/shannon slope", []string{x}, tstem+"/shannon slope")
	case relu.Gini, relu.Tsallis:
		return q
	}
	panic(fmt.Sprintf("export: %v is not a hidden activation", act))
}

// floatConst returns a shared scalar constant of the model's element type.
func (mb *modelBuilder) floatConst(v float64) string {
	key := fmt.Sprint("float ", v)
	if n, ok := mb.consts[key]; ok {
		return n
	}
	n := mb.floats(fmt.Sprint("const float ", v), nil, []float64{v})
	mb.consts[key] = n
	return n
}

// hiddenActs returns the activations of the neurons of hidden layer l in
// neuron order.
func (p *cellPlan) hiddenActs(l int) []relu.Activation {
	return slices.Clone(p.g.Act[p.layerLo[l]:p.layerLo[l+1]])
}

// ones returns a shared [1, k] constant of ones of the model's element
// type (the left operand of a bucket's sum).
func (mb *modelBuilder) ones(k int) string {
	key := fmt.Sprint("ones ", k)
	if n, ok := mb.consts[key]; ok {
		return n
	}
	n := mb.floats(key, []int{1, k}, slices.Repeat([]float64{1}, k))
	mb.consts[key] = n
	return n
}

// zeros11 returns a shared [1, 1] zero of the model's element type.
func (mb *modelBuilder) zeros11() string {
	key := "zero [1 1]"
	if n, ok := mb.consts[key]; ok {
		return n
	}
	n := mb.floats(key, []int{1, 1}, []float64{0})
	mb.consts[key] = n
	return n
}
