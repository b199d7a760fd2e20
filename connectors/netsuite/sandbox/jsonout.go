package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Content types of NetSuite's REST responses.
const (
	contentTypeSingular   = "application/vnd.oracle.resource+json; type=singular"
	contentTypeCollection = "application/vnd.oracle.resource+json; type=collection"
	contentTypeError      = "application/vnd.oracle.resource+json; type=error"
	contentTypeJSON       = "application/json"
)

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(marshalOrdered(v))
}

// marshalOrdered encodes v as NetSuite orders its objects: "links" first,
// then the other keys alphabetically, ignoring case.
func marshalOrdered(v any) []byte {
	var b bytes.Buffer
	encodeOrdered(&b, v)
	return b.Bytes()
}

func encodeOrdered(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, compareKeys)
		encodeObject(b, keys, x)
	case orderedObject:
		encodeObject(b, x.keys, x.values)
	case []any:
		encodeArray(b, len(x), func(i int) any { return x[i] })
	case []map[string]any:
		encodeArray(b, len(x), func(i int) any { return x[i] })
	case []orderedObject:
		encodeArray(b, len(x), func(i int) any { return x[i] })
	default:
		raw, err := json.Marshal(x)
		if err != nil {
			raw = []byte("null")
		}
		b.Write(raw)
	}
}

// orderedObject is a JSON object whose keys keep their order (SuiteQL rows
// list their columns in select-list order).
type orderedObject struct {
	keys   []string
	values map[string]any
}

func (o *orderedObject) set(k string, v any) {
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

func encodeObject(b *bytes.Buffer, keys []string, m map[string]any) {
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		b.Write(name)
		b.WriteByte(':')
		encodeOrdered(b, m[k])
	}
	b.WriteByte('}')
}

func encodeArray(b *bytes.Buffer, n int, at func(int) any) {
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		encodeOrdered(b, at(i))
	}
	b.WriteByte(']')
}

func compareKeys(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "links":
		return -1
	case b == "links":
		return 1
	}
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
