package export_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
	"github.com/stretchr/testify/require"
)

// ONNX's own checker accepts every exported variant of every shared case
// (the smooth cases with their gradients too) and every decode tail. Without a Python that has onnx the test is
// skipped, or fails under DP2NN_REQUIRE_RUNTIMES=1.
func TestONNXCheckerAcceptsAllVariants(t *testing.T) {
	exporttest.RequireONNXPython(t)
	dir := t.TempDir()
	var paths []string
	write := func(c exporttest.Case, variants []export.Options) {
		for _, opt := range variants {
			name := strings.NewReplacer(" ", "_", "/", "_", "=", "", "+", "_").Replace(c.Name + "_" + exporttest.VariantName(opt))
			p := filepath.Join(dir, name+".onnx")
			require.NoError(t, export.WriteFile(p, c.Graph, opt))
			paths = append(paths, p)
		}
	}
	for _, c := range exporttest.Cases() {
		write(c, c.Variants())
	}
	for _, c := range exporttest.SmoothCases() {
		write(c, c.SmoothVariants())
	}
	dc := exporttest.DecodeCase()
	for i, d := range exporttest.DecodeTails() {
		p := filepath.Join(dir, fmt.Sprintf("decode_%d.onnx", i))
		require.NoError(t, export.WriteFile(p, dc.Graph, export.Options{Decode: d, Layout: export.Layout(1 + i%2), DType: export.DType(i / 2 % 2)}))
		paths = append(paths, p)
	}
	report, err := exporttest.CheckONNX(paths)
	require.NoError(t, err)
	t.Log(report)
}
