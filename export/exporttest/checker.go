package exporttest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ErrNoONNXPython is returned by CheckONNX when no Python can import onnx.
var ErrNoONNXPython = errors.New("no Python with the onnx package; install python3-onnx or set DP2NN_PYTHON")

// ONNXPython finds a Python that can import onnx: $DP2NN_PYTHON, then
// python3 on PATH, then /usr/bin/python3 (Debian's python3-onnx installs
// there, while a pyenv python3 on PATH may lack it). It returns "" and the
// interpreters tried when none can.
func ONNXPython() (string, []string) {
	var tried []string
	for _, p := range []string{os.Getenv("DP2NN_PYTHON"), "python3", "/usr/bin/python3"} {
		if p == "" {
			continue
		}
		tried = append(tried, p)
		if exec.Command(p, "-c", "import onnx").Run() == nil {
			return p, tried
		}
	}
	return "", tried
}

// checkModels runs onnx.checker.check_model(full_check=True) (which also
// runs strict shape inference) on every file and prints one line per
// failure.
const checkModels = `
import sys, onnx
bad = 0
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
    except Exception as e:
        bad += 1
        msg = str(e).strip()
        print("%s: %s" % (path, msg.splitlines()[0] if msg else type(e).__name__))
print("onnx %s checked %d models, %d failed" % (onnx.__version__, len(sys.argv) - 1, bad))
sys.exit(1 if bad else 0)
`

// CheckONNX runs ONNX's own checker, with full checks, on the model files
// in one Python process. It returns the checker's report, and an error
// when a model fails (or ErrNoONNXPython, wrapped with the interpreters
// tried).
func CheckONNX(paths []string) (string, error) {
	py, tried := ONNXPython()
	if py == "" {
		return "", fmt.Errorf("%w (tried %s)", ErrNoONNXPython, strings.Join(tried, ", "))
	}
	var out bytes.Buffer
	cmd := exec.Command(py, append([]string{"-c", checkModels}, paths...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("the ONNX checker (%s) rejected models: %w\n%s", py, err, out.String())
	}
	return strings.TrimSpace(out.String()), nil
}
