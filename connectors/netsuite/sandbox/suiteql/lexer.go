package suiteql

import (
	"strings"
	"unicode"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokQuotedIdent
	tokString
	tokNumber
	tokParam
	tokOp // punctuation and operators: = <> != < <= > >= + - * / || ( ) , .
)

type token struct {
	kind tokenKind
	text string // identifiers upper-cased for keyword checks live in upper
	pos  int
}

// upper is the token text upper-cased, used to match keywords.
func (t token) upper() string { return strings.ToUpper(t.text) }

func (t token) isKeyword(kw string) bool { return t.kind == tokIdent && t.upper() == kw }

func (t token) isOp(op string) bool { return t.kind == tokOp && t.text == op }

// lex splits a SuiteQL statement into tokens.
func lex(src string) ([]token, error) {
	var toks []token
	rs := []rune(src)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '-' && i+1 < len(rs) && rs[i+1] == '-': // line comment
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case isIdentStart(r):
			start := i
			for i < len(rs) && isIdentPart(rs[i]) {
				i++
			}
			toks = append(toks, token{tokIdent, string(rs[start:i]), start})
		case r >= '0' && r <= '9' || r == '.' && i+1 < len(rs) && rs[i+1] >= '0' && rs[i+1] <= '9':
			start := i
			i = scanNumber(rs, i)
			toks = append(toks, token{tokNumber, string(rs[start:i]), start})
		case r == '\'':
			s, next, err := scanQuoted(rs, i, '\'')
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tokString, s, i})
			i = next
		case r == '"':
			s, next, err := scanQuoted(rs, i, '"')
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tokQuotedIdent, s, i})
			i = next
		case r == '?':
			toks = append(toks, token{tokParam, "?", i})
			i++
		default:
			op, ok := scanOp(rs, i)
			if !ok {
				return nil, syntaxErrorf("unexpected character %q at position %d", r, i)
			}
			toks = append(toks, token{tokOp, op, i})
			i += len([]rune(op))
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(rs)}), nil
}

func isIdentStart(r rune) bool { return unicode.IsLetter(r) || r == '_' }

func isIdentPart(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '$' || r == '#'
}

func scanNumber(rs []rune, i int) int {
	seenDot := false
	for i < len(rs) && (rs[i] >= '0' && rs[i] <= '9' || rs[i] == '.' && !seenDot) {
		if rs[i] == '.' {
			seenDot = true
		}
		i++
	}
	return i
}

// scanQuoted reads a quoted string or identifier where a doubled quote
// stands for one quote character, as in Oracle SQL.
func scanQuoted(rs []rune, i int, q rune) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(rs); j++ {
		if rs[j] != q {
			b.WriteRune(rs[j])
			continue
		}
		if j+1 < len(rs) && rs[j+1] == q {
			b.WriteRune(q)
			j++
			continue
		}
		return b.String(), j + 1, nil
	}
	return "", 0, syntaxErrorf("unterminated quoted text starting at position %d", i)
}

var twoCharOps = []string{"<>", "!=", "<=", ">=", "||"}

func scanOp(rs []rune, i int) (string, bool) {
	if i+1 < len(rs) {
		pair := string(rs[i : i+2])
		for _, op := range twoCharOps {
			if pair == op {
				return op, true
			}
		}
	}
	switch rs[i] {
	case '=', '<', '>', '+', '-', '*', '/', '(', ')', ',', '.':
		return string(rs[i]), true
	}
	return "", false
}
