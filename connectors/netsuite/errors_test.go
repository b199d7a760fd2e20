package netsuite

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// Every published error body, answered by a real HTTP server, read by
// GetRecord, and classified the way the job workers will see it.
func TestErrorFixturesAreParsedAndClassified(t *testing.T) {
	cases := []struct {
		fixture   string
		status    int
		code      string // APIError.Code()
		detail    string // in Details[0].Detail, or in Body when not JSON
		path      string
		permanent bool
		throttle  bool
	}{
		{"oracle-rest-error-400-invalid-content.response.json", 400, "INVALID_CONTENT", "Invalid Field Value 9999", "item.items[0].item", true, false},
		{"oracle-rest-error-400-invalid-request.json", 400, "INVALID_REQUEST", "malformed syntax", "", true, false},
		{"github-ehmad11-netsuite-rest-issue26.error-400-user-error.json", 400, "USER_ERROR", "First Name, Last Name", "", true, false},
		{"oracle-rest-error-401-invalid-login.json", 401, "INVALID_LOGIN", "Login Audit Trail", "", true, false},
		{"oracle-rest-error-404-nonexistent-id.json", 404, "NONEXISTENT_ID", "Record does not exist.", "", true, false},
		{"oracle-rest-error-429-concurrency.as-published.txt", 429, "", "Concurrent request limit exceeded", "", false, true},
		{"oracle-rest-error-500-unexpected.json", 500, "UNEXPECTED_ERROR", "Error ID: jrgbpyylphhishmmlxyt", "", false, false},
		{"oracle-rest-async-idempotency-duplicate.as-published.txt", 400, "", "IDEMPOTENCY_ERROR", "", true, false},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			body := testfixtures.Read(t, "netsuite", tc.fixture)
			if i := bytes.IndexByte(body, '{'); i > 0 { // the duplicate sample starts with its status line
				body = body[i:]
			}
			ns := newFakeNS(t, func(w http.ResponseWriter, r *http.Request) { answer(w, tc.status, typeError, body) })
			_, err := ns.client().GetRecord(context.Background(), "salesOrder", "7", nil)

			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			if apiErr.Status != tc.status || apiErr.Code() != tc.code || apiErr.Op != "get salesOrder 7" {
				t.Errorf("status %d code %q op %q, want %d %q", apiErr.Status, apiErr.Code(), apiErr.Op, tc.status, tc.code)
			}
			got := apiErr.Body
			if len(apiErr.Details) > 0 {
				got = apiErr.Details[0].Detail
				if apiErr.Details[0].Path != tc.path {
					t.Errorf("path %q, want %q", apiErr.Details[0].Path, tc.path)
				}
			}
			if !strings.Contains(got, tc.detail) || !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("detail %q / error %q lack %q", got, err, tc.detail)
			}
			if connectors.IsPermanent(err) != tc.permanent || connectors.IsThrottle(err) != tc.throttle {
				t.Errorf("permanent %v throttle %v, want %v %v", connectors.IsPermanent(err), connectors.IsThrottle(err), tc.permanent, tc.throttle)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	body := testfixtures.Read(t, "netsuite", "oracle-rest-error-400-invalid-content.response.json")
	e := parseAPIError("create salesOrder", 400, "", body)
	want := "netsuite: create salesOrder: 400 INVALID_CONTENT: Error while accessing resource: You have entered an Invalid Field Value 9999 for the following field: item (at item.items[0].item)"
	if e.Error() != want {
		t.Errorf("\n got %s\nwant %s", e.Error(), want)
	}

	// A real answer (GitHub, rfc9110 type) pointing at a query parameter.
	q := `{"type":"https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1","title":"Bad Request","status":400,` +
		`"o:errorDetails":[{"detail":"Invalid search query.","o:errorQueryParam":"q","o:errorCode":"INVALID_PARAMETER"}]}`
	if got := parseAPIError("list customer", 400, "", []byte(q)).Error(); got != "netsuite: list customer: 400 INVALID_PARAMETER: Invalid search query. (at query parameter q)" {
		t.Errorf("got %s", got)
	}

	// Both published names of the URL location.
	for _, key := range []string{"o:urlPath", "o:errorUrl"} {
		b := `{"status":404,"o:errorDetails":[{"detail":"x","o:errorCode":"NONEXISTENT_ID","` + key + `":"customer/9"}]}`
		if got := parseAPIError("op", 404, "", []byte(b)).Details[0].URLPath; got != "customer/9" {
			t.Errorf("%s: URLPath %q", key, got)
		}
	}

	login := parseAPIError("get customer 1", 401, `OAuth realm="123456_SB1", error="token_rejected", error_description="Invalid login attempt."`,
		testfixtures.Read(t, "netsuite", "oracle-rest-error-401-invalid-login.json"))
	if login.AuthError != "token_rejected" || !strings.HasSuffix(login.Error(), "[token_rejected]") {
		t.Errorf("401 lost the WWW-Authenticate reason: %s", login.Error())
	}

	oauth := parseAPIError("request access token", 400, "", []byte(`{"error":"invalid_grant","error_description":"assertion expired"}`))
	if oauth.Code() != "invalid_grant" || !strings.Contains(oauth.Error(), "assertion expired") {
		t.Errorf("OAuth error shape: %s", oauth.Error())
	}

	html := parseAPIError("op", 502, "", []byte("<html>"+strings.Repeat("é", 600)+"</html>"))
	if len(html.Body) > maxErrorBody+len("…") || !strings.HasPrefix(html.Error(), "netsuite: op: 502: <html>") || !strings.HasSuffix(html.Body, "…") {
		t.Errorf("non-JSON body not kept truncated: %d bytes %q", len(html.Body), html.Error())
	}
	if !html.Retryable() {
		t.Error("502 must be retryable")
	}
}

// What the job workers decide from each kind of error the client returns.
func TestClassification(t *testing.T) {
	ns := newFakeNS(t, fail(t, 429, "oracle-rest-error-429-concurrency.as-published.txt"))
	_, throttled := ns.client().CreateRecord(context.Background(), "customer", map[string]any{"companyName": "x"})

	closed := newFakeNS(t, noContent)
	down := closed.client(func(c *Config) { c.MaxAttempts = 1 })
	closed.srv.Close()
	_, network := down.GetRecord(context.Background(), "customer", "1", nil)

	_, badID := ns.client().GetRecord(context.Background(), "customer", "1/../2", nil)
	badEID := ns.client().DeleteRecord(context.Background(), "customer", ExternalID("a|b"))
	_, badBody := ns.client().CreateRecord(context.Background(), "customer", func() {})

	cases := []struct {
		name                string
		err                 error
		permanent, throttle bool
	}{
		{"429 after the in-place attempts", throttled, false, true},
		{"network error", network, false, false},
		{"malformed id", badID, true, false},
		{"malformed external id", badEID, true, false},
		{"body that is not JSON-encodable", badBody, true, false},
	}
	for _, tc := range cases {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if connectors.IsPermanent(tc.err) != tc.permanent || connectors.IsThrottle(tc.err) != tc.throttle {
			t.Errorf("%s (%v): permanent %v throttle %v, want %v %v", tc.name, tc.err,
				connectors.IsPermanent(tc.err), connectors.IsThrottle(tc.err), tc.permanent, tc.throttle)
		}
	}

	var te *connectors.ThrottleError
	if !errors.As(throttled, &te) {
		t.Fatalf("429: %T", throttled)
	}
	if te.System != "netsuite" || te.Reason != "CONCURRENCY_LIMIT_EXCEEDED" || te.Wait < time.Second || te.Wait >= 5*time.Second {
		t.Errorf("throttle error %+v", te)
	}
	if wait, ok := connectors.RetryAfter(throttled); !ok || wait != te.Wait {
		t.Errorf("RetryAfter = %v %v", wait, ok)
	}
	var apiErr *APIError
	if !errors.As(throttled, &apiErr) || apiErr.Status != 429 {
		t.Errorf("the 429 answer must survive inside the throttle error: %v", throttled)
	}
	// Nothing malformed reached NetSuite.
	for _, s := range ns.seen() {
		if s.Method != http.MethodPost {
			t.Errorf("a refused request was sent: %s %s", s.Method, s.Path)
		}
	}
}
