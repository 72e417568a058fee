package problems

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// Every program of the table is its own problem at every setting, under
// any file name and program name, with other comments and layout.
func TestIdentifyTable(t *testing.T) {
	for _, p := range Table {
		abs, err := repo.RepoPath(p.Program)
		require.NoError(t, err)
		src, err := readFile(abs)
		require.NoError(t, err)
		for _, s := range p.Settings {
			for _, name := range []string{p.Program, "mine.dp", "knapsack.dp"} {
				renamed := strings.Replace(src, "dp "+p.Name, "dp something_else", 1)
				renamed = "# a comment of my own\n\n" + renamed
				f, err := dsl.Parse(name, []byte(renamed))
				require.NoError(t, err)
				m, err := dsl.Check(f, s.Params)
				require.NoError(t, err)
				got, ok := Identify(m)
				require.True(t, ok, "%s saved as %s", p.Name, name)
				assert.Equal(t, p.Name, got.Name)
			}
		}
	}
}

// A program that differs in one term is no problem of the table, whatever
// its file is called.
func TestIdentifyRejectsOtherPrograms(t *testing.T) {
	cases := []struct{ name, src string }{
		{"knapsack.dp", `dp knapsack
param pmax int = 10
input profit int in 1..pmax
input size real in 0..1
state f[p in 1..pmax] real in 0..2 = 2
f[p <= 0] = 0
step f[p] = min(f[p], f[p - profit] + size + size)
answer max p where f[p] <= 1
`},
		{"knapsack.dp", `dp knapsack
param pmax int = 10
input profit int in 1..pmax
input size real in 0..1
state f[p in 1..pmax] real in 0..2 = 2
f[p <= 0] = 0
step f[p] = min(f[p], f[p - profit] + size)
answer max p where f[p] <= 0.5
`},
		{"lcs.dp", `dp lcs
param n int = 4
input x int in 1..n
state g[c in 0..n] int in 0..100 = 0
g[c <= -1] = 0
step g[c] = min(100, max(g[c], g[c - x] + x))
answer g[n]
`},
	}
	for _, tt := range cases {
		f, err := dsl.Parse(tt.name, []byte(tt.src))
		require.NoError(t, err)
		m, err := dsl.Check(f, nil)
		require.NoError(t, err, tt.src)
		p, ok := Identify(m)
		assert.False(t, ok, "identified as %v", p)
	}
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// The table's programs are embedded: a program is identified wherever
// dp2nn runs, not only inside the repository.
func TestIdentifyOutsideTheRepository(t *testing.T) {
	abs, err := repo.RepoPath("examples/lcs.dp")
	require.NoError(t, err)
	src, err := readFile(abs)
	require.NoError(t, err)
	t.Chdir(t.TempDir())
	f, err := dsl.Parse("my_lcs.dp", []byte(src))
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"m": 3, "n": 4})
	require.NoError(t, err)
	p, ok := Identify(m)
	require.True(t, ok)
	assert.Equal(t, "lcs", p.Name)
}
