package knapsack

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// lowdimDir holds the real instances shared by the whole repository.
const lowdimDir = "../../testdata/lowdim"

// lowdimCase is one file of testdata/lowdim with its published optimum.
type lowdimCase struct {
	Instance
	Optimum int64
}

// readLowdim reads every instance named in optima.txt.
func readLowdim(t testing.TB) []lowdimCase {
	t.Helper()
	f, err := os.Open(filepath.Join(lowdimDir, "optima.txt"))
	require.NoError(t, err)
	defer f.Close()
	optima, err := ReadOptima("optima.txt", f)
	require.NoError(t, err)
	require.Len(t, optima, 9, "optima.txt lists nine instances")
	var cases []lowdimCase
	for name, opt := range optima {
		g, err := os.Open(filepath.Join(lowdimDir, name+".txt"))
		require.NoError(t, err)
		in, err := ReadInstance(name, g)
		g.Close()
		require.NoError(t, err)
		cases = append(cases, lowdimCase{in, opt})
	}
	// Map order is random; sort by name so failures read the same each run.
	for i := range cases {
		for j := i + 1; j < len(cases); j++ {
			if strings.Compare(cases[j].Name, cases[i].Name) < 0 {
				cases[i], cases[j] = cases[j], cases[i]
			}
		}
	}
	return cases
}
