package suiteql

import (
	"fmt"
	"slices"
	"strings"
)

// Table is what a query reads: rows keyed by lower-case column name.
// A table may serve several queries, one after the other or at once: a
// query never changes it, and builds the indexes it wants (index.go) once.
type Table struct {
	Name    string
	Columns []string // lower case, in SELECT * order
	Rows    []map[string]Value
	// Custom reports whether a column missing from Columns still exists
	// (custom fields): it reads as NULL where a row has no value.
	Custom func(column string) bool

	indexes indexes
}

func (t *Table) has(col string) bool {
	return slices.Contains(t.Columns, col) || t.Custom != nil && t.Custom(col)
}

// Source finds a table by lower-case name.
type Source func(name string) (*Table, bool)

// Result is the full result set, before paging.
type Result struct {
	Columns []string
	Rows    [][]Value
}

// Run evaluates q against src with the bound parameters.
func (q *Query) Run(src Source, params []Value) (*Result, error) {
	sc, err := q.scope(src)
	if err != nil {
		return nil, err
	}
	if len(params) != q.Params {
		return nil, syntaxErrorf("the query has %d parameters but %d values were bound", q.Params, len(params))
	}
	sel, err := q.expandStars(sc)
	if err != nil {
		return nil, err
	}
	if err := q.bind(sc, sel); err != nil {
		return nil, err
	}
	q.prepareIn(sel, params)
	rows, err := q.scan(sc, params)
	if err != nil {
		return nil, err
	}
	out, err := q.project(sc, sel, rows, params)
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: make([]string, len(sel)), Rows: make([][]Value, len(out))}
	for i, s := range sel {
		res.Columns[i] = s.Name
	}
	for i, r := range out {
		res.Rows[i] = r.values
	}
	return res, nil
}

// scope finds the FROM clause's tables.
func (q *Query) scope(src Source) (*scope, error) {
	sc := &scope{}
	add := func(name, alias string) error {
		t, ok := src(name)
		if !ok {
			return unknownTable(name)
		}
		sc.sources = append(sc.sources, source{alias: alias, table: t})
		return nil
	}
	if err := add(q.Table, q.Alias); err != nil {
		return nil, err
	}
	for _, j := range q.Joins {
		if err := add(j.Table, j.Alias); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// expandStars turns * (every table's columns) and alias.* into columns.
func (q *Query) expandStars(sc *scope) ([]SelectItem, error) {
	if q.Star {
		var sel []SelectItem
		for _, s := range sc.sources {
			sel = append(sel, columnsOf(s)...)
		}
		return sel, nil
	}
	var sel []SelectItem
	for _, item := range q.Select {
		star, ok := item.Expr.(starOf)
		if !ok {
			sel = append(sel, item)
			continue
		}
		i := slices.IndexFunc(sc.sources, func(s source) bool { return s.alias == star.qualifier })
		if i < 0 {
			return nil, sc.unknown(star.qualifier + ".*")
		}
		sel = append(sel, columnsOf(sc.sources[i])...)
	}
	return sel, nil
}

func columnsOf(s source) []SelectItem {
	sel := make([]SelectItem, len(s.table.Columns))
	for i, c := range s.table.Columns {
		sel[i] = SelectItem{Expr: column{qualifier: s.alias, name: c}, Name: c}
	}
	return sel
}

// outRow is one result row with the keys it sorts by.
type outRow struct {
	values []Value
	keys   []Value
}

func (q *Query) project(sc *scope, sel []SelectItem, rows []row, params []Value) ([]outRow, error) {
	var out []outRow
	e := env{cols: sc.cols, params: params}
	for _, g := range q.groups(&e, sel, rows) {
		r, err := q.outputRow(&e, sel, g)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if q.Distinct {
		out = distinct(out)
	}
	q.sort(out)
	return out, nil
}

// groups splits rows into the units that each produce one output row:
// one per row, or one per GROUP BY key when the query aggregates.
func (q *Query) groups(e *env, sel []SelectItem, rows []row) [][]row {
	if !q.aggregates(sel) {
		groups := make([][]row, len(rows))
		for i, r := range rows {
			groups[i] = []row{r}
		}
		return groups
	}
	if len(q.GroupBy) == 0 {
		return [][]row{rows} // one group, even when empty
	}
	var order []string
	byKey := map[string][]row{}
	for _, r := range rows {
		key := q.groupKey(e.at(r))
		if _, ok := byKey[key]; !ok {
			order = append(order, key)
		}
		byKey[key] = append(byKey[key], r)
	}
	groups := make([][]row, len(order))
	for i, k := range order {
		groups[i] = byKey[k]
	}
	return groups
}

func (q *Query) groupKey(e env) string {
	var b strings.Builder
	for _, g := range q.GroupBy {
		v, _ := e.eval(g) // errors resurface when the select list is evaluated
		s, ok := Text(v)
		fmt.Fprintf(&b, "%t:%q|", ok, s)
	}
	return b.String()
}

func (q *Query) aggregates(sel []SelectItem) bool {
	if len(q.GroupBy) > 0 {
		return true
	}
	found := false
	for _, s := range sel {
		walk(s.Expr, func(x Expr) {
			if _, ok := x.(aggregate); ok {
				found = true
			}
		})
	}
	return found
}

func (q *Query) outputRow(base *env, sel []SelectItem, group []row) (outRow, error) {
	e := base.at(nil)
	if len(group) > 0 {
		e.row = group[0]
	}
	if q.aggregates(sel) {
		e.grouped, e.group = true, group
	}
	r := outRow{values: make([]Value, len(sel))}
	named := map[string]Value{}
	for i, s := range sel {
		v, err := e.eval(s.Expr)
		if err != nil {
			return outRow{}, err
		}
		r.values[i] = v
		named[s.Name] = v
	}
	e.out = named
	for _, o := range q.OrderBy {
		v, err := q.orderKey(&e, o, r.values)
		if err != nil {
			return outRow{}, err
		}
		r.keys = append(r.keys, v)
	}
	return r, nil
}

// orderKey evaluates an ORDER BY item; a bare integer names an output column.
func (q *Query) orderKey(e *env, o OrderItem, values []Value) (Value, error) {
	if lit, ok := o.Expr.(literal); ok {
		if n, ok := lit.v.(float64); ok && n >= 1 && int(n) <= len(values) && n == float64(int(n)) {
			return values[int(n)-1], nil
		}
	}
	return e.eval(o.Expr)
}

func distinct(rows []outRow) []outRow {
	seen := map[string]bool{}
	var kept []outRow
	for _, r := range rows {
		var b strings.Builder
		for _, v := range r.values {
			s, ok := Text(v)
			fmt.Fprintf(&b, "%t:%q|", ok, s)
		}
		if !seen[b.String()] {
			seen[b.String()] = true
			kept = append(kept, r)
		}
	}
	return kept
}

func (q *Query) sort(rows []outRow) {
	if len(q.OrderBy) == 0 {
		return
	}
	slices.SortStableFunc(rows, func(a, b outRow) int {
		for i, o := range q.OrderBy {
			c := sortCompare(a.keys[i], b.keys[i], o.NullsFirst)
			if o.Desc && a.keys[i] != nil && b.keys[i] != nil {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}
