package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// What the JSON webhooks (NetSuite, Salesforce events) share: strict
// decoding, validation that names fields by their JSON path, the JSON
// answers, and storing the jobs of one request.

const webhookContentType = "application/json"

// Reserved keys of jobs.Change.Values: where normalising loses what the
// sender said. Salesforce and NetSuite field names start with a letter, so
// these cannot clash with a field.
const (
	// ValueSourceChangeType is the sender's own change type when it is
	// not the normalised one: "xedit" (a NetSuite inline edit, normalised
	// to update) or a Salesforce gap event ("GAP_UPDATE", …).
	ValueSourceChangeType = "_sourceChangeType"
	// ValueReread is true when the event carries no field data (a CDC gap
	// event): the worker must re-read the record.
	ValueReread = "_reread"
)

// invalidBodyError lists every field of a body that fails validation,
// JSON path → what is wrong.
type invalidBodyError struct {
	problems map[string]string
}

func (e *invalidBodyError) Error() string {
	parts := make([]string, 0, len(e.problems))
	for _, path := range slices.Sorted(maps.Keys(e.problems)) {
		parts = append(parts, path+": "+e.problems[path])
	}
	return "body fails validation: " + strings.Join(parts, "; ")
}

// add records a problem; the first one found for a path wins.
func (e *invalidBodyError) add(path, problem string) {
	if e.problems == nil {
		e.problems = map[string]string{}
	}
	if _, seen := e.problems[path]; !seen {
		e.problems[path] = problem
	}
}

// errOrNil is e as an error, or nil when nothing failed.
func (e *invalidBodyError) errOrNil() error {
	if len(e.problems) == 0 {
		return nil
	}
	return e
}

// decodeWebhookJSON decodes body, exactly one JSON value, into v. Numbers
// stay json.Number so field values keep every digit. A field of the wrong
// JSON type is reported by its path.
func decodeWebhookJSON(body []byte, v any, path string) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			bad := &invalidBodyError{}
			bad.add(joinJSONPath(path, typeErr.Field), fmt.Sprintf("must be %s, not %s", jsonKind(typeErr.Type), typeErr.Value))
			return bad
		}
		return fmt.Errorf("body is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("body is not valid JSON: data after the JSON value")
	}
	return nil
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		if t == reflect.TypeFor[json.Number]() {
			return "a number"
		}
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	}
	return t.String()
}

// joinJSONPath joins "" / "[2]" / "payload" with a field path.
func joinJSONPath(prefix, field string) string {
	switch {
	case field == "":
		if prefix == "" {
			return "(body)"
		}
		return prefix
	case prefix == "":
		return field
	}
	return prefix + "." + field
}

// webhookValidator checks webhook payloads; field errors carry JSON names.
var webhookValidator = newWebhookValidator()

func newWebhookValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	for tag, fn := range map[string]func(string) bool{
		"sf_id":          isSalesforceID,
		"sf_record_id":   isSalesforceRecordID,
		"sf_name":        isAPIName,
		"sf_field_path":  isFieldPath,
		"ns_account":     isNetSuiteAccountID,
		"ns_record_type": isAPIName,
	} {
		if err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool { return fn(fl.Field().String()) }); err != nil {
			panic(err)
		}
	}
	return v
}

// validateWebhookStruct runs the validator on s and adds every failing
// field to bad under prefix.
func validateWebhookStruct(bad *invalidBodyError, prefix string, s any) {
	var fieldErrs validator.ValidationErrors
	if err := webhookValidator.Struct(s); !errors.As(err, &fieldErrs) {
		if err != nil {
			panic(err) // only a programming error (not a struct) gets here
		}
		return
	}
	for _, fe := range fieldErrs {
		_, path, _ := strings.Cut(fe.Namespace(), ".") // drop the Go struct name
		bad.add(joinJSONPath(prefix, path), describeFieldError(fe))
	}
}

func describeFieldError(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "oneof":
		return "must be one of: " + fe.Param()
	case "max":
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return "must have at most " + fe.Param() + " entries"
		}
		return "must be at most " + fe.Param() + " characters"
	case "datetime":
		return "must be an ISO-8601 (RFC 3339) time like 2026-01-15T10:06:00Z"
	case "number":
		return "must be digits only"
	case "printascii":
		return "must be printable ASCII"
	case "gt":
		return "must be greater than " + fe.Param()
	case "sf_id":
		return "must be a Salesforce id (15 or 18 letters and digits)"
	case "sf_record_id":
		return "must be a Salesforce record id (15 or 18 letters and digits, or a key prefix and *)"
	case "sf_name":
		return "must be a Salesforce API name like Account or Tandem_Sync__e"
	case "sf_field_path":
		return "must be a field name like Name or BillingAddress.City (Pub/Sub API bitmaps are not decoded: forward the CometD form)"
	case "ns_account":
		return "must be a NetSuite account id like 1234567 or 1234567_SB1"
	case "ns_record_type":
		return "must be a NetSuite record type id like customer or salesorder"
	}
	return "fails " + fe.Tag() + " " + fe.Param()
}

// isSalesforceID: 15 or 18 letters and digits (the 18-character form adds
// a case checksum).
func isSalesforceID(s string) bool {
	return (len(s) == 15 || len(s) == 18) && isAlphanumeric(s)
}

// isSalesforceRecordID also admits the wildcard CDC sends when a field
// type conversion touched every record of an object: key prefix + "*".
func isSalesforceRecordID(s string) bool {
	return isSalesforceID(s) || isSalesforceWildcard(s)
}

func isSalesforceWildcard(s string) bool {
	return len(s) == 4 && s[3] == '*' && isAlphanumeric(s[:3])
}

// sameSalesforceID compares ids by their first 15 characters, case-sensitively.
func sameSalesforceID(a, b string) bool {
	return len(a) >= 15 && len(b) >= 15 && a[:15] == b[:15]
}

const maxAPINameLength = 100 // 40-character names, a namespace prefix and suffixes

// isAPIName: a letter, then letters, digits and underscores (Salesforce
// object and field names, NetSuite record type ids).
func isAPIName(s string) bool {
	if s == "" || len(s) > maxAPINameLength || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

// isFieldPath: an API name, or compound.component (BillingAddress.City).
func isFieldPath(s string) bool {
	for part := range strings.SplitSeq(s, ".") {
		if !isAPIName(part) {
			return false
		}
	}
	return true
}

// isNetSuiteAccountID: 1234567, 1234567_SB1, tstdrv1234567 (or the URL
// form 1234567-sb1).
func isNetSuiteAccountID(s string) bool {
	if s == "" || s[0] == '_' || s[0] == '-' || s[len(s)-1] == '_' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

func isAlphanumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// webhookErrorBody is the answer to every refused JSON webhook.
type webhookErrorBody struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"` // JSON path → what is wrong
}

const queueUnavailable = "Tandem cannot store jobs right now (queue unavailable); please retry"

func writeWebhookJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", webhookContentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// refuseWebhook logs a refusal (the reason never holds a credential) and
// answers it.
func refuseWebhook(ctx context.Context, w http.ResponseWriter, log *slog.Logger, source string, status int, err error) {
	log.WarnContext(ctx, source+" refused", "status", status, "reason", err.Error())
	body := webhookErrorBody{Error: err.Error()}
	var bad *invalidBodyError
	if errors.As(err, &bad) {
		body.Fields = bad.problems
	}
	writeWebhookJSON(w, status, body)
}

// notes collects distinct explanations for the answer body, in order.
type notes []string

func (n *notes) add(s string) {
	if !slices.Contains(*n, s) {
		*n = append(*n, s)
	}
}

func webhookNow(now func() time.Time) time.Time {
	if now != nil {
		return now().UTC()
	}
	return time.Now().UTC()
}

func webhookLogger(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.Default()
}
