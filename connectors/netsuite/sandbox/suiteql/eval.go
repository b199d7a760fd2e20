package suiteql

import (
	"math"
	"regexp"
	"strings"
)

// row is one row of the FROM clause: a table row per source, nil where a
// LEFT JOIN found nothing.
type row []map[string]Value

// env is what an expression sees: the current row, its group (for
// aggregates), the bound parameters and, in ORDER BY, the output row.
type env struct {
	row     row
	cols    map[column]int // which source each column reads
	grouped bool           // a GROUP BY / aggregate query: group holds the rows
	group   []row
	params  []Value
	out     map[string]Value
}

// at is the env of another row of the same query.
func (e *env) at(r row) env { return env{row: r, cols: e.cols, params: e.params} }

func (e *env) eval(x Expr) (Value, error) {
	switch n := x.(type) {
	case literal:
		return n.v, nil
	case param:
		return e.params[n.index], nil
	case column:
		if n.qualifier == "" && e.out != nil {
			if v, ok := e.out[n.name]; ok {
				return v, nil
			}
		}
		if i := e.cols[n]; i < len(e.row) && e.row[i] != nil {
			return e.row[i][n.name], nil
		}
		return nil, nil // a LEFT JOIN's missing row, or an empty group
	case unary:
		return e.negate(n.x)
	case binary:
		return e.binary(n)
	case not:
		v, err := e.predicate(n.x)
		if v == nil || err != nil {
			return nil, err
		}
		return !v.(bool), nil
	case isNull:
		v, err := e.eval(n.x)
		return (v == nil) != n.negate, err
	case like:
		return e.like(n)
	case in:
		return e.in(n)
	case between:
		return e.between(n)
	case call:
		return e.call(n)
	case aggregate:
		return e.aggregate(n)
	case caseExpr:
		return e.caseValue(n)
	case starOf:
		return nil, syntaxErrorf("%s.* outside a select list", n.qualifier)
	}
	return nil, syntaxErrorf("unsupported expression")
}

// predicate evaluates a condition: true, false or nil (unknown).
func (e *env) predicate(x Expr) (Value, error) {
	v, err := e.eval(x)
	if err != nil || v == nil {
		return nil, err
	}
	if _, ok := v.(bool); !ok {
		return nil, syntaxErrorf("expected a condition")
	}
	return v, nil
}

func (e *env) negate(x Expr) (Value, error) {
	v, err := e.eval(x)
	if v == nil || err != nil {
		return nil, err
	}
	f, err := toNumber(v)
	return -f, err
}

func (e *env) binary(n binary) (Value, error) {
	if n.op == "AND" || n.op == "OR" {
		return e.logical(n)
	}
	l, err := e.eval(n.l)
	if err != nil {
		return nil, err
	}
	r, err := e.eval(n.r)
	if err != nil {
		return nil, err
	}
	if n.op == "||" { // Oracle concatenation treats NULL as ''
		ls, _ := Text(l)
		rs, _ := Text(r)
		return ls + rs, nil
	}
	if l == nil || r == nil {
		return nil, nil
	}
	switch n.op {
	case "+", "-", "*", "/":
		return arithmetic(n.op, l, r)
	}
	c, err := compare(l, r)
	if err != nil {
		return nil, err
	}
	return comparisonHolds(n.op, c), nil
}

func comparisonHolds(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0 // ">="
}

func arithmetic(op string, l, r Value) (Value, error) {
	a, err := toNumber(l)
	if err != nil {
		return nil, err
	}
	b, err := toNumber(r)
	if err != nil {
		return nil, err
	}
	switch op {
	case "+":
		return a + b, nil
	case "-":
		return a - b, nil
	case "*":
		return a * b, nil
	}
	if b == 0 {
		return nil, syntaxErrorf("division by zero")
	}
	return a / b, nil
}

// logical implements SQL three-valued AND/OR.
func (e *env) logical(n binary) (Value, error) {
	l, err := e.predicate(n.l)
	if err != nil {
		return nil, err
	}
	short := n.op == "OR" // the value that decides the result alone
	if l == short {
		return short, nil
	}
	r, err := e.predicate(n.r)
	if err != nil {
		return nil, err
	}
	switch {
	case r == short:
		return short, nil
	case l == nil || r == nil:
		return nil, nil
	}
	return !short, nil
}

func (e *env) like(n like) (Value, error) {
	v, err := e.eval(n.x)
	if err != nil {
		return nil, err
	}
	p, err := e.eval(n.pattern)
	if err != nil || v == nil || p == nil {
		return nil, err
	}
	s, _ := Text(v)
	pat, _ := Text(p)
	return likeMatch(s, pat) != n.negate, nil
}

// likeMatch matches SQL LIKE: % any run, _ one character, case-sensitive.
func likeMatch(s, pattern string) bool {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile("(?s)" + b.String())
	return err == nil && re.MatchString(s)
}

func (e *env) in(n in) (Value, error) {
	v, err := e.eval(n.x)
	if err != nil || v == nil {
		return nil, err
	}
	if found, ok := n.set.lookup(v); ok {
		return found != n.negate, nil
	}
	sawNull := false
	for _, item := range n.list {
		w, err := e.eval(item)
		if err != nil {
			return nil, err
		}
		if w == nil {
			sawNull = true
			continue
		}
		if c, err := compare(v, w); err != nil {
			return nil, err
		} else if c == 0 {
			return !n.negate, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return n.negate, nil
}

func (e *env) between(n between) (Value, error) {
	lo := binary{op: ">=", l: n.x, r: n.lo}
	hi := binary{op: "<=", l: n.x, r: n.hi}
	v, err := e.logical(binary{op: "AND", l: lo, r: hi})
	if err != nil || v == nil || !n.negate {
		return v, err
	}
	return !v.(bool), nil
}

func (e *env) aggregate(n aggregate) (Value, error) {
	if !e.grouped {
		return nil, syntaxErrorf("aggregate %s outside a grouped query", n.fn)
	}
	if n.arg == nil {
		return float64(len(e.group)), nil
	}
	values, err := e.groupValues(n)
	if err != nil {
		return nil, err
	}
	return reduce(n.fn, values)
}

// groupValues evaluates an aggregate's argument over the group, skipping NULLs.
func (e *env) groupValues(n aggregate) ([]Value, error) {
	var values []Value
	seen := map[string]bool{}
	for _, r := range e.group {
		inner := e.at(r)
		v, err := inner.eval(n.arg)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		if n.dist {
			key, _ := Text(v)
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		values = append(values, v)
	}
	return values, nil
}

func reduce(fn string, values []Value) (Value, error) {
	if fn == "COUNT" {
		return float64(len(values)), nil
	}
	if len(values) == 0 {
		return nil, nil
	}
	if fn == "MIN" || fn == "MAX" {
		best := values[0]
		for _, v := range values[1:] {
			c, err := compare(v, best)
			if err != nil {
				return nil, err
			}
			if fn == "MIN" && c < 0 || fn == "MAX" && c > 0 {
				best = v
			}
		}
		return best, nil
	}
	sum := 0.0
	for _, v := range values {
		f, err := toNumber(v)
		if err != nil {
			return nil, err
		}
		sum += f
	}
	if fn == "AVG" {
		return sum / float64(len(values)), nil
	}
	return sum, nil
}

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}

// caseValue is CASE: the result of the first WHEN that holds (searched
// form) or equals the operand (simple form), else ELSE or NULL.
func (e *env) caseValue(n caseExpr) (Value, error) {
	var subject Value
	if n.operand != nil {
		var err error
		if subject, err = e.eval(n.operand); err != nil {
			return nil, err
		}
	}
	for _, w := range n.whens {
		holds, err := e.whenHolds(n.operand != nil, subject, w.cond)
		if err != nil {
			return nil, err
		}
		if holds {
			return e.eval(w.result)
		}
	}
	if n.els == nil {
		return nil, nil
	}
	return e.eval(n.els)
}

func (e *env) whenHolds(simple bool, subject Value, cond Expr) (bool, error) {
	if !simple {
		v, err := e.predicate(cond)
		return v == true, err
	}
	v, err := e.eval(cond)
	if err != nil || v == nil || subject == nil {
		return false, err
	}
	c, err := compare(subject, v)
	return c == 0, err
}
