package reconcile

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/internal/scheduletest"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/reconcile/reconciletest"
)

func TestCurrentQuarter(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, c := range []struct {
		now   string
		start int
		want  string
	}{{"2026-11-15", 1, "2026-Q4"}, {"2026-01-01", 1, "2026-Q1"}, {"2026-12-31", 2, "2027-Q4"}, {"2026-01-31", 2, "2026-Q4"},
		{"2026-02-01", 2, "2027-Q1"}, {"2026-06-30", 7, "2026-Q4"}, {"2026-07-01", 7, "2027-Q1"}} {
		p, err := CurrentQuarter(day(c.now), c.start)
		if err != nil || p.Name != c.want {
			t.Errorf("CurrentQuarter(%s, %d) = %s, %v; want %s", c.now, c.start, p.Name, err, c.want)
		}
	}
}

// runCounter is Salesforce as the reconciliation sees it, noting when each
// run (its opportunities query) starts.
type runCounter struct {
	SalesforceAPI
	mu     sync.Mutex
	starts []time.Time
}

func (c *runCounter) QueryEachBatch(ctx context.Context, soql string, batchSize int, fn func(salesforce.Record) error) error {
	if strings.Contains(soql, "FROM Opportunity") {
		c.mu.Lock()
		c.starts = append(c.starts, time.Now())
		c.mu.Unlock()
	}
	return c.SalesforceAPI.QueryEachBatch(ctx, soql, batchSize, fn)
}

// TestTwoWorkersReconcileOncePerTick: two worker processes on one Redis,
// each scheduling the reconciliation every second, reconcile once per
// one-second tick, and the deal's figures are written once.
func TestTwoWorkersReconcileOncePerTick(t *testing.T) {
	sf, ns := reconciletest.StartSalesforce(t), reconciletest.StartNetSuite(t, nssandbox.Seed{}, 0)
	q, err := CurrentQuarter(time.Now().UTC(), 1)
	if err != nil {
		t.Fatal(err)
	}
	deal := sf.Deal(t, "Scheduled", "Closed Won", q.Start.Format(time.DateOnly), "USD", 500)
	ns.Invoice(t, ns.Order(t, "SFOPP-"+deal, q.Start.Format(time.DateOnly), 5, 100, nil))
	db := testredis.New(t)
	counter := &runCounter{SalesforceAPI: sf.Client}
	o := ScheduleOptions{Interval: time.Second, FiscalStart: 1, Reporting: "USD"}
	scheduletest.RunWorkers(t, db, Scheduled(o.Interval), func() asynq.Handler {
		r := &Reconciler{Salesforce: counter, NetSuite: NewNetSuiteReader(ns.Client), Reporting: "USD"}
		return NewHandler(r, o, jobs.FlowDeps{Redis: db.Client, Logger: slog.Default()})
	}, 4*time.Second)
	counter.mu.Lock()
	starts := append([]time.Time(nil), counter.starts...)
	counter.mu.Unlock()
	perTick := map[int64]int{}
	for _, s := range starts {
		perTick[s.Unix()]++
	}
	for tick, n := range perTick {
		if n > 1 {
			t.Errorf("tick %d reconciled %d times, want once", tick, n)
		}
	}
	if len(starts) < 3 {
		t.Errorf("%d reconciliations in ~4 one-second ticks, want at least 3", len(starts))
	}
	rec, _ := sf.Org.Get("Opportunity", deal)
	if rec[FieldBilled] != 500.0 || rec[FieldGap] != 0.0 {
		t.Errorf("the deal after the scheduled runs: billed %v, gap %v", rec[FieldBilled], rec[FieldGap])
	}
}
