package salesforce

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors"
)

// Error codes this package acts on. Top-level REST errors carry them in
// "errorCode", per-record results in "statusCode".
const (
	CodeInvalidSession       = "INVALID_SESSION_ID"
	CodeRequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED"
	CodeUnableToLockRow      = "UNABLE_TO_LOCK_ROW"
	CodeServerUnavailable    = "SERVER_UNAVAILABLE"
	CodeEntityIsDeleted      = "ENTITY_IS_DELETED"
	CodeNotFound             = "NOT_FOUND"
	// CodeMultipleChoices is ours, not Salesforce's: an external id matched
	// several records (HTTP 300, whose body lists them).
	CodeMultipleChoices = "MULTIPLE_CHOICES"
)

const (
	// A REQUEST_LIMIT_EXCEEDED without Retry-After waits about this long
	// (half of it fixed, half jitter). The concurrent-request limit frees
	// up as long requests finish; the daily allocation only as its 24-hour
	// window rolls on.
	concurrentLimitWait = 30 * time.Second
	dailyLimitWait      = 15 * time.Minute
	// errorSnippet bounds how much of a non-JSON error body goes into an error.
	errorSnippet = 200
)

// APIError is an error answer from Salesforce: the HTTP status and the
// remote error code and message, kept as sent.
type APIError struct {
	Status  int
	Code    string   // errorCode (REST), error (OAuth), or CodeMultipleChoices
	Message string   // message (REST) or error_description (OAuth)
	Fields  []string // fields the error is about, when Salesforce says
	Op      string   // what was being done, like "upsert Account/NetSuite_Id__c/42"
	// Matches lists the record URLs an external id matched (HTTP 300).
	Matches []string

	retryAfter time.Duration
}

func (e *APIError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("salesforce: %s: %d: %s", e.Op, e.Status, e.Message)
	}
	return fmt.Sprintf("salesforce: %s: %d %s: %s", e.Op, e.Status, e.Code, e.Message)
}

// Is makes a 404 (NOT_FOUND, or an id that names no record) match
// connectors.ErrNotFound.
func (e *APIError) Is(target error) bool {
	return target == connectors.ErrNotFound && (e.Status == http.StatusNotFound || e.Code == CodeNotFound)
}

// Retryable reports whether the same request may succeed later: server
// errors, row-lock contention, unavailability and request limits.
func (e *APIError) Retryable() bool {
	switch e.Code {
	case CodeUnableToLockRow, CodeServerUnavailable, CodeRequestLimitExceeded, CodeUnprocessed:
		return true
	}
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// RetryAfter is the wait the Retry-After header asked for, if any.
func (e *APIError) RetryAfter() time.Duration { return e.retryAfter }

// restError is one element of a REST error body:
// [{"message":"…","errorCode":"…","fields":[…]}].
type restError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

// classifyResponse turns an answer with status ≥ 300 into an *APIError, or
// into a *connectors.ThrottleError wrapping it when a request limit was hit.
func classifyResponse(op string, status int, header http.Header, body []byte, usage APIUsage) error {
	e := parseErrorBody(status, body)
	e.Op = op
	e.retryAfter = connectors.ParseRetryAfter(header.Get("Retry-After"), time.Now())
	if e.Code != CodeRequestLimitExceeded && status != http.StatusTooManyRequests {
		return e
	}
	reason := e.Code
	if reason == "" {
		reason = "HTTP 429"
	}
	wait := e.retryAfter
	if wait <= 0 {
		wait = concurrentLimitWait
		if isDailyLimit(e, usage) {
			wait = dailyLimitWait
		}
		wait = wait/2 + connectors.Jitter(wait/2)
	}
	return &connectors.ThrottleError{System: "salesforce", Reason: reason, Wait: wait, Err: e}
}

// parseErrorBody reads Salesforce's error array, the match list of a 300,
// or else keeps a snippet of whatever came (a proxy's HTML page).
func parseErrorBody(status int, body []byte) *APIError {
	if status == http.StatusMultipleChoices {
		return multipleChoices(body)
	}
	e := &APIError{Status: status}
	var list []restError
	if json.Unmarshal(body, &list) == nil && len(list) > 0 {
		first := list[0]
		e.Code, e.Message, e.Fields = first.ErrorCode, first.Message, first.Fields
		for _, more := range list[1:] {
			e.Message += "; " + more.ErrorCode + ": " + more.Message
		}
		return e
	}
	e.Message = withSnippet(http.StatusText(status), body)
	return e
}

// multipleChoices reads a 300: the external id matched several records and
// the body lists them, as record URLs.
func multipleChoices(body []byte) *APIError {
	e := &APIError{Status: http.StatusMultipleChoices, Code: CodeMultipleChoices}
	if json.Unmarshal(body, &e.Matches) == nil && len(e.Matches) > 0 {
		e.Message = fmt.Sprintf("external id matches %d records", len(e.Matches))
	} else {
		e.Matches = nil
		e.Message = withSnippet("external id matches several records", body)
	}
	return e
}

// withSnippet appends the start of a body that is not Salesforce's JSON.
func withSnippet(msg string, body []byte) string {
	if text := strings.TrimSpace(string(body)); text != "" {
		msg += ": " + connectors.Snippet(text, errorSnippet)
	}
	return msg
}

// isDailyLimit tells the daily allocation ("TotalRequests Limit exceeded.")
// from the concurrent-request limit ("ConcurrentRequests … Limit exceeded.").
func isDailyLimit(e *APIError, usage APIUsage) bool {
	if strings.Contains(e.Message, "TotalRequests") {
		return true
	}
	return !strings.Contains(e.Message, "Concurrent") && usage.Max > 0 && usage.Used >= usage.Max
}

// isSessionExpired reports a 401 from the REST API: the token is no longer good.
func isSessionExpired(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized
}

// retryable reports whether err is worth another attempt in place. Throttle
// waits belong to the job; anything that is not an answer from Salesforce
// (network failure, timeout, cut-off body) is worth another try.
func retryable(err error) bool {
	if connectors.IsThrottle(err) {
		return false
	}
	var e *APIError
	if errors.As(err, &e) {
		return e.Retryable()
	}
	return true
}
