// Package handlers is Tandem's HTTP surface: the chi router, one file per
// webhook source, health and readiness. A handler authenticates, parses,
// enqueues and only then acknowledges.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/tandem-sync/tandem/internal/logging"
)

// Routes of Tandem's HTTP surface.
const (
	PathSalesforceOutbound = "/webhooks/salesforce/outbound"
	PathSalesforceEvents   = "/webhooks/salesforce/events"
	PathNetSuiteWebhook    = "/webhooks/netsuite"
	PathHealth             = "/healthz"
	PathReady              = "/readyz"
	PathMetrics            = "/metrics"
	PrefixAdmin            = "/admin"
	PrefixMonitoring       = "/monitoring"
)

// RouterDeps is what the router serves; nil handlers are not routed.
type RouterDeps struct {
	SalesforceOutbound http.Handler
	SalesforceEvents   http.Handler
	NetSuiteWebhook    http.Handler
	// Admin (the admin API) and Monitoring (Asynqmon) are served under
	// their prefixes behind AdminAuth; Metrics is public like /healthz.
	Admin      http.Handler
	Monitoring http.Handler
	Metrics    http.Handler
	AdminAuth  func(http.Handler) http.Handler
	// Ready reports whether the queue (Redis) can take jobs.
	Ready func(ctx context.Context) error
	// Mounts are extra sub-trees, e.g. the sandboxes in sandbox mode.
	Mounts map[string]http.Handler
	Logger *slog.Logger
	// ObserveWebhook, when set, is told how each webhook request ended:
	// its source (a Source constant) and the HTTP status answered.
	ObserveWebhook func(source string, status int)
}

// NewRouter builds the HTTP handler.
func NewRouter(d RouterDeps) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer, correlate)
	r.Get(PathHealth, func(w http.ResponseWriter, _ *http.Request) { writeText(w, http.StatusOK, "ok") })
	r.Get(PathReady, ready(d.Ready, d.Logger))
	for _, wh := range []struct {
		path, source string
		h            http.Handler
	}{
		{PathSalesforceOutbound, SourceSalesforceOutbound, d.SalesforceOutbound},
		{PathSalesforceEvents, SourceSalesforceEvents, d.SalesforceEvents},
		{PathNetSuiteWebhook, SourceNetSuite, d.NetSuiteWebhook},
	} {
		if wh.h != nil {
			r.Method(http.MethodPost, wh.path, observeWebhook(wh.source, wh.h, d.ObserveWebhook))
		}
	}
	if d.Metrics != nil {
		r.Method(http.MethodGet, PathMetrics, d.Metrics)
	}
	for prefix, h := range map[string]http.Handler{PrefixAdmin: d.Admin, PrefixMonitoring: d.Monitoring} {
		if h == nil {
			continue
		}
		if d.AdminAuth == nil {
			panic("handlers: admin routes need AdminAuth")
		}
		r.Mount(prefix, d.AdminAuth(h))
	}
	for prefix, h := range d.Mounts {
		r.Mount(prefix, http.StripPrefix(prefix, h))
	}
	return r
}

// correlate gives every request a correlation id (the caller's
// X-Request-Id when it sends one) that follows it into its jobs.
func correlate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = logging.NewCorrelationID()
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(logging.WithCorrelation(r.Context(), id)))
	})
}

const readyTimeout = 2 * time.Second

func ready(check func(context.Context) error, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if check == nil {
			writeText(w, http.StatusOK, "ok")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := check(ctx); err != nil {
			log.WarnContext(ctx, "not ready", "error", err)
			writeText(w, http.StatusServiceUnavailable, "redis unreachable")
			return
		}
		writeText(w, http.StatusOK, "ok")
	}
}

func writeText(w http.ResponseWriter, status int, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(s + "\n"))
}
