package archtest

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
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
	"diag":                {},
	"export/onnxpb":       {},
	"dsl":                 {"diag"},
	"relu":                {},
	"smooth":              {"diag", "dsl"},
	"truth/graphs":        {},
	"truth/knapsack":      {},
	"truth":               {"diag", "dsl", "smooth", "truth/graphs", "truth/knapsack"},
	"internal/repo":       {"dsl"},
	"internal/archtest":   {},
	"internal/progress":   {},
	"internal/atomicfile": {},
	"internal/cliflag":    {},
	"internal/jsonfinite": {},
	"internal/testprog":   {"dsl", "internal/repo"},
	"internal/doctest":    {"internal/repo"},
	"instance":            {"diag", "dsl", "truth", "truth/graphs", "truth/knapsack"},
	"examples":            {},
	"problems":            {"diag", "dsl", "examples", "instance", "internal/repo", "truth", "truth/graphs", "truth/knapsack"},
	"sensitivity":         {"smooth", "truth/knapsack"},
	"compile":             {"diag", "dsl", "relu"},
	"export":              {"export/onnxpb", "internal/atomicfile", "relu"},
	"export/exporttest":   {"export", "relu"},
	"export/smoothonnx":   {"export/onnxpb", "smooth"},
	"engine/onnxrt":       {"export", "export/onnxpb"},
	"engine/onnxgo":       {"export", "export/onnxpb"},
	"engine/onnxref":      {"export", "export/onnxpb"},
	"engine":              {"compile", "dsl", "export", "engine/onnxgo", "engine/onnxref", "engine/onnxrt", "relu"},
	"train":               {},
	"study":               {"compile", "diag", "dsl", "engine", "examples", "export", "instance", "internal/cliflag", "problems", "relu", "sensitivity", "smooth", "train", "truth", "truth/graphs", "truth/knapsack", "verify"},
	"verify":              {"compile", "diag", "dsl", "engine", "export", "export/smoothonnx", "instance", "problems", "relu", "smooth", "truth", "truth/graphs", "truth/knapsack"},
	// The command line parses flags, calls the library and prints: it
	// runs no algorithm of its own, so it needs no solver, no problem
	// table and no IR below the network.
	"cmd/dp2nn": {"compile", "dsl", "engine", "export", "export/smoothonnx", "instance", "internal/atomicfile", "internal/cliflag", "internal/jsonfinite", "internal/progress", "study", "verify"},
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

var update = flag.Bool("update", false, "rewrite docs/architecture.dot from the packages' imports")

// TestDiagram keeps docs/architecture.dot, the picture of
// docs/architecture.md, true to the code: the import graph of dp2nn's
// packages without the edges implied by others (transitive reduction),
// grouped as the table groups them. Render it with graphviz's dot.
func TestDiagram(t *testing.T) {
	imports := map[string][]string{}
	for _, p := range list(t) {
		name := strings.TrimPrefix(p.ImportPath, module)
		if name == "internal/archtest" {
			continue
		}
		imports[name] = local(p.Imports)
	}
	got := diagram(imports)
	path := filepath.Join("..", "..", "docs", "architecture.dot")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "docs/architecture.dot is out of date: go test ./internal/archtest -update, then render it")
}

// roles colours the diagram: the pipeline, the ground truth, running and
// checking, and the command line.
var roles = []struct {
	label, color string
	pkgs         []string
}{
	{"pipeline", "#cfe2f3", []string{"diag", "dsl", "compile", "relu", "export", "export/onnxpb", "export/exporttest", "export/smoothonnx"}},
	{"ground truth", "#d9ead3", []string{"truth", "truth/graphs", "truth/knapsack", "instance", "problems", "smooth", "internal/repo"}},
	{"run and check", "#fff2cc", []string{"engine", "engine/onnxref", "engine/onnxrt", "engine/onnxgo", "verify", "study", "sensitivity", "train"}},
	{"command line", "#f4cccc", []string{"cmd/dp2nn"}},
}

func diagram(imports map[string][]string) string {
	reach := func(from, to string, skipDirect bool) bool {
		seen := map[string]bool{}
		var walk func(p string, depth int) bool
		walk = func(p string, depth int) bool {
			for _, q := range imports[p] {
				if depth == 0 && skipDirect && q == to {
					continue
				}
				if q == to {
					return true
				}
				if !seen[q] {
					seen[q] = true
					if walk(q, depth+1) {
						return true
					}
				}
			}
			return false
		}
		return walk(from, 0)
	}
	var b strings.Builder
	b.WriteString("// Generated by go test ./internal/archtest -update: dp2nn's package imports,\n// transitive edges left out. An arrow points from a package to one it imports.\n")
	b.WriteString("digraph dp2nn {\n\trankdir=BT;\n\tnode [shape=box, style=filled, fontname=\"Helvetica\"];\n")
	placed := map[string]bool{}
	for _, r := range roles {
		fmt.Fprintf(&b, "\tsubgraph \"cluster_%s\" {\n\t\tlabel=%q;\n\t\tstyle=dashed;\n", r.label, r.label)
		for _, p := range r.pkgs {
			if _, ok := imports[p]; ok {
				fmt.Fprintf(&b, "\t\t%q [fillcolor=%q];\n", p, r.color)
				placed[p] = true
			}
		}
		b.WriteString("\t}\n")
	}
	names := slices.Sorted(maps.Keys(imports))
	for _, p := range names {
		if !placed[p] {
			fmt.Fprintf(&b, "\t%q;\n", p)
		}
	}
	for _, p := range names {
		for _, q := range slices.Sorted(slices.Values(imports[p])) {
			if !reach(p, q, true) {
				fmt.Fprintf(&b, "\t%q -> %q;\n", p, q)
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}
