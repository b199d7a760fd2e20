package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"unicode/utf8"
)

// scriptJSON encodes v byte for byte as JavaScript's JSON.stringify does,
// so the sandbox posts what the SuiteScript would: "&", "<", ">" and
// U+2028 stay as they are (encoding/json escapes them). v holds nil,
// bool, float64, string, []any and orderedObject.
func scriptJSON(v any) []byte { return appendScriptJSON(nil, v) }

func appendScriptJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return fmt.Append(b, x)
	case float64:
		return appendJSNumber(b, x)
	case string:
		return appendJSString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendScriptJSON(b, e)
		}
		return append(b, ']')
	case orderedObject:
		b = append(b, '{')
		for i, k := range x.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSString(b, k)
			b = append(b, ':')
			b = appendScriptJSON(b, x.values[k])
		}
		return append(b, '}')
	}
	return append(b, "null"...) // nothing else reaches the script's JSON
}

// appendJSNumber writes a number as JavaScript prints it; encoding/json
// already follows ECMAScript's format for finite numbers.
func appendJSNumber(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f), math.IsInf(f, 0):
		return append(b, "null"...)
	case f == 0:
		return append(b, '0') // also -0
	}
	raw, _ := json.Marshal(f)
	return append(b, raw...)
}

// appendJSString quotes s as JSON.stringify does: only the quote, the
// backslash and control characters are escaped.
func appendJSString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s { // invalid UTF-8 reads as U+FFFD
		switch r {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			if r < 0x20 {
				b = fmt.Appendf(b, `\u%04x`, r)
			} else {
				b = utf8.AppendRune(b, r)
			}
		}
	}
	return append(b, '"')
}
