package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/config"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs/salesorder"
)

// harness is a whole `tandem run` process (HTTP, workers, both sandboxes)
// on a real listener and a real Redis database, as a newcomer runs it.
type harness struct {
	t         testing.TB
	p         *process
	base      string
	inspector *asynq.Inspector
	logs      *testfixtures.LogBuffer
	lastBusy  string // what settle last saw busy, for the failure message
}

// startTandem starts Tandem in sandbox mode with extra environment.
func startTandem(t testing.TB, extraEnv ...string) *harness {
	t.Helper()
	db := testredis.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"REDIS_URL":                 db.URL(),
		"TANDEM_ADDR":               ln.Addr().String(),
		"TANDEM_LOG_FORMAT":         "json",
		"TANDEM_LOG_LEVEL":          "debug",
		"TANDEM_WORKER_CONCURRENCY": "10",
		"TANDEM_SF_RATE_LIMIT":      "1000", // the sandbox has no limit; the default would pace every test
		// Change events come by the JSON forwarder; pubsub_test.go turns the stream on.
		"TANDEM_SF_PUBSUB_TOPICS":    "none",
		"TANDEM_SANDBOX_PUBSUB_ADDR": "127.0.0.1:0",
	}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	logs := &testfixtures.LogBuffer{}
	p, err := startProcess(context.Background(), cfg, ln, logging.New(logs, "json", "debug"))
	if err != nil {
		t.Fatal(err)
	}
	// The process's own Redis: the test's database, or the embedded one
	// when the test unsets REDIS_URL.
	h := &harness{t: t, p: p, base: cfg.BaseURL(), inspector: asynq.NewInspectorFromRedisClient(p.app.redis.Client), logs: logs}
	t.Cleanup(func() {
		p.stop()
		h.inspector.Close()
		if t.Failed() {
			t.Logf("tandem logs:\n%s", logs.String())
		}
	})
	return h
}

// waitFor polls cond until it holds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	testfixtures.WaitUntilExplained(h.t, what, 90*time.Second, cond, func() string { return h.lastBusy })
}

// settle waits until both sandboxes have delivered every notification
// (Outbound Messages, change events, webhooks) and no job is waiting,
// running or due for retry in any queue, several times in a row (a job's
// writes make new notifications).
func (h *harness) settle() {
	h.t.Helper()
	waitQuiet(h.t, 90*time.Second, func() (bool, string) {
		ok := h.idle()
		return ok, h.lastBusy
	})
}

func (h *harness) idle() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	if sf.WaitOutboundIdle(ctx) != nil || sf.WaitEventsIdle(ctx) != nil || ns.WaitWebhooksIdle(ctx) != nil {
		h.lastBusy = fmt.Sprintf("notifications: outbound %+v, events %+v, webhooks %+v", sf.OutboundStats(), sf.EventsStats(), ns.WebhookStats())
		return false
	}
	ok, busy := queuesIdle(h.inspector)
	if !ok {
		h.lastBusy = busy
	}
	return ok
}

func (h *harness) archived() []*asynq.TaskInfo {
	h.t.Helper()
	return archivedTasks(h.t, h.inspector)
}

// salesOrders returns the NetSuite sandbox's sales orders for an opportunity.
func (h *harness) salesOrders(oppID string) []map[string]any {
	var out []map[string]any
	for _, so := range h.p.sandboxes.ns.List("salesOrder") {
		if so["externalId"] == salesorder.ExternalID(oppID) {
			out = append(out, so)
		}
	}
	return out
}

// openOpportunities returns seeded deals that close cleanly, the first
// being the one the banner offers.
func (h *harness) openOpportunities(n int) []map[string]any {
	h.t.Helper()
	opps := demoOpportunities(h.p.sandboxes.sf, n)
	if len(opps) < n {
		h.t.Fatalf("the seed has only %d open opportunities with mapped products, want %d", len(opps), n)
	}
	return opps
}

func (h *harness) closeWon(oppID string) {
	h.t.Helper()
	sf := h.p.sandboxes.sf
	if err := sf.Update("Opportunity", oppID, map[string]any{"StageName": "Closed Won"}, sf.SalesUser()); err != nil {
		h.t.Fatal(err)
	}
}

func str(m map[string]any, path string) string {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[part]
	}
	switch v := cur.(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func nssandboxFaults(rate5xx, rate429 float64) nssandbox.Faults {
	return nssandbox.Faults{Rate5xx: rate5xx, Rate429: rate429, Rand: 42}
}
