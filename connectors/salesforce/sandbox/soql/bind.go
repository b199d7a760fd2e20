package soql

import (
	"fmt"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// plan is a query resolved against the schema, ready to run.
type plan struct {
	object  *schema.Object
	columns []column
	where   cond // nil: every row
	order   []orderKey
	limit   int // -1: none
	offset  int
	count   bool // SELECT COUNT()
}

// column is one selected field, reached through zero or more parents, or a
// child subquery.
type column struct {
	steps []*schema.Field // reference fields walked to reach the field
	field *schema.Field
	child *childPlan
}

type childPlan struct {
	rel  *schema.ChildRelationship
	plan *plan
}

type orderKey struct {
	col       column
	desc      bool
	nullsLast bool
}

// binder resolves names against the schema and reports errors positioned
// in the source query.
type binder struct {
	src      string
	schema   *schema.Schema
	now      time.Time
	readable func(*schema.Object, *schema.Field) bool
}

func (b *binder) fail(pos int, code, format string, args ...any) error {
	return errAt(b.src, pos, code, fmt.Sprintf(format, args...))
}

func (b *binder) bindQuery(q *Query, object *schema.Object) (*plan, error) {
	p := &plan{object: object, limit: -1}
	if q.Limit != nil {
		p.limit = *q.Limit
	}
	if q.Offset != nil {
		p.offset = *q.Offset
	}
	for _, item := range q.Select {
		col, err := b.bindSelectItem(item, object, p)
		if err != nil {
			return nil, err
		}
		if !p.count {
			p.columns = append(p.columns, col)
		}
	}
	if q.Where != nil {
		where, err := b.bindCond(q.Where, object)
		if err != nil {
			return nil, err
		}
		p.where = where
	}
	for _, o := range q.OrderBy {
		col, err := b.bindPath(o.Field, object)
		if err != nil {
			return nil, err
		}
		p.order = append(p.order, orderKey{col: col, desc: o.Desc, nullsLast: o.NullsLast})
	}
	return p, nil
}

func (b *binder) bindSelectItem(item SelectItem, object *schema.Object, p *plan) (column, error) {
	switch {
	case item.Count:
		if len(p.columns) > 0 || p.count {
			return column{}, b.fail(item.Pos, codeMalformed, "COUNT() must be the only element in the SELECT list.")
		}
		p.count = true
		return column{}, nil
	case p.count:
		return column{}, b.fail(item.Pos, codeMalformed, "COUNT() must be the only element in the SELECT list.")
	case item.Sub != nil:
		rel, ok := object.Child(item.Sub.From.Text)
		if !ok {
			return column{}, b.fail(item.Sub.From.Pos, codeInvalidType, "%s", unknownChild(item.Sub.From.Text))
		}
		childObject, _ := b.schema.Object(rel.Object)
		sub, err := b.bindQuery(item.Sub, childObject)
		if err != nil {
			return column{}, err
		}
		return column{child: &childPlan{rel: rel, plan: sub}}, nil
	}
	return b.bindPath(item.Path, object)
}

// bindPath resolves Field, Parent.Field, Parent.Parent.Field. A leading
// segment naming the queried object itself is allowed, as in SOQL.
func (b *binder) bindPath(path Path, object *schema.Object) (column, error) {
	if len(path) > 1 && strings.EqualFold(path[0].Text, object.Name) {
		if _, isRel := object.Parent(path[0].Text); !isRel {
			path = path[1:]
		}
	}
	objects := []*schema.Object{object}
	var col column
	for _, seg := range path[:len(path)-1] {
		ref, ok := parentOnAll(objects, seg.Text)
		if !ok || !b.canRead(objects, ref) {
			return column{}, b.fail(seg.Pos, codeInvalidField, "%s", unknownParent(seg.Text))
		}
		col.steps = append(col.steps, ref)
		objects = objects[:0:0]
		for _, name := range ref.ReferenceTo {
			o, _ := b.schema.Object(name)
			objects = append(objects, o)
		}
	}
	last := path[len(path)-1]
	f, ok := fieldOnAll(objects, last.Text)
	if !ok || !b.canRead(objects, f) {
		name := last.Text
		if len(path) > 1 {
			name = path[len(path)-2].Text + "." + last.Text
		}
		return column{}, b.fail(last.Pos, codeInvalidField, "%s", noSuchColumn(name, objects[0].Name))
	}
	col.field = f
	return col, nil
}

// canRead applies field-level security to a field found on objects.
func (b *binder) canRead(objects []*schema.Object, f *schema.Field) bool {
	if b.readable == nil {
		return true
	}
	for _, o := range objects {
		if of, ok := o.Field(f.Name); ok && !b.readable(o, of) {
			return false
		}
	}
	return true
}

// parentOnAll finds a relationship present on every object (a polymorphic
// lookup reaches several).
func parentOnAll(objects []*schema.Object, rel string) (*schema.Field, bool) {
	var found *schema.Field
	for _, o := range objects {
		f, ok := o.Parent(rel)
		if !ok {
			return nil, false
		}
		found = f
	}
	return found, found != nil
}

func fieldOnAll(objects []*schema.Object, name string) (*schema.Field, bool) {
	var found *schema.Field
	for _, o := range objects {
		f, ok := o.Field(name)
		if !ok {
			return nil, false
		}
		found = f
	}
	return found, found != nil
}

func (b *binder) bindCond(e Expr, object *schema.Object) (cond, error) {
	switch e := e.(type) {
	case *Logical:
		l := &logicalCond{and: e.Op == "AND"}
		for _, t := range e.Terms {
			c, err := b.bindCond(t, object)
			if err != nil {
				return nil, err
			}
			l.terms = append(l.terms, c)
		}
		return l, nil
	case *Not:
		x, err := b.bindCond(e.X, object)
		return &notCond{x: x}, err
	case *Comparison:
		return b.bindComparison(e, object)
	}
	return nil, fmt.Errorf("soql: unknown condition %T", e)
}

func (b *binder) bindComparison(c *Comparison, object *schema.Object) (cond, error) {
	col, err := b.bindPath(c.Field, object)
	if err != nil {
		return nil, err
	}
	f := col.field
	cmp := &compareCond{col: col, op: c.Op}
	if err := b.checkOperator(c, f); err != nil {
		return nil, err
	}
	literals := c.Values
	if c.Op != "IN" && c.Op != "NOT IN" {
		literals = []Literal{c.Value}
	}
	for _, lit := range literals {
		v, err := b.bindLiteral(lit, f, c.Op)
		if err != nil {
			return nil, err
		}
		cmp.values = append(cmp.values, v)
	}
	if c.Op == "LIKE" && c.Value.Kind == LitString {
		cmp.like = compileLike(c.Value.Like)
	}
	return cmp, nil
}

func (b *binder) checkOperator(c *Comparison, f *schema.Field) error {
	pos := c.Field[len(c.Field)-1].Pos
	switch c.Op {
	case "LIKE":
		if !f.Type.IsText() || f.Type == schema.ID || f.Type == schema.Reference {
			return b.fail(pos, codeFilterOperator, "invalid operator on %s field", f.Type.SOQLType())
		}
	case "<", "<=", ">", ">=":
		if f.Type == schema.Boolean {
			return b.fail(pos, codeFilterOperator, "invalid operator on boolean field")
		}
	}
	return nil
}

// bindLiteral checks a literal against the field's type and converts it to
// the form rows hold.
func (b *binder) bindLiteral(lit Literal, f *schema.Field, op string) (value, error) {
	if lit.Kind == LitNull {
		return value{null: true}, nil
	}
	mismatch := func() error {
		quotes := "should not be enclosed in quotes"
		if f.Type.IsText() {
			quotes = "should be enclosed in quotes"
		}
		return b.fail(lit.Pos, codeInvalidField, "value of filter criterion for field '%s' must be of type %s and %s", f.Name, f.Type.SOQLType(), quotes)
	}
	switch {
	case f.Type == schema.ID || f.Type == schema.Reference:
		if lit.Kind != LitString {
			return value{}, mismatch()
		}
		id, ok := sfid.Normalize(lit.Str)
		if !ok {
			return value{}, b.fail(lit.Pos, codeFilterOperator, "invalid ID field: %s", lit.Str)
		}
		return value{str: id}, nil
	case f.Type.IsText():
		if lit.Kind != LitString {
			return value{}, mismatch()
		}
		return value{str: strings.ToLower(lit.Str)}, nil
	case f.Type.IsNumber():
		if lit.Kind != LitNumber {
			return value{}, mismatch()
		}
		return value{num: lit.Num}, nil
	case f.Type == schema.Boolean:
		if lit.Kind != LitBool {
			return value{}, mismatch()
		}
		return value{boolean: lit.Bool}, nil
	case f.Type == schema.Date || f.Type == schema.DateTime:
		return b.bindTime(lit, f, mismatch)
	}
	return value{}, mismatch()
}

// bindTime turns a date, datetime or relative date literal into the time
// range it stands for: [lo, hi).
func (b *binder) bindTime(lit Literal, f *schema.Field, mismatch func() error) (value, error) {
	switch {
	case lit.Kind == LitRelativeDate:
		lo, hi := relativeRange(lit, b.now)
		return value{lo: lo, hi: hi, isTime: true}, nil
	case lit.Kind == LitDate && f.Type == schema.Date:
		t, err := time.Parse(time.DateOnly, lit.Text)
		if err != nil {
			return value{}, b.fail(lit.Pos, codeMalformed, "unexpected token: '%s'", lit.Text)
		}
		return value{lo: t, hi: t.AddDate(0, 0, 1), isTime: true}, nil
	case lit.Kind == LitDateTime && f.Type == schema.DateTime:
		t, err := parseDateTime(lit.Text)
		if err != nil {
			return value{}, b.fail(lit.Pos, codeMalformed, "unexpected token: '%s'", lit.Text)
		}
		return value{lo: t, hi: t.Add(time.Millisecond), isTime: true}, nil
	}
	return value{}, mismatch()
}

var dateTimeLayouts = []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999Z07:00", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999Z0700"}

func parseDateTime(s string) (time.Time, error) {
	var err error
	for _, layout := range dateTimeLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), nil
		}
	}
	return time.Time{}, err
}

// relativeRange is the day range a relative date literal names, in UTC
// (the sandbox org's time zone).
func relativeRange(lit Literal, now time.Time) (time.Time, time.Time) {
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return today.AddDate(0, 0, n) }
	switch lit.Str {
	case "YESTERDAY":
		return day(-1), today
	case "TOMORROW":
		return day(1), day(2)
	case "LAST_N_DAYS":
		return day(-lit.N), day(1)
	case "NEXT_N_DAYS":
		return day(1), day(1 + lit.N)
	}
	return today, day(1)
}
