package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
)

// Webhook sources, as RouterDeps.ObserveWebhook is told them.
const (
	SourceSalesforceOutbound = "salesforce_outbound"
	SourceSalesforceEvents   = "salesforce_events"
	SourceNetSuite           = "netsuite"
)

// observeWebhook tells observe the status each request to h was answered
// with: 0 when h answered nothing (it panicked).
func observeWebhook(source string, h http.Handler, observe func(source string, status int)) http.Handler {
	if observe == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		defer func() { observe(source, ww.Status()) }()
		h.ServeHTTP(ww, r)
	})
}
