package relu

import "fmt"

// VJP evaluates g in float64 on one input row and returns the outputs and
// the vector–Jacobian product grad = cotᵀ·∂out/∂in (len NumInputs) for the
// cotangent cot (len NumOutputs).
//
// It is reverse mode over the CSR rows: one forward pass stores every
// pre-activation, then one backward pass, from the last neuron to the
// first, turns the gradient of a neuron's value into the gradient of its
// pre-activation (times Activation.Slope) and adds W·that to each of its
// sources. For ReLU the slope at the kink 0 is taken as 0 (the step
// [x > 0]), so at a point where some ReLU pre-activation is exactly 0 the
// result is one one-sided derivative, not necessarily the gradient of a
// neighbouring point. The smoothed ReLUs are C¹ and have no such point.
func VJP(g *Graph, in []float64, cot []float64) (grad []float64, out []float64, err error) {
	if err := g.Validate(); err != nil {
		return nil, nil, err
	}
	if len(in) != g.NumInputs {
		return nil, nil, fmt.Errorf("relu: VJP got %d inputs, want %d", len(in), g.NumInputs)
	}
	numOut := g.NumOutputs()
	if len(cot) != numOut {
		return nil, nil, fmt.Errorf("relu: VJP got %d cotangents, want %d (one per output)", len(cot), numOut)
	}
	n := g.NumNeurons()
	val := make([]float64, g.NumInputs+n)
	copy(val, in)
	pre := make([]float64, n)
	for j := range n {
		s := g.Bias[j]
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			s += float64(g.W[r] * val[g.Src[r]]) // no FMA: out equals Eval[float64] bit for bit
		}
		pre[j] = s
		val[g.NumInputs+j] = g.Act[j].Apply(s)
	}
	first := n - numOut // the outputs are the last numOut neurons
	out = append([]float64(nil), val[g.NumInputs+first:]...)

	adj := make([]float64, g.NumInputs+n) // ∂(cotᵀ·out)/∂value of each unit
	copy(adj[g.NumInputs+first:], cot)
	for j := n - 1; j >= 0; j-- {
		d := adj[g.NumInputs+j]
		if d == 0 {
			continue
		}
		d *= g.Act[j].Slope(pre[j])
		if d == 0 {
			continue // an inactive ReLU or a saturated Gini/Tsallis neuron
		}
		for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
			adj[g.Src[r]] += g.W[r] * d
		}
	}
	return adj[:g.NumInputs], out, nil
}
