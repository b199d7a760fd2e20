package drift

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/internal/scheduletest"
)

// runRecorder is Salesforce as the audit sees it, noting when each run
// (its read of the linked accounts) starts.
type runRecorder struct {
	SalesforceAPI
	mu     sync.Mutex
	starts []time.Time
}

func (r *runRecorder) QueryEach(ctx context.Context, soql string, fn func(salesforce.Record) error) error {
	if strings.Contains(soql, "FROM Account WHERE NetSuite_Id__c != null") {
		r.mu.Lock()
		r.starts = append(r.starts, time.Now())
		r.mu.Unlock()
	}
	return r.SalesforceAPI.QueryEach(ctx, soql, fn)
}

// TestTwoWorkersAuditOncePerTick: two worker processes, each with its own
// scheduler of the audit every second and its own asynq server, audit
// once per one-second tick.
func TestTwoWorkersAuditOncePerTick(t *testing.T) {
	o := newOrgs(t)
	o.linkedCustomers(t, 1)
	rec := &runRecorder{SalesforceAPI: o.sfc}
	interval := time.Second
	scheduletest.RunWorkers(t, o.db, Scheduled(interval), func() asynq.Handler {
		a := o.auditor(t, false)
		a.Salesforce = rec
		return NewHandler(a, interval)
	}, 4*time.Second)
	rec.mu.Lock()
	starts := append([]time.Time(nil), rec.starts...)
	rec.mu.Unlock()
	perTick := map[int64]int{}
	for _, s := range starts {
		perTick[s.Unix()]++
	}
	for tick, n := range perTick {
		if n > 1 {
			t.Errorf("tick %d audited %d times, want once", tick, n)
		}
	}
	if len(starts) < 3 {
		t.Errorf("%d audits in ~4 one-second ticks, want at least 3", len(starts))
	}
}

// TestAuditCoversPubSubGaps: a replay gap the subscriber recorded is
// marked covered by the next full audit, and not again by later ones.
func TestAuditCoversPubSubGaps(t *testing.T) {
	o := newOrgs(t)
	ctx := context.Background()
	o.linkedCustomers(t, 1)
	gap := `{"topic":"/data/AccountChangeEvent","after_replay_id":"42","at":"2026-12-06T00:00:00Z","error":"replay id expired"}`
	if err := o.db.Client.LPush(ctx, gapsKey, gap).Err(); err != nil {
		t.Fatal(err)
	}
	r, err := o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	covers, err := GapCovers(ctx, o.db.Client)
	if err != nil {
		t.Fatal(err)
	}
	if r.GapsCovered != 1 || covers[gap].RunID != r.RunID {
		t.Fatalf("gaps covered %d, covers %+v; want the gap covered by run %s", r.GapsCovered, covers, r.RunID)
	}
	r, err = o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.GapsCovered != 0 {
		t.Errorf("a second audit covered %d gaps, want 0 (already covered)", r.GapsCovered)
	}
}
