package suiteql

import (
	"slices"
	"sync"
)

// Lookups by constant values. A query that picks rows by a column's value
// (col = 'x', col IN (1, 2), or a join's key col = other.col) looks them
// up in an index of the table by that column instead of reading every
// row, and an IN list of constants is a set, when the values compare
// exactly by their text: text against text or references (a reference
// equals its id, a status its compound id too), numbers against numbers.
// Anything else converts on comparison (text to number or date), so it is
// compared value by value.

// kind is what a set of values holds, for exact lookups.
type kind byte

const (
	kindMixed  kind = iota // nothing exact: compare one by one
	kindText               // text and references
	kindNumber             // numbers
)

// lookupKey is v's key and kind in a set or index.
func lookupKey(v Value) (string, kind) {
	switch x := v.(type) {
	case string:
		return x, kindText
	case Ref:
		return x.ID, kindText
	case float64:
		return formatNumber(x), kindNumber
	}
	return "", kindMixed
}

// inSet is an IN list of constants as a set, so a long list of ids costs
// one lookup a row. It is filled for each run (prepareIn): parameters
// change between runs.
type inSet struct {
	text    map[string]bool // the values, when all are text
	numbers map[string]bool // the values as numbers' keys, when all are or read as numbers
}

// lookup reports whether v is in the set; ok is false where the list
// must be walked instead.
func (s *inSet) lookup(v Value) (found, ok bool) {
	if s == nil {
		return false, false
	}
	key, k := lookupKey(v)
	switch {
	case k == kindText && s.text != nil:
		r, isRef := v.(Ref)
		return s.text[key] || isRef && r.CF != "" && s.text[r.CF], true
	case k == kindNumber && s.numbers != nil:
		return s.numbers[key], true
	}
	return false, false
}

// prepareIn fills the set of every IN list made only of constants.
func (q *Query) prepareIn(sel []SelectItem, params []Value) {
	exprs := []Expr{q.Where}
	for _, s := range sel {
		exprs = append(exprs, s.Expr)
	}
	for _, j := range q.Joins {
		exprs = append(exprs, j.On)
	}
	for _, x := range exprs {
		walk(x, func(n Expr) {
			if list, ok := n.(in); ok && list.set != nil {
				list.set.text, list.set.numbers = constantSets(list.list, params)
			}
		})
	}
}

// constantSets are an IN list's values as text (when all are text) and as
// numbers (when all are numbers or text that reads as one, as Oracle
// converts text compared with a number).
func constantSets(list []Expr, params []Value) (text, numbers map[string]bool) {
	text, numbers = map[string]bool{}, map[string]bool{}
	for _, item := range list {
		v, ok := constant(item, params)
		if !ok {
			return nil, nil
		}
		if s, isText := v.(string); isText && text != nil {
			text[s] = true
		} else {
			text = nil
		}
		if key, ok := numberKey(v); ok && numbers != nil {
			numbers[key] = true
		} else {
			numbers = nil
		}
	}
	return text, numbers
}

// numberKey is the key of a number, or of text that reads as one.
func numberKey(v Value) (string, bool) {
	switch x := v.(type) {
	case float64:
		return formatNumber(x), true
	case string:
		if f, err := toNumber(x); err == nil {
			return formatNumber(f), true
		}
	}
	return "", false
}

// constant is the value of a literal or bound parameter.
func constant(x Expr, params []Value) (Value, bool) {
	switch n := x.(type) {
	case literal:
		return n.v, true
	case param:
		return params[n.index], true
	}
	return nil, false
}

// indexes are a table's column indexes, built on first use.
type indexes struct {
	mu     sync.Mutex
	byName map[string]*index
}

// index maps a column's value keys to the positions of the rows that
// hold them, in table order. Its kind is kindMixed, and it has no rows, when
// the column holds values of both kinds or dates.
type index struct {
	rows map[string][]int
	kind kind
}

func (t *Table) index(col string) *index {
	t.indexes.mu.Lock()
	defer t.indexes.mu.Unlock()
	if ix, ok := t.indexes.byName[col]; ok {
		return ix
	}
	ix := buildIndex(t.Rows, col)
	if t.indexes.byName == nil {
		t.indexes.byName = map[string]*index{}
	}
	t.indexes.byName[col] = ix
	return ix
}

func buildIndex(rows []map[string]Value, col string) *index {
	ix := &index{rows: map[string][]int{}}
	for i, r := range rows {
		v := r[col]
		if v == nil {
			continue
		}
		key, k := lookupKey(v)
		if k == kindMixed || ix.kind != kindMixed && k != ix.kind {
			return &index{kind: kindMixed}
		}
		ix.kind = k
		ix.rows[key] = append(ix.rows[key], i)
		if ref, ok := v.(Ref); ok && ref.CF != "" {
			ix.rows[ref.CF] = append(ix.rows[ref.CF], i)
		}
	}
	if ix.kind == kindMixed { // an all-NULL column: any constant finds nothing
		ix.kind = kindText
	}
	return ix
}

// lookup returns the positions of the rows holding any of the values, in
// table order, each once; ok is false when a value cannot be looked up
// exactly: text in a number column must read as a number.
func (ix *index) lookup(values ...Value) (positions []int, ok bool) {
	for _, v := range values {
		if _, isRef := v.(Ref); isRef {
			return nil, false
		}
		key, k := lookupKey(v)
		if ix.kind == kindNumber {
			var reads bool
			if key, reads = numberKey(v); !reads {
				return nil, false
			}
		} else if k != ix.kind {
			return nil, false
		}
		positions = append(positions, ix.rows[key]...)
	}
	if len(values) > 1 {
		slices.Sort(positions)
		positions = slices.Compact(positions)
	}
	return positions, true
}

// indexed picks, among conditions on source i that an index answers
// (the column must equal one of some constants), the one that leaves the
// fewest rows, and returns those rows' positions. ok is false when no
// condition can use an index.
func (e *env) indexed(sc *scope, i int, conds []Expr) (positions []int, ok bool) {
	t := sc.sources[i].table
	for _, c := range conds {
		col, values, can := e.indexable(sc, i, c)
		if !can {
			continue
		}
		found, exact := t.index(col).lookup(values...)
		if exact && (!ok || len(found) < len(positions)) {
			positions, ok = found, true
		}
	}
	return positions, ok
}

// indexable reports whether c is col = constant or col IN (constants, …)
// on a column of source i, and the constants.
func (e *env) indexable(sc *scope, i int, c Expr) (col string, values []Value, ok bool) {
	switch n := c.(type) {
	case binary:
		if n.op != "=" {
			return "", nil, false
		}
		for _, pair := range [][2]Expr{{n.l, n.r}, {n.r, n.l}} {
			if name, ok := sc.columnOf(pair[0], i); ok {
				if v, ok := constant(pair[1], e.params); ok && v != nil {
					return name, []Value{v}, true
				}
			}
		}
	case in:
		name, isCol := sc.columnOf(n.x, i)
		if !isCol || n.negate || len(n.list) == 0 {
			return "", nil, false
		}
		for _, item := range n.list {
			v, ok := constant(item, e.params)
			if !ok || v == nil {
				return "", nil, false
			}
			values = append(values, v)
		}
		return name, values, true
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
