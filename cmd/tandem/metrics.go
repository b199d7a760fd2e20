package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/jobs"
)

// What each part of a process reports to its metrics (internal/metrics),
// served at /metrics: webhook outcomes by the router, job outcomes by a
// middleware, remote calls by the clients' Observe hooks; queue sizes,
// throttle waits, API usage and dropped own events are read at each scrape.

// System labels of the remote systems, also the throttles' System.
const (
	systemSalesforce = "salesforce"
	systemNetSuite   = "netsuite"
)

// newMetrics returns a process's metrics, with the sizes of asynq's queues
// when it has Redis.
func newMetrics(log *slog.Logger, r *jobs.Redis) *metrics.Metrics {
	m := metrics.New(log)
	if r != nil {
		m.WatchQueues(asynq.NewInspectorFromRedisClient(r.Client))
	}
	return m
}

// observeRouter serves /metrics and counts webhook outcomes and the
// change events dropped as Tandem's own.
func (a *app) observeRouter(d *handlers.RouterDeps) {
	d.Metrics = a.metrics.Handler()
	d.ObserveWebhook = a.metrics.Webhook
	if ev, ok := d.SalesforceEvents.(*handlers.SalesforceEvents); ok {
		a.metrics.WatchEventsDroppedOwn(func() int64 { return ev.Stats().DroppedOwn })
	}
}

// observeJobs counts every job attempt, the latency of jobs done, echoes
// and overruled changes.
func (a *app) observeJobs(h asynq.Handler) asynq.Handler {
	return jobs.Observe(a.metrics)(h)
}

// watchSalesforceUsage reports the org's API usage from Sforce-Limit-Info
// and the requests Tandem's share of it held back.
func (a *app) watchSalesforceUsage(sf *salesforce.Client) {
	a.metrics.WatchSalesforceUsage(func() (int, int) {
		u := sf.Limits()
		return u.Used, u.Max
	})
	a.metrics.WatchThrottle(sf.BudgetStats)
}

// serveWorkerMetrics serves /metrics, /healthz and /readyz on
// TANDEM_METRICS_ADDR for `tandem work`, which has no other HTTP; nothing
// when it is unset.
func (a *app) serveWorkerMetrics() (*http.Server, <-chan error, error) {
	if a.cfg.MetricsAddr == "" {
		return nil, nil, nil
	}
	ln, err := net.Listen("tcp", a.cfg.MetricsAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("TANDEM_METRICS_ADDR: %w", err)
	}
	router := handlers.NewRouter(handlers.RouterDeps{Metrics: a.metrics.Handler(), Ready: a.ready, Logger: a.log})
	srv := &http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	return srv, serveErr, nil
}
