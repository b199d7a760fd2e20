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
	const interval = time.Second
	h := startTandem(t, "TANDEM_SWEEP_INTERVAL", interval.String())
	sfID, nsID := h.linkedPair(4)
	ns := h.p.sandboxes.ns
	ns.SetWebhookURL("")
	queued := ns.WebhookStats().Queued

	edited := time.Now()
	if err := ns.PutFields("customer", nsID, map[string]any{"url": "https://swept.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the swept web site in Salesforce", func() bool {
		a, _ := h.p.sandboxes.sf.Get("Account", sfID)
		return str(a, "Website") == "https://swept.example.com"
	})
	// One tick to sweep, plus the job's own run and the second the sweep
	// re-reads: well under three ticks.
	if took := time.Since(edited); took > 3*interval {
		t.Errorf("the sweep took %s to sync the change, want about one %s tick", took, interval)
	}
	if n := ns.WebhookStats().Queued; n != queued {
		t.Fatalf("the webhook queued %d events while off; the test did not switch it off", n-queued)
	}
	tasks, err := h.inspector.ListCompletedTasks(jobs.QueueNetSuiteToSalesforce)
	if err != nil {
		t.Fatal(err)
	}
	var swept bool
	for _, task := range tasks {
		swept = swept || (task.Type == jobs.TypeCustomerToAccount && strings.Contains(task.ID, ":"+nsID+":sweep:"))
	}
	if !swept {
		t.Errorf("no completed sweep job for customer %s", nsID)
	}
	if !strings.Contains(h.logs.String(), `"msg":"netsuite sweep"`) {
		t.Error("the sweep's counts were not logged")
	}
}
