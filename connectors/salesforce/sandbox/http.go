package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// Handler serves the sandbox's HTTP API relative to its mount point:
// /services/oauth2/token, /id/…, /services/data/….
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { writeAPIError(w, errNotFound()) })
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) { methodNotAllowed(r, w, req) })
	r.Post("/services/oauth2/token", s.handleToken)
	r.Get("/id/{org}/{user}", s.handleIdentity)
	r.Get("/services/data", s.handleVersions)
	r.Get("/services/data/", s.handleVersions)
	sub := s.subrequestRouter()
	r.Route("/services/data/{version}", func(r chi.Router) {
		r.Use(s.apiMiddleware, s.faultMiddleware)
		s.dataRoutes(r)
		r.Post("/composite", s.handleComposite(sub))
		s.bulkRoutes(r)
	})
	return r
}

// dataRoutes are the REST resources under /services/data/{version}, both
// as requests of their own and as subrequests of a composite request.
func (s *Server) dataRoutes(r chi.Router) {
	r.Get("/", s.handleResources)
	r.Get("/limits", s.handleLimits)
	r.Get("/query", s.handleQuery(false))
	r.Get("/queryAll", s.handleQuery(true))
	r.Get("/query/{locator}", s.handleQueryMore(false))
	r.Get("/queryAll/{locator}", s.handleQueryMore(true))
	r.Get("/sobjects", s.handleGlobalDescribe)
	r.Get("/sobjects/{object}", api(s.handleObjectInfo))
	r.Post("/sobjects/{object}", api(s.handleCreate))
	r.Get("/sobjects/{object}/describe", api(s.handleDescribe))
	r.Get("/sobjects/{object}/{id}", api(s.handleGetRecord))
	r.Patch("/sobjects/{object}/{id}", api(s.handleUpdate))
	r.Delete("/sobjects/{object}/{id}", api(s.handleDelete))
	r.Get("/sobjects/{object}/{field}/{value}", api(s.handleGetByExternalID))
	r.Patch("/sobjects/{object}/{field}/{value}", api(s.handleUpsert))
	r.Post("/composite/sobjects", s.handleCollection(collectionCreate))
	r.Patch("/composite/sobjects", s.handleCollection(collectionUpdate))
	r.Patch("/composite/sobjects/{object}/{field}", s.handleCollection(collectionUpsert))
}

// apiHandler is a handler that returns its failure instead of writing it.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// api writes an apiHandler's failure as the REST API's error body.
func api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeFailure(w, err)
		}
	}
}

// methodNotAllowed answers 405 with Salesforce's body, naming the methods
// the resource allows.
func methodNotAllowed(root *chi.Mux, w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodHead, http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		if m == http.MethodHead || root.Match(chi.NewRouteContext(), m, r.URL.Path) {
			allowed = append(allowed, m)
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ","))
	writeAPIError(w, apiErr(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
		"HTTP Method '%s' not allowed. Allowed are %s", r.Method, strings.Join(allowed, ",")))
}

// call is what the API middleware learned about a request.
type call struct {
	user    User
	version string // "62.0"
	client  string // Sforce-Call-Options client
}

type callKey struct{}

func callOf(r *http.Request) call { c, _ := r.Context().Value(callKey{}).(call); return c }

// origin is the ChangeOrigin of writes made by this request.
func (c call) origin() string { return restOrigin(c.version, c.client) }

var versionRe = regexp.MustCompile(`^v(\d+)\.0$`)

// apiMiddleware authenticates the session, checks the API version, counts
// the call against the daily allocation and reports usage in
// Sforce-Limit-Info.
func (s *Server) apiMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		user, ok := s.sessionUser(bearerToken(r))
		var used int
		if ok {
			used = s.apiUsage.add(s.cfg.Clock())
		}
		s.mu.Unlock()
		if !ok {
			w.Header().Set("WWW-Authenticate", "Token")
			writeAPIError(w, errInvalidSession())
			return
		}
		w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", used, s.cfg.APILimit))
		if used > s.cfg.APILimit {
			writeAPIError(w, apiErr(http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))
			return
		}
		version, ok := supportedVersion(chi.URLParam(r, "version"))
		if !ok {
			writeAPIError(w, errNotFound())
			return
		}
		c := call{user: user, version: version, client: callOptionsClient(r.Header.Get("Sforce-Call-Options"))}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
	})
}

// supportedVersion reads a path's "v62.0" as "62.0" if the sandbox serves it.
func supportedVersion(param string) (string, bool) {
	m := versionRe.FindStringSubmatch(param)
	if m == nil {
		return "", false
	}
	if n, _ := strconv.Atoi(m[1]); n < MinAPIVersion || n > MaxAPIVersion {
		return "", false
	}
	return m[1] + ".0", true
}

// callOptionsClient reads client=<name> from Sforce-Call-Options
// ("client=tandem, defaultNamespace=ns").
func callOptionsClient(header string) string {
	for _, part := range strings.FieldsFunc(header, func(r rune) bool { return r == ',' || r == ';' }) {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && strings.EqualFold(k, "client") {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// baseURL is Config.BaseURL, or the request's scheme and host.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimSuffix(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r != nil && r.TLS != nil {
		scheme = "https"
	}
	if r == nil {
		return "http://localhost"
	}
	return scheme + "://" + r.Host
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status, buf = http.StatusInternalServerError, *bytes.NewBufferString(`[{"message":"internal error","errorCode":"UNKNOWN_EXCEPTION"}]`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// writeAPIError writes the REST API's error body: a JSON array of
// {message, errorCode[, fields]}.
func writeAPIError(w http.ResponseWriter, e *APIError) {
	body := jsonObject{{"message", e.Message}, {"errorCode", e.ErrorCode}}
	if e.Fields != nil {
		body = append(body, jsonField{"fields", e.Fields})
	}
	writeJSON(w, e.StatusCode, []jsonObject{body})
}

// writeFailure writes err, which is an *APIError or (for query errors)
// converted into one.
func writeFailure(w http.ResponseWriter, err error) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		writeAPIError(w, apiErr)
		return
	}
	writeAPIError(w, &APIError{StatusCode: http.StatusInternalServerError, ErrorCode: "UNKNOWN_EXCEPTION", Message: err.Error()})
}

// readJSON reads a request body as JSON, reporting problems the way
// Salesforce's parser does.
func readJSON(r *http.Request) ([]byte, any, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err != nil {
		return nil, nil, dmlErr("JSON_PARSER_ERROR", "Unable to read the request body: "+err.Error())
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return raw, nil, &APIError{StatusCode: 400, ErrorCode: "JSON_PARSER_ERROR", Message: "The HTTP entity body is required, but this request has no entity body."}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw, nil, syntaxError(raw, err)
	}
	return raw, v, nil
}

func syntaxError(raw []byte, err error) *APIError {
	var se *json.SyntaxError
	offset := int64(len(raw))
	msg := "Unexpected end-of-input"
	if errors.As(err, &se) {
		offset = se.Offset
		if offset > 0 && offset <= int64(len(raw)) {
			c := raw[offset-1]
			msg = fmt.Sprintf("Unexpected character ('%c' (code %d))", c, c)
		}
	}
	line, col := position(raw, int(offset))
	return &APIError{StatusCode: 400, ErrorCode: "JSON_PARSER_ERROR", Message: fmt.Sprintf("%s at [line:%d, column:%d]", msg, line, col)}
}

// withPosition appends, to a JSON_PARSER_ERROR about a field, where the
// field's value is in the body, as Salesforce's parser messages do.
func withPosition(e *APIError, raw []byte) *APIError {
	if e == nil || e.ErrorCode != "JSON_PARSER_ERROR" || e.field == "" {
		return e
	}
	key := bytes.Index(raw, []byte(`"`+e.field+`"`))
	colon := bytes.IndexByte(raw[max(key, 0):], ':')
	if key < 0 || colon < 0 {
		return e
	}
	value := key + colon + 1
	for value < len(raw) && (raw[value] == ' ' || raw[value] == '\t' || raw[value] == '\n' || raw[value] == '\r') {
		value++
	}
	line, col := position(raw, value+1)
	c := *e
	c.Message = fmt.Sprintf("%s at [line:%d, column:%d]", e.Message, line, col)
	return &c
}

func position(raw []byte, offset int) (line, col int) {
	offset = max(0, min(offset, len(raw)))
	line = bytes.Count(raw[:offset], []byte("\n")) + 1
	return line, offset - bytes.LastIndexByte(raw[:offset], '\n')
}
