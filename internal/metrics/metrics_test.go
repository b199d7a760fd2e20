package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/tandem-sync/tandem/connectors/throttle"
	"github.com/tandem-sync/tandem/internal/testredis"
)

// scrape serves m's /metrics and parses the answer as Prometheus would.
func scrape(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return families
}

// sample finds the series of name whose labels include want; ok is false
// when there is none.
func sample(families map[string]*dto.MetricFamily, name string, want map[string]string) (m *dto.Metric, ok bool) {
	f := families[name]
	if f == nil {
		return nil, false
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m, true
	}
	return nil, false
}

func value(t *testing.T, families map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	m, ok := sample(families, name, labels)
	if !ok {
		t.Fatalf("no %s%v", name, labels)
	}
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	t.Fatalf("%s has no value", name)
	return 0
}

func TestWebhookOutcomesByStatus(t *testing.T) {
	m := New(nil)
	for _, status := range []int{200, 200, 401, 403, 400, 413, 503, 500, 0} {
		m.Webhook("netsuite", status)
	}
	got := scrape(t, m)
	for outcome, want := range map[string]float64{
		OutcomeAccepted: 2, OutcomeRefused: 2, OutcomeInvalid: 2, OutcomeUnavailable: 1, OutcomeError: 2,
	} {
		if v := value(t, got, WebhooksTotal, map[string]string{"source": "netsuite", "outcome": outcome}); v != want {
			t.Errorf("%s = %v, want %v", outcome, v, want)
		}
	}
}

func TestRemoteCallsCountStatusesAnd429s(t *testing.T) {
	m := New(nil)
	observe := m.RemoteCalls("netsuite")
	observe("PUT salesOrder", 204, 80*time.Millisecond, nil)
	observe("PUT salesOrder", 429, 5*time.Millisecond, errors.New("CONCURRENCY_LIMIT_EXCEEDED"))
	observe("GET customer", 0, 30*time.Second, context.DeadlineExceeded)
	got := scrape(t, m)
	for _, c := range []struct {
		op, status string
	}{{"PUT salesOrder", "204"}, {"PUT salesOrder", "429"}, {"GET customer", StatusNone}} {
		if v := value(t, got, RemoteCallsTotal, map[string]string{"system": "netsuite", "operation": c.op, "status": c.status}); v != 1 {
			t.Errorf("%s %s counted %v times", c.op, c.status, v)
		}
	}
	if v := value(t, got, Remote429Total, map[string]string{"system": "netsuite"}); v != 1 {
		t.Errorf("429s = %v, want 1", v)
	}
	if v := value(t, got, RemoteCallDuration, map[string]string{"operation": "PUT salesOrder"}); v != 2 {
		t.Errorf("PUT salesOrder durations observed %v times, want 2", v)
	}
}

// Every attempt counts; only a job done with a known arrival observes its
// latency.
func TestJobLatencyOnlyForJobsDone(t *testing.T) {
	m := New(nil)
	m.JobEnded("f1:opportunity_to_salesorder", "throttled", 0)
	m.JobEnded("f1:opportunity_to_salesorder", "done", 3*time.Second)
	m.EchoDropped("f2:customer_to_account")
	m.Overruled("account_customer", "name")
	got := scrape(t, m)
	if v := value(t, got, JobsTotal, map[string]string{"outcome": "throttled"}); v != 1 {
		t.Errorf("throttled attempts = %v", v)
	}
	h, _ := sample(got, JobDuration, map[string]string{"flow": "f1:opportunity_to_salesorder"})
	if h == nil || h.Histogram.GetSampleCount() != 1 || h.Histogram.GetSampleSum() != 3 {
		t.Errorf("job latency %v, want one observation of 3s", h)
	}
	if value(t, got, EchoDropsTotal, map[string]string{"flow": "f2:customer_to_account"}) != 1 ||
		value(t, got, ConflictsTotal, map[string]string{"pair": "account_customer", "group": "name"}) != 1 {
		t.Error("echo drop or conflict not counted")
	}
}

// Watched sources are read at each scrape; API usage appears only once a
// Sforce-Limit-Info was seen.
func TestWatchedSourcesReadAtScrape(t *testing.T) {
	m := New(nil)
	waits := throttle.WaitStats{System: "netsuite", Reason: "concurrency slot", Waited: 3, Throttled: 2, WaitTime: 1500 * time.Millisecond}
	m.WatchThrottle(func() throttle.WaitStats { return waits })
	used, max := 0, 0
	m.WatchSalesforceUsage(func() (int, int) { return used, max })
	dropped := int64(4)
	m.WatchEventsDroppedOwn(func() int64 { return dropped })

	got := scrape(t, m)
	if _, ok := sample(got, SalesforceAPIUsageRatio, nil); ok {
		t.Error("API usage reported before any Sforce-Limit-Info")
	}
	throttleLabels := map[string]string{"system": "netsuite", "reason": "concurrency slot"}
	if v := value(t, got, ThrottleWaitsTotal, throttleLabels); v != 5 {
		t.Errorf("throttle waits = %v, want 5 (3 waited + 2 handed back)", v)
	}
	if v := value(t, got, ThrottleWaitSeconds, throttleLabels); v != 1.5 {
		t.Errorf("throttle wait seconds = %v", v)
	}

	used, max, dropped, waits.Waited = 91000, 100000, 6, 4
	got = scrape(t, m)
	if v := value(t, got, SalesforceAPIUsageRatio, nil); v != 0.91 {
		t.Errorf("API usage = %v, want 0.91", v)
	}
	if v := value(t, got, EventsDroppedOwnTotal, nil); v != 6 {
		t.Errorf("events dropped as own = %v, want 6", v)
	}
	if v := value(t, got, ThrottleWaitsTotal, throttleLabels); v != 6 {
		t.Errorf("throttle waits after more = %v, want 6", v)
	}
}

func TestQueueSizesFromRedis(t *testing.T) {
	db := testredis.New(t)
	client := asynq.NewClient(db.AsynqOpt())
	t.Cleanup(func() { client.Close() })
	if _, err := client.Enqueue(asynq.NewTask("f1:opportunity_to_salesorder", nil), asynq.Queue("sf_to_ns")); err != nil {
		t.Fatal(err)
	}
	m := New(nil)
	m.WatchQueues(asynq.NewInspectorFromRedisClient(db.Client))
	got := scrape(t, m)
	if v := value(t, got, QueueTasks, map[string]string{"queue": "sf_to_ns", "state": "pending"}); v != 1 {
		t.Errorf("pending = %v, want 1", v)
	}
	for _, state := range QueueStates() {
		if _, ok := sample(got, QueueTasks, map[string]string{"queue": "sf_to_ns", "state": state}); !ok {
			t.Errorf("no %s count", state)
		}
	}
	if _, ok := sample(got, QueueLatency, map[string]string{"queue": "sf_to_ns"}); !ok {
		t.Error("no queue latency")
	}
}

// With Redis gone the queue sizes are left out and logged; the rest of
// the scrape is still served.
func TestScrapeSurvivesRedisDown(t *testing.T) {
	var logs strings.Builder
	m := New(slogTo(&logs))
	m.WatchQueues(asynq.NewInspector(asynq.RedisClientOpt{Addr: closedPort(t), DialTimeout: 100 * time.Millisecond}))
	m.Webhook("netsuite", 200)
	got := scrape(t, m)
	if _, ok := got[QueueTasks]; ok {
		t.Error("queue sizes served without Redis")
	}
	if value(t, got, WebhooksTotal, nil) != 1 {
		t.Error("webhook count lost")
	}
	if !strings.Contains(logs.String(), "listing asynq queues") {
		t.Errorf("the failure was not logged: %s", logs.String())
	}
}

func slogTo(w *strings.Builder) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// closedPort is an address nobody answers on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
