package sandbox

import (
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/soql"
)

// The Go API reads and writes with the same rules and side effects as the
// REST API (validation, derived fields, change events, Outbound
// Messages); its changes have no ChangeOrigin, like edits in the UI.
// Values are in REST's forms: text, float64, bool, dates "2006-01-02",
// datetimes "2006-01-02T15:04:05.000+0000".

// Get returns a live record with all its fields.
func (s *Server) Get(object, id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.schema.Object(object)
	norm, okID := sfid.Normalize(id)
	if !ok || !okID {
		return nil, false
	}
	row, ok := s.store.live(norm)
	if !ok || sfid.Prefix(norm) != o.KeyPrefix {
		return nil, false
	}
	return s.exportRow(o, row), true
}

// Query runs a SOQL query. Parent relationships are nested maps (nil when
// the lookup is empty), child relationships slices of maps (nil when
// there are none). SELECT COUNT() returns one row {"expr0": count}.
func (s *Server) Query(q string) ([]map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := soql.Run(q, s.schema, s.store, soql.Options{Now: s.now()})
	if err != nil {
		return nil, err
	}
	if res.Records == nil {
		return []map[string]any{{"expr0": res.TotalSize}}, nil
	}
	return exportRecords(res.Records), nil
}

func exportRecords(records []*soql.Record) []map[string]any {
	out := make([]map[string]any, len(records))
	for i, r := range records {
		out[i] = exportRecord(r)
	}
	return out
}

func exportRecord(r *soql.Record) map[string]any {
	m := make(map[string]any, len(r.Fields))
	for _, f := range r.Fields {
		switch v := f.Value.(type) {
		case *soql.Record:
			m[f.Name] = exportRecord(v)
		case *soql.Children:
			m[f.Name] = exportRecords(v.Records)
		default:
			m[f.Name] = goValue(v)
		}
	}
	return m
}

// exportRow is a stored row in the Go API's forms.
func (s *Server) exportRow(o *schema.Object, row map[string]any) map[string]any {
	m := make(map[string]any, len(o.Fields))
	for _, f := range o.Fields {
		m[f.Name] = goValue(row[f.Name])
	}
	return m
}

// Create inserts a record as user and returns its id. Errors are *APIError.
func (s *Server) Create(object string, fields map[string]any, as User) (string, error) {
	var id string
	err := s.write(as, "", func(tx *txn) error {
		var err error
		id, err = s.createIn(tx, object, fields)
		return err
	})
	return id, err
}

// Update changes fields of a record as user. Errors are *APIError.
func (s *Server) Update(object, id string, fields map[string]any, as User) error {
	return s.write(as, "", func(tx *txn) error { return s.updateIn(tx, object, id, fields) })
}

// Delete moves a record (and its cascade-delete children) to the recycle
// bin as user. Errors are *APIError.
func (s *Server) Delete(object, id string, as User) error {
	return s.write(as, "", func(tx *txn) error {
		o, ok := s.schema.Object(object)
		if !ok {
			return errNotFound()
		}
		return asError(tx.delete(o, id))
	})
}

func (s *Server) createIn(tx *txn, object string, fields map[string]any) (string, error) {
	o, ok := s.schema.Object(object)
	if !ok {
		return "", errNotFound()
	}
	in, apiErr := tx.parseInput(o, fields, true)
	if apiErr != nil {
		return "", apiErr
	}
	id, apiErr := tx.insert(o, in)
	return id, asError(apiErr)
}

func (s *Server) updateIn(tx *txn, object, id string, fields map[string]any) error {
	o, ok := s.schema.Object(object)
	if !ok {
		return errNotFound()
	}
	in, apiErr := tx.parseInput(o, fields, false)
	if apiErr != nil {
		return apiErr
	}
	return asError(tx.update(o, id, in))
}

// asError keeps a nil *APIError from becoming a non-nil error.
func asError(e *APIError) error {
	if e == nil {
		return nil
	}
	return e
}
