package doctest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commands takes the lines of "sh" blocks only, reads "# exit N" and the
// long tag, and skips comments and blank lines.
func TestCommandsParse(t *testing.T) {
	md := "# T\n\n```\ndp2nn check FILE.dp [-set NAME=V]\n```\n\n```sh\n# a comment\ndp2nn check examples/knapsack.dp\n\ndp2nn solve x.dp   # exit 2\n```\n\n```sh long\ngo test -bench . ./compile\n```\n\n```go\nfmt.Println(1)\n```\n"
	path := filepath.Join(t.TempDir(), "t.md")
	require.NoError(t, os.WriteFile(path, []byte(md), 0o644))
	got, err := commands(path, "t.md")
	require.NoError(t, err)
	assert.Equal(t, []command{
		{file: "t.md", line: 9, text: "dp2nn check examples/knapsack.dp"},
		{file: "t.md", line: 11, text: "dp2nn solve x.dp", exit: 2},
		{file: "t.md", line: 15, text: "go test -bench . ./compile", long: true},
	}, got)
}

func TestMismatchPattern(t *testing.T) {
	for _, tt := range []struct {
		out  string
		want []string
	}{
		{"verify: 1000 cases, 0 mismatches", []string{"0"}},
		{"5 mismatches: the model's decode tail answers 20", []string{"5"}},
		{`{"mismatches": 3}`, []string{"3"}},
		{"1 mismatch", []string{"1"}},
		{"no problem", nil},
	} {
		var got []string
		for _, m := range mismatches.FindAllStringSubmatch(tt.out, -1) {
			got = append(got, m[1]+m[2])
		}
		assert.Equal(t, tt.want, got, tt.out)
	}
}
