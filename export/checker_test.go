package export_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/stretchr/testify/require"
)

// onnxPython finds a Python that can import onnx: $DP2NN_PYTHON, then
// python3 on PATH, then /usr/bin/python3 (Debian's python3-onnx installs
// there, while a pyenv python3 on PATH may lack it).
func onnxPython() (string, []string) {
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
        print("%s: %s" % (path, str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__))
print("checked %d models, %d failed" % (len(sys.argv) - 1, bad))
sys.exit(1 if bad else 0)
`

// ONNX's own checker accepts every exported variant of every shared case.
func TestONNXCheckerAcceptsAllVariants(t *testing.T) {
	py, tried := onnxPython()
	if py == "" {
		if os.Getenv("DP2NN_REQUIRE_RUNTIMES") == "1" {
			t.Fatalf("DP2NN_REQUIRE_RUNTIMES=1 but no Python with the onnx package (tried %s)", strings.Join(tried, ", "))
		}
		t.Skipf("no Python with the onnx package (tried %s); install python3-onnx or set DP2NN_PYTHON", strings.Join(tried, ", "))
	}
	dir := t.TempDir()
	var paths []string
	for _, c := range exporttest.Cases() {
		for _, opt := range c.Variants() {
			name := strings.NewReplacer(" ", "_", "/", "_", "=", "").Replace(c.Name + "_" + exporttest.VariantName(opt))
			p := filepath.Join(dir, name+".onnx")
			require.NoError(t, export.WriteFile(p, c.Graph, opt))
			paths = append(paths, p)
		}
	}
	dc := exporttest.DecodeCase()
	for i, d := range exporttest.DecodeTails() {
		p := filepath.Join(dir, fmt.Sprintf("decode_%d.onnx", i))
		require.NoError(t, export.WriteFile(p, dc.Graph, export.Options{Decode: d, Layout: export.Layout(1 + i%2), DType: export.DType(i / 2 % 2)}))
		paths = append(paths, p)
	}
	var out bytes.Buffer
	cmd := exec.Command(py, append([]string{"-c", checkModels}, paths...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Log(strings.TrimSpace(out.String()))
	require.NoError(t, err, "the ONNX checker (%s) rejected models:\n%s", py, out.String())
}
