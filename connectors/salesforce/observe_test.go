package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tandem-sync/tandem/connectors/internal/observetest"
	"github.com/tandem-sync/tandem/internal/logging"
)

// Every HTTP attempt reaches Observe, failed ones and retries included,
// named by method and object only (metrics labels must stay bounded).
func TestObserveSeesEveryAttemptWithoutIDs(t *testing.T) {
	org := newFakeOrg(t)
	var l observetest.Log
	exercise(t, org, org.client(func(cfg *Config) { cfg.Observe = l.Observe }))
	want := []string{
		"GET Account 401 true", // session expired: renewed and sent again
		"GET Account 503 true", // retried in place
		"GET Account 200 false",
		"GET query 200 false", "GET query 200 false", "GET query 200 false", // a query and its next two pages
		"PATCH Account 201 false",
		"PATCH collection Product2 200 false",
		"POST Account 400 true",
	}
	l.Expect(t, want)
}

func TestOperationNamesNoID(t *testing.T) {
	for path, want := range map[string]string{
		"/services/data/v62.0/query":                                           "GET query",
		"/services/data/v62.0/query/01gRO0000016PIAYA2-2000":                   "GET query",
		"/services/data/v62.0/sobjects/Account/001Dn00000ZBr4TIAT":             "GET Account",
		"/services/data/v62.0/sobjects/Account/NetSuite_Id__c/42":              "GET Account",
		"/services/data/v62.0/composite/sobjects/Product2/NetSuite_Item_Id__c": "GET collection Product2",
		"/services/data/v62.0/limits":                                          "GET limits",
	} {
		if got := operation("GET", path); got != want {
			t.Errorf("operation(GET, %s) = %q, want %q", path, got, want)
		}
	}
}

// Every line the client logs for a call carries the caller's correlation
// id: the token request, the request itself, a retry.
func TestLogLinesCarryTheCallersCorrelationID(t *testing.T) {
	org := newFakeOrg(t)
	var out bytes.Buffer
	var mu sync.Mutex
	c := org.client(func(cfg *Config) { cfg.Logger = logging.New(lockedWriter{&mu, &out}, "json", "debug") })
	ctx := logging.WithCorrelation(context.Background(), "corr-sf-1")
	exercise(t, org, c)
	mu.Lock()
	out.Reset() // exercise's own lines have no correlation id
	mu.Unlock()
	org.expireSessions()
	if _, err := c.Get(ctx, "Account", "001Dn00000ZBr4TIAT"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	msgs := map[string]bool{}
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		msgs[fmt.Sprint(rec["msg"])] = true
		if rec["correlation_id"] != "corr-sf-1" {
			t.Errorf("line without the caller's correlation id: %s", line)
		}
	}
	for _, want := range []string{"salesforce request", "salesforce session expired, renewing token", "salesforce token issued"} {
		if !msgs[want] {
			t.Errorf("no %q line, so this test proves nothing about it:\n%s", want, out.String())
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
