package mapping

import (
	"fmt"
	"reflect"
	"slices"
)

// Sublists: one target line per item of a source list, filtered by where,
// mapped, then sorted; every failing line is named in the record's error.

// lineResult is one mapped sublist line, kept until the lines are sorted.
type lineResult struct {
	out      map[string]any
	keys     []sortKey
	problems []Problem
}

// list maps a sublist: lines filtered by where, mapped, then sorted.
func (ev *evaluation) list(f *field, env map[string]any, depth int) (any, bool) {
	l := f.list
	src, err := l.from.eval(ev, env)
	if err != nil {
		ev.failed(f.name, err)
		return nil, false
	}
	items, ok := asList(src)
	if !ok {
		ev.problem(f.name, fmt.Sprintf("field %s: from gives %T, not a list", f.name, src))
		return nil, false
	}
	top := env[recordName].(map[string]any)
	results := make([]lineResult, 0, len(items))
	keys := make([]sortKey, len(items)*len(l.sort)) // every line's sort keys, in one allocation
	for i, item := range items {
		r := lineResult{keys: keys[i*len(l.sort) : (i+1)*len(l.sort)]}
		keep := ev.line(l, item, i, top, depth+1, &r)
		if ev.fatal != nil {
			return nil, false
		}
		if keep {
			results = append(results, r)
		}
	}
	order := make([]int, len(results)) // sorting positions moves less than sorting lines
	for i := range order {
		order[i] = i
	}
	if len(l.sort) > 0 {
		slices.SortStableFunc(order, func(a, b int) int { return compareKeys(results[a].keys, results[b].keys) })
	}
	lines := make([]any, len(results))
	for i, pos := range order {
		lines[i] = results[pos].out
		ev.problems = append(ev.problems, results[pos].problems...)
	}
	if len(lines) == 0 {
		return ev.empty(f)
	}
	return lines, true
}

// asList reads what from gave as a list: null is an empty list, and
// lists of any element type (split gives []string) will do.
func asList(v any) ([]any, bool) {
	switch l := v.(type) {
	case nil:
		return nil, true
	case []any:
		return l, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// line maps one sublist line into r; it is false when where leaves the
// line out.
func (ev *evaluation) line(l *list, item any, pos int, top map[string]any, depth int, r *lineResult) bool {
	rec, ok := item.(map[string]any)
	if !ok {
		if rec, ok = asMap(item); !ok {
			rec = map[string]any{"value": item} // a list of plain values: each is "value"
		}
	}
	env := ev.enter(depth, rec, top)
	start := len(ev.problems)
	ev.lets(&l.scope, env)
	if l.where != nil && !ev.test(l.where, env, "where") {
		ev.problems = ev.problems[:start]
		return false
	}
	r.out = ev.fields(&l.scope, env, depth)
	for i, k := range l.sort {
		v, err := k.eval(ev, env)
		if err != nil {
			ev.failed("sort", err)
		}
		r.keys[i] = makeSortKey(v)
	}
	if len(ev.problems) > start {
		label := ev.label(l, env, rec, pos)
		for _, p := range ev.problems[start:] {
			p.Line = label
			r.problems = append(r.problems, p)
		}
		ev.problems = ev.problems[:start]
	}
	return true
}

// label names a line in messages: the sublist's line expression, else the
// line's id, else its position.
func (ev *evaluation) label(l *list, env, rec map[string]any, pos int) string {
	if l.label != nil {
		if v, err := l.label.eval(ev, env); err == nil && !isEmpty(v) {
			return textOf(v)
		}
	}
	for _, key := range []string{"Id", "id", "line"} {
		if s := textOf(rec[key]); s != "" {
			return s
		}
	}
	return "#" + itoa(pos+1)
}
