package instance_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/instance"
)

// A batch directory lists every instance file in name order; a JSON-lines
// file gives one entry per non-blank line, each line's errors positioned
// FILE:LINE(:COL) and its instance named by "name" or FILE:LINE.
func TestBatch(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.txt", "a.json", "c.atsp", "optima.txt", ".hidden.txt", "notes.md"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644))
	}
	got, err := instance.Batch(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
		assert.Equal(t, e.Path, e.Where)
	}
	assert.Equal(t, []string{"a", "b", "c"}, names)

	lines := filepath.Join(dir, "batch.jsonl")
	require.NoError(t, os.WriteFile(lines, []byte(
		`{"name": "first", "capacity": 10, "items": [{"profit": 3, "weight": 4}]}`+"\n"+
			"\n"+
			`{"capacity": 10, "items": [{"profit": 3, "weight": "NaN"}]}`+"\n"+
			`{"capacity": 10, "items": [{"profit": 3, "weight": 4}]`+"\n"+
			"3 4\n"+
			`{"capacity": 5, "items": [{"profit": 1, "weight": 2}]}`+"\n"), 0o644))
	got, err = instance.Batch(lines)
	require.NoError(t, err)
	require.Len(t, got, 5)
	for _, tt := range []struct {
		name, where, err string
	}{
		{"first", lines + ":1", ""},
		{"batch.jsonl:3", lines + ":3", lines + `:3: items.weight: got the string "NaN", want a number`},
		{"batch.jsonl:4", lines + ":4", lines + ":4:"},
		{"batch.jsonl:5", lines + ":5", lines + ":5: want a JSON instance object {...} on each line"},
		{"batch.jsonl:6", lines + ":6", ""},
	} {
		e := got[0]
		for _, g := range got {
			if g.Where == tt.where {
				e = g
			}
		}
		require.Equal(t, tt.where, e.Where)
		assert.Equal(t, tt.name, e.Name)
		assert.Empty(t, e.Path)
		if tt.err == "" {
			require.NoError(t, e.Err)
			assert.Equal(t, tt.where, e.Inst.Source, "messages name FILE:LINE")
			continue
		}
		assert.ErrorContains(t, e.Err, tt.err)
	}
	assert.Equal(t, "batch.jsonl:6", got[4].Inst.Name)

	for _, tt := range []struct{ path, want string }{
		{filepath.Join(dir, "missing"), "no such file"},
		{filepath.Join(dir, "a.json"), "want a directory of instance files or a JSON-lines file"},
		{t.TempDir(), "no instance files"},
	} {
		_, err := instance.Batch(tt.path)
		assert.ErrorContains(t, err, tt.want)
	}
}
