package study_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/study"
)

// tinySensitivity is a Sensitivity config that runs in milliseconds: no
// generated family, one ε, one γ, two draws, no FPTAS-NN.
func tinySensitivity(dir string) study.SensitivityConfig {
	return study.SensitivityConfig{Instances: dir, Eps: []float64{0.5}, Gamma: []float64{1}, Samples: 2, Seed: 1}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	return dir
}

// The files of -instances: the text and JSON knapsack formats, optima by
// the exact solver, checked against optima.txt where it names an
// instance; and the files that are not integer knapsack instances
// refused with their name.
func TestSensitivityInstanceFiles(t *testing.T) {
	// a: optimum 9 (items 1 and 3: profits 4+5, weights 3+4 ≤ 7);
	// b: JSON, optimum 10 (both items).
	a := "3\n4 3\n3 3\n5 4\n7\n"
	b := `{"name": "b", "capacity": 10, "items": [{"profit": 6, "weight": 5}, {"profit": 4, "weight": 5}]}`
	for _, tt := range []struct {
		name    string
		files   map[string]string
		checked int
		err     string
	}{
		{"no optima.txt", map[string]string{"a.txt": a, "b.json": b}, 0, ""},
		{"optima.txt names one", map[string]string{"a.txt": a, "b.json": b, "optima.txt": "a 9\n"}, 1, ""},
		{"optima.txt names both", map[string]string{"a.txt": a, "b.json": b, "optima.txt": "a 9\nb 10\n"}, 2, ""},
		{"optima.txt disagrees", map[string]string{"a.txt": a, "optima.txt": "a 8\n"}, 0, "a: the exact solver (knapsack.Solve) gives 9,"},
		{"bad optima.txt", map[string]string{"a.txt": a, "optima.txt": "a nine\n"}, 0, `optimum "nine" is not an integer`},
		{"fractional weight", map[string]string{"c.txt": "2\n4 1.5\n3 3\n7\n"}, 0, "c.txt:2: item 1: weight 3/2 is not an integer"},
		{"fractional capacity", map[string]string{"c.txt": "2\n4 1\n3 3\n7.5\n"}, 0, "c.txt: capacity 15/2 is not an integer"},
		{"not a knapsack", map[string]string{"g.json": `{"name": "g", "steps": [{"x": 1}]}`}, 0, "g.json: step 1: not a knapsack item"},
		{"malformed", map[string]string{"m.txt": "2\n4 1\n7\n"}, 0, "n mismatch"},
		{"empty directory", map[string]string{}, 0, "study: -instances: no instance files (*.txt, *.json) in"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			rep, err := study.Sensitivity(tinySensitivity(dir))
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, dir, rep.InstanceDir)
			assert.Equal(t, tt.checked, rep.OptimaChecked)
			assert.Equal(t, 2, rep.Instances)
			var exact *study.SensitivityRow
			for i, r := range rep.Rows {
				assert.Equal(t, study.Files, r.Family)
				if r.Algorithm == "exact DP" {
					exact = &rep.Rows[i]
				}
			}
			require.NotNil(t, exact)
			assert.Equal(t, 1.0, exact.Ratio)
			assert.Equal(t, 2, exact.NMin)
			assert.Equal(t, 3, exact.N)
			// a: deleting item 2 (outside the optimum {1, 3}) changes
			// nothing, deleting 1 or 3 changes the optimum: {1, 3} → {2, 3}
			// or {1, 2} (profit 8 ≥ 7), 2 items each. b: deleting either
			// item removes only it. Mean (4/3 + 1)/2.
			assert.InDelta(t, (4.0/3+1)/2, exact.Sensitivity, 1e-12)
		})
	}
}
