package main

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/internal/testredis"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/drift"
)

// TestDriftAuditHealsThroughTheWorker: with the sweep off and healing on,
// a customer edited in NetSuite while the webhook is off reaches
// Salesforce through the scheduled drift audit's sync job, through the
// wiring `tandem run` uses, and the last run says so.
func TestDriftAuditHealsThroughTheWorker(t *testing.T) {
	t.Parallel()
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
		tasks, err := h.inspector.ListCompletedTasks(jobs.QueueNetSuiteToSalesforce, asynq.PageSize(10000)) // the audit heals the seeded products too
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

// TestDriftCommand: `tandem drift` against the sandboxes reports the
// seeded demo products that differ from their items and stores nothing to
// run; `tandem drift --heal` stores their catalog jobs and says so; each
// run becomes the last one GET /admin/drift shows.
func TestDriftCommand(t *testing.T) {
	t.Parallel()
	db := testredis.New(t)
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	cfg, err := config.Load(func(k string) (string, bool) {
		v, ok := map[string]string{"TANDEM_PUBLIC_URL": base, "TANDEM_LOG_LEVEL": "error", "REDIS_URL": db.URL()}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	sb, err := newSandboxes(cfg, slog.New(slog.DiscardHandler), base, "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.close)
	srv.Config.Handler = mountAll(sb.mounts())
	srv.Start()
	t.Cleanup(srv.Close)

	for _, heal := range []bool{false, true} {
		var out bytes.Buffer
		args := []string{}
		if heal {
			args = append(args, "--heal")
		}
		if err := driftCommand(t.Context(), cfg, args, &out); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		last, err := drift.LastRun(t.Context(), db.Client)
		if err != nil || last == nil || last.Heal != heal {
			t.Fatalf("last run %+v, %v; want one with heal %t", last, err, heal)
		}
		c := last.Counts(drift.PairItemProduct)
		switch {
		case c.Differing == 0:
			t.Errorf("heal %t: no seeded product differs: %+v\n%s", heal, c, out.String())
		case heal && c.Healed != c.Differing, !heal && c.Healed != 0:
			t.Errorf("heal %t: %+v", heal, c)
		}
		if !strings.Contains(out.String(), "item_product") || !strings.Contains(out.String(), "(netsuite is right:") {
			t.Errorf("summary lacks the product pairs and their differences:\n%s", out.String())
		}
		t.Log("\n" + out.String())
	}
}
