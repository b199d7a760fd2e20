package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
)

// MaxCompositeSubrequests is the most subrequests one Composite call takes
// (REST API Developer Guide, "Send Multiple Requests Using Composite").
const MaxCompositeSubrequests = 25

// Subrequest is one request of a Composite call. Path is below the
// client's API version, like "/sobjects/Account/NetSuite_Id__c/42".
type Subrequest struct {
	Method      string
	Path        string
	ReferenceID string
	Body        any
	op          string // what it does, for errors
}

// UpsertSubrequest is an upsert by external id as a subrequest, built
// like Upsert: segments path-escaped, extField left out of the body.
func UpsertSubrequest(referenceID, object, extField, extID string, fields map[string]any) (Subrequest, error) {
	op, path, err := escapedPath("upsert", "/sobjects", []string{object, extField, extID})
	if err != nil {
		return Subrequest{}, err
	}
	body := maps.Clone(fields)
	delete(body, extField)
	return Subrequest{Method: http.MethodPatch, Path: path, ReferenceID: referenceID, Body: body, op: op}, nil
}

// SubResponse is one Composite Subrequest Result. Err is nil when Status
// is below 300, else the subrequest's error as an *APIError (or a
// *connectors.ThrottleError wrapping one), classified like the error of a
// call of its own.
type SubResponse struct {
	ReferenceID string
	Status      int
	Headers     map[string]string
	Body        json.RawMessage
	Err         error
}

// UpsertResult reads the answer of an upsert subrequest (204: updated by
// an API version before 46.0, no body).
func (r SubResponse) UpsertResult() (UpsertResult, error) {
	if r.Err != nil {
		return UpsertResult{}, r.Err
	}
	var res UpsertResult
	if r.Status == http.StatusNoContent || len(r.Body) == 0 || string(r.Body) == "null" {
		return UpsertResult{Success: true}, nil
	}
	if err := json.Unmarshal(r.Body, &res); err != nil {
		return UpsertResult{}, fmt.Errorf("salesforce: composite %s: decoding the %d result: %w", r.ReferenceID, r.Status, err)
	}
	return res, nil
}

// compositeBody is {"allOrNone":false,"compositeRequest":[…]}.
type compositeBody struct {
	AllOrNone        bool             `json:"allOrNone"`
	CompositeRequest []map[string]any `json:"compositeRequest"`
}

// compositeResult is {"body","httpHeaders","httpStatusCode","referenceId"}.
type compositeResult struct {
	Body           json.RawMessage   `json:"body"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
	HTTPStatusCode int               `json:"httpStatusCode"`
	ReferenceID    *string           `json:"referenceId"`
}

// Composite sends up to MaxCompositeSubrequests subrequests in one call
// (POST /composite, allOrNone=false): Salesforce runs them in order, each
// on its own, and the call counts once against the org's API limits. The
// responses come in the order of subs; a 200 with failed subrequests is
// not an error of the call: check every SubResponse's Err. The call is
// retried in place like the others when every subrequest is idempotent
// (no POST); per-subrequest failures are left to the caller, as in
// UpsertCollection.
func (c *Client) Composite(ctx context.Context, subs []Subrequest) ([]SubResponse, error) {
	if len(subs) == 0 {
		return nil, nil
	}
	req := request{op: "composite " + compositeOp(subs), method: http.MethodPost, path: c.dataPath + "/composite", idempotent: true}
	if len(subs) > MaxCompositeSubrequests {
		return nil, fmt.Errorf("salesforce: %s: %d subrequests, at most %d per call", req.op, len(subs), MaxCompositeSubrequests)
	}
	body := compositeBody{CompositeRequest: make([]map[string]any, len(subs))}
	for i, s := range subs {
		sr := map[string]any{"method": s.Method, "url": c.dataPath + s.Path, "referenceId": s.ReferenceID}
		if s.Body != nil {
			sr["body"] = s.Body
		}
		body.CompositeRequest[i] = sr
		req.idempotent = req.idempotent && s.Method != http.MethodPost
	}
	req.body = body
	var out struct {
		CompositeResponse []compositeResult `json:"compositeResponse"`
	}
	if _, err := c.doJSON(ctx, req, &out); err != nil {
		return nil, err
	}
	return c.subResponses(req.op, subs, out.CompositeResponse)
}

// subResponses pairs results with subrequests. A lone result with no
// referenceId is an error of the whole request (more than 25 subrequests
// gives one LIMIT_EXCEEDED result).
func (c *Client) subResponses(op string, subs []Subrequest, results []compositeResult) ([]SubResponse, error) {
	if len(results) == 1 && results[0].ReferenceID == nil && results[0].HTTPStatusCode >= http.StatusMultipleChoices {
		return nil, classifyResponse(op, results[0].HTTPStatusCode, http.Header{}, results[0].Body, c.usage.get())
	}
	if len(results) != len(subs) {
		return nil, fmt.Errorf("salesforce: %s: %d results for %d subrequests", op, len(results), len(subs))
	}
	out := make([]SubResponse, len(results))
	for i, r := range results {
		s := subs[i]
		out[i] = SubResponse{ReferenceID: s.ReferenceID, Status: r.HTTPStatusCode, Headers: r.HTTPHeaders, Body: r.Body}
		if r.HTTPStatusCode >= http.StatusMultipleChoices {
			subOp := s.op
			if subOp == "" {
				subOp = s.Method + " " + s.Path
			}
			out[i].Err = classifyResponse(subOp, r.HTTPStatusCode, headerOf(r.HTTPHeaders), r.Body, c.usage.get())
		}
	}
	return out, nil
}

func compositeOp(subs []Subrequest) string {
	refs := make([]string, len(subs))
	for i, s := range subs {
		refs[i] = s.ReferenceID
	}
	return strings.Join(refs, ",")
}

func headerOf(m map[string]string) http.Header {
	h := http.Header{}
	for k, v := range m {
		h.Set(k, v)
	}
	return h
}
