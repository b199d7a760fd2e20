package suiteql

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Value is one cell: nil (NULL), string, float64, time.Time or Ref.
// Booleans are stored as NetSuite stores them: the strings "T" and "F".
type Value = any

// Ref is a reference column (entity, currency, …): it compares and prints
// as its internal id; BUILTIN.DF shows Name. A transaction status also has
// its compound id (CF, e.g. "CustInvc:A", what BUILTIN.CF shows), and
// compares equal to that too: public queries filter the raw column both
// ways (status IN ('CustInvc:A') and BUILTIN.CF(status) = 'CustInvc:A').
type Ref struct{ ID, Name, CF string }

// key is what r compares as against other.
func (r Ref) key(other Value) Value {
	if s, ok := other.(string); ok && r.CF != "" && s == r.CF {
		return r.CF
	}
	return r.ID
}

// DisplayDateLayout is the account date format SuiteQL prints dates in
// (M/D/YYYY, NetSuite's default).
const DisplayDateLayout = "1/2/2006"

// Text renders a cell the way the SuiteQL REST service does: every value is
// a string. ok is false for NULL, which NetSuite leaves out of the row.
func Text(v Value) (s string, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case float64:
		return formatNumber(x), true
	case time.Time:
		return x.UTC().Format(DisplayDateLayout), true
	case Ref:
		return x.ID, true
	case bool:
		return boolText(x), true
	}
	return fmt.Sprint(v), true
}

func boolText(b bool) string {
	if b {
		return "T"
	}
	return "F"
}

func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// ParamValue converts a bound parameter from the request JSON.
func ParamValue(v any) Value {
	switch x := v.(type) {
	case bool:
		return boolText(x)
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case interface{ Float64() (float64, error) }: // json.Number
		if f, err := x.Float64(); err == nil {
			return f
		}
		return fmt.Sprint(v)
	}
	return v
}

func toNumber(v Value) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, syntaxErrorf("invalid number %q", x)
		}
		return f, nil
	case Ref:
		return toNumber(x.ID)
	}
	return 0, syntaxErrorf("%v is not a number", v)
}

// implicitDateLayouts are the strings Oracle-style implicit conversion
// accepts where a date is expected: the account format first.
var implicitDateLayouts = []string{
	DisplayDateLayout, "1/2/2006 3:04 pm", "1/2/2006 15:04:05",
	"2006-01-02", "2006-01-02 15:04:05", time.RFC3339,
}

func toTime(v Value) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		s := strings.TrimSpace(x)
		for _, layout := range implicitDateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, syntaxErrorf("invalid date %q", x)
	}
	return time.Time{}, syntaxErrorf("%v is not a date", v)
}

// compare orders two non-NULL values, converting as Oracle does implicitly.
func compare(a, b Value) (int, error) {
	if r, ok := a.(Ref); ok {
		a = r.key(b)
	}
	if r, ok := b.(Ref); ok {
		b = r.key(a)
	}
	switch x := a.(type) {
	case float64:
		y, err := toNumber(b)
		return cmp.Compare(x, y), err
	case time.Time:
		y, err := toTime(b)
		return x.Compare(y), err
	case string:
		switch b.(type) {
		case float64:
			c, err := compare(b, a)
			return -c, err
		case time.Time:
			c, err := compare(b, a)
			return -c, err
		}
		return strings.Compare(x, fmt.Sprint(b)), nil
	}
	return 0, syntaxErrorf("cannot compare %v", a)
}

// sortCompare orders values for ORDER BY, NULLs placed by nullsFirst.
func sortCompare(a, b Value, nullsFirst bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return nullOrder(nullsFirst)
	case b == nil:
		return -nullOrder(nullsFirst)
	}
	c, err := compare(a, b)
	if err != nil { // incomparable kinds: fall back to their text
		sa, _ := Text(a)
		sb, _ := Text(b)
		return strings.Compare(sa, sb)
	}
	return c
}

func nullOrder(nullsFirst bool) int {
	if nullsFirst {
		return -1
	}
	return 1
}
