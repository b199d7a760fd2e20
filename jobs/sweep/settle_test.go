package sweep

import (
	"context"
	"log/slog"
	"testing"
	"time"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/internal/nstest"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// TestSweepSeesASecondEditInTheSameSecond: a customer saved, swept, and
// saved again in the same second (NetSuite's clock held in that second;
// webhooks play no part) gets a new job from the next sweep, carrying the
// second edit; once that second is settled, a sweep stores nothing new.
func TestSweepSeesASecondEditInTheSameSecond(t *testing.T) {
	second := time.Now().UTC().Truncate(time.Second)
	ns, client := nstest.Start(t, nssandbox.Config{Clock: func() time.Time { return second }})
	db := testredis.New(t)
	b := &bench{ns: ns, client: client, db: db, enq: jobs.NewEnqueuer(db.Client, 3)}
	ctx := context.Background()
	// Settle of a minute: the runs below start (Redis's clock) well
	// within it however slow the machine.
	s := NewSweeper(client, b.enq, db.Client, Config{AccountID: nssandbox.DefaultAccountID, RecordTypes: []string{"customer"},
		Settle: time.Minute}, slog.Default())
	id := b.customers(t, 1)[0]
	first, err := s.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first[0].Rows != 1 || first[0].Enqueued != 1*len(jobs.NetSuiteTaskTypes("customer")) {
		t.Fatalf("first sweep: %+v, want the new customer's jobs", first[0])
	}
	if err := ns.PutFields("customer", id, map[string]any{"url": "https://same-second.example.com"}); err != nil {
		t.Fatal(err)
	}
	mark := second.Format(time.RFC3339)
	if first[0].Watermark != mark {
		t.Fatalf("watermark %s, want the held second %s", first[0].Watermark, mark)
	}
	// Tell the runs apart: a run's start names it, in milliseconds.
	time.Sleep(2 * time.Millisecond)
	again, err := s.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Enqueued != len(jobs.NetSuiteTaskTypes("customer")) {
		t.Fatalf("sweep after a second edit in the swept second: %+v, want a new job per flow", again[0])
	}
	if n := b.jobsOf(t, jobs.TypeCustomerToAccount, id, mark); n != 2 {
		t.Errorf("%d %s jobs for customer %s at %s, want 2 (one per edit seen)", n, jobs.TypeCustomerToAccount, id, mark)
	}

	// A minute on (by the sweep's clock) the second is settled: one more
	// job under the version's own name, then duplicates only.
	later := settled(s)
	for i, want := range []int{len(jobs.NetSuiteTaskTypes("customer")), 0} {
		r, err := later.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r[0].Enqueued != want {
			t.Errorf("settled sweep %d stored %d jobs, want %d", i+1, r[0].Enqueued, want)
		}
	}
}
