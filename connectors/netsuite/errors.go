package netsuite

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/tandem-sync/tandem/connectors"
)

// maxErrorBody bounds the raw text kept from an error body that is not JSON.
const maxErrorBody = 512

// APIError is an error answer from NetSuite, in its REST error format:
//
//	{"type": "...", "title": "Bad Request", "status": 400,
//	 "o:errorDetails": [{"detail": "...", "o:errorCode": "INVALID_CONTENT", "o:errorPath": "item.items[0].item"}]}
//
// (Oracle, "Error Handling in REST Web Services", section_156570709583).
// The token endpoint answers in OAuth's {"error", "error_description"}
// shape, which lands in ErrorCode and Details too.
type APIError struct {
	Op        string        `json:"-"` // what Tandem was doing: "get customer 107"
	Status    int           `json:"-"` // HTTP status
	Type      string        `json:"type"`
	Title     string        `json:"title"`
	ErrorCode string        `json:"o:errorCode"` // top-level code, rare (Oracle's 429 sample)
	Details   []ErrorDetail `json:"o:errorDetails"`
	// AuthError is the error parameter of the WWW-Authenticate header on a
	// 401 (e.g. "token_rejected"): the only reason NetSuite gives outside
	// its Login Audit Trail.
	AuthError string `json:"-"`
	// Body is the raw text, truncated, when the body is not the JSON above.
	Body string `json:"-"`
}

// ErrorDetail is one entry of o:errorDetails; the location fields are set
// when NetSuite can point at the offending part of the request.
type ErrorDetail struct {
	Detail     string `json:"detail"`
	Code       string `json:"o:errorCode"`
	Path       string `json:"o:errorPath"`       // JSON path into the request body
	QueryParam string `json:"o:errorQueryParam"` // query parameter name
	Header     string `json:"o:errorHeader"`     // request header name
	URLPath    string `json:"o:urlPath"`         // part of the URL; also read from "o:errorUrl"
}

// UnmarshalJSON reads the URL location under both names it is published
// with: "o:urlPath" (help center) and "o:errorUrl" (REST API Browser schema).
func (d *ErrorDetail) UnmarshalJSON(b []byte) error {
	type plain ErrorDetail
	var v struct {
		plain
		ErrorURL string `json:"o:errorUrl"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*d = ErrorDetail(v.plain)
	if d.URLPath == "" {
		d.URLPath = v.ErrorURL
	}
	return nil
}

// Is makes a 404 match connectors.ErrNotFound.
func (e *APIError) Is(target error) bool {
	return target == connectors.ErrNotFound && e.Status == http.StatusNotFound
}

// Error reads "netsuite: <op>: <status> <code>: <detail> (at <where>)".
func (e *APIError) Error() string {
	head := fmt.Sprintf("netsuite: %s: %d", e.Op, e.Status)
	var msg string
	switch {
	case len(e.Details) > 0:
		parts := make([]string, len(e.Details))
		for i, d := range e.Details {
			parts[i] = d.String()
		}
		msg = head + " " + strings.Join(parts, "; ")
	case e.Body != "":
		msg = head + ": " + e.Body
	default:
		msg = strings.TrimRight(head+" "+e.ErrorCode, " ")
		if e.Title != "" {
			msg += ": " + e.Title
		}
	}
	if e.AuthError != "" {
		msg += " [" + e.AuthError + "]"
	}
	return msg
}

func (d ErrorDetail) String() string {
	s := d.Code
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	if at := d.location(); at != "" {
		s += " (at " + at + ")"
	}
	return s
}

func (d ErrorDetail) location() string {
	switch {
	case d.Path != "":
		return d.Path
	case d.QueryParam != "":
		return "query parameter " + d.QueryParam
	case d.Header != "":
		return "header " + d.Header
	case d.URLPath != "":
		return "URL " + d.URLPath
	}
	return ""
}

// Code is NetSuite's error code: the first detail's o:errorCode, else the
// top-level one ("" when the body was not JSON).
func (e *APIError) Code() string {
	for _, d := range e.Details {
		if d.Code != "" {
			return d.Code
		}
	}
	return e.ErrorCode
}

// Retryable reports whether the same request may succeed later: 429
// (concurrency governor) and 5xx. Everything else, 401 included (it is only
// returned after a retry with fresh credentials), needs a human.
func (e *APIError) Retryable() bool {
	return e.Status == 429 || e.Status >= 500
}

// throttled reports whether NetSuite refused the request for concurrency:
// nothing was applied, so any request may be sent again.
func (e *APIError) throttled() bool {
	return e.Status == 429 || e.Code() == codeConcurrencyLimit
}

const codeConcurrencyLimit = "CONCURRENCY_LIMIT_EXCEEDED"

var authErrorParam = regexp.MustCompile(`error="([^"]*)"`)

// parseAPIError reads an error answer; a body that is not JSON is kept as
// truncated text beside the status.
func parseAPIError(op string, status int, wwwAuthenticate string, body []byte) *APIError {
	e := &APIError{Op: op, Status: status}
	if m := authErrorParam.FindStringSubmatch(wwwAuthenticate); m != nil {
		e.AuthError = m[1]
	}
	var v struct {
		*APIError
		OAuthError       string `json:"error"`
		OAuthDescription string `json:"error_description"`
	}
	v.APIError = e
	if err := json.Unmarshal(body, &v); err != nil {
		*e = APIError{Op: op, Status: status, AuthError: e.AuthError, Body: connectors.Snippet(string(body), maxErrorBody)}
		return e
	}
	if v.OAuthError != "" && len(e.Details) == 0 {
		e.ErrorCode = v.OAuthError
		e.Details = []ErrorDetail{{Code: v.OAuthError, Detail: v.OAuthDescription}}
	}
	return e
}

// invalidArgument is a request Tandem refuses to send (a malformed id or
// record type): retrying cannot help.
type invalidArgument struct{ msg string }

func (e *invalidArgument) Error() string   { return "netsuite: " + e.msg }
func (e *invalidArgument) Retryable() bool { return false }

func invalidf(format string, args ...any) error {
	return &invalidArgument{msg: fmt.Sprintf(format, args...)}
}
