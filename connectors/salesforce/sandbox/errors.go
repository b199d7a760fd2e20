package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// APIError is an error as the Salesforce REST API reports it: an HTTP
// status, an error code, a message and the fields concerned.
type APIError struct {
	StatusCode int
	ErrorCode  string
	Message    string
	// Fields is nil for errors that carry no "fields" key.
	Fields []string

	field string // the body key a JSON_PARSER_ERROR is about
}

func (e *APIError) Error() string { return e.ErrorCode + ": " + e.Message }

func apiErr(status int, code, format string, args ...any) *APIError {
	return &APIError{StatusCode: status, ErrorCode: code, Message: fmt.Sprintf(format, args...)}
}

// dmlErr is a 400 error about fields of a record (fields may be empty).
func dmlErr(code, message string, fields ...string) *APIError {
	if fields == nil {
		fields = []string{}
	}
	return &APIError{StatusCode: http.StatusBadRequest, ErrorCode: code, Message: message, Fields: fields}
}

func errNotFound() *APIError {
	return apiErr(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
}

func errInvalidSession() *APIError {
	return apiErr(http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
}

func errEntityDeleted() *APIError {
	return dmlErr("ENTITY_IS_DELETED", "entity is deleted")
}

func errNoSuchColumn(field, object string) *APIError {
	return dmlErr("INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", field, object))
}

func errNotWritable(fields []string) *APIError {
	return dmlErr("INVALID_FIELD_FOR_INSERT_UPDATE", fmt.Sprintf("Unable to create/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", strings.Join(fields, ", ")), fields...)
}

func errRequiredMissing(fields []string) *APIError {
	return dmlErr("REQUIRED_FIELD_MISSING", fmt.Sprintf("Required fields are missing: [%s]", strings.Join(fields, ", ")), fields...)
}

func errMalformedID(label, field, value string) *APIError {
	return dmlErr("MALFORMED_ID", fmt.Sprintf("%s: id value of incorrect type: %s", label, value), field)
}

func errIntegrity(detail string) *APIError {
	return dmlErr("FIELD_INTEGRITY_EXCEPTION", "field integrity exception: "+detail)
}
