package mapping

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Text helpers. Every helper treats null as empty and returns null for an
// empty input where that reads naturally, so an empty result leaves the
// target field out.

// textOf is a value as text: numbers without trailing zeros, dates as
// RFC 3339, null as "".
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// isEmpty reports the values a mapping treats as "no value": null, text
// that is empty or only spaces, and an empty list.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// text(a, b, …) joins values into text; null adds nothing.
func text(args ...any) (any, error) {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(textOf(a))
	}
	return b.String(), nil
}

// quote(v) is v in double quotes, for messages: quote("Widget") = "\"Widget\"".
func quote(args ...any) (any, error) {
	return strconv.Quote(textOf(args[0])), nil
}

// coalesce(a, b, …) is the first value that is not empty, else null.
func coalesce(args ...any) (any, error) {
	for _, a := range args {
		if !isEmpty(a) {
			return a, nil
		}
	}
	return nil, nil
}

// joinNonEmpty(sep, a, b, …) joins the values that are not empty with sep;
// lists are joined item by item. Null when all are empty.
func joinNonEmpty(args ...any) (any, error) {
	sep := textOf(args[0])
	var parts []string
	var add func(v any)
	add = func(v any) {
		if list, ok := v.([]any); ok {
			for _, item := range list {
				add(item)
			}
			return
		}
		if !isEmpty(v) {
			parts = append(parts, strings.TrimSpace(textOf(v)))
		}
	}
	for _, a := range args[1:] {
		add(a)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return strings.Join(parts, sep), nil
}

// truncate(v, n) is v cut to at most n characters (NetSuite and Salesforce
// reject text longer than a field allows).
func truncate(args ...any) (any, error) {
	if isEmpty(args[0]) {
		return nil, nil
	}
	n, err := intArg("truncate", args[1])
	if err != nil {
		return nil, err
	}
	s := textOf(args[0])
	if utf8.RuneCountInString(s) <= n {
		return s, nil
	}
	return string([]rune(s)[:max(n, 0)]), nil
}

// titleCase(v) capitalises each word: "ACME CORP" → "Acme Corp".
func titleCase(args ...any) (any, error) {
	if isEmpty(args[0]) {
		return nil, nil
	}
	runes := []rune(strings.ToLower(textOf(args[0])))
	start := true
	for i, r := range runes {
		if start && unicode.IsLetter(r) {
			runes[i] = unicode.ToUpper(r)
		}
		start = unicode.IsSpace(r) || r == '-' || r == '/'
	}
	return string(runes), nil
}

// line(v, n) is the n-th line (from 1) of multi-line text, trimmed; null
// when there is none. Salesforce keeps street lines in one field,
// NetSuite in addr1..addr3.
func line(args ...any) (any, error) {
	n, err := intArg("line", args[1])
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.ReplaceAll(textOf(args[0]), "\r\n", "\n"), "\n")
	if n < 1 || n > len(lines) || strings.TrimSpace(lines[n-1]) == "" {
		return nil, nil
	}
	return strings.TrimSpace(lines[n-1]), nil
}

// digits(v) keeps only the digits of v; null when there are none.
func digits(args ...any) (any, error) {
	d := onlyDigits(textOf(args[0]))
	if d == "" {
		return nil, nil
	}
	return d, nil
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// idOf(v) is a NetSuite reference's id, or v itself when it is a plain
// value: NetSuite versions send some fields as {"id", "refName"} and
// others as text.
func idOf(args ...any) (any, error) {
	if ref, ok := args[0].(map[string]any); ok {
		return ref["id"], nil
	}
	return args[0], nil
}

// present(v) is true when v is not empty; blank(v) is its opposite.
func present(args ...any) (any, error) { return !isEmpty(args[0]), nil }

func blank(args ...any) (any, error) { return isEmpty(args[0]), nil }

func intArg(fn string, v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case float64:
		return int(x), nil
	}
	return 0, fmt.Errorf("%s: %v is not a whole number", fn, v)
}
