package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a source position. Line and Col are 1-based; Col counts bytes.
// The zero Pos is "no position". A Pos with a File and no Line names the
// whole file, or an argument of an API call (Arg).
type Pos struct {
	File   string
	Offset int // byte offset, 0-based
	Line   int
	Col    int
}

// Arg is the position of an argument of an API call, named the way the
// caller wrote it ("gamma", "Weights[3]").
func Arg(name string) Pos { return Pos{File: name} }

// Add returns the position n bytes to the right on the same line.
func (p Pos) Add(n int) Pos {
	p.Offset += n
	p.Col += n
	return p
}

// IsValid reports whether p names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String prints p as file:line:col, file:line without a column, line:col
// without a file name, the file (or argument) alone without a line, and
// "-" for no position.
func (p Pos) String() string {
	switch {
	case !p.IsValid():
		if p.File != "" {
			return p.File
		}
		return "-"
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a user error at a position.
type Error struct {
	Pos Pos
	Msg string
}

// Error prints the error as "file:line:col: message" (the message alone
// without a position).
func (e *Error) Error() string {
	if e.Pos.IsValid() || e.Pos.File != "" {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Msg
}

// ErrorList is a list of user errors. The zero value is an empty list
// ready to use.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Pos, msg string) {
	*l = append(*l, &Error{Pos: pos, Msg: msg})
}

// Addf appends an error at pos with a formatted message.
func (l *ErrorList) Addf(pos Pos, format string, args ...any) {
	l.Add(pos, fmt.Sprintf(format, args...))
}

// Sort sorts the list by file, line, column and message. Errors without a
// line (such as a bad -set value) come first within their file.
func (l ErrorList) Sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Error prints every error, one a line.
func (l ErrorList) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
