package mapping

import (
	"encoding/json"
	"reflect"
)

// Record values are normalised as they are read, so that expressions read
// both systems the same way:
//
//   - a Salesforce child relationship {"totalSize", "done", "records": […]}
//     reads as the list of its records: OpportunityLineItems is a list;
//   - a NetSuite sublist or collection {"links", "items": […], …} reads as
//     the list of its items: addressBook is a list;
//   - a NetSuite sublist or subrecord that was not expanded ({"links"}
//     only) reads as null;
//   - numbers read as float64 (NetSuite's client decodes json.Number);
//   - a field of something that is not an object (a parent that is null,
//     a reference sent as plain text) reads as null, never an error;
//   - everything else reads as it is: parents (Account.Name), NetSuite
//     references ({id, refName}: currency.id), and the "attributes" and
//     "links" keys, which mappings have no need for.
//
// Reading lazily leaves the input untouched and costs nothing for the
// fields a mapping does not read.

// getField is $get(object, name): every record field read in a mapping.
func getField(args ...any) (any, error) { return fieldOf(args[0], args[1].(string)), nil }

// fieldOf reads one field of an object, normalised; null when obj is not
// an object.
func fieldOf(obj any, name string) any {
	m, ok := obj.(map[string]any)
	if !ok {
		if m, ok = asMap(obj); !ok {
			return nil
		}
	}
	return normalize(m[name])
}

// normalize is a record value as mappings read it (see above).
func normalize(v any) any {
	switch x := v.(type) {
	case nil, string, float64, bool:
		return v
	case map[string]any:
		return normalizeObject(x)
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	}
	return normalizeOther(v)
}

func normalizeObject(m map[string]any) any {
	if records, ok := m["records"].([]any); ok && has(m, "totalSize") && has(m, "done") {
		return records
	}
	if items, ok := m["items"].([]any); ok && has(m, "links") {
		return items
	}
	if len(m) == 1 && has(m, "links") {
		return nil
	}
	return m
}

func has(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// normalizeOther handles named map and slice types (salesforce.Record,
// netsuite.Record) and numbers of other types.
func normalizeOther(v any) any {
	if m, ok := asMap(v); ok {
		return normalizeObject(m)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		if rv.Type().ConvertibleTo(listType) {
			return rv.Convert(listType).Interface()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint())
	case reflect.Float32:
		return rv.Float()
	}
	return v
}

// asMap converts a named map type with the shape map[string]any.
func asMap(v any) (map[string]any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map || !rv.Type().ConvertibleTo(mapType) {
		return nil, false
	}
	return rv.Convert(mapType).Interface().(map[string]any), true
}

var (
	mapType  = reflect.TypeOf(map[string]any(nil))
	listType = reflect.TypeOf([]any(nil))
)
