package sweep

import (
	"context"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/jobs"
)

// TestSweepEnqueuesEachFlowsJobOncePerVersion: a changed customer and
// contact get the jobs their webhooks would make; a second sweep of the
// unchanged records stores nothing new.
func TestSweepEnqueuesEachFlowsJobOncePerVersion(t *testing.T) {
	b := newBench(t)
	ctx := context.Background()
	custID := b.customers(t, 1)[0]
	contactID, err := b.ns.Put("contact", map[string]any{"firstName": "Swept", "lastName": "Contact", "company": map[string]any{"id": custID},
		"subsidiary": map[string]any{"id": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	s := settled(b.sweeper(b.enq, "customer", "contact", "invoice"))
	report, err := s.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byType := map[string]Counts{}
	for _, c := range report {
		byType[c.RecordType] = c
	}
	for rt, id := range map[string]string{"customer": custID, "contact": contactID} {
		c := byType[rt]
		if c.Rows != 1 || c.Enqueued != len(jobs.NetSuiteTaskTypes(rt)) || c.Pages != 1 {
			t.Errorf("%s: %+v, want 1 row on 1 page and one job per flow", rt, c)
		}
		for _, tt := range jobs.NetSuiteTaskTypes(rt) {
			if !b.stored(t, tt, id, c.Watermark) {
				t.Errorf("%s %s: no %s job for version %s", rt, id, tt, c.Watermark)
			}
		}
	}
	if len(jobs.NetSuiteTaskTypes("invoice")) == 0 && byType["invoice"].Skipped == "" {
		t.Errorf("invoice has no route yet but was swept: %+v", byType["invoice"])
	}
	pending := b.pending(t)

	again, err := s.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again {
		if c.Enqueued != 0 {
			t.Errorf("second sweep of unchanged %s stored %d new jobs", c.RecordType, c.Enqueued)
		}
	}
	if byType["customer"].Rows > 0 && again[0].Duplicates == 0 {
		t.Errorf("second sweep re-read no boundary row: %+v", again[0])
	}
	if n := b.pending(t); n != pending {
		t.Errorf("pending jobs %d after the second sweep, want %d", n, pending)
	}
}

// TestFirstSweepLooksBackFromNow: with no watermark the sweep starts at
// now minus the look-back, not at the beginning of time (the sandbox's
// seeded customers are from 2024).
func TestFirstSweepLooksBackFromNow(t *testing.T) {
	b := newBench(t)
	report, err := b.sweeper(b.enq, "customer").Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if report[0].Rows != 0 {
		t.Errorf("first sweep read %d old customers, want none", report[0].Rows)
	}
	mark, err := time.Parse(time.RFC3339, b.watermark(t, "customer"))
	if err != nil || time.Since(mark) < DefaultLookback-time.Minute || time.Since(mark) > DefaultLookback+time.Minute {
		t.Errorf("watermark %v (%v), want now minus %s", mark, err, DefaultLookback)
	}
}

// TestKeysetPagesAndWatermarkOnlyAfterStore: 1,050 customers changed in
// the same few seconds take two keyset pages; when storing the second
// page's jobs fails, the watermark stays at the first page's last row and
// the next sweep sends the rest.
func TestKeysetPagesAndWatermarkOnlyAfterStore(t *testing.T) {
	b := newBench(t)
	ctx := context.Background()
	ids := b.customers(t, PageSize+50)

	failing := &failingEnqueuer{Enqueuer: b.enq, ok: 1}
	s := settled(b.sweeper(failing, "customer"))
	start, _ := s.startMark(ctx, "customer")
	report, err := s.Run(ctx)
	if err == nil {
		t.Fatal("sweep with a failing enqueue reported success")
	}
	flows := len(jobs.NetSuiteTaskTypes("customer")) // a job per flow that reads customers
	c := report[0]
	if c.Pages != 1 || c.Rows != PageSize || b.pending(t) != PageSize*flows {
		t.Fatalf("after the failure: %+v, %d pending; want the first page only", c, b.pending(t))
	}
	if mark := b.watermark(t, "customer"); mark != c.Watermark || mark < start {
		t.Errorf("watermark %s, want the first page's last row %s", mark, c.Watermark)
	}

	failing.ok = 0
	if _, err := s.Run(ctx); err == nil {
		t.Fatal("sweep with no store reported success")
	}
	if mark := b.watermark(t, "customer"); mark != c.Watermark {
		t.Errorf("watermark moved to %s with nothing stored", mark)
	}

	report, err = settled(b.sweeper(b.enq, "customer")).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if !b.storedAny(t, id) {
			t.Fatalf("customer %s never enqueued", id)
		}
	}
	if n := b.pending(t); n != len(ids)*flows {
		t.Errorf("%d jobs pending, want one per customer and flow (%d × %d)", n, len(ids), flows)
	}
	t.Logf("re-run: %+v", report[0])
}

func (b *bench) storedAny(t *testing.T, id string) bool {
	t.Helper()
	n, err := b.db.Client.Keys(context.Background(), "asynq:{"+jobs.QueueNetSuiteToSalesforce+"}:t:"+
		jobs.EventTaskID(jobs.TypeCustomerToAccount, "ns", "*", id, "sweep:*")).Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(n) == 1
}
