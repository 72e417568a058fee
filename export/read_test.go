package export_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/dp2nn/dp2nn/engine/onnxref"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

func TestWriteFileReadBack(t *testing.T) {
	c := exporttest.MaxPlusCell()
	opt := export.Options{Form: export.Unrolled, Steps: 3, Init: c.Init, Decode: c.Decode, Doc: "max-plus, 3 steps",
		Metadata: map[string]string{"params": "n=4"}}
	path := filepath.Join(t.TempDir(), "m.onnx")
	require.NoError(t, export.WriteFile(path, c.Graph, opt))
	m, err := export.Read(path)
	require.NoError(t, err)
	assert.Equal(t, export.Unrolled, m.Form)
	assert.Equal(t, export.Dense, m.Layout) // Auto, small graph
	assert.Equal(t, []string{"g", "h"}, m.State)
	assert.Equal(t, 3, m.Steps)
	assert.Equal(t, "max-plus, 3 steps", m.Doc)
	assert.Equal(t, "n=4", m.Metadata["params"])
	assert.Equal(t, "first = min i where h[i] >= 3, i from 0; -1 when none", m.Decode)
	assert.Equal(t, []export.BlockShape{{Name: "g", Shape: []int{4}}, {Name: "v", Shape: []int{4}}, {Name: "h", Shape: []int{4}}}, m.BlockInputs)
	var names []string
	for _, p := range m.Outputs {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"g", "h", "first"}, names)
	assert.Equal(t, export.Port{Name: "v", Dims: []int{-1, 3, 4}, DimNames: []string{"N", "", ""},
		Doc: "per-step input block v, shape [4], flattened row-major, all 3 steps, step-major"}, m.Inputs[0])
}

func TestWriteFileIsAtomic(t *testing.T) {
	g := exporttest.Cases()[0].Graph
	entries := func(dir string) []string {
		es, err := os.ReadDir(dir)
		require.NoError(t, err)
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}

	t.Run("replaces whole file, no temp left", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "m.onnx")
		require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
		require.NoError(t, export.WriteFile(path, g, export.Options{}))
		assert.Equal(t, []string{"m.onnx"}, entries(dir))
		_, err := export.Read(path)
		require.NoError(t, err)
	})
	t.Run("bad options leave the old file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "m.onnx")
		require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
		require.Error(t, export.WriteFile(path, g, export.Options{Form: export.Loop}))
		assert.Equal(t, []string{"m.onnx"}, entries(dir))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, "old", string(b))
	})
	t.Run("missing directory", func(t *testing.T) {
		dir := t.TempDir()
		err := export.WriteFile(filepath.Join(dir, "no", "m.onnx"), g, export.Options{})
		require.Error(t, err)
		assert.Empty(t, entries(dir))
	})
	t.Run("rename fails: the path is a directory", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "m.onnx")
		require.NoError(t, os.Mkdir(path, 0o755))
		require.Error(t, export.WriteFile(path, g, export.Options{}))
		assert.Equal(t, []string{"m.onnx"}, entries(dir)) // the directory, no temp file
	})
	t.Run("unwritable directory", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes into read-only directories; the rename case above covers cleanup")
		}
		dir := t.TempDir()
		require.NoError(t, os.Chmod(dir, 0o555))
		defer os.Chmod(dir, 0o755)
		err := export.WriteFile(filepath.Join(dir, "m.onnx"), g, export.Options{})
		require.Error(t, err)
		assert.Empty(t, entries(dir))
	})
}

func TestReadRejects(t *testing.T) {
	valid, err := export.Marshal(exporttest.Cases()[0].Graph, export.Options{})
	require.NoError(t, err)
	foreign := &onnxpb.ModelProto{
		IrVersion:    proto.Int64(8),
		ProducerName: proto.String("pytorch"),
		Graph:        &onnxpb.GraphProto{Name: proto.String("torch_jit")},
	}
	foreignBytes, err := proto.Marshal(foreign)
	require.NoError(t, err)
	noMeta := &onnxpb.ModelProto{IrVersion: proto.Int64(8), ProducerName: proto.String("dp2nn"), Graph: &onnxpb.GraphProto{}}
	noMetaBytes, err := proto.Marshal(noMeta)
	require.NoError(t, err)
	badMeta := proto.Clone(noMeta).(*onnxpb.ModelProto)
	badMeta.MetadataProps = []*onnxpb.StringStringEntryProto{
		{Key: proto.String("dp2nn.form"), Value: proto.String("rnn")},
		{Key: proto.String("dp2nn.layout"), Value: proto.String("dense")},
		{Key: proto.String("dp2nn.dtype"), Value: proto.String("float32")},
	}
	badMetaBytes, err := proto.Marshal(badMeta)
	require.NoError(t, err)
	badData := proto.Clone(badMeta).(*onnxpb.ModelProto)
	badData.MetadataProps[0].Value = proto.String("loop")
	badData.MetadataProps = append(badData.MetadataProps,
		&onnxpb.StringStringEntryProto{Key: proto.String("dp2nn.inf"), Value: proto.String(`{"bigm": "big"}`)},
		&onnxpb.StringStringEntryProto{Key: proto.String("dp2nn.unroll"), Value: proto.String("lazy")})
	badDataBytes, err := proto.Marshal(badData)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"empty", nil, []string{"is empty, not an ONNX model"}},
		{"text", []byte("hello, this is not a model\n"), []string{"is not an ONNX model (or is corrupt)"}},
		{"truncated", valid[:len(valid)/2], []string{"is not an ONNX model (or is corrupt)"}},
		{"no graph", []byte{0x08, 0x08}, []string{"is not an ONNX model: it has no IR version or no graph"}},
		{"other producer", foreignBytes, []string{`was not written by dp2nn (producer "pytorch")`}},
		{"no metadata", noMetaBytes, []string{"metadata dp2nn.form is missing", "metadata dp2nn.layout is missing", "metadata dp2nn.dtype is missing"}},
		{"bad metadata", badMetaBytes, []string{`metadata dp2nn.form: unknown form "rnn" (valid: cell, unrolled, loop)`}},
		{"bad data metadata", badDataBytes, []string{"metadata dp2nn.inf: json: cannot unmarshal string", `metadata dp2nn.unroll = "lazy" is not "settled"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.onnx")
			require.NoError(t, os.WriteFile(path, tc.data, 0o644))
			_, err := export.Read(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	_, err = export.Read(filepath.Join(t.TempDir(), "missing.onnx"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestRunRejectsBadInputs(t *testing.T) {
	c := exporttest.MinPlusCell()
	opt := export.Options{Form: export.Loop, Init: c.Init}
	b, err := export.Marshal(c.Graph, opt)
	require.NoError(t, err)
	m, err := export.Parse(b)
	require.NoError(t, err)
	good := c.Inputs(rand.New(rand.NewPCG(1, 1)), opt, 2, 3)
	for _, tc := range []struct {
		name string
		in   map[string]export.Tensor
		want string
	}{
		{"missing", map[string]export.Tensor{}, `missing input "size"`},
		{"unknown", map[string]export.Tensor{"size": good["size"], "f": good["size"]}, `the model has no input "f"`},
		{"rank", map[string]export.Tensor{"size": export.NewTensor(make([]float64, 6), 2, 3)}, `input "size" has shape [2 3], want [N, steps, 1]`},
		{"fixed dim", map[string]export.Tensor{"size": export.NewTensor(make([]float64, 12), 2, 3, 2)}, `input "size" has shape [2 3 2], want [N, steps, 1]`},
		{"data", map[string]export.Tensor{"size": {Shape: []int{2, 3, 1}, Data: make([]float64, 5)}}, `input "size" has 5 values for shape [2 3 1]`},
	} {
		_, err := onnxref.Run(m, tc.in)
		assert.ErrorContains(t, err, tc.want, tc.name)
	}
}

// Parse and Run never panic, whatever the bytes: a corrupt or hostile
// file gives an error.
func FuzzParseRun(f *testing.F) {
	for _, c := range exporttest.Cases()[:1] {
		b, err := export.Marshal(c.Graph, export.Options{Layout: export.Structured})
		require.NoError(f, err)
		f.Add(b)
	}
	c := exporttest.MinPlusCell()
	b, err := export.Marshal(c.Graph, export.Options{Form: export.Loop, Init: c.Init, Decode: c.Decode, Layout: export.Structured})
	require.NoError(f, err)
	f.Add(b)
	bf := exporttest.BellmanFordCell(3) // data, +inf, fixed trip count
	b, err = export.Marshal(bf.Graph, export.Options{Form: export.Loop, Steps: bf.Steps, State: bf.State, Init: bf.Init, Data: bf.Data, Inf: bf.Inf, Layout: export.Structured})
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte("not onnx"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := export.Parse(data)
		if err != nil {
			return
		}
		in := map[string]export.Tensor{}
		for _, p := range m.Inputs {
			shape := make([]int, len(p.Dims))
			for i, d := range p.Dims {
				shape[i] = d
				if d < 0 {
					shape[i] = 2
				}
				if shape[i] > 64 {
					return // keep the fuzzer's inputs small
				}
			}
			in[p.Name] = export.Tensor{Shape: shape, Data: make([]float64, numElements(shape))}
		}
		onnxref.Run(m, in)
	})
}

func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
