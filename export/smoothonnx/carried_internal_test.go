package smoothonnx

import (
	"fmt"
	"testing"

	"github.com/dp2nn/dp2nn/engine/onnxrt"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	"google.golang.org/protobuf/proto"
)

// carriedModel is a Loop of L iterations carrying s [1, V]; each
// iteration reads K entries of s and writes them back plus one with
// ScatterElements (scatter) or leaves s as it is (Identity).
func carriedModel(V, L, K int, scatter bool) []byte {
	e := &emitter{g: &onnxpb.GraphProto{Name: proto.String("carried")}, consts: map[string]string{}}
	e.g.Input = []*onnxpb.ValueInfoProto{valueInfo("theta", tDouble, V)}
	e.g.Output = []*onnxpb.ValueInfoProto{valueInfo("value", tDouble, V)}
	idx := make([]int64, L*K)
	for i := range idx {
		idx[i] = int64(i % V)
	}
	tab := e.i64([]int{L, 1, K}, idx)
	body, it, in := e.bodyGraph("s")
	ix := e.op("Gather", []string{tab, it}, aInt("axis", 0)) // [1, K]
	u := e.op("Add", []string{e.op("Gather", []string{in[0], e.op("Squeeze", []string{ix, e.ints(0)})}, aInt("axis", 1)), e.scalar(1)})
	out := e.op("Identity", []string{in[0]})
	if scatter {
		out = e.op("ScatterElements", []string{in[0], ix, u}, aInt("axis", 1))
	}
	e.endBody(body, []bodyOut{{out, tDouble, 2}})
	res := e.loop(body, L, []string{"theta"}, 1)
	e.finish(res[0], "value", tDouble)
	b, err := proto.Marshal(&onnxpb.ModelProto{IrVersion: proto.Int64(8), Graph: e.g,
		OpsetImport: []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}}})
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkCarriedScatter is why the loop form carries a window and not
// every node's value: 2,000 iterations writing 500 entries of a carried
// tensor [1, V] by ScatterElements, against leaving it as it is. ONNX
// Runtime copies the carried tensor on every write, so ns/iter grows with
// V (an in-place update would not).
func BenchmarkCarriedScatter(b *testing.B) {
	if err := onnxrt.Init(); err != nil {
		exporttest.RequireRuntime(b, err.Error())
	}
	const L, K = 2000, 500
	for _, V := range []int{1000, 1000000} {
		for _, scatter := range []bool{false, true} {
			name := map[bool]string{false: "identity", true: "scatter"}[scatter]
			b.Run(fmt.Sprintf("V=%d/%s", V, name), func(b *testing.B) {
				s, err := onnxrt.NewSession(carriedModel(V, L, K, scatter), onnxrt.Options{Threads: 1})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				in := map[string]export.Tensor{"theta": export.NewTensor(make([]float64, V), 1, V)}
				for b.Loop() {
					if _, err := s.Run(in); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/L, "ns/iter")
			})
		}
	}
}
