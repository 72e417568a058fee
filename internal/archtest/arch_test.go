package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/dp2nn/dp2nn/"

// allowed is the layer table: the dp2nn packages each package may import
// (non-test files). A package missing from the table fails the test, so a
// new package must take its place in the layout on purpose.
var allowed = map[string][]string{
	"diag":              {},
	"export/onnxpb":     {},
	"dsl":               {"diag"},
	"relu":              {},
	"smooth":            {"diag"},
	"truth/graphs":      {},
	"truth/knapsack":    {},
	"truth":             {"diag", "dsl", "smooth", "truth/graphs", "truth/knapsack"},
	"internal/repo":     {"dsl"},
	"internal/archtest": {},
	"instance":          {"diag", "dsl", "truth", "truth/graphs", "truth/knapsack"},
	"problems":          {"diag", "dsl", "instance", "internal/repo", "truth", "truth/graphs", "truth/knapsack"},
	"compile":           {"diag", "dsl", "relu"},
	"export":            {"export/onnxpb", "relu"},
	"export/exporttest": {"export", "relu"},
	"engine/onnxrt":     {"export"},
	"engine/onnxgo":     {"export", "export/onnxpb"},
	"engine/onnxref":    {"export", "export/onnxpb"},
	"engine":            {"compile", "dsl", "export", "engine/onnxgo", "engine/onnxref", "engine/onnxrt", "relu"},
	"study":             {"compile", "diag", "dsl", "engine", "instance", "problems", "relu", "truth", "truth/graphs", "truth/knapsack", "verify"},
	"verify":            {"compile", "diag", "dsl", "engine", "export", "instance", "problems", "relu", "smooth", "truth", "truth/graphs", "truth/knapsack"},
	// The command line parses flags, calls the library and prints: it
	// runs no algorithm of its own, so it needs no solver, no problem
	// table and no IR below the network.
	"cmd/dp2nn": {"compile", "dsl", "engine", "export", "instance", "study", "verify"},
}

// groundTruth are the packages that check the compiler: none of them may
// depend, even indirectly, on what they check.
var groundTruth = []string{"truth", "truth/graphs", "truth/knapsack", "instance", "problems", "smooth"}

// lowering is what the ground truth must not depend on.
var lowering = []string{"compile", "relu", "export"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"...")
	out, err := cmd.Output()
	require.NoError(t, err, "go list")
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		pkgs = append(pkgs, p)
	}
	require.NotEmpty(t, pkgs)
	return pkgs
}

func local(paths []string) []string {
	var out []string
	for _, p := range paths {
		if rel, ok := strings.CutPrefix(p, module); ok {
			out = append(out, rel)
		}
	}
	return out
}

func TestImportsPointDown(t *testing.T) {
	for _, p := range list(t) {
		name := strings.TrimPrefix(p.ImportPath, module)
		ok, known := allowed[name]
		if !assert.True(t, known, "package %s has no row in the layer table (internal/archtest)", name) {
			continue
		}
		for _, imp := range local(p.Imports) {
			assert.True(t, slices.Contains(ok, imp), "%s imports %s, which its layer does not allow", name, imp)
		}
	}
}

func TestGroundTruthIsIndependent(t *testing.T) {
	deps := map[string][]string{}
	for _, p := range list(t) {
		deps[strings.TrimPrefix(p.ImportPath, module)] = local(p.Deps)
	}
	for _, g := range groundTruth {
		d, ok := deps[g]
		require.True(t, ok, "no package %s", g)
		for _, l := range lowering {
			assert.NotContains(t, d, l, "%s depends on %s (go list -deps): the ground truth must share no code with the lowering", g, l)
		}
	}
}
