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
// is one more than the highest level it reads); a level is a few tensor
// operations over all its nodes: Gather of the values it reads, the
// smoothed max over the last axis (Shannon: log-sum-exp and softmax;
// Gini: sparsemax; Tsallis: entmax-1.5, both by TopK sorting and CumSum,
// the exact sort-based algorithms), plus the node's bias. The backward
// pass runs the levels in reverse: a level's adjoints times its option
// probabilities are the flows into what its options read, and the
// gradient of θ is one ScatterElements (reduction add). The model
// computes in float64; a float32 model casts its inputs and outputs.
//
// Two forms (Options.Form; Auto, the default, writes a graph of at most
// AutoUnrolledLevels levels unrolled and a longer one as a Loop):
//
//   - Loop: one forward ONNX Loop over the levels and one
//     reverse Loop, whose bodies are the same operators for every level;
//     the levels' constants are tables sliced by the level's row range
//     (per-node constants deduplicated into patterns, reads stored
//     relative to the node's own column, int32 indices). A Loop's carried
//     tensor is copied by every operator that writes it (ONNX Runtime does
//     not update it in place), so the carried state is O(level): a window
//     of the last W levels and a far store of the nodes read from further
//     back, W chosen to minimise their total size. LCS 1000 × 1000 is an
//     8.6 MiB model that ONNX Runtime opens in about 0.2 s.
//   - Unrolled: the operators of every level written out; ONNX Runtime's
//     session creation grows with the levels (17 s for LCS 200 × 200).
//
// Marshal measures the model's constants before writing it and refuses
// past Options.MaxElements (the loop form: a lower bound from the node
// count before its tables are built, then their exact size), and the
// loop form's run-time stacks per batch row (Options.MaxRowBytes)
// before anything is built.
//
// The ground truth is smooth's own evaluation, in Go: the tests run every
// example program, regulariser, dtype and form in ONNX Runtime against
// GraphRun.Values and Marginals (float64 to 1e-12, float32 to 1e-5,
// relative to max(1, |value|)).
package smoothonnx
