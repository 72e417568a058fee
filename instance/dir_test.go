package instance_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
)

// Files lists the instance files of a directory in name order, without
// optima.txt, hidden files and other extensions; OptimaIn reads its
// optima.txt, or none.
func TestFilesAndOptima(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.txt", "a.json", "optima.txt", ".hidden.txt", "notes.md"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("a 3\n"), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub.txt"), 0o755))
	files, err := instance.Files(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "a.json"), filepath.Join(dir, "b.txt")}, files)
	assert.Equal(t, "b", instance.NameOf(files[1]))
	optima, err := instance.OptimaIn(dir)
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"a": 3}, optima)

	empty := t.TempDir()
	files, err = instance.Files(empty)
	require.NoError(t, err)
	assert.Empty(t, files)
	_, err = instance.Files(filepath.Join(empty, "missing"))
	assert.ErrorContains(t, err, "missing")
	optima, err = instance.OptimaIn(empty)
	require.NoError(t, err)
	assert.Empty(t, optima)
	require.NoError(t, os.WriteFile(filepath.Join(empty, "optima.txt"), []byte("a x\n"), 0o644))
	_, err = instance.OptimaIn(empty)
	assert.ErrorContains(t, err, "optima.txt:1")
}
