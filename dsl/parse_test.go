package dsl

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// examplePaths returns the example programs of the repository.
func examplePaths(t testing.TB) []string {
	paths, err := filepath.Glob(filepath.Join("..", "examples", "*.dp"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	return paths
}

func parseExample(t testing.TB, path string) (*File, []byte) {
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := Parse(filepath.Base(path), src)
	require.NoError(t, err)
	return f, src
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./dsl -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs; if the change is intended, run go test ./dsl -update", path)
}

func TestParseExamplesGolden(t *testing.T) {
	for _, path := range examplePaths(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".dp")
		t.Run(name, func(t *testing.T) {
			f, src := parseExample(t, path)
			assert.Equal(t, src, f.Src)
			var buf bytes.Buffer
			require.NoError(t, Dump(&buf, f))
			golden(t, name+".ast", buf.Bytes())
		})
	}
}

// sexpr prints an expression as an S-expression for precedence tests.
func sexpr(e Expr) string {
	list := func(head string, xs []Expr) string {
		parts := []string{head}
		for _, x := range xs {
			parts = append(parts, sexpr(x))
		}
		return "(" + strings.Join(parts, " ") + ")"
	}
	switch x := e.(type) {
	case *Number:
		return x.Lit
	case *Name:
		return x.Ident.Name
	case *Index:
		return list(x.Name.Name+"[]", x.Indices)
	case *Call:
		return list(x.Func.Name, x.Args)
	case *Unary:
		return list(string(x.Op), []Expr{x.X})
	case *Binary:
		return list(string(x.Op), []Expr{x.X, x.Y})
	case *Paren:
		return list("paren", []Expr{x.X})
	case *If:
		return list("if", []Expr{x.Cond, x.Then, x.Else})
	case *Reduce:
		head := x.Func.Name + " " + x.Var.Name
		if x.Filter != nil {
			return list(head, []Expr{x.Domain, x.Filter, x.Body})
		}
		return list(head, []Expr{x.Domain, x.Body})
	case *Bracket:
		return list("["+x.Op.String()+"]", []Expr{x.X, x.Y})
	case *SetLit:
		if x.IsRange {
			return list("{..}", []Expr{x.Lo, x.Hi})
		}
		return list("{}", x.Elems)
	case *RangeSet:
		return list("..", []Expr{x.Lo, x.Hi})
	case *Logic:
		if x.Y == nil {
			return list(logicName(x.Op), []Expr{x.X})
		}
		return list(logicName(x.Op), []Expr{x.X, x.Y})
	case *Compare:
		op := x.Op.String()
		switch {
		case x.Member && x.Not:
			op = "notin"
		case x.Member:
			op = "in"
		}
		return list(op, []Expr{x.X, x.Y})
	}
	return fmt.Sprintf("%T", e)
}

func TestParseExpressions(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"1", "1"},
		{"a + b * c", "(+ a (* b c))"},
		{"a * b + c", "(+ (* a b) c)"},
		{"a - b - c", "(- (- a b) c)"},
		{"a / b * c", "(* (/ a b) c)"},
		{"-a * b", "(* (- a) b)"},
		{"- -a", "(- (- a))"},
		{"-(a + b)", "(- (paren (+ a b)))"},
		{"f[p - profit] + size", "(+ (f[] (- p profit)) size)"},
		{"min(f[p], f[p - w] + 1)", "(min (f[] p) (+ (f[] (- p w)) 1))"},
		{"max(a, b, c, d)", "(max a b c d)"},
		{"clamp(x + 1, 0, 2)", "(clamp (+ x 1) 0 2)"},
		{"g[i, j + 1]", "(g[] i (+ j 1))"},
		{"2*capacity", "(* 2 capacity)"},
		{"1.5e3 + .5 + 2.", "(+ (+ 1.5e3 .5) 2.)"},
		{"inf", "inf"},
		{"foo(1, 2)", "(foo 1 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			src := "dp t\nanswer " + tt.src + "\n"
			f, err := Parse("t.dp", []byte(src))
			require.NoError(t, err)
			require.NotNil(t, f.Answer)
			require.Equal(t, AnswerValue, f.Answer.Kind)
			assert.Equal(t, tt.want, sexpr(f.Answer.Value))
			// Every node's source text is the whole expression.
			assert.Equal(t, tt.src, f.Text(f.Answer.Value))
		})
	}
}

func TestScanNumbers(t *testing.T) {
	tests := []struct {
		src   string
		lits  []string // the tokens' literals, in order
		value float64  // value of the first number
		isInt bool
	}{
		{"1..pmax", []string{"1", "..", "pmax"}, 1, true},
		{"1.5..2", []string{"1.5", "..", "2"}, 1.5, false},
		{"0..2*capacity", []string{"0", "..", "2", "*", "capacity"}, 0, true},
		{"-3..-1", []string{"-", "3", "..", "-", "1"}, 3, true},
		{"1e3", []string{"1e3"}, 1000, false},
		{"2.5E-1", []string{"2.5E-1"}, 0.25, false},
		{"1e+2", []string{"1e+2"}, 100, false},
		{".5", []string{".5"}, 0.5, false},
		{"7.", []string{"7."}, 7, false},
		{"inf", []string{"inf"}, math.Inf(1), false},
		{"1..inf", []string{"1", "..", "inf"}, 1, true},
		{"9007199254740992", []string{"9007199254740992"}, 1 << 53, true},
		{"a<=b>=c==d!=e<f>g", []string{"a", "<=", "b", ">=", "c", "==", "d", "!=", "e", "<", "f", ">", "g"}, 0, false},
		{"x # comment\ny // another\nz", []string{"x", "y", "z"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			var errs ErrorList
			toks, numbers := scanAll("t.dp", []byte(tt.src), &errs)
			require.Empty(t, errs)
			var lits []string
			var first *Number
			for i, tok := range toks {
				if tok.kind == tEOF {
					continue
				}
				lits = append(lits, tok.lit)
				if tok.kind == tNumber && first == nil {
					first = numbers[i]
				}
			}
			assert.Equal(t, tt.lits, lits)
			if first != nil {
				assert.Equal(t, tt.value, first.Value)
				assert.Equal(t, tt.isInt, first.Int)
			}
		})
	}
}

func TestScanPositions(t *testing.T) {
	var errs ErrorList
	toks, _ := scanAll("p.dp", []byte("dp x\n  state\tf\n#c\n\nanswer"), &errs)
	require.Empty(t, errs)
	var got []string
	for _, tok := range toks {
		got = append(got, fmt.Sprintf("%s@%d:%d/%d/%v", tok.lit, tok.pos.Line, tok.pos.Col, tok.pos.Offset, tok.lineStart))
	}
	assert.Equal(t, []string{
		"dp@1:1/0/true", "x@1:4/3/false", "state@2:3/7/true", "f@2:9/13/false", "answer@5:1/19/true", "@5:7/25/true",
	}, got)
}

func TestParseAnswerForms(t *testing.T) {
	tests := []struct {
		src  string
		kind AnswerKind
		text string // the answer's source text
	}{
		{"answer f[3]", AnswerValue, "f[3]"},
		{"answer max(f[1], f[2])", AnswerValue, "max(f[1], f[2])"},
		{"answer min(f[1], 0)", AnswerValue, "min(f[1], 0)"},
		{"answer max p where f[p] <= 1", AnswerMaxIndex, "f[p] <= 1"},
		{"answer min p where 2 * f[p] != f[p - 1]", AnswerMinIndex, "2 * f[p] != f[p - 1]"},
		{"answer max max1 where f[max1] > 0", AnswerMaxIndex, "f[max1] > 0"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			f, err := Parse("a.dp", []byte("dp a\n"+tt.src))
			require.NoError(t, err)
			a := f.Answer
			require.NotNil(t, a)
			assert.Equal(t, tt.kind, a.Kind)
			if a.Kind == AnswerValue {
				assert.Equal(t, tt.text, f.Text(a.Value))
			} else {
				assert.Equal(t, tt.text, string(f.Src[a.LHS.Pos().Offset:a.RHS.End().Offset]))
			}
			assert.Equal(t, tt.src, string(f.Src[a.Pos().Offset:a.End().Offset]))
		})
	}
}

func TestParseNoAnswer(t *testing.T) {
	f, err := Parse("n.dp", []byte("dp n state f[p in 1..2] real in 0..1 = 0 step f[p] = f[p]"))
	require.NoError(t, err, "newlines are white space: one line holds a whole program")
	assert.Nil(t, f.Answer)
	assert.Len(t, f.States, 1)
	assert.Len(t, f.Steps, 1)
}

// TestParseHostile feeds inputs that once were, or could be, trouble: they
// must give positioned errors, never a panic.
func TestParseHostile(t *testing.T) {
	deep := strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000)
	tests := []struct {
		name, src, want string
	}{
		{"deep parens", "dp d\nanswer " + deep, "2:208: expression nested too deeply \\(more than 200 levels\\)"},
		{"deep minus", "dp d\nanswer " + strings.Repeat("-", 5000) + "1", "2:208: expression nested too deeply"},
		{"invalid byte", "dp d\nparam n int = \xff", "2:15: invalid byte 0xff in source"},
		{"unicode", "dp d\nparam n int = 1 × 2", "2:17: unexpected character '×'"},
		{"nul", "dp d\x00", "1:5: invalid byte 0x00|unexpected character"},
		{"empty", "", "1:1: a program starts with dp NAME, found end of file"},
		{"only dp", "dp", "1:3: expected program name after dp, found end of file"},
		{"unclosed", "dp d answer f[1", "1:16: expected ',' or '\\]', found end of file"},
		{"bad exponent", "dp d answer 1e+", "1:13: malformed number 1e\\+: an exponent needs digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("h.dp", []byte(tt.src))
			require.Error(t, err)
			assert.Regexp(t, "^h.dp:"+tt.want, err.Error())
		})
	}
}

// Every bad line is reported: nothing is dropped past a count.
func TestParseReportsEveryError(t *testing.T) {
	var src strings.Builder
	src.WriteString("dp many\n")
	for i := 0; i < 30; i++ {
		src.WriteString("param = 1\n")
	}
	_, err := Parse("m.dp", []byte(src.String()))
	var errs ErrorList
	require.ErrorAs(t, err, &errs)
	assert.Len(t, errs, 30)
	lines := strings.Split(err.Error(), "\n")
	assert.Len(t, lines, 30, "every error on a line of its own")
	assert.Equal(t, "m.dp:31:7: expected param name, found '='", lines[29])
	assert.Equal(t, "m.dp:2:7: expected param name, found '='", lines[0])
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	assert.NoError(t, l.Err())
	assert.Equal(t, "no errors", l.Error())
	l.Add(Pos{File: "b.dp", Line: 2, Col: 1}, "second")
	l.Add(Pos{File: "b.dp", Line: 1, Col: 5}, "first")
	l.Add(Pos{File: "b.dp"}, "no line")
	l.Add(Pos{File: "a.dp", Line: 9, Col: 9}, "other file")
	l.Sort()
	var got []string
	for _, e := range l {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{"a.dp:9:9: other file", "b.dp: no line", "b.dp:1:5: first", "b.dp:2:1: second"}, got)
	assert.Equal(t, "a.dp:9:9: other file\nb.dp: no line\nb.dp:1:5: first\nb.dp:2:1: second", l.Err().Error())
	assert.Equal(t, "b.dp:1:5: first\nb.dp:2:1: second", l[2:].Error())
	assert.Equal(t, "x", (&Error{Msg: "x"}).Error())
}
