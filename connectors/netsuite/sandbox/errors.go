package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// NetSuite's error codes (o:errorCode) the sandbox answers with.
const (
	codeInvalidContent   = "INVALID_CONTENT"
	codeUserError        = "USER_ERROR"
	codeInvalidRequest   = "INVALID_REQUEST"
	codeInvalidParameter = "INVALID_PARAMETER"
	codeInvalidHeader    = "INVALID_HEADER"
	codeNonexistentID    = "NONEXISTENT_ID"
	codeInvalidLogin     = "INVALID_LOGIN"
	codeConcurrency      = "CONCURRENCY_LIMIT_EXCEEDED"
	codeUnexpected       = "UNEXPECTED_ERROR"
	codeNoPermission     = "INSUFFICIENT_PERMISSION"
)

// Texts copied from NetSuite's published responses.
const (
	detailInvalidLogin = "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail."
	detailConcurrency  = "Concurrent request limit exceeded. Request blocked."
	detailNotFound     = "Record does not exist."
	detailMalformed    = "The request could not be understood by the server due to malformed syntax."
	accessPrefix       = "Error while accessing a resource. "
)

// The problem type URLs NetSuite uses (RFC 2616 section links).
const (
	typeRFC2616    = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
	typeBadRequest = typeRFC2616 + "#sec10.4.1"
)

// apiError is one NetSuite REST error response.
type apiError struct {
	Status     int
	Type       string
	Title      string
	TopCode    string // top-level o:errorCode, which only the 429 body carries
	Code       string
	Detail     string
	Path       string // o:errorPath, e.g. item.items[0].item
	QueryParam string // o:errorQueryParam
	Header     string // o:errorHeader
}

func (e *apiError) Error() string {
	msg := fmt.Sprintf("netsuite sandbox: %d %s: %s", e.Status, e.Code, e.Detail)
	if e.Path != "" {
		msg += " (at " + e.Path + ")"
	}
	return msg
}

// body is the JSON NetSuite sends for the error.
func (e *apiError) body() map[string]any {
	d := map[string]any{"detail": e.Detail, "o:errorCode": e.Code}
	if e.Path != "" {
		d["o:errorPath"] = e.Path
	}
	if e.QueryParam != "" {
		d["o:errorQueryParam"] = e.QueryParam
	}
	if e.Header != "" {
		d["o:errorHeader"] = e.Header
	}
	b := map[string]any{"type": e.Type, "title": e.Title, "status": e.Status, "o:errorDetails": []any{d}}
	if e.TopCode != "" {
		b["o:errorCode"] = e.TopCode
	}
	return b
}

func (e *apiError) write(w http.ResponseWriter) {
	writeJSON(w, e.Status, contentTypeError, e.body())
}

func badRequest(code, detail string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: typeBadRequest, Title: "Bad Request", Code: code, Detail: detail}
}

// invalidRequest is the 400 for a request NetSuite cannot understand.
func invalidRequest(detail string) *apiError {
	e := badRequest(codeInvalidRequest, detail)
	e.Type = typeRFC2616
	return e
}

// invalidValue is the 400 for a value or reference NetSuite cannot resolve.
func invalidValue(value any, field, path string) *apiError {
	e := badRequest(codeInvalidContent,
		fmt.Sprintf("Error while accessing resource: You have entered an Invalid Field Value %v for the following field: %s", value, field))
	e.Path = path
	return e
}

// missingValues is the 400 for mandatory fields left empty.
func missingValues(labels ...string) *apiError {
	return badRequest(codeUserError, accessPrefix+"Please enter value(s) for: "+strings.Join(labels, ", ")+".")
}

func userError(detail string) *apiError { return badRequest(codeUserError, accessPrefix+detail) }

func invalidParameter(param, detail string) *apiError {
	e := badRequest(codeInvalidParameter, detail)
	e.QueryParam = param
	return e
}

func invalidHeader(header, detail string) *apiError {
	e := badRequest(codeInvalidHeader, detail)
	e.Header = header
	return e
}

func notFound(detail string) *apiError {
	return &apiError{Status: http.StatusNotFound, Type: typeRFC2616, Title: "Not Found", Code: codeNonexistentID, Detail: detail}
}

func invalidLogin() *apiError {
	return &apiError{Status: http.StatusUnauthorized, Type: typeRFC2616, Title: "Unauthorized", Code: codeInvalidLogin, Detail: detailInvalidLogin}
}

// concurrencyExceeded mirrors Oracle's published 429 body (title "Bad
// Request", top-level USER_ERROR) with the missing comma put back.
func concurrencyExceeded() *apiError {
	return &apiError{Status: http.StatusTooManyRequests, Type: typeRFC2616, Title: "Bad Request",
		TopCode: codeUserError, Code: codeConcurrency, Detail: detailConcurrency}
}

// adminOnly refuses a non-administrator role a resource only
// administrators may read.
func adminOnly() *apiError {
	return &apiError{Status: http.StatusForbidden, Type: typeRFC2616 + "#sec10.4.4", Title: "Forbidden", Code: codeNoPermission,
		Detail: "Permission Violation: You need the Administrator role to access this resource. Please contact your account administrator."}
}

func unexpectedError(errorID string) *apiError {
	return &apiError{Status: http.StatusInternalServerError, Type: typeRFC2616, Title: "Internal Server Error",
		Code: codeUnexpected, Detail: "An unexpected error occurred. Error ID: " + errorID}
}

func methodNotAllowed(method string) *apiError {
	return &apiError{Status: http.StatusMethodNotAllowed, Type: typeRFC2616, Title: "Method Not Allowed",
		Code: codeInvalidRequest, Detail: fmt.Sprintf("The %s method is not supported on this resource.", method)}
}
