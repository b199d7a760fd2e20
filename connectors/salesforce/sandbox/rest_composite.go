package sandbox

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// collectionOp is one of the sObject Collections writes.
type collectionOp int

const (
	collectionCreate collectionOp = iota // POST /composite/sobjects
	collectionUpdate                     // PATCH /composite/sobjects (by Id)
	collectionUpsert                     // PATCH /composite/sobjects/{object}/{field}
)

type collectionRequest struct {
	allOrNone bool
	records   []map[string]any
}

// itemResult is one record's result: {id, success, errors[, created]}.
type itemResult struct {
	id      string
	created bool
	err     *APIError
}

func (res itemResult) json(op collectionOp) jsonObject {
	var out jsonObject
	if res.err == nil && res.id != "" {
		out = append(out, jsonField{"id", res.id})
	}
	errs := []jsonObject{}
	if res.err != nil {
		fields := res.err.Fields
		if fields == nil {
			fields = []string{}
		}
		errs = append(errs, jsonObject{{"statusCode", res.err.ErrorCode}, {"message", res.err.Message}, {"fields", fields}})
	}
	out = append(out, jsonField{"success", res.err == nil}, jsonField{"errors", errs})
	if op == collectionUpsert {
		out = append(out, jsonField{"created", res.created})
	}
	return out
}

func readCollection(r *http.Request) (collectionRequest, []byte, error) {
	raw, v, err := readJSON(r)
	if err != nil {
		return collectionRequest{}, raw, err
	}
	body, _ := v.(map[string]any)
	list, ok := body["records"].([]any)
	if !ok {
		return collectionRequest{}, raw, dmlErr("JSON_PARSER_ERROR", "Cannot deserialize the request: records must be a list of sObjects")
	}
	if len(list) > MaxCollectionSize {
		return collectionRequest{}, raw, &APIError{StatusCode: 400, ErrorCode: "EXCEEDED_ID_LIMIT",
			Message: fmt.Sprintf("record limit reached. cannot submit more than %d records into this call", MaxCollectionSize)}
	}
	req := collectionRequest{}
	req.allOrNone, _ = body["allOrNone"].(bool)
	for _, item := range list {
		rec, ok := item.(map[string]any)
		if !ok {
			return collectionRequest{}, raw, dmlErr("JSON_PARSER_ERROR", "Cannot deserialize the request: each record must be an sObject")
		}
		req.records = append(req.records, rec)
	}
	return req, raw, nil
}

// upsertTarget is the object and external id field of a collection upsert.
func (s *Server) upsertTarget(r *http.Request) (externalKey, error) {
	o, err := s.objectParam(r)
	if err != nil {
		return externalKey{}, err
	}
	name := chi.URLParam(r, "field")
	f, ok := o.Field(name)
	if !ok || !f.ExternalID {
		return externalKey{}, errNoExternalField(name)
	}
	return externalKey{object: o, field: f}, nil
}

// handleCollection serves the sObject Collections writes: up to 200
// records, processed in order, 200 with a result per record even when some
// fail; with allOrNone a failure rolls every record back.
func (s *Server) handleCollection(op collectionOp) http.HandlerFunc {
	return api(func(w http.ResponseWriter, r *http.Request) error {
		var target externalKey
		if op == collectionUpsert {
			var err error
			if target, err = s.upsertTarget(r); err != nil {
				return err
			}
		}
		req, raw, err := readCollection(r)
		if err != nil {
			return err
		}
		c := callOf(r)
		results := make([]itemResult, len(req.records))
		run := func(tx *txn, i int) *APIError {
			results[i] = s.collectionItem(tx, op, target, req.records[i])
			results[i].err = withPosition(results[i].err, raw)
			return results[i].err
		}
		if req.allOrNone {
			s.runAllOrNone(c, len(req.records), results, run)
		} else {
			for i := range req.records {
				_ = s.write(c.user, c.origin(), func(tx *txn) error { return asError(run(tx, i)) })
			}
		}
		out := make([]jsonObject, len(results))
		for i, res := range results {
			out[i] = res.json(op)
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// runAllOrNone runs every item in one transaction; if any fails, all roll
// back and the ones that had succeeded say so.
func (s *Server) runAllOrNone(c call, n int, results []itemResult, run func(tx *txn, i int) *APIError) {
	_ = s.write(c.user, c.origin(), func(tx *txn) error {
		failed := false
		for i := range n {
			if run(tx, i) != nil {
				failed = true
			}
		}
		if !failed {
			return nil
		}
		for i := range results {
			if results[i].err == nil {
				results[i] = itemResult{err: dmlErr("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records were valid and the request was using AllOrNone header")}
			}
		}
		return fmt.Errorf("allOrNone: rolled back")
	})
}

// collectionItem writes one record of a collection request.
func (s *Server) collectionItem(tx *txn, op collectionOp, target externalKey, rec map[string]any) itemResult {
	attrs, _ := rec["attributes"].(map[string]any)
	typeName, _ := attrs["type"].(string)
	o, ok := s.schema.Object(typeName)
	if !ok || (target.object != nil && o != target.object) {
		return itemResult{err: dmlErr("INVALID_TYPE", "Must send a concrete entity type.")}
	}
	fields := make(map[string]any, len(rec))
	for k, v := range rec {
		fields[k] = v
	}
	switch op {
	case collectionCreate:
		id, err := s.createIn(tx, o.Name, fields)
		return itemResult{id: id, err: toAPIError(err)}
	case collectionUpdate:
		id, _ := fields["Id"].(string)
		delete(fields, "Id")
		if id == "" {
			return itemResult{err: dmlErr("MISSING_ARGUMENT", "Id not specified in an update call")}
		}
		return itemResult{id: id, err: toAPIError(s.updateIn(tx, o.Name, id, fields))}
	}
	value, apiErr := upsertValue(target.field, fields)
	if apiErr != nil {
		return itemResult{err: apiErr}
	}
	target.value = value
	out, err := s.upsert(tx, target, fields, false)
	if out.matches != nil {
		err = dmlErr("DUPLICATE_EXTERNAL_ID", fmt.Sprintf("%s: more than one record found for external id field: %v", target.field.Name, value))
	}
	return itemResult{id: out.id, created: out.created, err: toAPIError(err)}
}

// upsertValue is the external id value a collection record carries.
func upsertValue(key *schema.Field, fields map[string]any) (any, *APIError) {
	for k, v := range fields {
		if strings.EqualFold(k, key.Name) && v != nil {
			return coerce(key, v)
		}
	}
	return nil, dmlErr("MISSING_ARGUMENT", key.Name+" not specified", key.Name)
}

func toAPIError(err error) *APIError {
	if err == nil {
		return nil
	}
	if e, ok := err.(*APIError); ok {
		return e
	}
	return &APIError{StatusCode: 500, ErrorCode: "UNKNOWN_EXCEPTION", Message: err.Error()}
}
