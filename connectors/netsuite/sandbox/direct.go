package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Direct data access for tests: no HTTP, no auth, no faults.

// Get returns a record as GET with expandSubResources=true would; id may be "eid:…".
func (s *Server) Get(recordType, id string) (map[string]any, bool) {
	rt, ok := lookupType(recordType)
	if !ok {
		return nil, false
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	r, ok := s.store.find(rt, id)
	if !ok {
		return nil, false
	}
	return s.store.render(r, s.directRender()), true
}

// List returns every record of a type, in id order, shaped as Get returns them.
func (s *Server) List(recordType string) []map[string]any {
	rt, ok := lookupType(recordType)
	if !ok {
		return nil
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var out []map[string]any
	for _, r := range s.store.all(rt) {
		out = append(out, s.store.render(r, s.directRender()))
	}
	return out
}

func (s *Server) directRender() renderOptions {
	return renderOptions{recordBase: s.defaultBase() + "/services/rest/record/v1", expand: true}
}

// Put creates or updates a record as a user in the NetSuite UI would, for
// tests that simulate edits made in NetSuite: the change event says
// USERINTERFACE, and fields NetSuite computes (balance, overdueBalance,
// daysOverdue, …) may be set. rec is a request body; with "id" it edits
// that record, with an "externalId" already in use it edits that one,
// otherwise it creates. It returns the record's internal id.
func (s *Server) Put(recordType string, rec map[string]any) (string, error) {
	rt, ok := lookupType(recordType)
	if !ok {
		return "", fmt.Errorf("netsuite sandbox: put: unknown record type %q", recordType)
	}
	body, err := asRequestJSON(rec)
	if err != nil {
		return "", fmt.Errorf("netsuite sandbox: put %s: %w", rt.name, err)
	}
	opt := writeOptions{asUser: true}
	var r *record
	var aerr *apiError
	switch id, ext := bodyID(body), bodyExternalID(body); {
	case id != "":
		r, aerr = s.updateRecord(rt, id, body, opt, uiSource)
	case ext != "" && s.exists(rt, "eid:"+ext):
		r, aerr = s.updateRecord(rt, "eid:"+ext, body, opt, uiSource)
	default:
		r, aerr = s.createRecord(rt, body, opt, uiSource)
	}
	if aerr != nil {
		return "", fmt.Errorf("netsuite sandbox: put %s: %w", rt.name, aerr)
	}
	return r.id, nil
}

func (s *Server) exists(rt *recordType, id string) bool {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	_, ok := s.store.find(rt, id)
	return ok
}

// asRequestJSON gives a Go map the shape a decoded request body has.
func asRequestJSON(rec map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encoding the record: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("decoding the record: %w", err)
	}
	return body, nil
}

func bodyID(body map[string]any) string {
	for k, v := range body {
		if strings.EqualFold(k, "id") {
			id, _ := idText(v)
			return id
		}
	}
	return ""
}

func bodyExternalID(body map[string]any) string {
	for k, v := range body {
		if strings.EqualFold(k, "externalId") {
			ext, _ := v.(string)
			return ext
		}
	}
	return ""
}
