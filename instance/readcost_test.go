package instance_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
)

// knapsackFiles writes one knapsack instance of n items in each format.
func knapsackFiles(t testing.TB, n int) map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var text, items, steps strings.Builder
	fmt.Fprintf(&text, "%d\n", n)
	for i := range n {
		p, w := 1+rng.IntN(1000), 1+rng.IntN(1000)
		fmt.Fprintf(&text, "%d %d\n", p, w)
		sep := ", "
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&items, `%s{"profit": %d, "weight": %d}`, sep, p, w)
		fmt.Fprintf(&steps, `%s{"profit": %d, "weight": %d, "size": 0.%03d}`, sep, p, w, w)
	}
	text.WriteString("1000\n")
	return map[string][]byte{
		"k.txt":  []byte(text.String()),
		"k.json": []byte(`{"capacity": 1000, "items": [` + items.String() + `]}`),
		"g.json": []byte(`{"params": {"capacity": 1000}, "steps": [` + steps.String() + `]}`),
	}
}

// ReadCost bounds what reading allocates, and not by much more than a
// factor 3 (adv3 D11: -max-memory did not cover reading the instance).
func TestReadCostBounds(t *testing.T) {
	for name, data := range knapsackFiles(t, 20_000) {
		t.Run(name, func(t *testing.T) {
			var a, b runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&a)
			in, err := instance.ReadInstance(name, data)
			runtime.ReadMemStats(&b)
			require.NoError(t, err)
			require.Len(t, in.Steps, 20_000)
			alloc := int64(b.TotalAlloc - a.TotalAlloc)
			cost := instance.ReadCost(name, data)
			assert.LessOrEqual(t, alloc, cost, "allocated %d, predicted %d", alloc, cost)
			assert.LessOrEqual(t, cost, 3*alloc, "allocated %d, predicted %d", alloc, cost)
		})
	}
}

func TestReadInstanceFileWithin(t *testing.T) {
	dir := t.TempDir()
	files := knapsackFiles(t, 1000)
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	path := filepath.Join(dir, "k.txt")
	for _, tc := range []struct {
		name  string
		path  string
		limit int64
		err   string
	}{
		{"no limit", path, 0, ""},
		{"within", path, 1 << 30, ""},
		{"cost above", path, 1 << 20, path + ": reading the instance would take about 2.5 MiB of memory (1,003 lines of up to 2560 bytes each), above -max-memory 1.0 MiB (1048576 bytes): raise -max-memory or split the instance"},
		{"JSON objects", filepath.Join(dir, "k.json"), 1 << 20, "(4,002 JSON keys and values of up to 640 bytes each)"},
		{"file above, before reading", path, 1000, " bytes), above -max-memory 1000 B (1000 bytes): raise -max-memory or split the instance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := instance.ReadInstanceFileWithin(tc.path, tc.limit)
			if tc.err == "" {
				require.NoError(t, err)
				assert.Len(t, in.Steps, 1000)
				return
			}
			require.Error(t, err)
			assert.Nil(t, in)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}
