package main

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
)

// The metrics a whole process serves at /metrics, scraped over HTTP and
// parsed as Prometheus parses them, move with real flows.
func TestMetricsFollowRealFlows(t *testing.T) {
	t.Parallel()
	const outboundToken = "metrics-test-outbound-token"
	h := startTandem(t, "TANDEM_SF_OUTBOUND_TOKEN", outboundToken)

	// A webhook refused for its credential counts as refused.
	resp, err := http.Post(h.base+handlers.PathSalesforceOutbound+"?token=wrong", "text/xml", strings.NewReader("<x/>"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := h.metricSum(metrics.WebhooksTotal, map[string]string{"source": handlers.SourceSalesforceOutbound, "outcome": metrics.OutcomeRefused}); got != 1 {
		t.Errorf("refused outbound messages = %v, want 1", got)
	}

	// With the F1 queue paused, a closed deal's job waits: queue sizes show it.
	if err := h.inspector.PauseQueue(jobs.QueueSalesforceToNetSuite); err != nil {
		t.Fatal(err)
	}
	opp := str(h.openOpportunities(1)[0], "Id")
	h.closeWon(opp)
	h.waitFor("a pending F1 job in the metrics", func() bool {
		return h.metricSum(metrics.QueueTasks, map[string]string{"queue": jobs.QueueSalesforceToNetSuite, "state": "pending"}) >= 1
	})
	if err := h.inspector.UnpauseQueue(jobs.QueueSalesforceToNetSuite); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the sales order", func() bool { return len(h.salesOrders(opp)) == 1 })
	h.settle()

	f1 := jobs.TypeOpportunityToSalesOrder
	for _, c := range []struct {
		what   string
		name   string
		labels map[string]string
	}{
		{"outbound messages accepted", metrics.WebhooksTotal, map[string]string{"source": handlers.SourceSalesforceOutbound, "outcome": metrics.OutcomeAccepted}},
		{"F1 jobs done", metrics.JobsTotal, map[string]string{"flow": f1, "outcome": jobs.OutcomeDone}},
		{"F1 latencies observed", metrics.JobDuration, map[string]string{"flow": f1}},
		{"Salesforce queries", metrics.RemoteCallsTotal, map[string]string{"system": systemSalesforce, "operation": "GET query", "status": "200"}},
		{"NetSuite sales order upserts", metrics.RemoteCallsTotal, map[string]string{"system": systemNetSuite, "operation": "PUT salesOrder"}},
		// The write-back to the opportunity fires its Outbound Message again:
		// the job finds the sales order as Tandem wrote it.
		{"F1 echoes", metrics.EchoDropsTotal, map[string]string{"flow": f1}},
		{"NetSuite webhooks accepted", metrics.WebhooksTotal, map[string]string{"source": handlers.SourceNetSuite, "outcome": metrics.OutcomeAccepted}},
	} {
		if got := h.metricSum(c.name, c.labels); got < 1 {
			t.Errorf("%s: %s%v = %v, want at least 1", c.what, c.name, c.labels, got)
		}
	}
	h.ownChangeEventCountsAsEcho()
	if u := h.metricSum(metrics.SalesforceAPIUsageRatio, nil); u <= 0 || u >= 1 {
		t.Errorf("Salesforce API usage ratio %v, want the sandbox's Sforce-Limit-Info (0 < used/max < 1)", u)
	}
	throttles := h.scrape()[metrics.ThrottleWaitsTotal].GetMetric()
	for _, system := range []string{systemSalesforce, systemNetSuite} {
		if !slices.ContainsFunc(throttles, func(m *dto.Metric) bool { return hasLabels(m, map[string]string{"system": system}) }) {
			t.Errorf("no throttle waits reported for %s", system)
		}
	}
	if !slices.ContainsFunc(throttles, func(m *dto.Metric) bool {
		return hasLabels(m, map[string]string{"system": systemSalesforce, "reason": salesforce.BudgetReason})
	}) {
		t.Errorf("no waits reported for the Salesforce daily API budget")
	}
}

// ownChangeEventCountsAsEcho: Tandem's own write to an account (a
// NetSuite edit carried over) comes back as a change event committed by
// the integration user. It is forwarded to the flow (trap 8: automation
// inside that write must reach NetSuite), not dropped at the door, and the
// flow's echo guard drops it, counted under the Salesforce-side flow.
//
// The F1 run above is no proof of this: its write-back of NetSuite_Id__c
// links a pair F2 has no agreed values for yet, so whichever F2 direction
// runs first (the account's change event or NetSuite's webhook about the
// new customer) merges, and only the second counts an echo.
func (h *harness) ownChangeEventCountsAsEcho() {
	h.t.Helper()
	_, nsID := h.linkedPair(1)
	f2 := map[string]string{"flow": jobs.TypeAccountToCustomer}
	echoes, ran := h.metricSum(metrics.EchoDropsTotal, f2), h.metricSum(metrics.JobsTotal, f2)
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"url": "https://metrics-own-echo.example.com"}); err != nil {
		h.t.Fatal(err)
	}
	h.waitFor("the own change event's job", func() bool { return h.metricSum(metrics.JobsTotal, f2) > ran })
	h.settle()
	if got := h.metricSum(metrics.EchoDropsTotal, f2) - echoes; got < 1 {
		h.t.Errorf("own change event: %s%v rose by %v, want at least 1", metrics.EchoDropsTotal, f2, got)
	}
	if got := h.metricSum(metrics.EventsDroppedOwnTotal, nil); got != 0 {
		h.t.Errorf("%s = %v, want 0: own change events go to the flow", metrics.EventsDroppedOwnTotal, got)
	}
}

// An edit NetSuite makes to a field Salesforce masters is overruled: a
// conflict is counted for the pair and the group.
func TestMetricsCountConflicts(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(0)
	account, _ := h.p.sandboxes.sf.Get("Account", sfID)
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"companyName": "Edited In NetSuite"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the name put back in NetSuite", func() bool { return str(h.customer(nsID), "companyName") == str(account, "Name") })
	h.settle()
	if got := h.metricSum(metrics.ConflictsTotal, map[string]string{"pair": accountsync.PairAccountCustomer, "group": "identity"}); got < 1 {
		t.Errorf("conflicts on account_customer/identity = %v, want at least 1", got)
	}
}

// scrape GETs /metrics and parses it.
func (h *harness) scrape() map[string]*dto.MetricFamily {
	h.t.Helper()
	resp, err := http.Get(h.base + handlers.PathMetrics)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		h.t.Fatalf("parsing /metrics: %v", err)
	}
	return families
}

// metricSum adds up the series of name whose labels include want (a
// histogram counts its observations).
func (h *harness) metricSum(name string, want map[string]string) float64 {
	h.t.Helper()
	var sum float64
	for _, m := range h.scrape()[name].GetMetric() {
		if hasLabels(m, want) {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	have := map[string]string{}
	for _, l := range m.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// `tandem work` has no other HTTP: with TANDEM_METRICS_ADDR it serves
// /metrics (its job and remote-call counters live there) and /healthz.
func TestWorkServesMetrics(t *testing.T) {
	t.Parallel()
	db := testredis.New(t)
	insp := asynq.NewInspector(db.AsynqOpt())
	t.Cleanup(func() { insp.Close() })
	client := asynq.NewClient(db.AsynqOpt())
	t.Cleanup(func() { client.Close() })
	// A job that waits in a paused queue, for the queue sizes to show.
	if _, err := client.Enqueue(asynq.NewTask(jobs.TypeOpportunityToSalesOrder, []byte(`{}`)), asynq.Queue(jobs.QueueSalesforceToNetSuite)); err != nil {
		t.Fatal(err)
	}
	if err := insp.PauseQueue(jobs.QueueSalesforceToNetSuite); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env := map[string]string{"REDIS_URL": db.URL(), "TANDEM_METRICS_ADDR": addr, "TANDEM_LOG_LEVEL": "error",
		"TANDEM_NS_CONCURRENCY": "5"} // no governanceLimits read: no sandbox runs here
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- work(ctx, cfg) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("work: %v", err)
		}
	}()
	base := "http://" + addr
	var resp *http.Response
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) { // guards a hang only
		if resp, err = http.Get(base + handlers.PathHealth); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("work never served %s: %v", addr, err)
		}
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("work's /healthz: %d", resp.StatusCode)
	}
	h := &harness{t: t, base: base}
	if got := h.metricSum(metrics.QueueTasks, map[string]string{"queue": jobs.QueueSalesforceToNetSuite, "state": "pending"}); got != 1 {
		t.Errorf("work's /metrics: %d pending in %s, want 1", int(got), jobs.QueueSalesforceToNetSuite)
	}
}
