package netsuite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors/internal/observetest"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// Every HTTP attempt reaches Observe (a refused login, a 5xx retried, the
// 429s of a request NetSuite keeps refusing), named by method and record
// type only, and every line logged for it carries the caller's
// correlation id.
func TestObserveAndLogEveryAttempt(t *testing.T) {
	ns := troubledNS(t)
	var l observetest.Log
	var out testfixtures.LogBuffer
	c := ns.client(func(cfg *Config) {
		cfg.Observe = l.Observe
		cfg.Logger = logging.New(&out, "json", "debug")
	})
	ctx := logging.WithCorrelation(context.Background(), "corr-ns-1")
	if _, err := c.GetRecord(ctx, "customer", "107", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRecord(ctx, "customer", "107"); err == nil {
		t.Fatal("delete: want the concurrency refusal")
	}
	want := []string{
		"GET customer 401 true", "GET customer 500 true", "GET customer 200 false",
		"DELETE customer 429 true", "DELETE customer 429 true", "DELETE customer 429 true",
	}
	l.Expect(t, want)
	msgs := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		msgs[fmt.Sprint(rec["msg"])] = true
		if rec["correlation_id"] != "corr-ns-1" {
			t.Errorf("line without the caller's correlation id: %s", line)
		}
	}
	for _, m := range []string{"netsuite request", "netsuite request failed, trying again", "netsuite rejected the credentials, trying again with fresh ones"} {
		if !msgs[m] {
			t.Errorf("no %q line, so this test proves nothing about it:\n%s", m, out.String())
		}
	}
}

// troubledNS answers a client's first request with a refused login, the
// retry with a 500, the next with a record, and every later one with 429.
func troubledNS(t *testing.T) *fakeNS {
	var ns *fakeNS
	ns = newFakeNS(t, sequence(
		func(w http.ResponseWriter, r *http.Request) { ns.reject(w, "token_rejected") },
		fail(t, 500, "oracle-rest-error-500-unexpected.json"),
		okRecord,
		fail(t, 429, "oracle-rest-error-429-concurrency.as-published.txt"),
	))
	return ns
}

func TestOperationNamesNoID(t *testing.T) {
	for path, want := range map[string]string{
		"/services/rest/record/v1/customer/107":              "GET customer",
		"/services/rest/record/v1/salesOrder/eid:SFOPP-006A": "GET salesOrder",
		"/services/rest/record/v1/salesOrder/5000/item/1":    "GET salesOrder",
		"/services/rest/query/v1/suiteql":                    "GET suiteql",
		"/services/rest/system/v1/governanceLimits":          "GET governanceLimits",
	} {
		if got := operation("GET", path); got != want {
			t.Errorf("operation(GET, %s) = %q, want %q", path, got, want)
		}
	}
}
