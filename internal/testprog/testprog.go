// Package testprog reads and checks DSL programs for tests, failing the
// test on any error: Load takes a program of the repository by its path,
// File by a path relative to the test's package, Source takes its text.
//
//	m := testprog.Load(t, "examples/knapsack.dp", map[string]int64{"pmax": 20})
package testprog

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// Load reads, parses and checks the program at path (relative to the
// repository root) with params.
func Load(t testing.TB, path string, params map[string]int64) *dsl.Model {
	t.Helper()
	m, err := repo.Program(path, params)
	require.NoError(t, err)
	return m
}

// File reads, parses and checks the program at path (relative to the
// test's working directory, its package) with params.
func File(t testing.TB, path string, params map[string]int64) *dsl.Model {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := dsl.Parse(path, src)
	require.NoError(t, err)
	m, err := dsl.Check(f, params)
	require.NoError(t, err)
	return m
}

// Source parses and checks a program given as text, named t.dp.
func Source(t testing.TB, src string, params map[string]int64) *dsl.Model {
	t.Helper()
	m, err := repo.Source("t.dp", src, params)
	require.NoError(t, err)
	return m
}
