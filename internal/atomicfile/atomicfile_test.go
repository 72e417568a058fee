package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	require.NoError(t, atomicfile.Write(path, []byte("one")))
	require.NoError(t, atomicfile.Write(path, []byte("two")))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "two", string(b))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	for _, tt := range []struct {
		name, path, want string
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "x.png"), "cannot write " + filepath.Join(dir, "no", "such", "x.png") + ": no such file or directory"},
		{"a directory", filepath.Join(dir, "sub"), "cannot write " + filepath.Join(dir, "sub") + ": it is a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, err := range []error{atomicfile.Write(tt.path, []byte("x")), atomicfile.CheckWritable(tt.path)} {
				require.Error(t, err)
				assert.Equal(t, tt.want, err.Error(), "names the target, never the temporary file")
			}
		})
	}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 2, "out.txt and sub: no temporary file left")
}
