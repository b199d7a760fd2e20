package salesforce

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Record is one decoded JSON record: field names to values, with parent
// relationships as nested objects ("Account": {"Name": …}) and child
// subqueries as query results ("OpportunityLineItems": {"records": […]}).
type Record map[string]any

// String returns the value at path ("Name", "Account.Name",
// "Product2.NetSuite_Item_Id__c") as text: numbers without trailing zeros,
// booleans as "true"/"false"; "" when null or absent.
func (r Record) String(path string) string {
	switch v := r.value(path).(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// Bool returns the checkbox at path; false when null, absent or not a boolean.
func (r Record) Bool(path string) bool {
	b, _ := r.value(path).(bool)
	return b
}

// Float returns the number at path; ok is false when it is null, absent or
// not a number.
func (r Record) Float(path string) (f float64, ok bool) {
	switch v := r.value(path).(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// Children returns the records of the child subquery rel, like
// "OpportunityLineItems"; nil when there are none (Salesforce sends null).
// Only the first batch of a very large child result is included.
func (r Record) Children(rel string) []Record {
	result, ok := asObject(r.value(rel))
	if !ok {
		return nil
	}
	items, _ := result["records"].([]any)
	children := make([]Record, 0, len(items))
	for _, item := range items {
		if child, ok := asObject(item); ok {
			children = append(children, Record(child))
		}
	}
	return children
}

// value walks a dotted path through nested objects.
func (r Record) value(path string) any {
	var cur any = map[string]any(r)
	for _, key := range strings.Split(path, ".") {
		obj, ok := asObject(cur)
		if !ok {
			return nil
		}
		cur = obj[key]
	}
	return cur
}

func asObject(v any) (map[string]any, bool) {
	switch o := v.(type) {
	case map[string]any:
		return o, true
	case Record:
		return o, true
	}
	return nil, false
}
