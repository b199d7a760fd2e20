package sandbox

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/soql"
)

// recordURL is a record's attributes.url.
func recordURL(version, object, id string) string {
	return "/services/data/v" + version + "/sobjects/" + object + "/" + id
}

func attributes(version, object, id string) jsonField {
	return jsonField{"attributes", jsonObject{{"type", object}, {"url", recordURL(version, object, id)}}}
}

// rowJSON is a stored record as GET /sobjects returns it: attributes,
// then the fields (all, or those named) in describe order.
func rowJSON(version string, o *schema.Object, row map[string]any, fields []*schema.Field) jsonObject {
	if fields == nil {
		fields = o.Fields
	}
	out := jsonObject{attributes(version, o.Name, row["Id"].(string))}
	for _, f := range fields {
		out = append(out, jsonField{f.Name, restValue(f, row[f.Name])})
	}
	return out
}

// recordJSON is a query result record: attributes, then the fields as
// selected, parents nested, child relationships as query results.
func recordJSON(version string, r *soql.Record) jsonObject {
	out := jsonObject{attributes(version, r.Object, r.ID)}
	for _, f := range r.Fields {
		var v any
		switch val := f.Value.(type) {
		case *soql.Record:
			v = recordJSON(version, val)
		case *soql.Children:
			v = queryPage(version, len(val.Records), true, "", val.Records)
		default:
			if f.Field != nil {
				v = restValue(f.Field, val)
			}
		}
		out = append(out, jsonField{f.Name, v})
	}
	return out
}

// objectParam is the object named by {object}.
func (s *Server) objectParam(r *http.Request) (*schema.Object, error) {
	o, ok := s.schema.Object(chi.URLParam(r, "object"))
	if !ok {
		return nil, errNotFound()
	}
	return o, nil
}

// recordBody reads a JSON object body; raw is kept to place parse errors.
type recordBody struct {
	raw    []byte
	fields map[string]any
}

func readRecordBody(r *http.Request, o *schema.Object) (recordBody, error) {
	raw, v, err := readJSON(r)
	if err != nil {
		return recordBody{}, err
	}
	fields, ok := v.(map[string]any)
	if !ok {
		return recordBody{}, &APIError{StatusCode: 400, ErrorCode: "JSON_PARSER_ERROR",
			Message: "Cannot deserialize instance of " + o.Name + " from START_ARRAY value [ or request may be missing a required field at [line:1, column:1]"}
	}
	return recordBody{raw: raw, fields: fields}, nil
}

// writeRequest is the object and record body of a create or update.
func (s *Server) writeRequest(r *http.Request) (*schema.Object, recordBody, error) {
	o, err := s.objectParam(r)
	if err != nil {
		return nil, recordBody{}, err
	}
	body, err := readRecordBody(r, o)
	return o, body, err
}

// positioned places a JSON_PARSER_ERROR about a field in the body.
func (b recordBody) positioned(err error) error {
	if e, ok := err.(*APIError); ok {
		return withPosition(e, b.raw)
	}
	return err
}

func saveResult(id string) jsonObject {
	return jsonObject{{"id", id}, {"success", true}, {"errors", []any{}}}
}

// handleCreate serves POST /sobjects/{object}.
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) error {
	if pe, ok := s.platformEvent(r); ok {
		return s.handlePublish(w, r, pe)
	}
	o, body, err := s.writeRequest(r)
	if err != nil {
		return err
	}
	c := callOf(r)
	var id string
	err = s.write(c.user, c.origin(), func(tx *txn) error {
		id, err = s.createIn(tx, o.Name, body.fields)
		return err
	})
	if err != nil {
		return body.positioned(err)
	}
	writeJSON(w, http.StatusCreated, saveResult(id))
	return nil
}

// requestedFields reads ?fields=a,b of a record GET (nil: all fields).
func (s *Server) requestedFields(r *http.Request, o *schema.Object) ([]*schema.Field, error) {
	list := r.URL.Query().Get("fields")
	if list == "" {
		return s.visibleFields(callOf(r).user.ID, o), nil
	}
	var fields []*schema.Field
	for _, name := range strings.Split(list, ",") {
		f, ok := o.Field(strings.TrimSpace(name))
		if !ok || !s.fls.canRead(callOf(r).user.ID, o, f) {
			return nil, dmlErr("INVALID_FIELD", soql.NoSuchColumn(strings.TrimSpace(name), o.Name))
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// handleGetRecord serves GET /sobjects/{object}/{id}[?fields=a,b].
func (s *Server) handleGetRecord(w http.ResponseWriter, r *http.Request) error {
	o, err := s.objectParam(r)
	if err != nil {
		return err
	}
	fields, err := s.requestedFields(r, o)
	if err != nil {
		return err
	}
	s.mu.Lock()
	row, apiErr := s.begin(User{}, "").liveRecord(o, chi.URLParam(r, "id"))
	var body jsonObject
	if apiErr == nil {
		body = rowJSON(callOf(r).version, o, row, fields)
	}
	s.mu.Unlock()
	if apiErr != nil {
		return apiErr
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// handleUpdate serves PATCH /sobjects/{object}/{id}.
func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	o, body, err := s.writeRequest(r)
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	if bodyID, ok := body.fields["Id"].(string); ok && sfid.Equal(bodyID, id) {
		delete(body.fields, "Id")
	}
	c := callOf(r)
	if err := s.write(c.user, c.origin(), func(tx *txn) error { return s.updateIn(tx, o.Name, id, body.fields) }); err != nil {
		return body.positioned(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleDelete serves DELETE /sobjects/{object}/{id}.
func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) error {
	o, err := s.objectParam(r)
	if err != nil {
		return err
	}
	c := callOf(r)
	if err := s.write(c.user, c.origin(), func(tx *txn) error { return asError(tx.delete(o, chi.URLParam(r, "id"))) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// externalKey is the object, field and value of an external id URL
// (/sobjects/{object}/{field}/{value}).
type externalKey struct {
	object *schema.Object
	field  *schema.Field
	value  any
}

func (s *Server) externalKeyParam(r *http.Request) (externalKey, error) {
	o, err := s.objectParam(r)
	if err != nil {
		return externalKey{}, err
	}
	name := chi.URLParam(r, "field")
	f, ok := o.Field(name)
	if !ok || (!f.ExternalID && f.Type != schema.ID) || !s.fls.canRead(callOf(r).user.ID, o, f) {
		return externalKey{}, errNoExternalField(name)
	}
	raw, err := pathValue(r, "value")
	if err != nil {
		return externalKey{}, errNotFound()
	}
	key := externalKey{object: o, field: f}
	if f.Type == schema.ID {
		id, ok := sfid.Normalize(raw)
		if !ok {
			return externalKey{}, errNotFound()
		}
		key.value = id
		return key, nil
	}
	v, apiErr := coerce(f, raw)
	key.value = v
	return key, asError(apiErr)
}

// pathValue is the URL parameter name decoded exactly once. chi matches
// the escaped path, leaving parameters escaped, only when the request's
// escaping differs from Go's default (r.URL.RawPath is set); otherwise it
// matches the decoded path, and decoding again would turn an external id
// like "50%" (sent as 50%25) into an error.
func pathValue(r *http.Request, name string) (string, error) {
	v := chi.URLParam(r, name)
	if r.URL.RawPath == "" {
		return v, nil
	}
	return url.PathUnescape(v)
}

func errNoExternalField(name string) *APIError {
	return apiErr(http.StatusNotFound, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: %s", name)
}

// multipleChoices answers 300 with the URLs of the matching records.
func multipleChoices(w http.ResponseWriter, version, object string, matches []map[string]any) {
	urls := make([]string, len(matches))
	for i, m := range matches {
		urls[i] = recordURL(version, object, m["Id"].(string))
	}
	writeJSON(w, http.StatusMultipleChoices, urls)
}

// handleGetByExternalID serves GET /sobjects/{object}/{field}/{value}.
func (s *Server) handleGetByExternalID(w http.ResponseWriter, r *http.Request) error {
	key, err := s.externalKeyParam(r)
	if err != nil {
		return err
	}
	version := callOf(r).version
	s.mu.Lock()
	matches := s.store.find(key.object.Name, key.field, key.value)
	var body jsonObject
	if len(matches) == 1 {
		body = rowJSON(version, key.object, matches[0], s.visibleFields(callOf(r).user.ID, key.object))
	}
	s.mu.Unlock()
	switch len(matches) {
	case 0:
		return errNotFound()
	case 1:
		writeJSON(w, http.StatusOK, body)
	default:
		multipleChoices(w, version, key.object.Name, matches)
	}
	return nil
}

// upsertOutcome is what an upsert did.
type upsertOutcome struct {
	id      string
	created bool
	matches []map[string]any // several: nothing written (300)
}

// upsert creates or updates the record whose key field equals the key
// value. Caller runs it inside a transaction.
func (s *Server) upsert(tx *txn, key externalKey, fields map[string]any, updateOnly bool) (upsertOutcome, error) {
	for name := range fields {
		if strings.EqualFold(name, key.field.Name) {
			delete(fields, name)
		}
	}
	matches := tx.st.find(key.object.Name, key.field, key.value)
	switch {
	case len(matches) > 1:
		return upsertOutcome{matches: matches}, nil
	case len(matches) == 1:
		id := matches[0]["Id"].(string)
		return upsertOutcome{id: id}, s.updateIn(tx, key.object.Name, id, fields)
	case updateOnly || key.field.Type == schema.ID:
		return upsertOutcome{}, errNotFound()
	}
	fields[key.field.Name] = key.value
	id, err := s.createIn(tx, key.object.Name, fields)
	return upsertOutcome{id: id, created: true}, err
}

// handleUpsert serves PATCH /sobjects/{object}/{field}/{value}: 201 when
// created, 200 with created=false when updated (API 46+), 300 when the
// value matches several records.
func (s *Server) handleUpsert(w http.ResponseWriter, r *http.Request) error {
	key, err := s.externalKeyParam(r)
	if err != nil {
		return err
	}
	body, err := readRecordBody(r, key.object)
	if err != nil {
		return err
	}
	c := callOf(r)
	var out upsertOutcome
	err = s.write(c.user, c.origin(), func(tx *txn) error {
		out, err = s.upsert(tx, key, body.fields, r.URL.Query().Get("updateOnly") == "true")
		return err
	})
	switch {
	case err != nil:
		return body.positioned(err)
	case out.matches != nil:
		multipleChoices(w, c.version, key.object.Name, out.matches)
	default:
		status := map[bool]int{true: http.StatusCreated, false: http.StatusOK}[out.created]
		writeJSON(w, status, append(saveResult(out.id), jsonField{"created", out.created}))
	}
	return nil
}
