package soql

import (
	"regexp"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// cond is a bound WHERE condition.
type cond interface {
	match(r *runner, row map[string]any) bool
}

type logicalCond struct {
	and   bool
	terms []cond
}

func (l *logicalCond) match(r *runner, row map[string]any) bool {
	for _, t := range l.terms {
		if t.match(r, row) != l.and {
			return !l.and
		}
	}
	return l.and
}

type notCond struct{ x cond }

func (n *notCond) match(r *runner, row map[string]any) bool { return !n.x.match(r, row) }

// value is a bound literal in the form rows hold: lower-cased text, an
// 18-character id, a number, a boolean or a time range [lo, hi).
type value struct {
	null    bool
	str     string
	num     float64
	boolean bool
	isTime  bool
	lo, hi  time.Time
}

type compareCond struct {
	col    column
	op     string
	values []value
	like   *regexp.Regexp
}

func (c *compareCond) match(r *runner, row map[string]any) bool {
	v := r.columnValue(row, c.col)
	switch c.op {
	case "IN":
		return c.anyEqual(v)
	case "NOT IN":
		return !c.anyEqual(v)
	case "LIKE":
		s, ok := v.(string)
		return ok && c.like != nil && c.like.MatchString(s)
	case "=":
		return equal(c.col.field, v, c.values[0])
	case "!=":
		return !equal(c.col.field, v, c.values[0])
	}
	if v == nil || c.values[0].null {
		return false
	}
	return order(c.col.field, v, c.values[0], c.op)
}

func (c *compareCond) anyEqual(v any) bool {
	for _, want := range c.values {
		if equal(c.col.field, v, want) {
			return true
		}
	}
	return false
}

func equal(f *schema.Field, v any, want value) bool {
	if v == nil || want.null {
		return v == nil && want.null
	}
	switch {
	case want.isTime:
		t, ok := timeOf(f, v)
		return ok && !t.Before(want.lo) && t.Before(want.hi)
	case f.Type == schema.ID || f.Type == schema.Reference:
		return v == want.str
	case f.Type.IsText():
		s, ok := v.(string)
		return ok && strings.ToLower(s) == want.str
	case f.Type.IsNumber():
		n, ok := v.(float64)
		return ok && n == want.num
	case f.Type == schema.Boolean:
		b, ok := v.(bool)
		return ok && b == want.boolean
	}
	return false
}

// order evaluates v <op> want for < <= > >=.
func order(f *schema.Field, v any, want value, op string) bool {
	if want.isTime {
		t, ok := timeOf(f, v)
		if !ok {
			return false
		}
		switch op {
		case "<":
			return t.Before(want.lo)
		case "<=":
			return t.Before(want.hi)
		case ">":
			return !t.Before(want.hi)
		}
		return !t.Before(want.lo)
	}
	var c int
	switch {
	case f.Type.IsNumber():
		n, _ := v.(float64)
		c = cmpFloat(n, want.num)
	default:
		s, _ := v.(string)
		c = strings.Compare(strings.ToLower(s), want.str)
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// timeOf reads a date ("2006-01-02") or datetime (time.Time) value.
func timeOf(f *schema.Field, v any) (time.Time, bool) {
	switch v := v.(type) {
	case time.Time:
		return v, true
	case string:
		t, err := time.Parse(time.DateOnly, v)
		return t, err == nil
	}
	return time.Time{}, false
}

// compileLike turns a LIKE pattern (% any run, _ one character, backslash
// escapes) into a case-insensitive regular expression; nil when the
// pattern is not valid UTF-8 (it then matches nothing).
func compileLike(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?is)^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '\\':
			if i+1 < len(pattern) {
				i++
				b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}
