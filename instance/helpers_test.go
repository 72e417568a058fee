package instance_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// checkProgram parses and checks a program given as source.
func checkProgram(t testing.TB, src string, params map[string]int64) *dsl.Model {
	t.Helper()
	m, err := repo.Source("t.dp", src, params)
	require.NoError(t, err)
	return m
}

// loadProgram reads, parses and checks a program of the repository.
func loadProgram(t testing.TB, path string, params map[string]int64) *dsl.Model {
	t.Helper()
	m, err := repo.Program(path, params)
	require.NoError(t, err)
	return m
}
