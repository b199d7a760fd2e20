package salesforce

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
)

type errorKind int

const (
	permanent errorKind = iota
	retryableKind
	throttle
)

func TestClassifyResponse(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		body       string
		retryAfter string
		kind       errorKind
		code       string
		minWait    time.Duration // throttles only
		maxWait    time.Duration
	}{
		{name: "row lock on 500", status: 500, body: bodyLockRow, kind: retryableKind, code: CodeUnableToLockRow},
		{name: "row lock on 400", status: 400, body: bodyLockRow, kind: retryableKind, code: CodeUnableToLockRow},
		{name: "server unavailable", status: 503, body: bodyServerDown, kind: retryableKind, code: CodeServerUnavailable},
		{name: "unknown exception", status: 500, body: `[{"message":"An unexpected error occurred. Please include this ErrorId if you contact support: 1393353281-49431 (-1201413637)","errorCode":"UNKNOWN_EXCEPTION"}]`, kind: retryableKind, code: "UNKNOWN_EXCEPTION"},
		{name: "proxy HTML on 502", status: 502, body: "<html><head><title>502 Bad Gateway</title></head></html>", kind: retryableKind},
		{name: "required field", status: 400, body: bodyRequiredField, kind: permanent, code: "REQUIRED_FIELD_MISSING"},
		{name: "validation rule", status: 400, body: `[{"message":"Close Date must be in the future","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["CloseDate"]}]`, kind: permanent, code: "FIELD_CUSTOM_VALIDATION_EXCEPTION"},
		{name: "not found", status: 404, body: bodyNotFound, kind: permanent, code: CodeNotFound},
		{name: "several matches", status: 300, body: bodyMatches, kind: permanent, code: CodeMultipleChoices},
		{name: "session refused", status: 401, body: bodyInvalidSession, kind: permanent, code: CodeInvalidSession},
		{name: "API disabled", status: 403, body: `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`, kind: permanent, code: "API_DISABLED_FOR_ORG"},
		{name: "concurrent limit", status: 403, body: bodyConcurrent, kind: throttle, code: CodeRequestLimitExceeded, minWait: concurrentLimitWait / 2, maxWait: concurrentLimitWait},
		{name: "daily limit", status: 403, body: bodyDailyLimit, kind: throttle, code: CodeRequestLimitExceeded, minWait: dailyLimitWait / 2, maxWait: dailyLimitWait},
		{name: "limit with Retry-After", status: 403, body: bodyConcurrent, retryAfter: "120", kind: throttle, code: CodeRequestLimitExceeded, minWait: 120 * time.Second, maxWait: 120 * time.Second},
		{name: "429", status: 429, retryAfter: "7", kind: throttle, minWait: 7 * time.Second, maxWait: 7 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := http.Header{}
			if tc.retryAfter != "" {
				header.Set("Retry-After", tc.retryAfter)
			}
			err := classifyResponse("update Account/001Dn00000ZBr4TIAT", tc.status, header, []byte(tc.body), APIUsage{})

			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want it to hold an *APIError", err)
			}
			if apiErr.Status != tc.status || apiErr.Code != tc.code {
				t.Errorf("status, code = %d %q, want %d %q", apiErr.Status, apiErr.Code, tc.status, tc.code)
			}
			if !strings.HasPrefix(err.Error(), "salesforce: update Account/001Dn00000ZBr4TIAT: ") && tc.kind != throttle {
				t.Errorf("Error() = %q", err)
			}
			if got := connectors.IsThrottle(err); got != (tc.kind == throttle) {
				t.Errorf("IsThrottle = %v", got)
			}
			if got := connectors.IsPermanent(err); got != (tc.kind == permanent) {
				t.Errorf("IsPermanent = %v", got)
			}
			if got := retryable(err); got != (tc.kind == retryableKind) {
				t.Errorf("retried in place = %v", got)
			}
			if tc.kind == throttle {
				wait, _ := connectors.RetryAfter(err)
				if wait < tc.minWait || wait > tc.maxWait {
					t.Errorf("wait = %s, want within [%s, %s]", wait, tc.minWait, tc.maxWait)
				}
			}
		})
	}
}

func TestAPIErrorKeepsRemoteCodeAndMessage(t *testing.T) {
	err := classifyResponse("upsert Account/NetSuite_Id__c/42", 400, http.Header{}, []byte(bodyRequiredField), APIUsage{})
	want := "salesforce: upsert Account/NetSuite_Id__c/42: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [Name]"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
	var apiErr *APIError
	if errors.As(err, &apiErr); len(apiErr.Fields) != 1 || apiErr.Fields[0] != "Name" {
		t.Errorf("Fields = %v", apiErr.Fields)
	}
	several := classifyResponse("update Account/001", 400, http.Header{}, []byte(
		`[{"message":"Required fields are missing: [Name]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]},{"message":"bad value for restricted picklist field: Hot","errorCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","fields":["Rating"]}]`), APIUsage{})
	if !strings.Contains(several.Error(), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: bad value") {
		t.Errorf("second error lost: %q", several)
	}
}

func TestDailyLimitFromUsage(t *testing.T) {
	// A limit error that does not name its kind, in an org at its daily cap.
	body := []byte(`[{"errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
	wait := func(u APIUsage) time.Duration {
		d, _ := connectors.RetryAfter(classifyResponse("query", 403, http.Header{}, body, u))
		return d
	}
	if d := wait(APIUsage{Used: 15000, Max: 15000}); d < dailyLimitWait/2 {
		t.Errorf("at the daily cap: wait %s, want the daily wait", d)
	}
	if d := wait(APIUsage{Used: 10, Max: 15000}); d > concurrentLimitWait {
		t.Errorf("below the cap: wait %s, want the concurrent wait", d)
	}
}

func TestBackoffBounds(t *testing.T) {
	for n, ceiling := range map[int]time.Duration{
		1: retryBase, 2: 2 * retryBase, 3: 4 * retryBase, 5: 16 * retryBase, 6: retryCap, 40: retryCap,
	} {
		var highest time.Duration
		for range 2000 {
			d := connectors.Backoff{Base: retryBase, Cap: retryCap}.Delay(n)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %s, want within [0, %s]", n, d, ceiling)
			}
			highest = max(highest, d)
		}
		if highest < ceiling/2 { // full jitter spreads over the whole range
			t.Errorf("backoff(%d) never above %s in 2000 draws (ceiling %s)", n, highest, ceiling)
		}
	}
}
