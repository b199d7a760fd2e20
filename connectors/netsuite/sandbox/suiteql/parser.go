package suiteql

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxDepth bounds expression nesting so hostile input cannot exhaust the stack.
const MaxDepth = 200

// MaxInList is Oracle's limit on the expressions of an IN list (ORA-01795).
const MaxInList = 1000

// Parse parses one SuiteQL statement of the supported subset.
func Parse(src string) (*Query, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	q.Params = p.params
	return q, nil
}

type parser struct {
	toks   []token
	i      int
	params int
	depth  int
	exprN  int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) acceptKeyword(kw string) bool {
	if p.peek().isKeyword(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) acceptOp(op string) bool {
	if p.peek().isOp(op) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectKeyword(kw string) error {
	if !p.acceptKeyword(kw) {
		return p.unexpected("expected " + kw)
	}
	return nil
}

func (p *parser) expectOp(op string) error {
	if !p.acceptOp(op) {
		return p.unexpected("expected " + op)
	}
	return nil
}

func (p *parser) unexpected(what string) *Error {
	t := p.peek()
	if t.kind == tokEOF {
		return syntaxErrorf("%s, found end of query", what)
	}
	return syntaxErrorf("%s, found %q at position %d", what, t.text, t.pos)
}

// reserved words cannot be used as bare aliases.
var reserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true,
	"ORDER": true, "GROUP": true, "BY": true, "AS": true, "IS": true, "NULL": true,
	"LIKE": true, "IN": true, "BETWEEN": true, "ASC": true, "DESC": true, "JOIN": true,
	"LEFT": true, "RIGHT": true, "INNER": true, "OUTER": true, "ON": true, "HAVING": true,
	"UNION": true, "DISTINCT": true, "NULLS": true, "ESCAPE": true,
	"CASE": true, "WHEN": true, "THEN": true, "ELSE": true, "END": true, "FULL": true,
}

func (p *parser) query() (*Query, error) {
	if err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	q := &Query{Distinct: p.acceptKeyword("DISTINCT")}
	if err := p.selectList(q); err != nil {
		return nil, err
	}
	if err := p.from(q); err != nil {
		return nil, err
	}
	if err := p.clauses(q); err != nil {
		return nil, err
	}
	if p.peek().kind != tokEOF {
		return nil, p.unexpected("unsupported clause")
	}
	return q, nil
}

func (p *parser) selectList(q *Query) error {
	if p.acceptOp("*") {
		q.Star = true
		return nil
	}
	for {
		item, err := p.selectItem()
		if err != nil {
			return err
		}
		q.Select = append(q.Select, item)
		if !p.acceptOp(",") {
			return nil
		}
	}
}

func (p *parser) selectItem() (SelectItem, error) {
	if q, ok := p.qualifiedStar(); ok {
		return SelectItem{Expr: starOf{qualifier: q}}, nil
	}
	e, err := p.expr()
	if err != nil {
		return SelectItem{}, err
	}
	item := SelectItem{Expr: e}
	alias, ok, err := p.alias()
	switch {
	case err != nil:
		return SelectItem{}, err
	case ok:
		item.Name = alias
	case isColumn(e):
		item.Name = e.(column).name
	default:
		p.exprN++
		item.Name = fmt.Sprintf("expr%d", p.exprN)
	}
	return item, nil
}

// qualifiedStar reads alias.* in a select list.
func (p *parser) qualifiedStar() (string, bool) {
	if p.i+2 >= len(p.toks) {
		return "", false
	}
	t := p.toks[p.i]
	if t.kind != tokIdent && t.kind != tokQuotedIdent || !p.toks[p.i+1].isOp(".") || !p.toks[p.i+2].isOp("*") {
		return "", false
	}
	p.i += 3
	return strings.ToLower(t.text), true
}

func isColumn(e Expr) bool { _, ok := e.(column); return ok }

// alias reads an optional [AS] alias.
func (p *parser) alias() (string, bool, error) {
	explicit := p.acceptKeyword("AS")
	t := p.peek()
	switch {
	case t.kind == tokQuotedIdent:
		p.i++
		return strings.ToLower(t.text), true, nil
	case t.kind == tokIdent && !reserved[t.upper()]:
		p.i++
		return strings.ToLower(t.text), true, nil
	case explicit:
		return "", false, p.unexpected("expected an alias")
	}
	return "", false, nil
}

func (p *parser) from(q *Query) error {
	if err := p.expectKeyword("FROM"); err != nil {
		return err
	}
	var err error
	if q.Table, q.Alias, err = p.tableRef(); err != nil {
		return err
	}
	for {
		j, ok, err := p.join()
		if err != nil || !ok {
			return err
		}
		q.Joins = append(q.Joins, j)
	}
}

// tableRef reads a table name and its optional alias.
func (p *parser) tableRef() (table, alias string, err error) {
	t := p.next()
	if t.kind != tokIdent && t.kind != tokQuotedIdent || t.kind == tokIdent && reserved[t.upper()] {
		p.i--
		return "", "", p.unexpected("expected a table name")
	}
	table = strings.ToLower(t.text)
	if p.peek().isKeyword("AS") {
		return "", "", p.unexpected("unsupported table alias syntax") // Oracle has no AS before a table alias
	}
	alias, ok, err := p.alias()
	if !ok {
		alias = table
	}
	return table, alias, err
}

// join reads [INNER] JOIN or LEFT [OUTER] JOIN table [alias] ON cond.
// RIGHT and FULL joins are outside the sandbox's subset.
func (p *parser) join() (Join, bool, error) {
	var j Join
	switch {
	case p.acceptKeyword("JOIN"):
	case p.acceptKeyword("INNER"):
		if err := p.expectKeyword("JOIN"); err != nil {
			return j, false, err
		}
	case p.acceptKeyword("LEFT"):
		j.Left = true
		p.acceptKeyword("OUTER")
		if err := p.expectKeyword("JOIN"); err != nil {
			return j, false, err
		}
	default:
		return j, false, nil
	}
	var err error
	if j.Table, j.Alias, err = p.tableRef(); err != nil {
		return j, false, err
	}
	if err := p.expectKeyword("ON"); err != nil {
		return j, false, err
	}
	j.On, err = p.expr()
	return j, true, err
}

func (p *parser) clauses(q *Query) error {
	var err error
	if p.acceptKeyword("WHERE") {
		if q.Where, err = p.expr(); err != nil {
			return err
		}
	}
	if p.acceptKeyword("GROUP") {
		if err := p.expectKeyword("BY"); err != nil {
			return err
		}
		if q.GroupBy, err = p.exprList(); err != nil {
			return err
		}
	}
	if p.acceptKeyword("ORDER") {
		if err := p.expectKeyword("BY"); err != nil {
			return err
		}
		if q.OrderBy, err = p.orderList(); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) exprList() ([]Expr, error) {
	var list []Expr
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.acceptOp(",") {
			return list, nil
		}
	}
}

func (p *parser) orderList() ([]OrderItem, error) {
	var list []OrderItem
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		item := OrderItem{Expr: e, Desc: p.acceptKeyword("DESC")}
		if !item.Desc {
			p.acceptKeyword("ASC")
		}
		item.NullsFirst = item.Desc // Oracle's default: nulls sort as the largest value
		if p.acceptKeyword("NULLS") {
			switch {
			case p.acceptKeyword("FIRST"):
				item.NullsFirst = true
			case p.acceptKeyword("LAST"):
				item.NullsFirst = false
			default:
				return nil, p.unexpected("expected FIRST or LAST")
			}
		}
		list = append(list, item)
		if !p.acceptOp(",") {
			return list, nil
		}
	}
}

// expr parses with precedence OR < AND < NOT < comparison < + - || < * /.
func (p *parser) expr() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxDepth {
		return nil, syntaxErrorf("expression nested deeper than %d", MaxDepth)
	}
	return p.or()
}

func (p *parser) or() (Expr, error)  { return p.chain(p.and, p.keywordOp("OR")) }
func (p *parser) and() (Expr, error) { return p.chain(p.not, p.keywordOp("AND")) }

// chain parses left-associative operands joined by whatever op accepts.
func (p *parser) chain(operand func() (Expr, error), op func() (string, bool)) (Expr, error) {
	l, err := operand()
	for err == nil {
		name, ok := op()
		if !ok {
			break
		}
		var r Expr
		if r, err = operand(); err == nil {
			l = binary{op: name, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) keywordOp(kw string) func() (string, bool) {
	return func() (string, bool) { return kw, p.acceptKeyword(kw) }
}

// symbolOp accepts any of the operator symbols ops.
func (p *parser) symbolOp(ops ...string) func() (string, bool) {
	return func() (string, bool) {
		for _, op := range ops {
			if p.acceptOp(op) {
				return op, true
			}
		}
		return "", false
	}
}

func (p *parser) not() (Expr, error) {
	if p.acceptKeyword("NOT") {
		x, err := p.nested(p.not)
		return not{x: x}, err
	}
	return p.comparison()
}

// nested guards recursion that does not pass through expr.
func (p *parser) nested(f func() (Expr, error)) (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxDepth {
		return nil, syntaxErrorf("expression nested deeper than %d", MaxDepth)
	}
	return f()
}

var comparisonOps = map[string]string{"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

func (p *parser) comparison() (Expr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if op, ok := comparisonOps[t.text]; ok && t.kind == tokOp {
		p.i++
		r, err := p.additive()
		return binary{op: op, l: l, r: r}, err
	}
	if p.acceptKeyword("IS") {
		negate := p.acceptKeyword("NOT")
		return isNull{x: l, negate: negate}, p.expectKeyword("NULL")
	}
	negate := p.acceptKeyword("NOT")
	switch {
	case p.acceptKeyword("LIKE"):
		r, err := p.additive()
		return like{x: l, pattern: r, negate: negate}, err
	case p.acceptKeyword("IN"):
		return p.inList(l, negate)
	case p.acceptKeyword("BETWEEN"):
		return p.between(l, negate)
	case negate:
		return nil, p.unexpected("expected LIKE, IN or BETWEEN after NOT")
	}
	return l, nil
}

func (p *parser) inList(x Expr, negate bool) (Expr, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	list, err := p.exprList()
	if err != nil {
		return nil, err
	}
	if len(list) > MaxInList {
		return nil, syntaxErrorf("ORA-01795: maximum number of expressions in a list is %d (%d given)", MaxInList, len(list))
	}
	return in{x: x, list: list, negate: negate, set: &inSet{}}, p.expectOp(")")
}

func (p *parser) between(x Expr, negate bool) (Expr, error) {
	lo, err := p.additive()
	if err != nil {
		return nil, err
	}
	if err := p.expectKeyword("AND"); err != nil {
		return nil, err
	}
	hi, err := p.additive()
	return between{x: x, lo: lo, hi: hi, negate: negate}, err
}

func (p *parser) additive() (Expr, error) {
	return p.chain(p.multiplicative, p.symbolOp("+", "-", "||"))
}

func (p *parser) multiplicative() (Expr, error) { return p.chain(p.unary, p.symbolOp("*", "/")) }

func (p *parser) unary() (Expr, error) {
	if p.acceptOp("-") {
		x, err := p.nested(p.unary)
		return unary{op: "-", x: x}, err
	}
	if p.acceptOp("+") {
		return p.nested(p.unary)
	}
	return p.primary()
}

func (p *parser) primary() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tokNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, syntaxErrorf("invalid number %q", t.text)
		}
		return literal{v: f}, nil
	case tokString:
		return literal{v: t.text}, nil
	case tokParam:
		p.params++
		return param{index: p.params - 1}, nil
	case tokQuotedIdent:
		return column{name: strings.ToLower(t.text)}, nil
	case tokIdent:
		return p.identifier(t)
	case tokOp:
		if t.text == "(" {
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			return e, p.expectOp(")")
		}
	}
	p.i--
	return nil, p.unexpected("expected an expression")
}

func (p *parser) identifier(t token) (Expr, error) {
	if t.isKeyword("NULL") {
		return literal{v: nil}, nil
	}
	if t.isKeyword("CASE") {
		return p.caseExpr()
	}
	if reserved[t.upper()] {
		p.i--
		return nil, p.unexpected("expected an expression")
	}
	name := t.text
	if p.acceptOp(".") {
		second := p.next()
		if second.kind != tokIdent && second.kind != tokQuotedIdent {
			p.i--
			return nil, p.unexpected("expected a name after '.'")
		}
		if !p.peek().isOp("(") {
			return column{qualifier: strings.ToLower(name), name: strings.ToLower(second.text)}, nil
		}
		name += "." + second.text
	}
	if p.acceptOp("(") {
		return p.callArgs(strings.ToUpper(name))
	}
	return column{name: strings.ToLower(name)}, nil
}

var aggregates = map[string]bool{"COUNT": true, "SUM": true, "MIN": true, "MAX": true, "AVG": true}

func (p *parser) callArgs(name string) (Expr, error) {
	if aggregates[name] {
		return p.aggregateArgs(name)
	}
	c := call{name: name}
	if p.acceptOp(")") {
		return c, nil
	}
	args, err := p.exprList()
	if err != nil {
		return nil, err
	}
	c.args = args
	return c, p.expectOp(")")
}

func (p *parser) aggregateArgs(fn string) (Expr, error) {
	if fn == "COUNT" && p.acceptOp("*") {
		return aggregate{fn: fn}, p.expectOp(")")
	}
	a := aggregate{fn: fn, dist: p.acceptKeyword("DISTINCT")}
	arg, err := p.expr()
	if err != nil {
		return nil, err
	}
	a.arg = arg
	return a, p.expectOp(")")
}

// caseExpr reads the rest of CASE [operand] WHEN x THEN y … [ELSE z] END.
func (p *parser) caseExpr() (Expr, error) {
	var c caseExpr
	var err error
	if !p.peek().isKeyword("WHEN") {
		if c.operand, err = p.expr(); err != nil {
			return nil, err
		}
	}
	for p.acceptKeyword("WHEN") {
		var w when
		if w.cond, err = p.expr(); err != nil {
			return nil, err
		}
		if err := p.expectKeyword("THEN"); err != nil {
			return nil, err
		}
		if w.result, err = p.expr(); err != nil {
			return nil, err
		}
		c.whens = append(c.whens, w)
	}
	if len(c.whens) == 0 {
		return nil, p.unexpected("expected WHEN")
	}
	if p.acceptKeyword("ELSE") {
		if c.els, err = p.expr(); err != nil {
			return nil, err
		}
	}
	return c, p.expectKeyword("END")
}
