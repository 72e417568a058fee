package export_test

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/dp2nn/dp2nn/relu"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Every layout × form × dtype of every shared case, read back and run by
// the reference interpreter, gives what relu's Go evaluator gives.
func TestInterpreterMatchesEvaluator(t *testing.T) {
	for _, c := range exporttest.Cases() {
		for _, opt := range c.Variants() {
			t.Run(c.Name+"/"+exporttest.VariantName(opt), func(t *testing.T) {
				b, err := export.Marshal(c.Graph, opt)
				require.NoError(t, err)
				m, err := export.Parse(b)
				require.NoError(t, err)
				assert.Equal(t, opt.Form, m.Form)
				assert.Equal(t, opt.Layout, m.Layout)
				assert.Equal(t, opt.DType, m.DType)
				rng := rand.New(rand.NewPCG(3, uint64(len(c.Name))))
				for _, batch := range []int{1, 5} {
					in := c.Inputs(rng, opt, batch, 4)
					want, err := c.Reference(opt, in)
					require.NoError(t, err)
					got, err := onnxref.Run(m, in)
					require.NoError(t, err)
					require.NoError(t, exporttest.Compare(got, want, c.Tolerance(opt.DType)), "batch %d", batch)
				}
			})
		}
	}
}

// The comparison above has teeth: changing one weight of the exported
// model changes the interpreter's outputs.
func TestInterpreterSeesChangedWeight(t *testing.T) {
	c := exporttest.KnapsackCell(4)
	for _, layout := range []export.Layout{export.Dense, export.Structured} {
		opt := export.Options{Layout: layout}
		b, err := export.Marshal(c.Graph, opt)
		require.NoError(t, err)
		var mp onnxpb.ModelProto
		require.NoError(t, proto.Unmarshal(b, &mp))
		changed := false
		for _, init := range mp.Graph.Initializer {
			// The min of the output layer: f'[p] = f[p] - h, read through
			// the weight -1 on h; making it -2 breaks every output that is
			// not f[p] itself.
			if strings.HasPrefix(init.GetName(), "out f/") && init.GetDataType() == int32(onnxpb.TensorProto_FLOAT) && len(init.RawData) > 0 {
				for i := 0; i+4 <= len(init.RawData); i += 4 {
					if bytes.Equal(init.RawData[i:i+4], []byte{0, 0, 0x80, 0xbf}) { // -1
						copy(init.RawData[i:i+4], []byte{0, 0, 0, 0xc0}) // -2
						changed = true
					}
				}
			}
		}
		require.True(t, changed, "%v: no weight -1 in the output layer", layout)
		b2, err := proto.Marshal(&mp)
		require.NoError(t, err)
		m, err := export.Parse(b2)
		require.NoError(t, err)
		in := c.Inputs(rand.New(rand.NewPCG(5, 5)), opt, 20, 0)
		want, err := c.Reference(opt, in)
		require.NoError(t, err)
		got, err := onnxref.Run(m, in)
		require.NoError(t, err)
		assert.Error(t, exporttest.Compare(got, want, 0), "%v", layout)
	}
}

// The Loop form reads the number of steps from its inputs: one model runs
// 1, 2 and 7 steps.
func TestLoopRunsAnyNumberOfSteps(t *testing.T) {
	c := exporttest.MinPlusCell()
	opt := export.Options{Form: export.Loop, State: c.State, Init: c.Init, Decode: c.Decode}
	b, err := export.Marshal(c.Graph, opt)
	require.NoError(t, err)
	m, err := export.Parse(b)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(9, 9))
	for _, steps := range []int{1, 2, 7} {
		in := c.Inputs(rng, opt, 3, steps)
		want, err := c.Reference(opt, in)
		require.NoError(t, err)
		got, err := onnxref.Run(m, in)
		require.NoError(t, err)
		require.NoError(t, exporttest.Compare(got, want, 0), "%d steps", steps)
		assert.Equal(t, []int{steps, 3, 6}, got["f_steps"].Shape)
	}
}

// The Unrolled form equals relu.Unroll of the cell evaluated in Go: two
// independent constructions of the same function.
func TestUnrolledMatchesReluUnroll(t *testing.T) {
	c := exporttest.KnapsackCell(5)
	opt := export.Options{Form: export.Unrolled, Steps: 6, State: c.State, Init: c.Init, Layout: export.Structured}
	b, err := export.Marshal(c.Graph, opt)
	require.NoError(t, err)
	m, err := export.Parse(b)
	require.NoError(t, err)
	flat, err := relu.Unroll(c.Graph, 6, c.State, c.Init)
	require.NoError(t, err)
	in := c.Inputs(rand.New(rand.NewPCG(4, 4)), opt, 8, 0)
	got, err := onnxref.Run(m, in)
	require.NoError(t, err)
	// relu.Unroll's inputs are the per-step blocks of shape [6, Len], in
	// the cell's input order: profit then size.
	rows := make([]float64, 0, 8*flat.NumInputs)
	for r := range 8 {
		for _, blk := range flat.Inputs {
			rows = append(rows, in[blk.Name].Data[r*blk.Len:(r+1)*blk.Len]...)
		}
	}
	want, err := relu.Eval[float64](flat, rows, 8)
	require.NoError(t, err)
	assert.Equal(t, want, got["f"].Data)
}

func TestParseEnums(t *testing.T) {
	for _, tc := range []struct {
		in      string
		parse   func(string) (string, error)
		want    string
		wantErr string
	}{
		{"auto", parseLayout, "auto", ""},
		{"dense", parseLayout, "dense", ""},
		{"structured", parseLayout, "structured", ""},
		{"sparse", parseLayout, "", `unknown layout "sparse" (valid: auto, dense, structured, vector)`},
		{"Dense", parseLayout, "", `unknown layout "Dense" (valid: auto, dense, structured, vector)`},
		{"cell", parseForm, "cell", ""},
		{"unrolled", parseForm, "unrolled", ""},
		{"loop", parseForm, "loop", ""},
		{"scan", parseForm, "", `unknown form "scan" (valid: cell, unrolled, loop)`},
		{"float32", parseDType, "float32", ""},
		{"float64", parseDType, "float64", ""},
		{"float16", parseDType, "", `unknown dtype "float16" (valid: float32, float64)`},
		{"", parseDType, "", `unknown dtype "" (valid: float32, float64)`},
	} {
		got, err := tc.parse(tc.in)
		if tc.wantErr != "" {
			assert.EqualError(t, err, tc.wantErr, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got)
	}
}

func parseLayout(s string) (string, error) { v, err := export.ParseLayout(s); return v.String(), err }
func parseForm(s string) (string, error)   { v, err := export.ParseForm(s); return v.String(), err }
func parseDType(s string) (string, error)  { v, err := export.ParseDType(s); return v.String(), err }

func TestFlagValues(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	var o export.Options
	fs.Var(&o.Layout, "layout", "")
	fs.Var(&o.Form, "form", "")
	fs.Var(&o.DType, "dtype", "")
	require.NoError(t, fs.Parse([]string{"-layout", "structured", "-form", "loop", "-dtype", "float64"}))
	assert.Equal(t, export.Options{Layout: export.Structured, Form: export.Loop, DType: export.Float64}, o)
	err := fs.Parse([]string{"-form", "rnn"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown form "rnn" (valid: cell, unrolled, loop)`)
}

// Bad options are reported all at once, each naming what is wrong.
func TestOptionErrors(t *testing.T) {
	c := exporttest.MinPlusCell()
	random := exporttest.Cases()[0].Graph
	init := c.Init
	for _, tc := range []struct {
		name string
		g    *relu.Graph
		opt  export.Options
		want []string
	}{
		{"no steps", c.Graph, export.Options{Form: export.Unrolled, Init: init}, []string{"the unrolled form needs Steps >= 1, got 0"}},
		{"no init", c.Graph, export.Options{Form: export.Loop}, []string{`state "f" has no initial value in Options.Init`}},
		{"short init", c.Graph, export.Options{Form: export.Loop, Init: map[string][]float64{"f": {1, 2}}}, []string{`initial value of state "f" has 2 entries, want 6`}},
		{"init of non-state", c.Graph, export.Options{Form: export.Loop, Init: map[string][]float64{"f": init["f"], "size": {1}}}, []string{`Options.Init has a value for "size", which is not a state`}},
		{"unknown state", c.Graph, export.Options{Form: export.Loop, State: []string{"g"}, Init: init}, []string{`state "g" is neither an input nor an output block`}},
		{"input-only state", c.Graph, export.Options{Form: export.Loop, State: []string{"size"}, Init: map[string][]float64{"size": {0}}}, []string{`state "size" is not an output block`}},
		{"no state", random, export.Options{Form: export.Loop}, []string{"the loop form needs state, but no input block is also an output"}},
		{"bad decode", c.Graph, export.Options{Form: export.Loop, Init: init, Decode: &export.Decode{Name: "a", Block: "size", Op: "=<"}},
			[]string{`decode: unknown comparison "=<" (valid: <=, <, >=, >, ==, !=)`, `decode: block "size" is not a state block (state: f)`}},
		{"decode name taken", c.Graph, export.Options{Form: export.Loop, Init: init, Decode: &export.Decode{Name: "f_steps", Block: "f", Op: "<="}},
			[]string{`decode output name "f_steps" is already used`}},
		{"bad decode range", c.Graph, export.Options{Form: export.Loop, Init: init, Decode: &export.Decode{Name: "a", Block: "f", Op: "<", IndexLo: 1, Range: []int{0, 3}}},
			[]string{`decode: range [0 3] is not [lo, hi] within the indices 1..6 of block "f"`}},
		{"bad decode bound", c.Graph, export.Options{Form: export.Loop, Init: init, Decode: &export.Decode{Name: "a", Block: "f", Op: "<", Bound: -1}},
			[]string{`decode: threshold 0 and bound -1 must be numbers, the bound >= 0`}},
		{"integer decode with a bound", c.Graph, export.Options{Form: export.Loop, Init: init, Decode: &export.Decode{Name: "a", Block: "f", Op: "<", Integer: true, Bound: 0.5}},
			[]string{`decode: an integer comparison has no bound (got 0.5)`}},
		{"decode bound too short", c.Graph, export.Options{Form: export.Unrolled, Steps: 4, Init: init, Decode: &export.Decode{Name: "a", Block: "f", Op: "<", Bound: 1e-9, MaxSteps: 3}},
			[]string{`decode: the bound 1e-09 holds for 3 steps, the unrolled form has 4`}},
		{"decode certain name taken", c.Graph, export.Options{Form: export.Loop, Init: init, Decode: &export.Decode{Name: "f", Block: "f", Op: "<", Bound: 1e-9}},
			[]string{`decode output name "f" is already used`}},
		{"reserved metadata", random, export.Options{Metadata: map[string]string{"dp2nn.form": "x"}}, []string{`metadata key "dp2nn.form": keys starting with "dp2nn." are written by dp2nn`}},
		{"bad enum", random, export.Options{Layout: 7}, []string{"unknown layout 7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := export.Marshal(tc.g, tc.opt)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// wideGraph has one input block of n values and n hidden neurons that
// each read one of them: n nonzeros but n² dense parameters.
func wideGraph(n int) *relu.Graph {
	b := relu.NewBuilder()
	x := b.Input("x", n)
	g := b.Group(relu.GroupInfo{Name: "copy", Rule: "copy"})
	outs := make([]relu.Affine, n)
	for i := range n {
		outs[i] = relu.Var(b.ReLU(g, relu.Var(x[i])))
	}
	b.Output("y", []int{n}, g, outs)
	net, err := b.Build()
	if err != nil {
		panic(err)
	}
	return net
}

func TestDenseSizeLimits(t *testing.T) {
	g := wideGraph(11600) // 2·11600² + 2·11600 = 269,143,200 > 2^28 dense parameters
	_, err := export.Marshal(g, export.Options{Layout: export.Dense})
	require.EqualError(t, err, "export: dense layout would need 269,143,200 parameters (1.0 GiB in float32), more than the limit of 268,435,456; use the structured layout (-layout structured)")
	layout, n := export.ResolveLayout(g, export.Auto)
	assert.Equal(t, export.Structured, layout)
	assert.Equal(t, int64(269143200), n)

	small := wideGraph(1000) // 2,002,000 ≤ AutoDenseLimit
	layout, n = export.ResolveLayout(small, export.Auto)
	assert.Equal(t, export.Dense, layout)
	assert.Equal(t, int64(2002000), n)
	b, err := export.Marshal(small, export.Options{})
	require.NoError(t, err)
	m, err := export.Parse(b)
	require.NoError(t, err)
	assert.Equal(t, export.Dense, m.Layout)

	big := wideGraph(1500) // 4,503,000 > AutoDenseLimit
	b, err = export.Marshal(big, export.Options{})
	require.NoError(t, err)
	m, err = export.Parse(b)
	require.NoError(t, err)
	assert.Equal(t, export.Structured, m.Layout)
}

// The structured layout stores indices and weights in proportion to the
// nonzeros: bucketing rows by length pads them by less than a factor 2.
func TestStructuredSizeFollowsNonzeros(t *testing.T) {
	for _, c := range exporttest.Cases() {
		b, err := export.Marshal(c.Graph, export.Options{Layout: export.Structured})
		require.NoError(t, err)
		var mp onnxpb.ModelProto
		require.NoError(t, proto.Unmarshal(b, &mp))
		padded := 0
		for _, init := range mp.Graph.Initializer {
			if strings.HasSuffix(init.GetName(), " index") {
				n := 1
				for _, d := range init.Dims {
					n *= int(d)
				}
				padded += n
			}
		}
		// A neuron without terms gets one zero term.
		rows := len(c.Graph.W)
		for j := range c.Graph.NumNeurons() {
			if c.Graph.RowStart[j] == c.Graph.RowStart[j+1] {
				rows++
			}
		}
		assert.GreaterOrEqual(t, padded, rows, c.Name)
		assert.Less(t, padded, 2*rows, c.Name)
	}
	g := wideGraph(3000)
	dense, err := export.Marshal(g, export.Options{Layout: export.Dense})
	require.NoError(t, err)
	structured, err := export.Marshal(g, export.Options{Layout: export.Structured})
	require.NoError(t, err)
	assert.Greater(t, len(dense), 4*2*3000*3000) // two 3000×3000 float32 matrices
	assert.Less(t, len(structured), 100_000)
}

// The knapsack cell in every form reads well: names, doc strings and
// metadata, compared with golden files (go test -update rewrites them).
func TestGoldenSummaries(t *testing.T) {
	c := exporttest.KnapsackCell(3)
	for _, form := range []export.Form{export.Cell, export.Unrolled, export.Loop} {
		for _, layout := range []export.Layout{export.Dense, export.Structured} {
			opt := export.Options{Form: form, Layout: layout, Doc: "examples/knapsack.dp with pmax=3",
				Metadata: map[string]string{"source": "knapsack.dp"}}
			if form != export.Cell {
				opt.State, opt.Init, opt.Decode = c.State, c.Init, c.Decode
			}
			if form == export.Unrolled {
				opt.Steps = 2
			}
			b, err := export.Marshal(c.Graph, opt)
			require.NoError(t, err)
			m, err := export.Parse(b)
			require.NoError(t, err)
			var sb strings.Builder
			sb.WriteString(m.Summary())
			fmt.Fprintf(&sb, "doc: %s\nmetadata:\n", m.Doc)
			for _, e := range m.Proto.MetadataProps {
				fmt.Fprintf(&sb, "  %s = %s\n", e.GetKey(), e.GetValue())
			}
			sb.WriteString("nodes:\n")
			writeNodes(&sb, m.Proto.Graph, "  ")
			golden(t, filepath.Join("testdata", fmt.Sprintf("knapsack3_%v_%v.golden", form, layout)), sb.String())
		}
	}
}

func writeNodes(sb *strings.Builder, g *onnxpb.GraphProto, indent string) {
	for _, n := range g.Node {
		fmt.Fprintf(sb, "%s%s %q %v -> %v\n", indent, n.GetOpType(), n.GetName(), n.Input, n.Output)
		if d := n.GetDocString(); d != "" {
			for _, line := range strings.Split(d, "\n") {
				fmt.Fprintf(sb, "%s    # %s\n", indent, line)
			}
		}
		for _, a := range n.Attribute {
			if a.G != nil {
				writeNodes(sb, a.G, indent+"    ")
			}
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got, "%s differs; go test -update rewrites it", path)
}

// The decode tail of the interpreter agrees with the Go reference for
// every comparison, tolerance, range and fallback, on values next to the
// thresholds, in float32 and float64.
func TestDecodeTails(t *testing.T) {
	c := exporttest.DecodeCase()
	for i, d := range exporttest.DecodeTails() {
		for _, dt := range []export.DType{export.Float32, export.Float64} {
			opt := export.Options{Decode: d, DType: dt, Layout: export.Structured}
			b, err := export.Marshal(c.Graph, opt)
			require.NoError(t, err)
			m, err := export.Parse(b)
			require.NoError(t, err)
			in := c.Inputs(rand.New(rand.NewPCG(uint64(i), 1)), opt, 64, 0)
			want, err := c.Reference(opt, in)
			require.NoError(t, err)
			got, err := onnxref.Run(m, in)
			require.NoError(t, err)
			require.NoError(t, exporttest.Compare(got, want, 0), "%s, %v", m.Decode, dt)
		}
	}
}

// In the structured layout, members of a bucket that share exact-scale
// weights sum with one MatMul of those weights and no Mul (the knapsack
// cell's min: rows of different lengths padded from the zero row); a
// weight that is not an exact scale (3) keeps the Mul. Both give the evaluator's outputs in the interpreter.
func TestStructuredWeightGroups(t *testing.T) {
	ops := func(g *relu.Graph) (map[string]int, *export.Model) {
		b, err := export.Marshal(g, export.Options{Layout: export.Structured})
		require.NoError(t, err)
		var mp onnxpb.ModelProto
		require.NoError(t, proto.Unmarshal(b, &mp))
		n := map[string]int{}
		for _, node := range mp.Graph.Node {
			n[node.GetOpType()]++
			if node.GetOpType() == "Mul" && strings.Contains(node.GetName(), "/k1 ") {
				n["Mul"]-- // a bucket of one term has no sum to fold its weight into
			}
		}
		for _, init := range mp.Graph.Initializer {
			switch {
			case strings.HasSuffix(init.GetName(), " shared term weights"):
			case strings.HasSuffix(init.GetName(), " term weights"):
				n["term weights"]++
			case strings.HasSuffix(init.GetName(), " shared index"):
				n["shared index"]++
			}
		}
		m, err := export.Parse(b)
		require.NoError(t, err)
		return n, m
	}
	c := exporttest.KnapsackCell(6)
	n, _ := ops(c.Graph)
	assert.GreaterOrEqual(t, n["term weights"], 3, "knapsack: the buckets of L1, L3 and the output share their weights")
	assert.Positive(t, n["Expand"], "a zero row")

	// Knapsack's select neurons with exact-scale weights (compile's
	// cell): the two indicator terms of select(p, q) depend on the shift q
	// only, so their partial sum is computed once per shift.
	const P = 60
	b := relu.NewBuilder()
	f := b.Input("f", P)
	profit := b.Input("profit", 1)
	g1 := b.Group(relu.GroupInfo{Name: "indicators", Rule: "test"})
	g2 := b.Group(relu.GroupInfo{Name: "select", Rule: "test"})
	g3 := b.Group(relu.GroupInfo{Name: "out", Rule: "test"})
	up, down := make([]relu.Unit, P), make([]relu.Unit, P)
	for q := 1; q < P; q++ {
		up[q] = b.ReLU(g1, relu.Var(profit[0]).AddConst(float64(-q)))
		down[q] = b.ReLU(g1, relu.Var(profit[0]).Scale(-1).AddConst(float64(q)))
	}
	outs := make([]relu.Affine, P)
	for p := 1; p <= P; p++ {
		sum := relu.Var(f[p-1])
		for q := 1; q < p; q++ {
			sel := b.ReLU(g2, relu.Var(f[p-q-1]).PlusScaled(-2, relu.Var(up[q])).PlusScaled(-2, relu.Var(down[q])))
			sum = sum.PlusScaled(-1, relu.Var(sel))
		}
		outs[p-1] = relu.Var(b.ReLU(g3, sum))
	}
	b.Output("y", []int{P}, g3, outs)
	sel, err := b.Build()
	require.NoError(t, err)
	n, m := ops(sel)
	assert.Positive(t, n["shared index"], "a shared partial sum")
	e, err := relu.NewEvaluator[float32](sel)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(5, 5))
	for range 5 {
		x := make([]float64, P+1)
		x32 := make([]float32, P+1)
		for i := range P {
			x[i] = float64(rng.IntN(400)) / 8
			x32[i] = float32(x[i])
		}
		x[P] = float64(1 + rng.IntN(P-1))
		x32[P] = float32(x[P])
		want := make([]float32, P)
		require.NoError(t, e.Run(x32, want, 1))
		got, err := onnxref.Run(m, map[string]export.Tensor{"f": export.NewTensor(x[:P], 1, P), "profit": export.NewTensor(x[P:], 1, 1)})
		require.NoError(t, err)
		for i := range want {
			require.Equal(t, float64(want[i]), got["y"].Data[i], "y[%d], profit %v", i, x[P])
		}
	}

	scaled := func(w float64) *relu.Graph {
		b := relu.NewBuilder()
		x := b.Input("x", 4)
		z := b.Input("z", 2)
		g := b.Group(relu.GroupInfo{Name: "sums", Rule: "test"})
		var outs []relu.Affine
		for i := range 3 {
			// Rows of 3 terms and one of 4, in one bucket of K = 4 that
			// reads two sources: the short rows read the zero row.
			a := relu.Var(x[i]).PlusScaled(w, relu.Var(x[i+1])).PlusScaled(w, relu.Var(z[0]))
			if i == 2 {
				a = a.PlusScaled(w, relu.Var(z[1]))
			}
			outs = append(outs, relu.Var(b.ReLU(g, a)))
		}
		b.Output("y", []int{3}, g, outs)
		net, err := b.Build()
		require.NoError(t, err)
		return net
	}
	for _, w := range []float64{-2, 3} {
		g := scaled(w)
		n, m := ops(g)
		if w == 3 {
			assert.Positive(t, n["Mul"], "3 is not an exact scale")
		} else {
			assert.Zero(t, n["Mul"])
			assert.Equal(t, 1, n["term weights"], "one group")
			assert.Positive(t, n["Expand"], "a zero row")
		}
		e, err := relu.NewEvaluator[float32](g)
		require.NoError(t, err)
		x, zs := []float64{1.5, -2.25, 7, 0.125}, []float64{-0.75, 0.5}
		want := make([]float32, 3)
		require.NoError(t, e.Run([]float32{1.5, -2.25, 7, 0.125, -0.75, 0.5}, want, 1))
		assert.NotZero(t, want[2])
		got, err := onnxref.Run(m, map[string]export.Tensor{"x": export.NewTensor(x, 1, 4), "z": export.NewTensor(zs, 1, 2)})
		require.NoError(t, err)
		for i := range want {
			assert.Equal(t, float64(want[i]), got["y"].Data[i], "w = %v, y[%d]", w, i)
		}
	}
}
