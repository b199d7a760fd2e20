package handlers

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// The router tells ObserveWebhook each webhook request's source and the
// status it was answered with; 0 when the handler panicked before
// answering. Other routes are not told.
func TestRouterObservesWebhookStatuses(t *testing.T) {
	db := testredis.New(t)
	client := db.Client
	var mu sync.Mutex
	var seen []string
	h := NewRouter(RouterDeps{
		SalesforceOutbound: &SalesforceOutbound{OrgIDs: []string{testOrg}, Token: "outbound-token",
			Enqueuer: jobs.NewEnqueuer(client, 3), Logger: logging.Discard()},
		NetSuiteWebhook:  &NetSuiteWebhook{Secret: "ns-secret", Enqueuer: jobs.NewEnqueuer(client, 3), Logger: logging.Discard()},
		SalesforceEvents: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("a bug") }),
		Logger:           logging.Discard(),
		ObserveWebhook: func(source string, status int) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, source+" "+http.StatusText(status))
		},
	})
	message := readTestdata(t, "opportunity-won.xml")
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodPost, PathSalesforceOutbound+"?token=outbound-token", bytes.NewReader(message)),
		httptest.NewRequest(http.MethodPost, PathSalesforceOutbound, bytes.NewReader(message)),
		httptest.NewRequest(http.MethodPost, PathNetSuiteWebhook, bytes.NewReader([]byte(`{}`))),
		httptest.NewRequest(http.MethodPost, PathSalesforceEvents, bytes.NewReader([]byte(`[]`))),
		httptest.NewRequest(http.MethodGet, PathHealth, nil),
	} {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	want := []string{
		SourceSalesforceOutbound + " OK",
		SourceSalesforceOutbound + " Unauthorized",
		SourceNetSuite + " Unauthorized",
		SourceSalesforceEvents + " ", // no status: it panicked
	}
	if !slices.Equal(seen, want) {
		t.Errorf("observed %q, want %q", seen, want)
	}
}
