package netsuite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-resty/resty/v2"
)

// recordPath is the REST record service (Oracle section_1545141395 ff.).
const recordPath = "/services/rest/record/v1/"

// GetOptions shape a GetRecord answer.
type GetOptions struct {
	Fields []string // ?fields=a,b: only these body fields
	// ExpandSubResources returns sublists and subrecords inline
	// (?expandSubResources=true) instead of as links.
	ExpandSubResources bool
}

// WriteOptions shape an update or upsert.
type WriteOptions struct {
	// Replace names sublists to replace whole (?replace=item,…): without it
	// keyed sublist lines merge and other lines are appended.
	Replace []string
}

// Record is a NetSuite record as the REST API returns it. Numbers are
// json.Number; references are objects {"id", "refName", "links"}; field
// shapes differ across NetSuite versions, so read them with the helpers.
type Record map[string]any

// Ref is a reference to another record (or an enum value since 2021.1).
type Ref struct {
	ID      string
	RefName string
}

// ExternalID is the URL form of an external id: "eid:" + id. Check id with
// ValidExternalID first.
func ExternalID(id string) string { return "eid:" + id }

var (
	externalIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	internalIDPattern = regexp.MustCompile(`^[0-9]+$`)
	recordTypePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

// ValidExternalID reports whether id can stand in a URL as eid:<id>:
// NetSuite allows letters, digits, underscore and hyphen there.
func ValidExternalID(id string) error {
	if !externalIDPattern.MatchString(id) {
		return invalidf("external id %q: only letters, digits, _ and - can be used in a URL", id)
	}
	return nil
}

// GetRecord reads one record; id is an internal id or ExternalID(x).
func (c *Client) GetRecord(ctx context.Context, recordType, id string, opt *GetOptions) (Record, error) {
	p, err := recordURL(recordType, id)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if opt != nil && len(opt.Fields) > 0 {
		q.Set("fields", strings.Join(opt.Fields, ","))
	}
	if opt != nil && opt.ExpandSubResources {
		q.Set("expandSubResources", "true")
	}
	op := "get " + recordType + " " + id
	resp, err := c.do(ctx, call{op: op, method: http.MethodGet, path: p, query: q, idempotent: true})
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := decodeJSON(resp.Body(), &rec); err != nil {
		return nil, fmt.Errorf("netsuite: %s: decoding the record: %w", op, err)
	}
	return rec, nil
}

// CreateRecord adds a record and returns its internal id, which NetSuite
// gives only in the Location header of its 204. A create is not repeated
// after a 5xx or a lost answer (it may have been applied): prefer
// UpsertRecord with an external id.
func (c *Client) CreateRecord(ctx context.Context, recordType string, body any) (string, error) {
	op := "create " + recordType
	if !recordTypePattern.MatchString(recordType) {
		return "", invalidf("%s: invalid record type", op)
	}
	return c.post(ctx, op, recordPath+recordType, body)
}

// UpdateRecord changes the fields in body; fields left out stay as they
// are, null clears one. Not repeated after a 5xx or lost answer: a PATCH
// appending sublist lines is not idempotent.
func (c *Client) UpdateRecord(ctx context.Context, recordType, id string, body any, opt *WriteOptions) error {
	p, err := recordURL(recordType, id)
	if err != nil {
		return err
	}
	r := call{op: "update " + recordType + " " + id, method: http.MethodPatch, path: p, query: opt.query()}
	_, err = c.write(ctx, r, body)
	return err
}

// UpsertRecord creates or updates the record with this external id
// (PUT …/eid:<externalID>), the idempotent way to write. It returns the
// internal id when NetSuite sends a Location header, "" otherwise.
func (c *Client) UpsertRecord(ctx context.Context, recordType, externalID string, body any, opt *WriteOptions) (string, error) {
	p, err := recordURL(recordType, ExternalID(externalID)) // checks externalID too
	if err != nil {
		return "", err
	}
	op := "upsert " + recordType + " " + ExternalID(externalID)
	resp, err := c.write(ctx, call{op: op, method: http.MethodPut, path: p, query: opt.query(), idempotent: true}, body)
	if err != nil {
		return "", err
	}
	loc := resp.Header().Get("Location")
	if loc == "" {
		return "", nil
	}
	id, err := idFromLocation(loc)
	if err != nil {
		return "", fmt.Errorf("netsuite: %s: %w", op, err)
	}
	return id, nil
}

// DeleteRecord deletes one record; id is an internal id or ExternalID(x).
func (c *Client) DeleteRecord(ctx context.Context, recordType, id string) error {
	p, err := recordURL(recordType, id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{op: "delete " + recordType + " " + id, method: http.MethodDelete, path: p, idempotent: true})
	return err
}

func (opt *WriteOptions) query() url.Values {
	if opt == nil || len(opt.Replace) == 0 {
		return nil
	}
	return url.Values{"replace": {strings.Join(opt.Replace, ",")}}
}

// write sends r with body encoded as JSON.
func (c *Client) write(ctx context.Context, r call, body any) (*resty.Response, error) {
	b, err := encodeJSON(body)
	if err != nil {
		return nil, invalidf("%s: encoding the body: %v", r.op, err)
	}
	r.body = b
	return c.do(ctx, r)
}

// recordURL is the path of one record, after checking that the type and
// id cannot escape it.
func recordURL(recordType, id string) (string, error) {
	if !recordTypePattern.MatchString(recordType) {
		return "", invalidf("record type %q is not a NetSuite record type", recordType)
	}
	if eid, ok := strings.CutPrefix(id, "eid:"); ok {
		if err := ValidExternalID(eid); err != nil {
			return "", err
		}
	} else if !internalIDPattern.MatchString(id) {
		return "", invalidf("%s id %q is neither an internal id nor eid:<external id>", recordType, id)
	}
	return recordPath + recordType + "/" + id, nil
}

// idFromLocation is the last path segment of a Location header such as
// https://demo123.suitetalk.api.netsuite.com/services/rest/record/v1/customer/647.
func idFromLocation(loc string) (string, error) {
	u, err := url.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("reading the Location header: %w", err)
	}
	id := path.Base(u.Path)
	if id == "." || id == "/" {
		return "", fmt.Errorf("no record id in the Location header %q", loc)
	}
	return id, nil
}

func encodeJSON(body any) ([]byte, error) {
	switch b := body.(type) {
	case nil:
		return nil, errors.New("no body")
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	}
	return json.Marshal(body)
}

// decodeJSON decodes numbers as json.Number, so ids and amounts keep
// every digit. Answers are decoded here rather than by resty's
// SetResult/SetError: records are open maps, resty silently skips a body
// whose Content-Type is not JSON, a decoding error from Execute would look
// like a lost answer to do's retry loop, and error bodies need their raw
// text for snippets (NetSuite's published 429 body is not even JSON).
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// String is a field as text: strings as they are, numbers and booleans
// formatted, "" for a missing field or an object (use Ref).
func (r Record) String(field string) string { return text(r[field]) }

// Float is a numeric field, also when sent as a string; 0 when missing.
func (r Record) Float(field string) float64 { return number(r[field]) }

// Bool is a boolean field, also in the older "T"/"F" spelling.
func (r Record) Bool(field string) bool {
	switch v := r[field].(type) {
	case bool:
		return v
	case string:
		return v == "T" || strings.EqualFold(v, "true")
	}
	return false
}

// Ref reads a reference {"id", "refName"}; a plain value (older enum
// formats, e.g. "status": "Open") comes back as the ID.
func (r Record) Ref(field string) Ref {
	if m, ok := r[field].(map[string]any); ok {
		return Ref{ID: text(m["id"]), RefName: text(m["refName"])}
	}
	return Ref{ID: text(r[field])}
}

// Sublist returns the lines of a sublist read with ExpandSubResources
// ({"items": [...]}); nil when the sublist came as links only.
func (r Record) Sublist(name string) []Record {
	m, _ := r[name].(map[string]any)
	items, _ := m["items"].([]any)
	lines := make([]Record, 0, len(items))
	for _, it := range items {
		if line, ok := it.(map[string]any); ok {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return lines
}

func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

func number(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case json.Number:
		f, _ := v.Float64()
		return f
	case string:
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return 0
}
