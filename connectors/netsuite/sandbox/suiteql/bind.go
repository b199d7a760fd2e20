package suiteql

import (
	"fmt"
	"strings"
)

// source is one table of the FROM clause under its alias.
type source struct {
	alias string
	table *Table
}

// scope resolves column references to the source they read, as NetSuite
// does before running a query.
type scope struct {
	sources []source
	cols    map[column]int // every column reference of the query → its source
}

// resolve finds the source a column reads: the alias's when qualified,
// the only table that has it otherwise.
func (sc *scope) resolve(c column) (int, error) {
	if c.qualifier != "" {
		for i, s := range sc.sources {
			if s.alias == c.qualifier {
				if !s.table.has(c.name) {
					break
				}
				return i, nil
			}
		}
		return 0, sc.unknown(c.qualifier + "." + c.name)
	}
	found := -1
	for i, s := range sc.sources {
		if !s.table.has(c.name) {
			continue
		}
		if found >= 0 {
			return 0, ambiguousColumn(c.name)
		}
		found = i
	}
	if found < 0 {
		return 0, sc.unknown(c.name)
	}
	return found, nil
}

func (sc *scope) unknown(ident string) *Error {
	pairs := make([]string, len(sc.sources))
	for i, s := range sc.sources {
		pairs[i] = fmt.Sprintf("%s=%s", s.alias, s.table.Name)
	}
	return unknownIdentifier(ident, strings.Join(pairs, ", "))
}

// bind checks every column reference against the tables, remembering
// which source each reads, and rejects aggregates where they cannot be.
func (q *Query) bind(sc *scope, sel []SelectItem) error {
	sc.cols = map[column]int{}
	var err error
	check := func(x Expr) {
		c, ok := x.(column)
		if !ok || err != nil {
			return
		}
		if _, done := sc.cols[c]; done {
			return
		}
		var i int
		if i, err = sc.resolve(c); err == nil {
			sc.cols[c] = i
		}
	}
	noAggregate := func(clause string) func(Expr) {
		return func(x Expr) {
			if _, ok := x.(aggregate); ok && err == nil {
				err = syntaxErrorf("aggregate in %s", clause)
			}
		}
	}
	for _, s := range sel {
		walk(s.Expr, check)
	}
	for _, j := range q.Joins {
		walk(j.On, check)
		walk(j.On, noAggregate("ON"))
	}
	if q.Where != nil {
		walk(q.Where, check)
		walk(q.Where, noAggregate("WHERE"))
	}
	for _, g := range q.GroupBy {
		walk(g, check)
	}
	aliases := map[string]bool{}
	for _, s := range sel {
		aliases[s.Name] = true
	}
	for _, o := range q.OrderBy {
		walk(o.Expr, func(x Expr) {
			if c, ok := x.(column); ok && c.qualifier == "" && aliases[c.name] {
				return // ORDER BY may name an output column
			}
			check(x)
		})
	}
	return err
}

// sourcesOf lists the sources an expression reads (bound columns only).
func (sc *scope) sourcesOf(x Expr) map[int]bool {
	used := map[int]bool{}
	walk(x, func(e Expr) {
		if c, ok := e.(column); ok {
			if i, ok := sc.cols[c]; ok {
				used[i] = true
			}
		}
	})
	return used
}

// walk calls fn on x and every expression below it.
func walk(x Expr, fn func(Expr)) {
	if x == nil {
		return
	}
	fn(x)
	for _, child := range children(x) {
		walk(child, fn)
	}
}

func children(x Expr) []Expr {
	switch n := x.(type) {
	case unary:
		return []Expr{n.x}
	case binary:
		return []Expr{n.l, n.r}
	case not:
		return []Expr{n.x}
	case isNull:
		return []Expr{n.x}
	case like:
		return []Expr{n.x, n.pattern}
	case in:
		return append([]Expr{n.x}, n.list...)
	case between:
		return []Expr{n.x, n.lo, n.hi}
	case call:
		return n.args
	case aggregate:
		if n.arg != nil {
			return []Expr{n.arg}
		}
	case caseExpr:
		var out []Expr
		if n.operand != nil {
			out = append(out, n.operand)
		}
		for _, w := range n.whens {
			out = append(out, w.cond, w.result)
		}
		if n.els != nil {
			out = append(out, n.els)
		}
		return out
	}
	return nil
}
