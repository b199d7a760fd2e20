package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/jobs"
)

// TestSweepSyncsAChangeTheWebhookMissed: a customer edited in NetSuite
// while the SuiteScript webhook is off (its URL unset: the script posts
// nothing) reaches Salesforce through the scheduled sweep within a tick,
// through the wiring `tandem run` uses.
func TestSweepSyncsAChangeTheWebhookMissed(t *testing.T) {
	t.Parallel()
	const interval = time.Second
	h := startTandem(t, "TANDEM_SWEEP_INTERVAL", interval.String())
	sfID, nsID := h.linkedPair(4)
	ns := h.p.sandboxes.ns
	ns.SetWebhookURL("")
	// The pair's own jobs (from webhooks sent before the switch) read the
	// customer when they run: let them finish first, or one of them could
	// carry the edit and prove nothing about the sweep.
	h.settle()
	queued := ns.WebhookStats().Queued
	// No wait for the next second: an edit in the second of a version
	// already swept is re-read by the next sweep under a new task id
	// (jobs/sweep: that second is not settled yet).

	if err := ns.PutFields("customer", nsID, map[string]any{"url": "https://swept.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the swept web site in Salesforce", func() bool {
		a, _ := h.p.sandboxes.sf.Get("Account", sfID)
		return str(a, "Website") == "https://swept.example.com"
	})
	if n := ns.WebhookStats().Queued; n != queued {
		t.Fatalf("the webhook queued %d events while off; the test did not switch it off", n-queued)
	}
	// The sweep's job for this customer completes (it may finish just
	// after the write above is visible).
	h.waitFor("a completed sweep job for customer "+nsID, func() bool {
		tasks, err := h.inspector.ListCompletedTasks(jobs.QueueNetSuiteToSalesforce)
		if err != nil {
			return false
		}
		for _, task := range tasks {
			if task.Type == jobs.TypeCustomerToAccount && strings.Contains(task.ID, ":"+nsID+":sweep:") {
				return true
			}
		}
		return false
	})
	if !strings.Contains(h.logs.String(), `"msg":"netsuite sweep"`) {
		t.Error("the sweep's counts were not logged")
	}
}
