package soql

import (
	"strconv"
	"strings"
)

// maxOffset is the largest OFFSET Salesforce accepts.
const maxOffset = 2000

// relativeDates are the date literals supported; the ones with ":n" take
// a number of days.
var relativeDates = map[string]bool{"TODAY": false, "YESTERDAY": false, "TOMORROW": false,
	"LAST_N_DAYS": true, "NEXT_N_DAYS": true}

// Parse parses a SOQL SELECT statement.
func Parse(src string) (*Query, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Code: codeMalformed, Detail: "SOQL statements cannot be empty or null"}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	q, err := p.query(false)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t)
	}
	return q, nil
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) unexpected(t token) error {
	return errAt(p.src, t.pos, codeMalformed, "unexpected token: '"+t.text+"'")
}

func (p *parser) keyword(kw string) error {
	if t := p.next(); !t.is(kw) {
		return p.unexpected(t)
	}
	return nil
}

func (p *parser) expect(kind tokenKind) (token, error) {
	t := p.next()
	if t.kind != kind {
		return t, p.unexpected(t)
	}
	return t, nil
}

func (p *parser) query(sub bool) (*Query, error) {
	if err := p.keyword("SELECT"); err != nil {
		return nil, err
	}
	q := &Query{}
	var err error
	if q.Select, err = p.selectList(sub); err != nil {
		return nil, err
	}
	if err := p.keyword("FROM"); err != nil {
		return nil, err
	}
	from, err := p.expect(tokIdent)
	if err != nil {
		return nil, err
	}
	q.From = Name{Text: from.text, Pos: from.pos}
	return q, p.clauses(q)
}

// clauses parses the optional WHERE, ORDER BY, LIMIT and OFFSET, in order.
func (p *parser) clauses(q *Query) error {
	var err error
	if p.peek().is("WHERE") {
		p.next()
		if q.Where, err = p.condition(); err != nil {
			return err
		}
	}
	if p.peek().is("ORDER") {
		p.next()
		if err := p.keyword("BY"); err != nil {
			return err
		}
		if q.OrderBy, err = p.orderList(); err != nil {
			return err
		}
	}
	if p.peek().is("LIMIT") {
		p.next()
		if q.Limit, err = p.count(); err != nil {
			return err
		}
	}
	if p.peek().is("OFFSET") {
		p.next()
		t := p.peek()
		if q.Offset, err = p.count(); err != nil {
			return err
		}
		if *q.Offset > maxOffset {
			return errAt(p.src, t.pos, codeOutOfRange, "Maximum SOQL offset allowed is 2000")
		}
	}
	return nil
}

func (p *parser) count() (*int, error) {
	t, err := p.expect(tokNumber)
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 0 {
		return nil, p.unexpected(t)
	}
	return &n, nil
}

func (p *parser) selectList(sub bool) ([]SelectItem, error) {
	var items []SelectItem
	for {
		item, err := p.selectItem(sub)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
		if p.peek().kind != tokComma {
			return items, nil
		}
		p.next()
	}
}

func (p *parser) selectItem(sub bool) (SelectItem, error) {
	t := p.peek()
	switch {
	case t.kind == tokLParen && !sub:
		p.next()
		q, err := p.query(true)
		if err != nil {
			return SelectItem{}, err
		}
		if _, err := p.expect(tokRParen); err != nil {
			return SelectItem{}, err
		}
		return SelectItem{Sub: q, Pos: t.pos}, nil
	case t.is("COUNT") && p.toks[p.i+1].kind == tokLParen:
		p.next()
		p.next()
		if _, err := p.expect(tokRParen); err != nil {
			return SelectItem{}, err
		}
		return SelectItem{Count: true, Pos: t.pos}, nil
	}
	path, err := p.path()
	return SelectItem{Path: path, Pos: t.pos}, err
}

func (p *parser) path() (Path, error) {
	var path Path
	for {
		t, err := p.expect(tokIdent)
		if err != nil {
			return nil, err
		}
		path = append(path, Name{Text: t.text, Pos: t.pos})
		if p.peek().kind != tokDot {
			return path, nil
		}
		p.next()
	}
}

func (p *parser) orderList() ([]OrderItem, error) {
	var items []OrderItem
	for {
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		item := OrderItem{Field: path}
		if t := p.peek(); t.is("ASC") || t.is("DESC") {
			p.next()
			item.Desc = t.is("DESC")
		}
		item.NullsLast = item.Desc
		if p.peek().is("NULLS") {
			p.next()
			t := p.next()
			if !t.is("FIRST") && !t.is("LAST") {
				return nil, p.unexpected(t)
			}
			item.NullsLast = t.is("LAST")
		}
		items = append(items, item)
		if p.peek().kind != tokComma {
			return items, nil
		}
		p.next()
	}
}

// condition parses a chain of terms joined by AND or by OR. Mixing the two
// without parentheses is an error in SOQL.
func (p *parser) condition() (Expr, error) {
	first, err := p.term()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if !t.is("AND") && !t.is("OR") {
		return first, nil
	}
	chain := &Logical{Op: strings.ToUpper(t.text), Terms: []Expr{first}}
	for {
		t := p.peek()
		if !t.is("AND") && !t.is("OR") {
			return chain, nil
		}
		if !t.is(chain.Op) {
			return nil, p.unexpected(t)
		}
		p.next()
		term, err := p.term()
		if err != nil {
			return nil, err
		}
		chain.Terms = append(chain.Terms, term)
	}
}

func (p *parser) term() (Expr, error) {
	t := p.peek()
	switch {
	case t.is("NOT"):
		p.next()
		x, err := p.term()
		if err != nil {
			return nil, err
		}
		return &Not{X: x, Pos: t.pos}, nil
	case t.kind == tokLParen:
		p.next()
		x, err := p.condition()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen); err != nil {
			return nil, err
		}
		return x, nil
	}
	return p.comparison()
}

func (p *parser) comparison() (Expr, error) {
	field, err := p.path()
	if err != nil {
		return nil, err
	}
	c := &Comparison{Field: field}
	t := p.next()
	switch {
	case t.kind == tokOp:
		c.Op = t.text
		if c.Op == "<>" {
			c.Op = "!="
		}
	case t.is("LIKE"):
		c.Op = "LIKE"
	case t.is("IN"):
		c.Op = "IN"
	case t.is("NOT") && p.peek().is("IN"):
		p.next()
		c.Op = "NOT IN"
	default:
		return nil, p.unexpected(t)
	}
	if c.Op == "IN" || c.Op == "NOT IN" {
		c.Values, err = p.valueList()
		return c, err
	}
	c.Value, err = p.literal()
	return c, err
}

func (p *parser) valueList() ([]Literal, error) {
	if _, err := p.expect(tokLParen); err != nil {
		return nil, err
	}
	var values []Literal
	for {
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		values = append(values, v)
		t := p.next()
		if t.kind == tokRParen {
			return values, nil
		}
		if t.kind != tokComma {
			return nil, p.unexpected(t)
		}
	}
}

func (p *parser) literal() (Literal, error) {
	t := p.next()
	lit := Literal{Text: t.text, Pos: t.pos}
	switch {
	case t.kind == tokString:
		lit.Kind, lit.Str, lit.Like = LitString, t.val, t.like
	case t.kind == tokNumber:
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return lit, p.unexpected(t)
		}
		lit.Kind, lit.Num = LitNumber, n
	case t.kind == tokDate:
		lit.Kind = LitDate
	case t.kind == tokDateTime:
		lit.Kind = LitDateTime
	case t.is("NULL"):
		lit.Kind = LitNull
	case t.is("TRUE") || t.is("FALSE"):
		lit.Kind, lit.Bool = LitBool, t.is("TRUE")
	case t.kind == tokIdent:
		return p.relativeDate(t)
	default:
		return lit, p.unexpected(t)
	}
	return lit, nil
}

func (p *parser) relativeDate(t token) (Literal, error) {
	name := strings.ToUpper(t.text)
	takesN, ok := relativeDates[name]
	if !ok {
		return Literal{}, p.unexpected(t)
	}
	lit := Literal{Kind: LitRelativeDate, Text: t.text, Str: name, Pos: t.pos}
	if !takesN {
		return lit, nil
	}
	if _, err := p.expect(tokColon); err != nil {
		return lit, err
	}
	n, err := p.count()
	if err != nil {
		return lit, err
	}
	lit.N = *n
	lit.Text = t.text + ":" + strconv.Itoa(lit.N)
	return lit, nil
}
