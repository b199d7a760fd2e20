package soql

import (
	"regexp"
	"strings"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokNumber
	tokDate
	tokDateTime
	tokOp // = != <> < <= > >=
	tokLParen
	tokRParen
	tokComma
	tokDot
	tokColon
)

type token struct {
	kind tokenKind
	text string // as written (for error messages)
	val  string // decoded string literal
	like string // string literal as a LIKE pattern
	pos  int    // byte offset in the query
}

// is reports whether t is the keyword kw (case-insensitive).
func (t token) is(kw string) bool { return t.kind == tokIdent && strings.EqualFold(t.text, kw) }

var (
	dateTimeRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})`)
	dateRe     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)
	numberRe   = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)`)
)

// lex splits a query into tokens. String escapes follow SOQL's "Quoted
// String Escape Sequences"; \_ and \% keep their backslash for LIKE.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			t, n, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += n
		case isDigit(c) || ((c == '-' || c == '+' || c == '.') && i+1 < len(src) && isDigit(src[i+1])):
			t := lexNumberOrDate(src, i)
			toks = append(toks, t)
			i += len(t.text)
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			toks = append(toks, token{kind: tokIdent, text: src[i:j], pos: i})
			i = j
		case c == '!' || c == '<' || c == '>' || c == '=':
			op := string(c)
			if i+1 < len(src) && (src[i+1] == '=' || (c == '<' && src[i+1] == '>')) {
				op = src[i : i+2]
			}
			if op == "!" {
				return nil, errAt(src, i, codeMalformed, "unexpected token: '!'")
			}
			toks = append(toks, token{kind: tokOp, text: op, pos: i})
			i += len(op)
		default:
			kind, ok := punctuation[c]
			if !ok {
				return nil, errAt(src, i, codeMalformed, "unexpected token: '"+string(c)+"'")
			}
			toks = append(toks, token{kind: kind, text: string(c), pos: i})
			i++
		}
	}
	return append(toks, token{kind: tokEOF, text: "<EOF>", pos: len(src)}), nil
}

var punctuation = map[byte]tokenKind{'(': tokLParen, ')': tokRParen, ',': tokComma, '.': tokDot, ':': tokColon}

func lexNumberOrDate(src string, i int) token {
	rest := src[i:]
	if m := dateTimeRe.FindString(rest); m != "" {
		return token{kind: tokDateTime, text: m, pos: i}
	}
	if m := dateRe.FindString(rest); m != "" {
		return token{kind: tokDate, text: m, pos: i}
	}
	return token{kind: tokNumber, text: numberRe.FindString(rest), pos: i}
}

// lexString reads a quoted string starting at src[i] == '\”. val is the
// decoded string; like is the same string as a LIKE pattern, where escaped
// wildcards (\_ \%) and backslashes stay escaped.
func lexString(src string, i int) (token, int, error) {
	var val, like strings.Builder
	for j := i + 1; j < len(src); j++ {
		c := src[j]
		if c == '\'' {
			return token{kind: tokString, text: src[i : j+1], val: val.String(), like: like.String(), pos: i}, j + 1 - i, nil
		}
		if c != '\\' {
			val.WriteByte(c)
			like.WriteByte(c)
			continue
		}
		if j+1 >= len(src) {
			break
		}
		j++
		e := src[j]
		decoded, ok := stringEscapes[e]
		if !ok {
			lit := src[i : j+1]
			return token{}, 0, errAt(src, i, codeMalformed, "Invalid string literal '"+lit+"'. Illegal character sequence '\\"+string(e)+"' in string literal.")
		}
		val.WriteByte(decoded)
		if e == '_' || e == '%' || e == '\\' {
			like.WriteByte('\\')
		}
		like.WriteByte(decoded)
	}
	return token{}, 0, errAt(src, i, codeMalformed, "unexpected token: '"+src[i:]+"'")
}

var stringEscapes = map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f',
	'"': '"', '\'': '\'', '\\': '\\', '_': '_', '%': '%'}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) }
