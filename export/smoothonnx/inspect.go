package smoothonnx

import (
	"fmt"
	"math"
	"strconv"

	"github.com/dp2nn/dp2nn/export/onnxpb"
	"google.golang.org/protobuf/proto"
)

// SourcePrefix starts the metadata keys of Options.Metadata.
const SourcePrefix = "dp2nn.source."

// Info is what a model written by Marshal says of itself.
type Info struct {
	Program string
	Reg     string
	Gamma   float64
	DType   DType
	Form    Form // Unrolled for a model without dp2nn.form (written before the loop form)
	// Params and Outputs are the widths of the inputs theta [N, Params]
	// and seed [N, Outputs] (0 when not fixed in the model).
	Params, Outputs int
	// Metadata is every metadata_props entry.
	Metadata map[string]string
}

// IsGraph says whether model is a smooth-graph model written by Marshal
// (false for anything that is not a readable ONNX model).
func IsGraph(model []byte) bool {
	var mp onnxpb.ModelProto
	if proto.Unmarshal(model, &mp) != nil {
		return false
	}
	for _, e := range mp.MetadataProps {
		if e.GetKey() == "dp2nn.scheme" {
			return e.GetValue() == "smooth-graph"
		}
	}
	return false
}

// Inspect reads the metadata and dtype of a model written by Marshal.
func Inspect(model []byte) (*Info, error) {
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(model, &mp); err != nil {
		return nil, fmt.Errorf("not an ONNX model (or corrupt): %v", err)
	}
	in := &Info{Metadata: map[string]string{}}
	for _, e := range mp.MetadataProps {
		in.Metadata[e.GetKey()] = e.GetValue()
	}
	if in.Metadata["dp2nn.scheme"] != "smooth-graph" {
		return nil, fmt.Errorf("not a smooth-graph model (metadata dp2nn.scheme = %q)", in.Metadata["dp2nn.scheme"])
	}
	in.Program, in.Reg = in.Metadata["dp2nn.program"], in.Metadata["dp2nn.reg"]
	g, err := strconv.ParseFloat(in.Metadata["dp2nn.gamma"], 64)
	if err != nil {
		return nil, fmt.Errorf("bad metadata dp2nn.gamma: %v", err)
	}
	in.Gamma = g
	in.Form = Unrolled
	if f, ok := in.Metadata["dp2nn.form"]; ok {
		if in.Form, err = ParseForm(f); err != nil {
			return nil, fmt.Errorf("bad metadata dp2nn.form: %v", err)
		}
	}
	for _, v := range mp.GetGraph().GetInput() {
		var width int
		if d := v.GetType().GetTensorType().GetShape().GetDim(); len(d) == 2 {
			width = int(d[1].GetDimValue())
		}
		if v.GetName() == "seed" {
			in.Outputs = width
		}
		if v.GetName() != "theta" {
			continue
		}
		in.Params = width
		switch onnxpb.TensorProto_DataType(v.GetType().GetTensorType().GetElemType()) {
		case onnxpb.TensorProto_FLOAT:
			in.DType = Float32
		case onnxpb.TensorProto_DOUBLE:
			in.DType = Float64
		}
	}
	if in.DType == 0 {
		return nil, fmt.Errorf("the model has no float32 or float64 input theta")
	}
	return in, nil
}

// Tolerance is the relative tolerance (to max(1, |x|)) that ONNX Runtime's
// value and marginals are held to against smooth.Graph in dtype d.
func Tolerance(d DType) float64 {
	if d == Float32 {
		return 1e-5
	}
	return 1e-12
}

// RelErr is the worst error of got against want elementwise, relative to
// max(1, |want|), and its index (-1 when there is none); an infinite want
// must be met exactly (else the error is +Inf), and NaN is worst. A
// length mismatch is an error.
func RelErr(got, want []float64) (worst float64, at int, err error) {
	if len(got) != len(want) {
		return 0, -1, fmt.Errorf("%d values, want %d", len(got), len(want))
	}
	at = -1
	for i := range want {
		var e float64
		switch {
		case math.IsInf(want[i], 0):
			if got[i] != want[i] {
				e = math.Inf(1)
			}
		default:
			e = math.Abs(got[i]-want[i]) / max(1, math.Abs(want[i]))
		}
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		if at < 0 || e > worst {
			worst, at = e, i
		}
	}
	return worst, at, nil
}
