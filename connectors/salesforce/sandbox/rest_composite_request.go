package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-chi/chi/v5"
)

// MaxCompositeSubrequests is the most subrequests one composite request
// takes (REST API Developer Guide, "Composite": up to 25 subrequests).
const MaxCompositeSubrequests = 25

// compositeRequest is the body of POST /composite:
// {"allOrNone":false,"compositeRequest":[{"method","url","referenceId","body"},…]}
// (REST API Developer Guide, "Send Multiple Requests Using Composite").
type compositeRequest struct {
	AllOrNone        bool                  `json:"allOrNone"`
	CompositeRequest []compositeSubrequest `json:"compositeRequest"`
}

type compositeSubrequest struct {
	Method      string          `json:"method"`
	URL         string          `json:"url"`
	ReferenceID string          `json:"referenceId"`
	Body        json.RawMessage `json:"body"`
}

// compositeResult is one Composite Subrequest Result:
// {"body":…,"httpHeaders":{"Location":…},"httpStatusCode":201,"referenceId":"ref"};
// body is the subrequest's own answer, its error array when it failed.
type compositeResult struct {
	Body           json.RawMessage   `json:"body"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
	HTTPStatusCode int               `json:"httpStatusCode"`
	ReferenceID    *string           `json:"referenceId"`
}

// subrequestRouter routes composite subrequests to the same resources as
// requests of their own, without the API middleware: the composite call
// was authenticated, counted once against the API allocation and drew
// its fault once (it is one API call, per the Composite docs).
// Subrequests may not nest another composite request.
func (s *Server) subrequestRouter() *chi.Mux {
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { writeAPIError(w, errNotFound()) })
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) { methodNotAllowed(r, w, req) })
	r.Route("/services/data/{version}", func(r chi.Router) {
		r.Use(subrequestVersion)
		s.dataRoutes(r)
	})
	return r
}

// subrequestVersion checks a subrequest's API version and makes it the
// version its writes are recorded with.
func subrequestVersion(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		version, ok := supportedVersion(chi.URLParam(r, "version"))
		if !ok {
			writeAPIError(w, errNotFound())
			return
		}
		c := callOf(r)
		c.version = version
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
	})
}

// handleComposite serves POST /composite with allOrNone=false: each
// subrequest runs on its own, in order, and the answer is 200 with a
// result per subrequest, failed ones included. allOrNone=true is refused:
// rolling back subrequests that each committed in their own transaction
// would need the whole request in one transaction, which the sandbox's
// REST handlers do not share; Tandem sends false. References between
// subrequests (@{ref.id}) are not resolved either.
func (s *Server) handleComposite(sub *chi.Mux) http.HandlerFunc {
	return api(func(w http.ResponseWriter, r *http.Request) error {
		_, v, err := readJSON(r)
		if err != nil {
			return err
		}
		req, bad := decodeComposite(v)
		if bad != nil {
			return bad
		}
		if len(req.CompositeRequest) > MaxCompositeSubrequests {
			writeJSON(w, http.StatusOK, map[string]any{"compositeResponse": []compositeResult{tooManySubrequests()}})
			return nil
		}
		if req.AllOrNone {
			return apiErr(http.StatusBadRequest, "NOT_SUPPORTED", "allOrNone=true is not supported by the sandbox")
		}
		results := make([]compositeResult, len(req.CompositeRequest))
		for i, sr := range req.CompositeRequest {
			results[i] = runSubrequest(r, sub, sr)
		}
		writeJSON(w, http.StatusOK, map[string]any{"compositeResponse": results})
		return nil
	})
}

// decodeComposite reads the parsed body into a compositeRequest.
func decodeComposite(v any) (compositeRequest, *APIError) {
	var req compositeRequest
	raw, _ := json.Marshal(v)
	if err := json.Unmarshal(raw, &req); err != nil || req.CompositeRequest == nil {
		return req, dmlErr("JSON_PARSER_ERROR", "Cannot deserialize the request: compositeRequest must be a list of subrequests")
	}
	for _, sr := range req.CompositeRequest {
		if sr.Method == "" || sr.URL == "" || sr.ReferenceID == "" {
			return req, dmlErr("INVALID_INPUT", "Each subrequest needs a method, a url and a referenceId")
		}
	}
	return req, nil
}

// tooManySubrequests is what Salesforce answers to more than 25
// subrequests: a 200 whose single result is a 400 LIMIT_EXCEEDED with no
// referenceId (seen in production: guardian/support-service-lambdas#766).
func tooManySubrequests() compositeResult {
	body, _ := json.Marshal([]jsonObject{{{"errorCode", "LIMIT_EXCEEDED"}, {"message", "The request can’t contain more than 25 operations."}}})
	return compositeResult{Body: body, HTTPHeaders: map[string]string{}, HTTPStatusCode: http.StatusBadRequest}
}

// runSubrequest serves one subrequest through the sandbox's own routes,
// as the composite request's user, and captures its answer.
func runSubrequest(parent *http.Request, sub *chi.Mux, sr compositeSubrequest) compositeResult {
	ref := sr.ReferenceID
	res := compositeResult{HTTPHeaders: map[string]string{}, ReferenceID: &ref}
	rec := httptest.NewRecorder()
	// A fresh route context: the composite route's would make chi route
	// the subrequest by the parent's path.
	ctx := context.WithValue(parent.Context(), chi.RouteCtxKey, chi.NewRouteContext())
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(sr.Method), sr.URL, bytes.NewReader(sr.Body))
	if err != nil || !strings.HasPrefix(req.URL.Path, "/services/data/") {
		writeAPIError(rec, errNotFound())
	} else {
		req.Header.Set("Content-Type", "application/json")
		sub.ServeHTTP(rec, req)
	}
	res.HTTPStatusCode = rec.Code
	if loc := rec.Header().Get("Location"); loc != "" {
		res.HTTPHeaders["Location"] = loc
	}
	if body := bytes.TrimSpace(rec.Body.Bytes()); len(body) > 0 {
		res.Body = body
	} else {
		res.Body = json.RawMessage("null")
	}
	return res
}
