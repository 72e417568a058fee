// Package smoothonnx exports a smooth.Graph — the smoothed scheme of any
// DSL program bound to one instance (LCS, edit distance, shortest paths,
// Held-Karp, knapsack variants) — as an ONNX model computing the value and
// the marginals, with an explicit backward graph.
//
// The model has inputs theta [N, P] (the parameters: the instance's
// values are Graph.Theta) and seed [N, O] (the weight of each output in
// the marginals: 1 for "answer EXPR"), and outputs value [N, O] and
// marginals [N, P] = ∂(seed·value)/∂theta, as smooth.GraphRun's Values and
// Marginals compute them. The nodes are grouped by level (a node's level
// is one more than the highest level it reads), and each level is a few
// tensor operations over all its nodes: Gather of the values it reads,
// the smoothed max over the last axis (Shannon: log-sum-exp and softmax;
// Gini: sparsemax; Tsallis: entmax-1.5, both by TopK sorting and CumSum,
// the exact sort-based algorithms), Concat of the level. The backward
// graph runs the levels in reverse: each level's node adjoints gather the
// flows of the levels that read it, and the gradient of θ is one
// ScatterElements (reduction add) of every flow into θ. The model computes
// in float64; a float32 model casts its inputs and outputs.
//
// The ground truth is smooth's own evaluation, in Go: the tests run every
// example program, regulariser and dtype in ONNX Runtime against
// GraphRun.Values and Marginals (float64 to 1e-12, float32 to 1e-5,
// relative to max(1, |value|)).
package smoothonnx
