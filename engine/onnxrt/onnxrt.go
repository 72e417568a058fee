package onnxrt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/onnxpb"
	ort "github.com/yalue/onnxruntime_go"
	"google.golang.org/protobuf/proto"
)

// Version is the ONNX Runtime release that scripts/install-ort.sh installs
// and this package is tested with. onnxruntime_go v1.27.0 speaks its C API.
const Version = "1.30.0"

// EnvLibrary names the environment variable that overrides the library
// path.
const EnvLibrary = "DP2NN_ORT_LIB"

// InstallHint is the command that installs the library where
// DefaultLibraryPath looks.
const InstallHint = "scripts/install-ort.sh (needs npm), or set " + EnvLibrary + " to an ONNX Runtime " + Version + " shared library"

// DefaultLibraryPath is where scripts/install-ort.sh puts the library:
// ${DP2NN_CACHE:-$HOME/.cache/dp2nn}/ort/node_modules/onnxruntime-node/bin/napi-v6/<os>/<arch>/<lib>.
func DefaultLibraryPath() string {
	cache := os.Getenv("DP2NN_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		cache = filepath.Join(home, ".cache", "dp2nn")
	}
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	lib := "libonnxruntime.so.1"
	if runtime.GOOS == "darwin" {
		lib = "libonnxruntime.1.dylib"
	}
	return filepath.Join(cache, "ort", "node_modules", "onnxruntime-node", "bin", "napi-v6", runtime.GOOS, arch, lib)
}

// LibraryPath is $DP2NN_ORT_LIB when set, DefaultLibraryPath otherwise.
func LibraryPath() string {
	if p := os.Getenv(EnvLibrary); p != "" {
		return p
	}
	return DefaultLibraryPath()
}

var (
	initOnce sync.Once
	initErr  error
)

// Init loads the library at LibraryPath and creates the ONNX Runtime
// environment, once per process. Its error says how to install the
// library when it is missing.
func Init() error {
	initOnce.Do(func() {
		path := LibraryPath()
		if _, err := os.Stat(path); err != nil {
			initErr = fmt.Errorf("onnxrt: ONNX Runtime library not found at %s; install it with %s", path, InstallHint)
			return
		}
		ort.SetSharedLibraryPath(path)
		if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
			initErr = fmt.Errorf("onnxrt: loading %s: %w", path, err)
		}
	})
	return initErr
}

// Options tune a session.
type Options struct {
	// Threads is the number of intra-op threads; 0 leaves ONNX Runtime's
	// default (one per core).
	Threads int
	// Profile, when not empty, turns on ONNX Runtime's profiler: each
	// session writes the time of every node run to a JSON file whose name
	// starts with Profile (Chrome trace format), when the session closes.
	Profile string
}

// Session is a model loaded into ONNX Runtime. It is not safe for
// concurrent use.
type Session struct {
	s       *ort.DynamicAdvancedSession
	inputs  []ort.InputOutputInfo
	outputs []ort.InputOutputInfo
	f64     bool
}

// NewSession loads an ONNX model (the bytes of a file) into ONNX Runtime.
func NewSession(model []byte, opt Options) (*Session, error) {
	if err := Init(); err != nil {
		return nil, err
	}
	// The graph's inputs and outputs are read from the model's bytes, not
	// asked of ONNX Runtime, which would create a session to answer (a
	// model was opened twice).
	ins, outs, err := graphPorts(model)
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, errors.New("onnxrt: model has no inputs")
	}
	s := &Session{inputs: ins, outputs: outs}
	for _, io := range append(append([]ort.InputOutputInfo(nil), ins...), outs...) {
		switch io.DataType {
		case ort.TensorElementDataTypeFloat:
		case ort.TensorElementDataTypeDouble:
			s.f64 = true
		default:
			return nil, fmt.Errorf("onnxrt: %s has element type %s; dp2nn models use float or double", io.Name, io.DataType)
		}
	}
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("onnxrt: %w", err)
	}
	defer so.Destroy()
	if opt.Threads > 0 {
		if err := so.SetIntraOpNumThreads(opt.Threads); err != nil {
			return nil, fmt.Errorf("onnxrt: %w", err)
		}
		if err := so.SetInterOpNumThreads(1); err != nil {
			return nil, fmt.Errorf("onnxrt: %w", err)
		}
	}
	if opt.Profile != "" {
		if err := so.EnableProfiling(opt.Profile); err != nil {
			return nil, fmt.Errorf("onnxrt: %w", err)
		}
	}
	s.s, err = ort.NewDynamicAdvancedSessionWithONNXData(model, names(ins), names(outs), so)
	if err != nil {
		return nil, fmt.Errorf("onnxrt: %w", err)
	}
	return s, nil
}

func names(ios []ort.InputOutputInfo) []string {
	ns := make([]string, len(ios))
	for i, io := range ios {
		ns[i] = io.Name
	}
	return ns
}

// Close releases the session.
func (s *Session) Close() error { return s.s.Destroy() }

// Run runs the model on one tensor per graph input and returns every
// graph output by name, converted to float64.
func (s *Session) Run(inputs map[string]export.Tensor) (map[string]export.Tensor, error) {
	ins, err := s.newInputs(inputs)
	if err != nil {
		return nil, err
	}
	defer destroy(ins)
	outs := make([]ort.Value, len(s.outputs))
	if err := s.s.Run(ins, outs); err != nil {
		destroy(outs)
		return nil, fmt.Errorf("onnxrt: %w", err)
	}
	defer destroy(outs)
	res := make(map[string]export.Tensor, len(outs))
	for i, v := range outs {
		t, err := toTensor(v)
		if err != nil {
			return nil, fmt.Errorf("onnxrt: output %s: %w", s.outputs[i].Name, err)
		}
		res[s.outputs[i].Name] = t
	}
	return res, nil
}

func (s *Session) newInputs(inputs map[string]export.Tensor) ([]ort.Value, error) {
	for name := range inputs {
		if !hasName(s.inputs, name) {
			return nil, fmt.Errorf("onnxrt: the model has no input %q (inputs: %v)", name, names(s.inputs))
		}
	}
	var vals []ort.Value
	for _, io := range s.inputs {
		t, ok := inputs[io.Name]
		if !ok {
			destroy(vals)
			return nil, fmt.Errorf("onnxrt: missing input %q", io.Name)
		}
		shape := make([]int64, len(t.Shape))
		for i, d := range t.Shape {
			shape[i] = int64(d)
		}
		var v ort.Value
		var err error
		if s.f64 {
			v, err = ort.NewTensor(ort.NewShape(shape...), append([]float64(nil), t.Data...))
		} else {
			d := make([]float32, len(t.Data))
			for i, x := range t.Data {
				d[i] = float32(x)
			}
			v, err = ort.NewTensor(ort.NewShape(shape...), d)
		}
		if err != nil {
			destroy(vals)
			return nil, fmt.Errorf("onnxrt: input %s: %w", io.Name, err)
		}
		vals = append(vals, v)
	}
	return vals, nil
}

func hasName(ios []ort.InputOutputInfo, name string) bool {
	for _, io := range ios {
		if io.Name == name {
			return true
		}
	}
	return false
}

func toTensor(v ort.Value) (export.Tensor, error) {
	var t export.Tensor
	for _, d := range v.GetShape() {
		t.Shape = append(t.Shape, int(d))
	}
	switch x := v.(type) {
	case *ort.Tensor[float32]:
		for _, f := range x.GetData() {
			t.Data = append(t.Data, float64(f))
		}
	case *ort.Tensor[float64]:
		t.Data = append([]float64(nil), x.GetData()...)
	default:
		return t, fmt.Errorf("unexpected value %T", v)
	}
	if t.Data == nil {
		t.Data = []float64{}
	}
	return t, nil
}

func destroy(vs []ort.Value) {
	for _, v := range vs {
		if v != nil {
			v.Destroy()
		}
	}
}

// Bound is a session with input and output tensors of fixed shapes bound
// once, so that Run measures ONNX Runtime alone: no allocation and no
// conversion per call.
type Bound struct {
	s       *Session
	ins     []ort.Value
	outs    []ort.Value
	outName []string
}

// Bind creates input tensors holding inputs and output tensors of the
// shapes that one run on them gives.
func (s *Session) Bind(inputs map[string]export.Tensor) (*Bound, error) {
	ins, err := s.newInputs(inputs)
	if err != nil {
		return nil, err
	}
	outs := make([]ort.Value, len(s.outputs))
	if err := s.s.Run(ins, outs); err != nil {
		destroy(ins)
		destroy(outs)
		return nil, fmt.Errorf("onnxrt: %w", err)
	}
	return &Bound{s: s, ins: ins, outs: outs, outName: names(s.outputs)}, nil
}

// Run runs the model on the bound inputs into the bound outputs.
func (b *Bound) Run() error {
	if err := b.s.s.Run(b.ins, b.outs); err != nil {
		return fmt.Errorf("onnxrt: %w", err)
	}
	return nil
}

// Outputs converts the bound outputs.
func (b *Bound) Outputs() (map[string]export.Tensor, error) {
	res := make(map[string]export.Tensor, len(b.outs))
	for i, v := range b.outs {
		t, err := toTensor(v)
		if err != nil {
			return nil, fmt.Errorf("onnxrt: output %s: %w", b.outName[i], err)
		}
		res[b.outName[i]] = t
	}
	return res, nil
}

// Close releases the bound tensors (not the session).
func (b *Bound) Close() {
	destroy(b.ins)
	destroy(b.outs)
}

// graphPorts returns the names and element types of the graph inputs
// (initializers excluded) and outputs of a model.
func graphPorts(model []byte) (ins, outs []ort.InputOutputInfo, err error) {
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(model, &mp); err != nil {
		return nil, nil, fmt.Errorf("onnxrt: not an ONNX model: %w", err)
	}
	g := mp.GetGraph()
	if g == nil {
		return nil, nil, errors.New("onnxrt: the model has no graph")
	}
	inits := map[string]bool{}
	for _, t := range g.GetInitializer() {
		inits[t.GetName()] = true
	}
	info := func(vi *onnxpb.ValueInfoProto) ort.InputOutputInfo {
		return ort.InputOutputInfo{Name: vi.GetName(), OrtValueType: ort.ONNXTypeTensor,
			DataType: ort.TensorElementDataType(vi.GetType().GetTensorType().GetElemType())}
	}
	for _, vi := range g.GetInput() {
		if !inits[vi.GetName()] {
			ins = append(ins, info(vi))
		}
	}
	for _, vi := range g.GetOutput() {
		outs = append(outs, info(vi))
	}
	return ins, outs, nil
}
