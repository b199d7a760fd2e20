package suiteql

import (
	"slices"
	"strings"
	"time"
)

// The FROM clause runs left to right. Conditions that read one table only
// filter that table before it is joined (WHERE conditions only where the
// table is not on the optional side of a LEFT JOIN); an ON clause's
// equalities between the rows so far and the joined table make a hash
// join, whatever else it says is checked on each matched pair.

// joinPlan is how one JOIN runs.
type joinPlan struct {
	left     bool
	leftKey  []Expr // over the rows so far
	rightKey []Expr // over the joined table, pairwise equal to leftKey
	rest     []Expr // all of ON but the joined table's own conditions, over the pair
}

// scan produces the rows of the FROM clause that pass WHERE.
func (q *Query) scan(sc *scope, params []Value) ([]row, error) {
	n := len(sc.sources)
	filters := make([][]Expr, n)
	var residual []Expr
	for _, c := range conjuncts(q.Where) {
		if i, ok := only(sc.sourcesOf(c)); ok && (i == 0 || !q.Joins[i-1].Left) {
			filters[i] = append(filters[i], c)
		} else {
			residual = append(residual, c)
		}
	}
	plans := make([]joinPlan, len(q.Joins))
	for k, j := range q.Joins {
		p, err := planJoin(sc, k+1, j, &filters[k+1])
		if err != nil {
			return nil, err
		}
		plans[k] = p
	}
	e := env{cols: sc.cols, params: params}
	first, err := e.filterTable(sc, 0, filters[0])
	if err != nil {
		return nil, err
	}
	rows := make([]row, len(first))
	for k, m := range first {
		rows[k] = make(row, n)
		rows[k][0] = m
	}
	for k := range plans {
		p := &plans[k]
		match, err := e.matcher(sc, k+1, p, filters[k+1])
		if err != nil {
			return nil, err
		}
		if rows, err = e.join(rows, k+1, p, match); err != nil {
			return nil, err
		}
	}
	return e.keep(rows, residual)
}

// planJoin sorts the ON conditions of the join to source i: those on the
// joined table alone go to its filters.
func planJoin(sc *scope, i int, j Join, filters *[]Expr) (joinPlan, error) {
	p := joinPlan{left: j.Left}
	for _, c := range conjuncts(j.On) {
		used := sc.sourcesOf(c)
		for s := range used {
			if s > i {
				return p, syntaxErrorf("ON clause of %s reads %s, joined later", j.Alias, sc.sources[s].alias)
			}
		}
		if s, ok := only(used); ok && s == i {
			*filters = append(*filters, c)
			continue
		}
		if l, r, ok := equiKey(sc, c, i); ok {
			p.leftKey, p.rightKey = append(p.leftKey, l), append(p.rightKey, r)
		}
		p.rest = append(p.rest, c) // keys only find candidates: each pair is compared as SQL does
	}
	return p, nil
}

// equiKey splits a = b where one side reads the joined table alone and the
// other only tables before it.
func equiKey(sc *scope, c Expr, i int) (left, right Expr, ok bool) {
	b, isEq := c.(binary)
	if !isEq || b.op != "=" {
		return nil, nil, false
	}
	before := func(x Expr) bool {
		used := sc.sourcesOf(x)
		for s := range used {
			if s >= i {
				return false
			}
		}
		return len(used) > 0
	}
	joined := func(x Expr) bool { s, ok := only(sc.sourcesOf(x)); return ok && s == i }
	switch {
	case before(b.l) && joined(b.r):
		return b.l, b.r, true
	case joined(b.l) && before(b.r):
		return b.r, b.l, true
	}
	return nil, nil, false
}

// filterTable keeps the rows of source i that pass every condition,
// reading only those an index picks when one can.
func (e *env) filterTable(sc *scope, i int, conds []Expr) ([]map[string]Value, error) {
	t := sc.sources[i].table
	if len(conds) == 0 {
		return t.Rows, nil
	}
	scratch := e.at(make(row, len(sc.sources)))
	var kept []map[string]Value
	keep := func(m map[string]Value) error {
		scratch.row[i] = m
		ok, err := scratch.all(conds)
		if ok {
			kept = append(kept, m)
		}
		return err
	}
	if positions, ok := e.indexed(sc, i, conds); ok {
		for _, pos := range positions {
			if err := keep(t.Rows[pos]); err != nil {
				return nil, err
			}
		}
		return kept, nil
	}
	for _, m := range t.Rows {
		if err := keep(m); err != nil {
			return nil, err
		}
	}
	return kept, nil
}

// all reports whether every condition is true for e's row.
func (e *env) all(conds []Expr) (bool, error) {
	for _, c := range conds {
		v, err := e.predicate(c)
		if err != nil || v != true {
			return false, err
		}
	}
	return true, nil
}

// matcher finds the rows of source i that may pair with a row so far;
// they must still pass the plan's rest.
type matcher func(r row) ([]map[string]Value, error)

// matcher chooses how source i is matched: by the table's index on its
// key column (the table's own conditions then join the rest), by a hash
// of its filtered rows on the key, or, with no equality to go by, every
// filtered row.
func (e *env) matcher(sc *scope, i int, p *joinPlan, filters []Expr) (matcher, error) {
	t := sc.sources[i].table
	if len(p.rightKey) == 1 {
		if col, ok := sc.columnOf(p.rightKey[0], i); ok {
			if ix := t.index(col); ix.kind != kindMixed {
				p.rest = append(slices.Clone(filters), p.rest...)
				return e.indexMatcher(t, ix, p.leftKey), nil
			}
		}
	}
	right, err := e.filterTable(sc, i, filters)
	if err != nil || len(p.rightKey) == 0 {
		return func(row) ([]map[string]Value, error) { return right, nil }, err
	}
	byKey, err := e.hashIndex(right, i, p.rightKey)
	if err != nil {
		return nil, err
	}
	return func(r row) ([]map[string]Value, error) {
		probe := e.at(r)
		key, ok, err := probe.key(p.leftKey)
		if !ok { // a NULL key equals nothing
			return nil, err
		}
		return byKey[key], nil
	}, nil
}

func (e *env) indexMatcher(t *Table, ix *index, leftKey []Expr) matcher {
	return func(r row) ([]map[string]Value, error) {
		probe := e.at(r)
		v, err := probe.eval(leftKey[0])
		if err != nil || v == nil {
			return nil, err
		}
		key, k := lookupKey(v)
		if k == kindMixed { // a date: compared with each row by the rest
			return t.Rows, nil
		}
		positions := ix.rows[key] // text and numbers meet by their text; the rest compares exactly
		out := make([]map[string]Value, len(positions))
		for n, pos := range positions {
			out[n] = t.Rows[pos]
		}
		return out, nil
	}
}

// join pairs each row so far with the matching rows of source i.
func (e *env) join(rows []row, i int, p *joinPlan, match matcher) ([]row, error) {
	var out []row
	for _, r := range rows {
		candidates, err := match(r)
		if err != nil {
			return nil, err
		}
		matched := false
		for _, m := range candidates {
			pair := append(make(row, 0, len(r)), r...)
			pair[i] = m
			sub := e.at(pair)
			ok, err := sub.all(p.rest)
			if err != nil {
				return nil, err
			}
			if ok {
				out, matched = append(out, pair), true
			}
		}
		if !matched && p.left {
			out = append(out, r) // r[i] is nil: the joined table's columns read NULL
		}
	}
	return out, nil
}

// hashIndex groups source i's rows by their join key.
func (e *env) hashIndex(rows []map[string]Value, i int, keyExprs []Expr) (map[string][]map[string]Value, error) {
	index := make(map[string][]map[string]Value, len(rows))
	scratch := e.at(nil)
	for _, m := range rows {
		scratch.row = make(row, i+1)
		scratch.row[i] = m
		key, ok, err := scratch.key(keyExprs)
		if err != nil {
			return nil, err
		}
		if ok {
			index[key] = append(index[key], m)
		}
	}
	return index, nil
}

// key is the text of the key expressions; ok is false when one is NULL,
// which equals nothing.
func (e *env) key(exprs []Expr) (string, bool, error) {
	var b strings.Builder
	for _, x := range exprs {
		v, err := e.eval(x)
		if err != nil || v == nil {
			return "", false, err
		}
		b.WriteString(keyText(v))
		b.WriteByte(0)
	}
	return b.String(), true, nil
}

// keyText is how a join key value hashes: what it compares equal as, so
// a reference matches its id and a text id matches the same number.
func keyText(v Value) string {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	key, _ := lookupKey(v)
	return key
}

// keep filters joined rows by the conditions left over from WHERE.
func (e *env) keep(rows []row, conds []Expr) ([]row, error) {
	if len(conds) == 0 {
		return rows, nil
	}
	var kept []row
	for _, r := range rows {
		sub := e.at(r)
		ok, err := sub.all(conds)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// conjuncts splits a condition at its top-level ANDs.
func conjuncts(x Expr) []Expr {
	if x == nil {
		return nil
	}
	if b, ok := x.(binary); ok && b.op == "AND" {
		return append(conjuncts(b.l), conjuncts(b.r)...)
	}
	return []Expr{x}
}

// only returns the single source of a set, if it has exactly one.
func only(used map[int]bool) (int, bool) {
	if len(used) != 1 {
		return 0, false
	}
	for i := range used {
		return i, true
	}
	return 0, false
}
