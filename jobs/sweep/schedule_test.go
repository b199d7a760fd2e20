package sweep

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/internal/scheduletest"
	"github.com/tandem-sync/tandem/jobs"
)

// runRecorder is NetSuite as the sweep sees it, noting when each sweep
// run (its first-page query) starts and ends; hold makes a run slow.
type runRecorder struct {
	NetSuiteAPI
	hold time.Duration
	mu   sync.Mutex
	runs [][2]time.Time
}

func (r *runRecorder) SuiteQL(ctx context.Context, q string, params []any, fn func(netsuite.Row) error) error {
	if !strings.Contains(q, ">=") { // only a run's first page
		return r.NetSuiteAPI.SuiteQL(ctx, q, params, fn)
	}
	start := time.Now()
	time.Sleep(r.hold)
	err := r.NetSuiteAPI.SuiteQL(ctx, q, params, fn)
	r.mu.Lock()
	r.runs = append(r.runs, [2]time.Time{start, time.Now()})
	r.mu.Unlock()
	return err
}

func (r *runRecorder) snapshot() [][2]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][2]time.Time(nil), r.runs...)
}

// runTwoWorkers runs two `tandem work`-like processes on one Redis, each
// with its own scheduler and asynq server, for d.
func runTwoWorkers(t *testing.T, b *bench, ns NetSuiteAPI, interval, d time.Duration) {
	t.Helper()
	scheduletest.RunWorkers(t, b.db, Scheduled(interval), func() asynq.Handler {
		s := NewSweeper(ns, b.enq, b.db.Client, Config{AccountID: "TSTDRV1", RecordTypes: []string{"customer"}}, slog.Default())
		return NewHandler(s, interval, slog.Default())
	}, d)
}

// TestTwoSchedulersSweepOncePerTick: two worker processes, each
// scheduling the sweep every second, sweep once per one-second tick.
func TestTwoSchedulersSweepOncePerTick(t *testing.T) {
	b := newBench(t)
	rec := &runRecorder{NetSuiteAPI: b.client}
	runTwoWorkers(t, b, rec, time.Second, 4*time.Second)
	runs := rec.snapshot()
	perTick := map[int64]int{}
	for _, r := range runs {
		perTick[r[0].Unix()]++
	}
	for tick, n := range perTick {
		if n > 1 {
			t.Errorf("tick %d swept %d times, want once", tick, n)
		}
	}
	if len(runs) < 3 {
		t.Errorf("%d sweeps in ~4 one-second ticks, want at least 3", len(runs))
	}
	tasks, err := asynq.NewInspectorFromRedisClient(b.db.Client).ListCompletedTasks(jobs.QueueNetSuiteToSalesforce)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) < len(runs) {
		t.Errorf("%d completed sweep tasks in Asynqmon's view, want at least the %d sweeps", len(tasks), len(runs))
	}
	t.Logf("%d sweeps from %d scheduled tasks", len(runs), len(tasks))
}

// TestSlowSweepNeverOverlapsTheNext: a sweep slower than the interval
// holds the run lock; the ticks during it are skipped, not run alongside.
func TestSlowSweepNeverOverlapsTheNext(t *testing.T) {
	b := newBench(t)
	rec := &runRecorder{NetSuiteAPI: b.client, hold: 2500 * time.Millisecond}
	runTwoWorkers(t, b, rec, time.Second, 6*time.Second)
	runs := rec.snapshot()
	if len(runs) == 0 {
		t.Fatal("no sweep ran")
	}
	for i := 1; i < len(runs); i++ {
		if runs[i][0].Before(runs[i-1][1]) {
			t.Errorf("sweep %d started at %s, before sweep %d ended at %s", i, runs[i][0].Format(time.StampMilli), i-1, runs[i-1][1].Format(time.StampMilli))
		}
	}
}
