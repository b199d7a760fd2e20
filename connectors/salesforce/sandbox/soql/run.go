package soql

import (
	"slices"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// Data is what a query reads. Rows map canonical field names to values:
// string (text, ids, dates as "2006-01-02"), float64, bool, time.Time
// (datetimes) or nil.
type Data interface {
	// Records returns every record of an object, deleted ones included,
	// in creation order.
	Records(object string) []map[string]any
	// Record returns a record by its 18-character id.
	Record(id string) (map[string]any, bool)
}

// Options change how a query runs.
type Options struct {
	// IncludeDeleted is queryAll: deleted records match too.
	IncludeDeleted bool
	// Now anchors TODAY, LAST_N_DAYS:n and the other relative dates.
	Now time.Time
	// Readable hides the fields it refuses (field-level security): a query
	// naming one fails as if the field did not exist. nil: all readable.
	Readable func(*schema.Object, *schema.Field) bool
}

// Result is a query's answer.
type Result struct {
	Object    string
	TotalSize int
	// Records is nil for SELECT COUNT().
	Records []*Record
}

// Record is one row, its fields in the order selected. A parent
// relationship is a FieldValue whose Value is a *Record (or nil when the
// lookup is empty); a child relationship has a *Children (or nil when
// there are none).
type Record struct {
	Object string
	ID     string
	Fields []FieldValue
}

// FieldValue is one selected field. Field is nil for relationships.
type FieldValue struct {
	Name  string
	Field *schema.Field
	Value any
}

// Children are the records of a child subquery.
type Children struct {
	Records []*Record
}

// Run parses and runs a query.
func Run(src string, s *schema.Schema, data Data, opt Options) (*Result, error) {
	q, err := Parse(src)
	if err != nil {
		return nil, err
	}
	object, ok := s.Object(q.From.Text)
	if !ok {
		return nil, errAt(src, q.From.Pos, codeInvalidType, unsupportedType(q.From.Text))
	}
	b := &binder{src: src, schema: s, now: opt.Now, readable: opt.Readable}
	p, err := b.bindQuery(q, object)
	if err != nil {
		return nil, err
	}
	r := &runner{schema: s, data: data, opt: opt}
	rows := r.select_(p, data.Records(object.Name))
	res := &Result{Object: object.Name, TotalSize: len(rows)}
	if !p.count {
		res.Records = r.project(p, rows)
	}
	return res, nil
}

type runner struct {
	schema *schema.Schema
	data   Data
	opt    Options
}

// select_ filters, sorts and pages rows.
func (r *runner) select_(p *plan, rows []map[string]any) []map[string]any {
	var out []map[string]any
	for _, row := range rows {
		if deleted, _ := row["IsDeleted"].(bool); deleted && !r.opt.IncludeDeleted {
			continue
		}
		if p.where == nil || p.where.match(r, row) {
			out = append(out, row)
		}
	}
	if len(p.order) > 0 {
		slices.SortStableFunc(out, func(a, b map[string]any) int { return r.compareRows(p.order, a, b) })
	}
	out = out[min(p.offset, len(out)):]
	if p.limit >= 0 && len(out) > p.limit {
		out = out[:p.limit]
	}
	return out
}

func (r *runner) compareRows(keys []orderKey, a, b map[string]any) int {
	for _, k := range keys {
		va, vb := r.columnValue(a, k.col), r.columnValue(b, k.col)
		var c int
		switch {
		case va == nil && vb == nil:
			continue
		case va == nil || vb == nil:
			c = -1
			if (va == nil) == k.nullsLast {
				c = 1
			}
			return c
		}
		c = compareValues(va, vb)
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// compareValues orders two non-nil values of one field; values of
// different types (which the store never holds) compare equal.
func compareValues(a, b any) int {
	switch a := a.(type) {
	case float64:
		if b, ok := b.(float64); ok {
			return cmpFloat(a, b)
		}
	case bool:
		if b, ok := b.(bool); ok {
			return cmpFloat(boolNum(a), boolNum(b))
		}
	case time.Time:
		if b, ok := b.(time.Time); ok {
			return a.Compare(b)
		}
	case string:
		if b, ok := b.(string); ok {
			return compareText(a, b)
		}
	}
	return 0
}

func boolNum(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// compareText orders text case-insensitively, as SOQL's ORDER BY does.
func compareText(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// columnValue walks a column's parent lookups and reads its field.
func (r *runner) columnValue(row map[string]any, col column) any {
	for _, step := range col.steps {
		parent, ok := r.parent(row, step)
		if !ok {
			return nil
		}
		row = parent
	}
	return row[col.field.Name]
}

func (r *runner) parent(row map[string]any, ref *schema.Field) (map[string]any, bool) {
	id, _ := row[ref.Name].(string)
	if id == "" {
		return nil, false
	}
	return r.data.Record(id)
}

// project turns rows into records holding the selected columns.
func (r *runner) project(p *plan, rows []map[string]any) []*Record {
	children := make([]map[string][]map[string]any, len(p.columns))
	for i, col := range p.columns {
		if col.child != nil {
			children[i] = r.childIndex(col.child)
		}
	}
	records := make([]*Record, 0, len(rows))
	for _, row := range rows {
		rec := r.newRecord(row)
		for i, col := range p.columns {
			if col.child != nil {
				rec.Fields = append(rec.Fields, r.childField(col.child, children[i][rec.ID]))
				continue
			}
			r.addColumn(rec, row, col.steps, col.field)
		}
		records = append(records, rec)
	}
	return records
}

func (r *runner) newRecord(row map[string]any) *Record {
	id, _ := row["Id"].(string)
	rec := &Record{ID: id}
	if o, ok := r.schema.ByPrefix(sfid.Prefix(id)); ok {
		rec.Object = o.Name
	}
	return rec
}

// addColumn adds a field to rec, nesting it under parent records for each
// step; columns sharing a parent share its nested record.
func (r *runner) addColumn(rec *Record, row map[string]any, steps []*schema.Field, f *schema.Field) {
	if len(steps) == 0 {
		if !slices.ContainsFunc(rec.Fields, func(fv FieldValue) bool { return fv.Field == f }) {
			rec.Fields = append(rec.Fields, FieldValue{Name: f.Name, Field: f, Value: row[f.Name]})
		}
		return
	}
	rel := steps[0].RelationshipName
	i := slices.IndexFunc(rec.Fields, func(fv FieldValue) bool { return fv.Field == nil && fv.Name == rel })
	if i < 0 {
		var nested any
		if parent, ok := r.parent(row, steps[0]); ok {
			nested = r.newRecord(parent)
		}
		rec.Fields = append(rec.Fields, FieldValue{Name: rel, Value: nested})
		i = len(rec.Fields) - 1
	}
	if nested, ok := rec.Fields[i].Value.(*Record); ok {
		parent, _ := r.data.Record(nested.ID)
		r.addColumn(nested, parent, steps[1:], f)
	}
}

// childIndex groups the child object's rows by parent id.
func (r *runner) childIndex(c *childPlan) map[string][]map[string]any {
	index := map[string][]map[string]any{}
	for _, row := range r.data.Records(c.rel.Object) {
		if parent, _ := row[c.rel.Field].(string); parent != "" {
			index[parent] = append(index[parent], row)
		}
	}
	return index
}

func (r *runner) childField(c *childPlan, rows []map[string]any) FieldValue {
	fv := FieldValue{Name: c.rel.Name}
	if rows = r.select_(c.plan, rows); len(rows) > 0 {
		fv.Value = &Children{Records: r.project(c.plan, rows)}
	}
	return fv
}
