package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// Records hold values in one internal form per field type: string (text,
// ids, picklists, dates as "2006-01-02"), float64 (every number),
// bool, time.Time (datetimes, UTC, millisecond precision) or nil.

// restTimeLayout is how REST JSON writes datetimes: 2020-05-09T03:04:32.000+0000.
const restTimeLayout = "2006-01-02T15:04:05.000-0700"

// soapTimeLayout is how Outbound Messages write datetimes: 2020-05-09T03:04:32.000Z.
const soapTimeLayout = "2006-01-02T15:04:05.000Z"

// decimal is a double, currency or percent value; it marshals the way
// Salesforce (Java) prints doubles: 45000.0, 25.5, 1.2E7.
type decimal float64

func (d decimal) MarshalJSON() ([]byte, error) { return []byte(javaDouble(float64(d))), nil }

// javaDouble formats like Java's Double.toString: plain notation with at
// least one fraction digit for 1e-3 <= |v| < 1e7, else d.dddE<exp>.
func javaDouble(v float64) string {
	abs := math.Abs(v)
	if abs == 0 || (abs >= 1e-3 && abs < 1e7) {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(v, 'e', -1, 64) // 1.2e+07
	mantissa, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mantissa, ".") {
		mantissa += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return mantissa + "E" + strconv.Itoa(n)
}

// restValue is a stored value as REST JSON carries it.
func restValue(f *schema.Field, v any) any {
	switch v := v.(type) {
	case float64:
		if f.Type == schema.Int {
			return int64(v)
		}
		return decimal(v)
	case time.Time:
		return v.UTC().Format(restTimeLayout)
	}
	return v
}

// goValue is a stored value as the Go API hands it out: REST's form, with
// plain float64 numbers.
func goValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(restTimeLayout)
	}
	return v
}

// soapValue is a stored value as an Outbound Message's sf:Field text;
// ok is false for null.
func soapValue(f *schema.Field, v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case float64:
		if f.Type == schema.Int {
			return strconv.FormatInt(int64(v), 10), true
		}
		return javaDouble(v), true
	case bool:
		return strconv.FormatBool(v), true
	case time.Time:
		return v.UTC().Format(soapTimeLayout), true
	case string:
		return v, true
	}
	return fmt.Sprint(v), true
}

// coerce converts an incoming value (decoded JSON or a Go value) to the
// stored form of the field, accepting what Salesforce accepts: numbers as
// numeric strings, booleans as "true"/"false", datetimes in ISO 8601.
func coerce(f *schema.Field, v any) (any, *APIError) {
	if v == nil {
		return nil, nil
	}
	if n, ok := v.(json.Number); ok {
		v = string(n)
		if f.Type.IsNumber() || f.Type.IsText() {
			return coerceString(f, string(n), v)
		}
		return nil, cannotDeserialize(f, v)
	}
	switch v := v.(type) {
	case string:
		return coerceString(f, v, v)
	case float64, float32, int, int64, int32:
		n, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
		if f.Type.IsNumber() {
			return n, nil
		}
		if f.Type.IsText() && f.Type != schema.Reference && f.Type != schema.ID {
			return strconv.FormatFloat(n, 'f', -1, 64), nil
		}
	case bool:
		if f.Type == schema.Boolean {
			return v, nil
		}
	case time.Time:
		switch f.Type {
		case schema.DateTime:
			return v.UTC().Truncate(time.Millisecond), nil
		case schema.Date:
			return v.UTC().Format(time.DateOnly), nil
		}
	}
	return nil, cannotDeserialize(f, v)
}

func coerceString(f *schema.Field, s string, original any) (any, *APIError) {
	switch {
	case f.Type.IsText():
		return s, nil
	case f.Type.IsNumber():
		if n, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && !math.IsInf(n, 0) && !math.IsNaN(n) {
			return n, nil
		}
	case f.Type == schema.Boolean:
		if b, err := strconv.ParseBool(s); err == nil {
			return b, nil
		}
	case f.Type == schema.Date:
		if t, ok := parseTime(s); ok {
			return t.Format(time.DateOnly), nil
		}
	case f.Type == schema.DateTime:
		if t, ok := parseTime(s); ok {
			return t, nil
		}
	}
	return nil, cannotDeserialize(f, original)
}

var timeLayouts = []string{time.DateOnly, "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05"}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), true
		}
	}
	return time.Time{}, false
}

// cannotDeserialize is the JSON_PARSER_ERROR Salesforce's Jackson parser
// gives for a value of the wrong type. The REST layer appends the position.
func cannotDeserialize(f *schema.Field, v any) *APIError {
	token, text := "VALUE_STRING", fmt.Sprint(v)
	switch v.(type) {
	case bool:
		token = "VALUE_" + strings.ToUpper(text)
	case float64, float32, int, int64, int32, json.Number:
		token = "VALUE_NUMBER_FLOAT"
		if !strings.ContainsAny(text, ".eE") {
			token = "VALUE_NUMBER_INT"
		}
	case map[string]any:
		token, text = "START_OBJECT", "{"
	case []any:
		token, text = "START_ARRAY", "["
	}
	return &APIError{
		StatusCode: 400, ErrorCode: "JSON_PARSER_ERROR", field: f.Name,
		Message: fmt.Sprintf("Cannot deserialize instance of %s from %s value %s or request may be missing a required field", jsonTypeName(f.Type), token, text),
	}
}

func jsonTypeName(t schema.FieldType) string {
	switch t {
	case schema.Currency, schema.Double, schema.Percent:
		return "double"
	case schema.DateTime:
		return "datetime"
	case schema.Int, schema.Boolean, schema.Date:
		return string(t)
	}
	return "string"
}

// now is the sandbox clock at the precision Salesforce stores.
func (s *Server) now() time.Time { return s.cfg.Clock().UTC().Truncate(time.Millisecond) }
