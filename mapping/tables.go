package mapping

import (
	"strings"
)

// fallbackKey is the table key whose value answers keys the table lacks.
const fallbackKey = "*"

// table is a value table: keys are text, matched exactly first and then
// ignoring case and surrounding spaces; "*" answers any other key.
type table struct {
	name        string
	exact       map[string]any
	folded      map[string]any
	fallback    any
	hasFallback bool
}

func newTable(name string) *table {
	return &table{name: name, exact: map[string]any{}}
}

func (t *table) set(key string, value any) { t.exact[key] = value }

func (t *table) delete(key string) { delete(t.exact, key) }

// seal builds the case-insensitive index once all entries are in.
func (t *table) seal() {
	t.folded = make(map[string]any, len(t.exact))
	t.fallback, t.hasFallback = t.exact[fallbackKey]
	for k, v := range t.exact {
		if k != fallbackKey {
			t.folded[fold(k)] = v
		}
	}
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// get looks key up: exact, then folded, then the fallback. A missing or
// empty key gets the fallback too. ok is false when nothing matched.
func (t *table) get(key any) (any, bool) {
	k, present := keyText(key)
	if present {
		if v, ok := t.exact[k]; ok {
			return v, true
		}
		if v, ok := t.folded[fold(k)]; ok {
			return v, true
		}
	}
	return t.fallback, t.hasFallback
}

// keyText is a value as a table key: text as it is, numbers without
// trailing zeros, references by their id.
func keyText(v any) (string, bool) {
	if ref, ok := v.(map[string]any); ok {
		v = ref["id"]
	}
	s := textOf(v)
	return s, strings.TrimSpace(s) != ""
}

// tableSet holds every table of a mapping set, merged across files.
type tableSet map[string]*table

// merge adds one file's tables: keys merge, a later file's value wins and
// a key set to ~ is removed.
func (ts tableSet) merge(specs []*tableSpec) {
	for _, spec := range specs {
		t, ok := ts[spec.name]
		if !ok {
			t = newTable(spec.name)
			ts[spec.name] = t
		}
		for _, e := range spec.entries {
			if e.delete {
				t.delete(e.key)
			} else {
				t.set(e.key, e.value)
			}
		}
	}
}

func (ts tableSet) seal() {
	for _, t := range ts {
		t.seal()
	}
}
