package suiteql

import (
	"slices"
	"sync"
)

// A query that picks rows by a column's text value (col = 'x', col IN
// ('x', 'y'), or a join's key col = other.col) looks them up in an index
// of the table by that column instead of reading every row, when the
// column only holds text and references: those equal a text value exactly
// when their text (a reference's id, or a status's compound id) is that
// value. Columns with numbers or dates convert on comparison, so they are
// always read row by row.

// indexes are a table's column indexes, built on first use.
type indexes struct {
	mu     sync.Mutex
	byName map[string]*index
}

// index maps a column's text values to the positions of the rows that
// hold them, in table order; exact is false when the column holds other
// kinds of values and cannot be used.
type index struct {
	rows  map[string][]int
	exact bool
}

func (t *Table) index(col string) *index {
	t.indexes.mu.Lock()
	defer t.indexes.mu.Unlock()
	if ix, ok := t.indexes.byName[col]; ok {
		return ix
	}
	ix := &index{rows: map[string][]int{}, exact: true}
	for i, r := range t.Rows {
		switch v := r[col].(type) {
		case nil:
		case string:
			ix.rows[v] = append(ix.rows[v], i)
		case Ref:
			ix.rows[v.ID] = append(ix.rows[v.ID], i)
			if v.CF != "" {
				ix.rows[v.CF] = append(ix.rows[v.CF], i)
			}
		default:
			ix.exact = false
		}
	}
	if !ix.exact {
		ix.rows = nil
	}
	if t.indexes.byName == nil {
		t.indexes.byName = map[string]*index{}
	}
	t.indexes.byName[col] = ix
	return ix
}

// lookup returns the positions of the rows holding any of the values, in
// table order, each once.
func (ix *index) lookup(values ...string) []int {
	if len(values) == 1 {
		return ix.rows[values[0]]
	}
	var out []int
	for _, v := range values {
		out = append(out, ix.rows[v]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// indexed picks, among conditions on source i that an index answers
// (the column must equal one of some text values), the one that leaves
// the fewest rows, and returns those rows' positions. ok is false when no
// condition can use an index.
func (e *env) indexed(sc *scope, i int, conds []Expr) (positions []int, ok bool) {
	t := sc.sources[i].table
	for _, c := range conds {
		col, values, can := e.indexable(sc, i, c)
		if !can {
			continue
		}
		ix := t.index(col)
		if !ix.exact {
			continue
		}
		if found := ix.lookup(values...); !ok || len(found) < len(positions) {
			positions, ok = found, true
		}
	}
	return positions, ok
}

// indexable reports whether c is col = 'text' or col IN ('text', …) on
// a column of source i, and the values.
func (e *env) indexable(sc *scope, i int, c Expr) (col string, values []string, ok bool) {
	switch n := c.(type) {
	case binary:
		if n.op != "=" {
			return "", nil, false
		}
		for _, pair := range [][2]Expr{{n.l, n.r}, {n.r, n.l}} {
			if name, ok := sc.columnOf(pair[0], i); ok {
				if v, ok := e.constantText(pair[1]); ok {
					return name, []string{v}, true
				}
			}
		}
	case in:
		if name, ok := sc.columnOf(n.x, i); ok && !n.negate && n.set != nil && n.set.m != nil {
			values := make([]string, 0, len(n.set.m))
			for v := range n.set.m {
				values = append(values, v)
			}
			return name, values, true
		}
	}
	return "", nil, false
}

// columnOf is x's column name when x is a plain column of source i.
func (sc *scope) columnOf(x Expr, i int) (string, bool) {
	c, ok := x.(column)
	if !ok {
		return "", false
	}
	s, bound := sc.cols[c]
	return c.name, bound && s == i
}

// constantText is the value of a text literal or text parameter.
func (e *env) constantText(x Expr) (string, bool) {
	var v Value
	switch n := x.(type) {
	case literal:
		v = n.v
	case param:
		v = e.params[n.index]
	default:
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}
