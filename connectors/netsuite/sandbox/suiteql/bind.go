package suiteql

// bind checks every column reference against the table, as NetSuite does
// before running a query, and rejects aggregates where they cannot be.
func (q *Query) bind(t *Table, sel []SelectItem) error {
	var err error
	check := func(x Expr) {
		if err != nil {
			return
		}
		err = q.checkColumn(t, x)
	}
	for _, s := range sel {
		walk(s.Expr, check)
	}
	if q.Where != nil {
		walk(q.Where, check)
		walk(q.Where, func(x Expr) {
			if _, ok := x.(aggregate); ok && err == nil {
				err = syntaxErrorf("aggregate in WHERE")
			}
		})
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

func (q *Query) checkColumn(t *Table, x Expr) error {
	c, ok := x.(column)
	if !ok {
		return nil
	}
	ident := c.name
	if c.qualifier != "" {
		ident = c.qualifier + "." + c.name
		if c.qualifier != q.Alias {
			return unknownIdentifier(ident, q.Alias, q.Table)
		}
	}
	if !t.has(c.name) {
		return unknownIdentifier(ident, q.Alias, q.Table)
	}
	return nil
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
	}
	return nil
}
