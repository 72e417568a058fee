package dsl

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// tokenKind is the kind of a lexical token.
type tokenKind int

const (
	tEOF tokenKind = iota
	tIllegal
	tIdent
	tNumber

	// keywords
	tDp
	tParam
	tInput
	tState
	tStep
	tAnswer
	tIn
	tInt
	tReal
	tWhere
	tMax
	tMin
	tData
	tSteps
	tRequire
	tIf
	tThen
	tElse
	tAnd
	tOr
	tNot
	tNotin
	tSubsets
	tString // "..."; token.str holds the unquoted value

	// punctuation
	tLbrack // [
	tRbrack // ]
	tLparen // (
	tRparen // )
	tComma  // ,
	tAssign // =
	tDotDot // ..
	tPlus   // +
	tMinus  // -
	tStar   // *
	tSlash  // /
	tLT     // <
	tLE     // <=
	tEQ     // ==
	tNE     // !=
	tGE     // >=
	tGT     // >
	tColon  // :
	tLbrace // {
	tRbrace // }
)

var keywords = map[string]tokenKind{
	"dp": tDp, "param": tParam, "input": tInput, "state": tState, "step": tStep,
	"answer": tAnswer, "in": tIn, "int": tInt, "real": tReal, "where": tWhere,
	"max": tMax, "min": tMin, "data": tData, "steps": tSteps, "require": tRequire,
	"if": tIf, "then": tThen, "else": tElse, "and": tAnd, "or": tOr, "not": tNot,
	"notin": tNotin, "subsets": tSubsets,
}

var punctNames = map[tokenKind]string{
	tLbrack: "[", tRbrack: "]", tLparen: "(", tRparen: ")", tComma: ",",
	tAssign: "=", tDotDot: "..", tPlus: "+", tMinus: "-", tStar: "*", tSlash: "/",
	tLT: "<", tLE: "<=", tEQ: "==", tNE: "!=", tGE: ">=", tGT: ">",
	tColon: ":", tLbrace: "{", tRbrace: "}",
}

var twoByteTokens = map[string]tokenKind{"..": tDotDot, "<=": tLE, "==": tEQ, "!=": tNE, ">=": tGE}

var oneByteTokens = map[byte]tokenKind{'[': tLbrack, ']': tRbrack, '(': tLparen, ')': tRparen, ',': tComma,
	'=': tAssign, '+': tPlus, '-': tMinus, '*': tStar, '/': tSlash, '<': tLT, '>': tGT,
	':': tColon, '{': tLbrace, '}': tRbrace}

// token is one lexical token. lineStart is true for the first token on
// its line; the parser resynchronises there after an error.
type token struct {
	kind      tokenKind
	pos       Pos
	lit       string
	str       string // tString: the value, without quotes and escapes
	lineStart bool
}

// describe names the token for an error message.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tIdent:
		return "name " + t.lit
	case tNumber:
		return "number " + t.lit
	case tIllegal:
		return strconv.Quote(t.lit)
	case tString:
		return "string " + t.lit
	}
	if _, ok := keywords[t.lit]; ok {
		return "keyword " + t.lit
	}
	return "'" + t.lit + "'"
}

// maxExactInt is the largest integer a float64 holds exactly (2^53);
// integer literals, params and indices must stay within ±maxExactInt.
const maxExactInt = 1 << 53

// scanner splits a source into tokens.
type scanner struct {
	file string
	src  []byte
	off  int
	line int
	col  int
	errs *ErrorList
}

func (s *scanner) pos() Pos {
	return Pos{File: s.file, Offset: s.off, Line: s.line, Col: s.col}
}

func (s *scanner) error(pos Pos, msg string) {
	s.errs.Add(pos, msg)
}

// advance moves past n bytes that contain no newline.
func (s *scanner) advance(n int) {
	s.off += n
	s.col += n
}

func (s *scanner) peek(k int) byte {
	if s.off+k < len(s.src) {
		return s.src[s.off+k]
	}
	return 0
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// scanAll returns every token of src, ending with tEOF, and a Number
// value for every tNumber token (indexed like the tokens).
func scanAll(file string, src []byte, errs *ErrorList) ([]token, map[int]*Number) {
	s := &scanner{file: file, src: src, line: 1, col: 1, errs: errs}
	var toks []token
	numbers := make(map[int]*Number)
	lineStart := true
	for {
		// Skip white space and comments.
		for s.off < len(s.src) {
			c := s.src[s.off]
			switch {
			case c == '\n':
				s.off++
				s.line++
				s.col = 1
				lineStart = true
				continue
			case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
				s.advance(1)
				continue
			case c == '#' || c == '/' && s.peek(1) == '/':
				for s.off < len(s.src) && s.src[s.off] != '\n' {
					s.advance(1)
				}
				continue
			}
			break
		}
		pos := s.pos()
		if s.off >= len(s.src) {
			toks = append(toks, token{kind: tEOF, pos: pos, lineStart: true})
			return toks, numbers
		}
		t := s.next()
		t.pos = pos
		t.lineStart = lineStart
		lineStart = false
		if t.kind == tNumber {
			numbers[len(toks)] = s.number(t)
		}
		if t.kind == tIllegal {
			// Report and drop it: the parser then sees the tokens around it.
			r, size := utf8.DecodeRune(s.src[pos.Offset:])
			if r == utf8.RuneError && size <= 1 {
				s.error(pos, fmt.Sprintf("invalid byte 0x%02x in source", s.src[pos.Offset]))
			} else {
				s.error(pos, fmt.Sprintf("unexpected character %q", r))
			}
			continue
		}
		toks = append(toks, t)
	}
}

// next scans one token at s.off (not white space, not EOF).
func (s *scanner) next() token {
	start := s.off
	c := s.src[s.off]
	switch {
	case isLetter(c):
		for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
			s.advance(1)
		}
		lit := string(s.src[start:s.off])
		if lit == "inf" {
			return token{kind: tNumber, lit: lit}
		}
		if k, ok := keywords[lit]; ok {
			return token{kind: k, lit: lit}
		}
		return token{kind: tIdent, lit: lit}
	case isDigit(c) || c == '.' && isDigit(s.peek(1)):
		return s.scanNumber()
	case c == '"':
		return s.scanString()
	}
	if s.off+1 < len(s.src) {
		if k, ok := twoByteTokens[string(s.src[s.off:s.off+2])]; ok {
			s.advance(2)
			return token{kind: k, lit: punctNames[k]}
		}
	}
	if k, ok := oneByteTokens[c]; ok {
		s.advance(1)
		return token{kind: k, lit: punctNames[k]}
	}
	// Skip one whole UTF-8 sequence so the column stays on a character.
	_, size := utf8.DecodeRune(s.src[s.off:])
	if size < 1 {
		size = 1
	}
	s.advance(size)
	return token{kind: tIllegal, lit: string(s.src[start:s.off])}
}

// scanString scans a double-quoted string on one line; the only escapes
// are \" and \\. An unterminated string or an unknown escape is reported
// and the string ends there.
func (s *scanner) scanString() token {
	start, startPos := s.off, s.pos()
	s.advance(1)
	var val []byte
	for {
		c := s.peek(0)
		switch {
		case s.off >= len(s.src) || c == '\n':
			s.error(startPos, "string not terminated: a string ends with \" on the same line")
			return token{kind: tString, lit: string(s.src[start:s.off]), str: string(val)}
		case c == '"':
			s.advance(1)
			return token{kind: tString, lit: string(s.src[start:s.off]), str: string(val)}
		case c == '\\':
			if e := s.peek(1); e == '"' || e == '\\' {
				val = append(val, e)
				s.advance(2)
				continue
			}
			s.error(s.pos(), "unknown escape in string: only \\\" and \\\\ are allowed")
			s.advance(1)
		default:
			val = append(val, c)
			s.advance(1)
		}
	}
}

// scanNumber scans digits [. digits] [e [+-] digits]. A '.' followed by
// another '.' ends the number, so "1..pmax" is 1, .., pmax.
func (s *scanner) scanNumber() token {
	start, startPos := s.off, s.pos()
	for isDigit(s.peek(0)) {
		s.advance(1)
	}
	if s.peek(0) == '.' && s.peek(1) != '.' {
		s.advance(1)
		for isDigit(s.peek(0)) {
			s.advance(1)
		}
	}
	if c := s.peek(0); c == 'e' || c == 'E' {
		k := 1
		if c := s.peek(1); c == '+' || c == '-' {
			k = 2
		}
		if !isDigit(s.peek(k)) {
			end := s.off
			s.advance(k)
			s.error(startPos, fmt.Sprintf("malformed number %s: an exponent needs digits", s.src[start:s.off]))
			return token{kind: tNumber, lit: string(s.src[start:end])}
		}
		s.advance(k)
		for isDigit(s.peek(0)) {
			s.advance(1)
		}
	}
	return token{kind: tNumber, lit: string(s.src[start:s.off])}
}

// number converts a number token, reporting literals that are out of range.
func (s *scanner) number(t token) *Number {
	n := &Number{ValuePos: t.pos, Lit: t.lit}
	if t.lit == "inf" {
		n.Value = math.Inf(1)
		return n
	}
	n.Int = true
	for i := 0; i < len(t.lit); i++ {
		if c := t.lit[i]; c == '.' || c == 'e' || c == 'E' {
			n.Int = false
		}
	}
	v, err := strconv.ParseFloat(t.lit, 64)
	if n.Int {
		// Compare the digits, not the rounded float: 2^53+1 rounds to 2^53.
		if u, err := strconv.ParseUint(t.lit, 10, 64); err != nil || u > maxExactInt {
			s.error(t.pos, fmt.Sprintf("integer %s is too large; integers must be at most 2^53 = %d", t.lit, int64(maxExactInt)))
			v = 0
		}
	} else if err != nil || math.IsInf(v, 0) {
		s.error(t.pos, fmt.Sprintf("number %s is too large", t.lit))
		v = 0
	}
	n.Value = v
	return n
}
