package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/jobs"
)

// ingress is Tandem's webhook router as `tandem serve` builds it, checking
// creds, storing jobs with enq. The baseline runs it in-process to learn
// what a request becomes; tests run it to check the requests.
func ingress(creds Credentials, enq handlers.ChangeEnqueuer) http.Handler {
	log := logging.Discard()
	return handlers.NewRouter(handlers.RouterDeps{
		SalesforceOutbound: &handlers.SalesforceOutbound{OrgIDs: []string{creds.OrgID}, Token: creds.OutboundToken, Enqueuer: enq, Logger: log},
		SalesforceEvents: &handlers.SalesforceEvents{Auth: creds.EventsAuth, Token: creds.EventsToken, Secret: creds.EventsSecret,
			OrgID: creds.OrgID, Enqueuer: enq, Logger: log},
		NetSuiteWebhook: &handlers.NetSuiteWebhook{Secret: creds.NSSecret, AccountID: creds.NSAccount, Enqueuer: enq, Logger: log},
		Logger:          log,
	})
}

// jobRecorder is a handlers.ChangeEnqueuer that keeps the jobs instead
// of storing them.
type jobRecorder struct {
	mu   sync.Mutex
	jobs []jobs.Incoming
}

func (r *jobRecorder) EnqueueAll(_ context.Context, js []jobs.Incoming) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, js...)
	return 0, nil
}

// jobsOf is what Tandem's handlers make of p, and the status they answer.
func jobsOf(creds Credentials, p post) ([]jobs.Incoming, int) {
	rec := &jobRecorder{}
	req := httptest.NewRequest(http.MethodPost, p.path, bytes.NewReader(p.body))
	req.Header = p.header.Clone()
	w := httptest.NewRecorder()
	ingress(creds, rec).ServeHTTP(w, req)
	return rec.jobs, w.Code
}
