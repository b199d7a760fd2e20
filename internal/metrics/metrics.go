// Package metrics is Tandem's Prometheus instrumentation: one registry per
// process (never the global one, so tests can run several processes), the
// metric names the Grafana dashboard and the alert rules in deploy/ use,
// and the hooks the handlers, the jobs and the connectors report through.
// Labels stay bounded: sources, flows, systems, operations (method and
// record type) and status codes, never record ids.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metric names. Counters end in _total; histograms are exposed as
// <name>_bucket, <name>_sum and <name>_count.
const (
	WebhooksTotal           = "tandem_webhooks_total"               // {source, outcome}
	JobsTotal               = "tandem_jobs_total"                   // {flow, outcome}: one per attempt
	JobDuration             = "tandem_job_duration_seconds"         // {flow}: from the change's ReceivedAt to done
	RemoteCallsTotal        = "tandem_remote_calls_total"           // {system, operation, status}: one per HTTP attempt
	RemoteCallDuration      = "tandem_remote_call_duration_seconds" // {system, operation}
	Remote429Total          = "tandem_remote_429_total"             // {system}
	ThrottleWaitsTotal      = "tandem_throttle_waits_total"         // {system, reason}: requests our throttles held back
	ThrottleWaitSeconds     = "tandem_throttle_wait_seconds_total"  // {system, reason}: time spent waiting in-process
	EchoDropsTotal          = "tandem_echo_drops_total"             // {flow}: changes already in step, nothing written
	ConflictsTotal          = "tandem_conflicts_total"              // {pair, group}: changes overruled by the merge
	EventsDroppedOwnTotal   = "tandem_events_dropped_own_total"     // Salesforce change events Tandem itself caused
	QueueTasks              = "tandem_queue_tasks"                  // {queue, state}
	QueueLatency            = "tandem_queue_latency_seconds"        // {queue}: age of the oldest pending task
	SalesforceAPIUsageRatio = "tandem_salesforce_api_usage_ratio"   // api-usage used/max from Sforce-Limit-Info
)

// Names is every metric name Tandem registers.
func Names() []string {
	return []string{WebhooksTotal, JobsTotal, JobDuration, RemoteCallsTotal, RemoteCallDuration, Remote429Total,
		ThrottleWaitsTotal, ThrottleWaitSeconds, EchoDropsTotal, ConflictsTotal, EventsDroppedOwnTotal,
		QueueTasks, QueueLatency, SalesforceAPIUsageRatio}
}

// Histogram buckets, in seconds. A job's latency spans a quick pass (under
// a second) to hours of retries; a remote call is bounded by the clients'
// timeouts (60 s at most).
var (
	jobBuckets  = []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600}
	callBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
)

// Metrics is one process's metrics. Its methods are safe for concurrent
// use; a nil *Metrics is not.
type Metrics struct {
	registry *prometheus.Registry
	log      *slog.Logger

	webhooks, jobs, calls, calls429, echoDrops, conflicts *prometheus.CounterVec
	jobDuration, callDuration                             *prometheus.HistogramVec

	mu      sync.Mutex
	watched watched // read at each scrape

	pubsubExpired *prometheus.CounterVec
	drift         *prometheus.CounterVec
}

// New returns Metrics on a registry of their own, with Go runtime and
// process metrics. log receives scrape errors (a Redis that does not
// answer); nil discards them.
func New(log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		registry:  prometheus.NewRegistry(),
		log:       log,
		webhooks:  counter(WebhooksTotal, "Webhook requests by source and outcome.", "source", "outcome"),
		jobs:      counter(JobsTotal, "Job attempts by flow and outcome.", "flow", "outcome"),
		calls:     counter(RemoteCallsTotal, "HTTP requests to Salesforce and NetSuite by system, operation and status.", "system", "operation", "status"),
		calls429:  counter(Remote429Total, "HTTP 429 answers from Salesforce and NetSuite.", "system"),
		echoDrops: counter(EchoDropsTotal, "Jobs that found the change already in step on both sides and wrote nothing.", "flow"),
		conflicts: counter(ConflictsTotal, "Changes overruled by a field group's master or a later change.", "pair", "group"),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: JobDuration, Help: "Time from a change's arrival (enqueue) to its job done, by flow.", Buckets: jobBuckets,
		}, []string{"flow"}),
		callDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: RemoteCallDuration, Help: "Duration of HTTP requests to Salesforce and NetSuite.", Buckets: callBuckets,
		}, []string{"system", "operation"}),
	}
	m.pubsubExpired = counter(PubSubReplayExpiredTotal, "Stored Pub/Sub API replay ids the server no longer had (a gap to heal with a sync).", "topic")
	m.registry.MustRegister(m.pubsubExpired)
	m.drift = counter(DriftPairsTotal, "Linked pairs the drift audit found differing (found) and enqueued a sync job for (healed), by pair type.", "pair", "outcome")
	m.registry.MustRegister(m.drift)
	m.registry.MustRegister(m.webhooks, m.jobs, m.calls, m.calls429, m.echoDrops, m.conflicts, m.jobDuration, m.callDuration,
		watchedCollector{m}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func counter(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

// Handler serves the metrics in Prometheus' text format. A collector that
// fails (Redis gone) is logged and left out; the rest is still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		ErrorLog:      scrapeLog{m.log},
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// Gatherer is the registry, for tests.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.registry }

// scrapeLog sends promhttp's errors to slog.
type scrapeLog struct{ log *slog.Logger }

func (l scrapeLog) Println(v ...any) {
	l.log.Warn("metrics scrape: " + strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}
