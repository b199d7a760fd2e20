package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/drift"
)

// TestDriftAuditHealsThroughTheWorker: with the sweep off and healing on,
// a customer edited in NetSuite while the webhook is off reaches
// Salesforce through the scheduled drift audit's sync job, through the
// wiring `tandem run` uses, and the last run says so.
func TestDriftAuditHealsThroughTheWorker(t *testing.T) {
	h := startTandem(t, "TANDEM_SWEEP_INTERVAL", "0", "TANDEM_DRIFT_INTERVAL", time.Second.String(), "TANDEM_DRIFT_HEAL", "true")
	sfID, nsID := h.linkedPair(5)
	ns := h.p.sandboxes.ns
	ns.SetWebhookURL("")
	h.settle()
	if err := ns.PutFields("customer", nsID, map[string]any{"url": "https://drifted.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the drifted web site in Salesforce", func() bool {
		a, _ := h.p.sandboxes.sf.Get("Account", sfID)
		return str(a, "Website") == "https://drifted.example.com"
	})
	h.waitFor("a completed drift heal job for customer "+nsID, func() bool {
		tasks, err := h.inspector.ListCompletedTasks(jobs.QueueNetSuiteToSalesforce)
		if err != nil {
			return false
		}
		for _, task := range tasks {
			if task.Type == jobs.TypeCustomerToAccount && strings.Contains(task.ID, ":"+nsID+":drift:") {
				return true
			}
		}
		return false
	})
	h.waitFor("the last drift run in Redis (GET /admin/drift)", func() bool {
		r, err := drift.LastRun(t.Context(), h.p.app.redis.Client)
		return err == nil && r != nil && r.Counts(accountsync.PairAccountCustomer).Compared > 0
	})
}
