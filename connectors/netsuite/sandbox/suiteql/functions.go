package suiteql

import (
	"math"
	"strings"
	"time"
)

// function is a scalar SQL function over evaluated arguments.
type function struct {
	minArgs, maxArgs int
	nullIn           bool // any NULL argument gives NULL without calling fn
	fn               func(args []Value) (Value, error)
}

var functions = map[string]function{
	"UPPER":        {1, 1, true, func(a []Value) (Value, error) { return strings.ToUpper(text(a[0])), nil }},
	"LOWER":        {1, 1, true, func(a []Value) (Value, error) { return strings.ToLower(text(a[0])), nil }},
	"TRIM":         {1, 1, true, func(a []Value) (Value, error) { return strings.TrimSpace(text(a[0])), nil }},
	"LENGTH":       {1, 1, true, func(a []Value) (Value, error) { return float64(len([]rune(text(a[0])))), nil }},
	"SUBSTR":       {2, 3, true, substr},
	"CONCAT":       {2, 2, false, func(a []Value) (Value, error) { return text(a[0]) + text(a[1]), nil }},
	"NVL":          {2, 2, false, coalesce},
	"COALESCE":     {1, 100, false, coalesce},
	"ABS":          {1, 1, true, numeric(math.Abs)},
	"ROUND":        {1, 2, true, roundFn},
	"TO_NUMBER":    {1, 1, true, func(a []Value) (Value, error) { return toNumber(a[0]) }},
	"TO_CHAR":      {1, 2, true, toChar},
	"TO_DATE":      {1, 2, true, toDate},
	"TO_TIMESTAMP": {1, 2, true, toDate},
	"BUILTIN.DF":   {1, 1, true, displayField},
	"BUILTIN.CF":   {1, 1, true, compoundField},
}

func (e *env) call(n call) (Value, error) {
	f, ok := functions[n.name]
	if !ok {
		return nil, syntaxErrorf("unsupported function %s", n.name)
	}
	if len(n.args) < f.minArgs || len(n.args) > f.maxArgs {
		return nil, syntaxErrorf("wrong number of arguments to %s", n.name)
	}
	args := make([]Value, len(n.args))
	for i, a := range n.args {
		v, err := e.eval(a)
		if err != nil {
			return nil, err
		}
		if v == nil && f.nullIn {
			return nil, nil
		}
		args[i] = v
	}
	return f.fn(args)
}

func text(v Value) string {
	s, _ := Text(v)
	return s
}

func numeric(f func(float64) float64) func([]Value) (Value, error) {
	return func(a []Value) (Value, error) {
		x, err := toNumber(a[0])
		return f(x), err
	}
}

func coalesce(a []Value) (Value, error) {
	for _, v := range a {
		if v != nil {
			return v, nil
		}
	}
	return nil, nil
}

func substr(a []Value) (Value, error) {
	rs := []rune(text(a[0]))
	start, err := toNumber(a[1])
	if err != nil {
		return nil, err
	}
	from := int(start) - 1 // SQL positions start at 1
	if start < 0 {
		from = len(rs) + int(start)
	}
	if from < 0 || from >= len(rs) {
		return nil, nil
	}
	to := len(rs)
	if len(a) == 3 {
		n, err := toNumber(a[2])
		if err != nil {
			return nil, err
		}
		if n < 1 {
			return nil, nil
		}
		to = min(len(rs), from+int(n))
	}
	return string(rs[from:to]), nil
}

func roundFn(a []Value) (Value, error) {
	x, err := toNumber(a[0])
	if err != nil || len(a) == 1 {
		return math.Round(x), err
	}
	places, err := toNumber(a[1])
	return round(x, int(places)), err
}

func toChar(a []Value) (Value, error) {
	if len(a) == 1 {
		return text(a[0]), nil
	}
	t, ok := a[0].(time.Time)
	if !ok {
		return text(a[0]), nil
	}
	return formatTime(t, text(a[1]))
}

func toDate(a []Value) (Value, error) {
	if t, ok := a[0].(time.Time); ok {
		return t, nil
	}
	if len(a) == 1 {
		return toTime(a[0])
	}
	return parseTime(text(a[0]), text(a[1]))
}

// displayField is BUILTIN.DF: a reference's display name, other values as text.
func displayField(a []Value) (Value, error) {
	if r, ok := a[0].(Ref); ok {
		return r.Name, nil
	}
	return text(a[0]), nil
}

// compoundField is BUILTIN.CF: a status's compound id (CustInvc:A), other
// values as their id.
func compoundField(a []Value) (Value, error) {
	if r, ok := a[0].(Ref); ok {
		if r.CF != "" {
			return r.CF, nil
		}
		return r.ID, nil
	}
	return text(a[0]), nil
}
