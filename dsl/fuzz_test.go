package dsl

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseCheck parses arbitrary bytes and checks what parses, with the
// defaults and with every param set to a fuzzed value and to a small one.
// A file with syntax errors is checked too, for what did parse.
// Nothing may panic, every error must carry a position inside the source
// (or the file name alone, for -set values), and every model that checks
// must satisfy the model invariants, including sound intervals.
//
// The seed corpus in testdata/fuzz/FuzzParseCheck holds the examples and
// the error tests; f.Add adds them again so a fresh checkout fuzzes from
// the current files.
func FuzzParseCheck(f *testing.F) {
	for _, pattern := range []string{filepath.Join("..", "examples", "*.dp"), filepath.Join("testdata", "errors", "*.dp")} {
		paths, err := filepath.Glob(pattern)
		require.NoError(f, err)
		for _, path := range paths {
			src, err := os.ReadFile(path)
			require.NoError(f, err)
			f.Add(src, int64(3))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, value int64) {
		const name = "fuzz.dp"
		file, err := Parse(name, src)
		require.NotNil(t, file)
		assertPositioned(t, err, src, name, false)
		if err != nil {
			// The declarations that did parse must check without a panic.
			_, err := Check(file, nil)
			assertPositioned(t, err, src, name, true)
			return
		}
		small := value % 16
		for _, params := range []map[string]int64{nil, paramsOf(file, value), paramsOf(file, small), {"no_such_param": 1}} {
			m, err := Check(file, params)
			assertPositioned(t, err, src, name, true)
			if err == nil {
				checkModel(t, m)
			}
		}
	})
}

// paramsOf sets every param of f to v.
func paramsOf(f *File, v int64) map[string]int64 {
	params := map[string]int64{}
	for _, p := range f.Params {
		params[p.Name.Name] = v
	}
	return params
}

// assertPositioned asserts that err is nil or an ErrorList of errors,
// sorted, each in file name at a valid position inside
// src (lineless positions only when allowed).
func assertPositioned(t *testing.T, err error, src []byte, name string, lineless bool) {
	t.Helper()
	if err == nil {
		return
	}
	errs, ok := err.(ErrorList)
	require.True(t, ok, "%T: %v", err, err)
	require.NotEmpty(t, errs)
	for i, e := range errs {
		require.NotEmpty(t, e.Msg)
		require.Equal(t, name, e.Pos.File, "%s", e)
		if !e.Pos.IsValid() && lineless {
			require.Zero(t, e.Pos.Offset)
			continue
		}
		require.True(t, e.Pos.IsValid(), "%s", e)
		require.GreaterOrEqual(t, e.Pos.Col, 1, "%s", e)
		require.LessOrEqual(t, e.Pos.Offset, len(src), "%s", e)
		// Line and column must agree with the offset.
		line, col := 1, 1
		for _, c := range src[:e.Pos.Offset] {
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		require.Equal(t, [2]int{line, col}, [2]int{e.Pos.Line, e.Pos.Col}, "%s", e)
		if i > 0 {
			p, q := errs[i-1].Pos, e.Pos
			require.True(t, p.Line < q.Line || p.Line == q.Line && p.Col <= q.Col, "errors not sorted: %s before %s", errs[i-1], e)
		}
	}
}
