package sweep

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/internal/nstest"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// bench is a NetSuite sandbox served over HTTP, a client of it and a
// Redis database of the test's own.
type bench struct {
	ns     *nssandbox.Server
	client *netsuite.Client
	db     *testredis.DB
	enq    *jobs.Enqueuer
}

func newBench(t *testing.T) *bench {
	t.Helper()
	ns, client := nstest.Start(t, nssandbox.Config{})
	db := testredis.New(t)
	return &bench{ns: ns, client: client, db: db, enq: jobs.NewEnqueuer(db.Client, 3)}
}

func (b *bench) sweeper(enq Enqueuer, types ...string) *Sweeper {
	return NewSweeper(b.client, enq, b.db.Client, Config{AccountID: nssandbox.DefaultAccountID, RecordTypes: types}, slog.Default())
}

// customers puts n customers, as a NetSuite UI user would.
func (b *bench) customers(t *testing.T, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		id, err := b.ns.Put("customer", map[string]any{"companyName": fmt.Sprintf("Sweep Test %04d", i), "subsidiary": map[string]any{"id": "1"}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

// stored is whether a job of taskType for a record version is stored
// (the version's one, or a run's while the version was not settled).
func (b *bench) stored(t *testing.T, taskType, id, modified string) bool {
	t.Helper()
	return b.jobsOf(t, taskType, id, modified) > 0
}

// jobsOf counts the stored jobs of taskType for a record version.
func (b *bench) jobsOf(t *testing.T, taskType, id, modified string) int {
	t.Helper()
	in := asynq.NewInspectorFromRedisClient(b.db.Client)
	prefix := jobs.EventTaskID(taskType, "ns", nssandbox.DefaultAccountID, id, "sweep:"+modified)
	tasks, err := in.ListPendingTasks(jobs.QueueNetSuiteToSalesforce, asynq.PageSize(10000))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, task := range tasks {
		if task.ID == prefix || strings.HasPrefix(task.ID, prefix+"@") {
			n++
		}
	}
	return n
}

// settled makes a sweeper's runs start a minute past its settle time:
// every row it reads is settled.
func settled(s *Sweeper) *Sweeper {
	s.cfg.Clock = func(context.Context) (time.Time, error) { return time.Now().Add(s.cfg.Settle + time.Minute), nil }
	return s
}

func (b *bench) pending(t *testing.T) int {
	t.Helper()
	n, err := b.db.Client.LLen(context.Background(), "asynq:{"+jobs.QueueNetSuiteToSalesforce+"}:pending").Result()
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func (b *bench) watermark(t *testing.T, recordType string) string {
	t.Helper()
	mark, _, err := watermarks{redis: b.db.Client, account: nssandbox.DefaultAccountID}.get(context.Background(), recordType)
	if err != nil {
		t.Fatal(err)
	}
	return mark
}

// failingEnqueuer stores the first `ok` batches and fails the rest, as a
// Redis that goes away mid-sweep would.
type failingEnqueuer struct {
	Enqueuer
	mu sync.Mutex
	ok int
}

func (f *failingEnqueuer) EnqueueAll(ctx context.Context, js []jobs.Incoming) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ok == 0 {
		return 0, errors.New("redis: connection refused (injected)")
	}
	f.ok--
	return f.Enqueuer.EnqueueAll(ctx, js)
}
