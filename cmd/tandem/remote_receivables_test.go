package main

import (
	"encoding/json"
	"net/http"
)

// The NetSuite UI actions on transactions the chaos stream takes, through
// the control surface.

// nsTransform makes a record from another (Bill, Accept Payment) as a UI
// user; body holds the new record's fields.
func (r *remoteSandboxes) nsTransform(fromType, id, toType string, body map[string]any) string {
	r.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	var out struct{ ID string }
	r.must(http.MethodPost, controlNetSuitePath+"/records/"+fromType+"/"+id+"/!transform/"+toType, body, &out)
	return out.ID
}

// nsVoid voids a customer payment or credit memo as a UI user.
func (r *remoteSandboxes) nsVoid(recordType, id string) {
	r.t.Helper()
	r.must(http.MethodPost, controlNetSuitePath+"/records/"+recordType+"/"+id+"/!void", nil, nil)
}

// nsFind reads one record; false when NetSuite has none.
func (r *remoteSandboxes) nsFind(recordType, id string) (map[string]any, bool) {
	r.t.Helper()
	resp, err := r.http.Get(r.base + controlNetSuitePath + "/records/" + recordType + "/" + id)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, false
	}
	var rec map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil || resp.StatusCode != http.StatusOK {
		r.t.Fatalf("reading %s %s: %d %v", recordType, id, resp.StatusCode, err)
	}
	return rec, true
}
