package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// store holds the org's records in memory. Rows map canonical field names
// to stored values (see values.go). The Server's mutex guards it.
type store struct {
	schema   *schema.Schema
	rows     map[string]map[string]any // by 18-char id
	order    map[string][]string       // object name → ids in creation order
	counters map[string]uint64         // key prefix → last id number used
	// extIndex finds records by external id without a scan (a Bulk job
	// upserts tens of thousands of records, each looked up twice):
	// field → value key → ids. extKeys remembers each row's keys, so a
	// row changed in place still leaves its old key.
	extIndex map[*schema.Field]map[string]map[string]bool
	extKeys  map[string]map[*schema.Field]string
}

func newStore(s *schema.Schema) *store {
	return &store{schema: s, rows: map[string]map[string]any{}, order: map[string][]string{}, counters: map[string]uint64{},
		extIndex: map[*schema.Field]map[string]map[string]bool{}, extKeys: map[string]map[*schema.Field]string{}}
}

// indexed reports whether find answers f from extIndex.
func indexed(f *schema.Field) bool { return f.ExternalID && f.Type != schema.ID }

// indexKey is the extIndex key of a value: text folded as find compares it.
func indexKey(v any) string {
	if s, ok := v.(string); ok {
		return "s:" + strings.ToLower(s)
	}
	return fmt.Sprintf("%T:%v", v, v)
}

// reindex moves a row's extIndex entries to its current values (none
// when row is nil: removed).
func (st *store) reindex(object, id string, row map[string]any) {
	for f, key := range st.extKeys[id] {
		delete(st.extIndex[f][key], id)
	}
	delete(st.extKeys, id)
	o, ok := st.schema.Object(object)
	if row == nil || !ok {
		return
	}
	for _, f := range o.Fields {
		if !indexed(f) || row[f.Name] == nil {
			continue
		}
		key := indexKey(row[f.Name])
		if st.extIndex[f] == nil {
			st.extIndex[f] = map[string]map[string]bool{}
		}
		if st.extIndex[f][key] == nil {
			st.extIndex[f][key] = map[string]bool{}
		}
		st.extIndex[f][key][id] = true
		if st.extKeys[id] == nil {
			st.extKeys[id] = map[*schema.Field]string{}
		}
		st.extKeys[id][f] = key
	}
}

// Records implements soql.Data.
func (st *store) Records(object string) []map[string]any {
	ids := st.order[object]
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, st.rows[id])
	}
	return out
}

// Record implements soql.Data.
func (st *store) Record(id string) (map[string]any, bool) {
	row, ok := st.rows[id]
	return row, ok
}

// live returns a record that exists and is not deleted.
func (st *store) live(id string) (map[string]any, bool) {
	row, ok := st.rows[id]
	if !ok || row["IsDeleted"] == true {
		return nil, false
	}
	return row, true
}

// objectOf is the object an id belongs to.
func (st *store) objectOf(id string) (*schema.Object, bool) {
	return st.schema.ByPrefix(sfid.Prefix(id))
}

func (st *store) newID(o *schema.Object) string {
	st.counters[o.KeyPrefix]++
	return sfid.New(o.KeyPrefix, st.counters[o.KeyPrefix])
}

// find returns the live records of an object whose field equals value
// (text compares case-insensitively, as external ids do).
func (st *store) find(object string, f *schema.Field, value any) []map[string]any {
	var out []map[string]any
	rows := st.Records
	if indexed(f) && value != nil {
		rows = func(string) []map[string]any { return st.indexedRows(object, f, value) }
	}
	for _, row := range rows(object) {
		if row["IsDeleted"] == true {
			continue
		}
		if sameValue(f, row[f.Name], value) {
			out = append(out, row)
		}
	}
	return out
}

// indexedRows are the rows extIndex holds under value's key, in creation order.
func (st *store) indexedRows(object string, f *schema.Field, value any) []map[string]any {
	ids := st.extIndex[f][indexKey(value)]
	out := make([]map[string]any, 0, len(ids))
	for id := range ids {
		if row, ok := st.rows[id]; ok {
			out = append(out, row)
		}
	}
	if len(out) > 1 {
		pos := make(map[string]int, len(st.order[object]))
		for i, id := range st.order[object] {
			pos[id] = i
		}
		slices.SortFunc(out, func(a, b map[string]any) int { return pos[a["Id"].(string)] - pos[b["Id"].(string)] })
	}
	return out
}

func sameValue(f *schema.Field, a, b any) bool {
	if f.Type.IsText() && f.Type != schema.ID && f.Type != schema.Reference {
		as, okA := a.(string)
		bs, okB := b.(string)
		return okA && okB && strings.EqualFold(as, bs)
	}
	return a != nil && a == b
}

// children returns the live records pointing at parentID through rel.
func (st *store) children(rel *schema.ChildRelationship, parentID string) []map[string]any {
	var out []map[string]any
	for _, row := range st.Records(rel.Object) {
		if row["IsDeleted"] != true && row[rel.Field] == parentID {
			out = append(out, row)
		}
	}
	return out
}

func copyRow(row map[string]any) map[string]any { return maps.Clone(row) }

// put stores a row (new or replaced).
func (st *store) put(object string, row map[string]any) {
	id := row["Id"].(string)
	if _, exists := st.rows[id]; !exists {
		st.order[object] = append(st.order[object], id)
	}
	st.rows[id] = row
	st.reindex(object, id, row)
}

// remove forgets a row entirely (rollback of a create).
func (st *store) remove(object, id string) {
	delete(st.rows, id)
	st.reindex(object, id, nil)
	st.order[object] = slices.DeleteFunc(st.order[object], func(x string) bool { return x == id })
}
