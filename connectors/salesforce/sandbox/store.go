package sandbox

import (
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
	index    index                     // external id and reference values → ids
}

func newStore(s *schema.Schema) *store {
	return &store{schema: s, rows: map[string]map[string]any{}, order: map[string][]string{}, counters: map[string]uint64{}, index: index{}}
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
	if ids, ok := st.index.candidates(object, f, value); ok {
		for _, id := range ids {
			if row := st.rows[id]; row["IsDeleted"] != true && sameValue(f, row[f.Name], value) {
				out = append(out, row)
			}
		}
		return out
	}
	for _, row := range st.Records(object) {
		if row["IsDeleted"] == true {
			continue
		}
		if sameValue(f, row[f.Name], value) {
			out = append(out, row)
		}
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
	if o, ok := st.schema.Object(rel.Object); ok {
		if f, ok := o.Field(rel.Field); ok && indexed(f) {
			return st.find(rel.Object, f, parentID)
		}
	}
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
	prev, exists := st.rows[id]
	if !exists {
		st.order[object] = append(st.order[object], id)
	}
	if o, ok := st.schema.Object(object); ok {
		st.index.update(o, id, prev, row)
	}
	st.rows[id] = row
}

// remove forgets a row entirely (rollback of a create).
func (st *store) remove(object, id string) {
	if o, ok := st.schema.Object(object); ok {
		st.index.update(o, id, st.rows[id], nil)
	}
	delete(st.rows, id)
	st.order[object] = slices.DeleteFunc(st.order[object], func(x string) bool { return x == id })
}
