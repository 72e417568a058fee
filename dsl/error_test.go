package dsl

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Error tests: every file testdata/errors/*.dp is parsed and, when it
// parses, checked; the errors must be exactly the expected ones.
//
// An expected error is a comment line with a caret under the offending
// token of the nearest line above that is not itself a caret line:
//
//	step f[p] = min(f[p], g[p])
//	#                     ^ ERROR "undeclared name g"
//
// The caret's column is the error's column; the text between the quotes
// is a regular expression (taken as is, not unquoted) the message must
// match. An error at column 1 cannot have a caret under it, so such lines
// are indented (white space is insignificant). Several caret lines may follow one
// source line. An error at the end of the file is written
// `# ERROR EOF "regexp"`. A line `# SET name=value` passes a param value
// to Check. Files use spaces, not tabs, so columns line up.

var (
	caretRx = regexp.MustCompile(`^\s*#(\s*)\^\s*ERROR\s+"((?:[^"\\]|\\.)*)"\s*$`)
	eofRx   = regexp.MustCompile(`^\s*#\s*ERROR\s+EOF\s+"((?:[^"\\]|\\.)*)"\s*$`)
	setRx   = regexp.MustCompile(`^\s*#\s*SET\s+(\w+)=(-?\d+)\s*$`)
)

type expectedError struct {
	line, col int
	rx        *regexp.Regexp
}

func (e expectedError) String() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.rx) }

// expectedErrors reads the ERROR and SET comments of src.
func expectedErrors(t *testing.T, src []byte) ([]expectedError, map[string]int64) {
	var want []expectedError
	params := map[string]int64{}
	lines := strings.Split(string(src), "\n")
	target := 0 // the line carets refer to
	for i, l := range lines {
		compile := func(rx string) *regexp.Regexp {
			re, err := regexp.Compile(rx)
			require.NoError(t, err, "line %d", i+1)
			return re
		}
		switch {
		case caretRx.MatchString(l):
			require.NotZero(t, target, "line %d: caret without a line above", i+1)
			m := caretRx.FindStringSubmatch(l)
			want = append(want, expectedError{line: target, col: strings.IndexByte(l, '^') + 1, rx: compile(m[2])})
		case eofRx.MatchString(l):
			m := eofRx.FindStringSubmatch(l)
			eof := Pos{Line: len(lines), Col: len(lines[len(lines)-1]) + 1}
			want = append(want, expectedError{line: eof.Line, col: eof.Col, rx: compile(m[1])})
			target = i + 1
		case setRx.MatchString(l):
			m := setRx.FindStringSubmatch(l)
			v, err := strconv.ParseInt(m[2], 10, 64)
			require.NoError(t, err)
			params[m[1]] = v
			target = i + 1
		default:
			require.NotContains(t, l, "ERROR", "line %d: malformed ERROR comment", i+1)
			target = i + 1
		}
	}
	return want, params
}

func TestErrors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.dp"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	total := 0
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			want, params := expectedErrors(t, src)
			require.NotEmpty(t, want, "no ERROR comments")
			total += len(want)
			name := filepath.Base(path)
			f, err := Parse(name, src)
			if err == nil {
				_, err = Check(f, params)
			}
			require.Error(t, err)
			var got ErrorList
			require.ErrorAs(t, err, &got)
			matched := make([]bool, len(got))
		expected:
			for _, w := range want {
				for i, e := range got {
					if !matched[i] && e.Pos.Line == w.line && e.Pos.Col == w.col && w.rx.MatchString(e.Msg) {
						matched[i] = true
						assert.Equal(t, name, e.Pos.File)
						continue expected
					}
				}
				assert.Failf(t, "missing error", "%s:%s\ngot:\n%s", name, w, listErrors(got))
			}
			for i, e := range got {
				if !matched[i] {
					assert.Failf(t, "unexpected error", "%s", e)
				}
			}
		})
	}
	t.Logf("%d expected errors in %d files", total, len(files))
}

func listErrors(l ErrorList) string {
	var b strings.Builder
	for _, e := range l {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	return b.String()
}
