package salesforce

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
)

// UpsertResult is what Salesforce says about one upserted record:
// {"id":"001…","success":true,"errors":[],"created":true}.
type UpsertResult struct {
	ID      string        `json:"id"`
	Created bool          `json:"created"`
	Success bool          `json:"success"`
	Errors  []RecordError `json:"errors"`
}

// RecordError is one reason a record was not saved:
// {"statusCode":"REQUIRED_FIELD_MISSING","message":"…","fields":["Name"]}.
type RecordError struct {
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
}

// Err returns nil for a saved record, else its first error as an *APIError
// (so a per-record UNABLE_TO_LOCK_ROW is retryable like a whole-call one).
func (r UpsertResult) Err() error {
	if r.Success {
		return nil
	}
	e := &APIError{Status: http.StatusOK, Op: "upsert record", Message: "record not saved"}
	if len(r.Errors) > 0 {
		e.Code, e.Message, e.Fields = r.Errors[0].StatusCode, r.Errors[0].Message, r.Errors[0].Fields
	}
	return e
}

// Get reads one record by id; fields limits the fields returned (default all).
func (c *Client) Get(ctx context.Context, object, id string, fields ...string) (Record, error) {
	req, err := c.sobjectRequest("get", http.MethodGet, object, id)
	if err != nil {
		return nil, err
	}
	if len(fields) > 0 {
		req.query = url.Values{"fields": {strings.Join(fields, ",")}}
	}
	var rec Record
	_, err = c.doJSON(ctx, req, &rec)
	return rec, err
}

// GetByExternalID reads the record whose external id field equals value.
// Several matches give an *APIError with CodeMultipleChoices and the Matches.
func (c *Client) GetByExternalID(ctx context.Context, object, field, value string) (Record, error) {
	req, err := c.sobjectRequest("get", http.MethodGet, object, field, value)
	if err != nil {
		return nil, err
	}
	var rec Record
	_, err = c.doJSON(ctx, req, &rec)
	return rec, err
}

// Create inserts a record and returns its id. It is sent once, never
// retried in place: a create that failed with a 5xx or timed out may have
// committed. Prefer Upsert by external id where one exists.
func (c *Client) Create(ctx context.Context, object string, fields map[string]any) (string, error) {
	req, err := c.sobjectRequest("create", http.MethodPost, object)
	if err != nil {
		return "", err
	}
	req.body, req.idempotent = fields, false
	var res UpsertResult
	if _, err := c.doJSON(ctx, req, &res); err != nil {
		return "", err
	}
	if res.ID == "" {
		return "", fmt.Errorf("salesforce: %s: response has no id", req.op)
	}
	return res.ID, nil
}

// Update sets fields on the record with id (204 No Content).
func (c *Client) Update(ctx context.Context, object, id string, fields map[string]any) error {
	req, err := c.sobjectRequest("update", http.MethodPatch, object, id)
	if err != nil {
		return err
	}
	req.body = fields
	_, err = c.do(ctx, req)
	return err
}

// Upsert creates or updates the record whose extField equals extID:
// 201 created, 200 updated (API 46.0+), 204 updated (older versions).
// Several matches give an *APIError with CodeMultipleChoices and the
// Matches; nothing is written then. extField is left out of the body:
// Salesforce rejects it there, it is in the URL.
func (c *Client) Upsert(ctx context.Context, object, extField, extID string, fields map[string]any) (UpsertResult, error) {
	req, err := c.sobjectRequest("upsert", http.MethodPatch, object, extField, extID)
	if err != nil {
		return UpsertResult{}, err
	}
	body := maps.Clone(fields)
	delete(body, extField)
	req.body = body
	var res UpsertResult
	resp, err := c.doJSON(ctx, req, &res)
	if err != nil {
		return UpsertResult{}, err
	}
	if resp.StatusCode() == http.StatusNoContent {
		return UpsertResult{Success: true}, nil
	}
	return res, nil
}

// Delete deletes the record with id. A record already deleted counts as
// deleted, so a retried delete succeeds.
func (c *Client) Delete(ctx context.Context, object, id string) error {
	req, err := c.sobjectRequest("delete", http.MethodDelete, object, id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, req)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Code == CodeEntityIsDeleted {
		return nil
	}
	return err
}

// sobjectRequest builds an idempotent request to
// /services/data/vXX.X/sobjects/{segments…}, each segment path-escaped.
func (c *Client) sobjectRequest(verb, method string, segments ...string) (request, error) {
	return c.pathRequest(verb, method, c.dataPath+"/sobjects", segments)
}

// pathRequest builds an idempotent request to base/{segments…}; its op
// names the verb and the segments, like "upsert Account/NetSuite_Id__c/42".
func (c *Client) pathRequest(verb, method, base string, segments []string) (request, error) {
	op, path, err := escapedPath(verb, base, segments)
	return request{op: op, method: method, path: path, idempotent: true}, err
}

// escapedPath is base/{segments…}, each segment path-escaped, and an op
// naming the verb and the segments.
func escapedPath(verb, base string, segments []string) (op, path string, err error) {
	op, path = verb+" "+strings.Join(segments, "/"), base
	for _, s := range segments {
		if s == "" {
			return op, "", fmt.Errorf("salesforce: %s: object, field and id must not be empty", op)
		}
		path += "/" + url.PathEscape(s)
	}
	return op, path, nil
}
