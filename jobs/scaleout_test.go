package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
)

// Tandem on a three-node Redis Cluster and on a master watched by
// Sentinels, opened through REDIS_URL as Tandem opens it. Each check is
// the one that runs on the machine's Redis, on an emptied deployment.
func TestOnRedisCluster(t *testing.T) { onDeployment(t, testredis.StartCluster(t, 3)) }

func TestOnRedisSentinel(t *testing.T) { onDeployment(t, testredis.StartSentinel(t)) }

func onDeployment(t *testing.T, d testredis.Deployment) {
	r := openDeployment(t, d)
	for _, c := range []struct {
		name  string
		check func(t *testing.T)
	}{
		{"enqueue dedups by task id", func(t *testing.T) { enqueueDedupsByTaskID(t, r.Asynq) }},
		{"batched enqueue writes what asynq writes", func(t *testing.T) { enqueueAllWritesWhatAsynqWrites(t, r.Client, r.Asynq) }},
		{"the worker runs every job, retries included", func(t *testing.T) { workerRunsEveryJob(t, r) }},
		{"archived jobs are listed and replayed", func(t *testing.T) {
			replayer, enq := archivedJobsOn(t, r.Asynq)
			replayOneRunsItOnce(t, replayer, enq)
		}},
		{"queues are registered for Asynqmon", func(t *testing.T) { registerQueuesShowsIdleQueues(t, r.Client, r.Asynq) }},
		{"echo memos", func(t *testing.T) { echoGuardRemembers(t, r.Client) }},
		{"review list", func(t *testing.T) { reviewAddListGet(t, r.Client) }},
		{"review resolved once", func(t *testing.T) { reviewResolveRace(t, r.Client) }},
	} {
		flush(t, r.Client)
		t.Run(c.name, c.check)
	}
}

// TestSentinelFailoverLosesNoJob crashes the master while changes are
// being enqueued and run. Producers enqueue each change until Redis
// acknowledges it, as Salesforce re-sends what was not acknowledged.
// Every acknowledged job must run at least once and its effect (an id
// added to a set: idempotent) count once.
func TestSentinelFailoverLosesNoJob(t *testing.T) {
	const jobs, producers = 2000, 8
	s := testredis.StartSentinel(t)
	r := openDeployment(t, s)
	w := startCountingWorker(t, r, nil)
	enq := NewEnqueuer(r.Client, failoverMaxRetry).WaitForReplicas(1) // acknowledged = on the replica too

	ids := make(chan string, jobs)
	for i := range jobs {
		ids <- fmt.Sprintf("job-%04d", i)
	}
	close(ids)
	var acked, refused atomic.Int64
	var wg sync.WaitGroup
	for range producers {
		wg.Go(func() {
			for id := range ids {
				for !enqueueAcked(enq, id) {
					refused.Add(1)
					time.Sleep(resendPause)
				}
				acked.Add(1)
			}
		})
	}
	testfixtures.WaitUntil(t, "a third of the jobs acknowledged", time.Minute, func() bool { return acked.Load() >= jobs/3 })
	before := s.Master()
	after := s.Failover(t)
	wg.Wait()
	testfixtures.WaitUntil(t, "the queues to drain", failoverSettle, func() bool { return drained(t, r) })

	if after == before {
		t.Fatalf("the master is still %s", after)
	}
	if refused.Load() == 0 {
		t.Error("no enqueue failed: the failover did not happen under load")
	}
	missing, reruns := 0, 0
	for i := range jobs {
		switch n := w.runsOf(fmt.Sprintf("job-%04d", i)); {
		case n == 0:
			missing++
		case n > 1:
			reruns++
		}
	}
	if missing > 0 {
		t.Errorf("%d acknowledged jobs never ran", missing)
	}
	if n := w.effects(); n != jobs {
		t.Errorf("%d effects, want one for each of the %d jobs", n, jobs)
	}
	t.Logf("master %s -> %s; %d enqueues refused and re-sent; %d jobs ran more than once", before, after, refused.Load(), reruns)
}

const (
	failoverMaxRetry = 25                    // counted failures in the outage stay far below it
	resendPause      = 50 * time.Millisecond // between a producer's re-sends
	// failoverSettle bounds the wait for the last jobs: one whose run was
	// cut off by the crash waits out its lease (30s) and the recoverer's
	// next pass (every minute).
	failoverSettle = 5 * time.Minute
)

func enqueueAcked(enq *Enqueuer, id string) bool {
	_, err := enq.Enqueue(context.Background(), typeCount, id, Change{Source: SourceSalesforceOutbound, Object: "Opportunity", RecordID: id})
	return err == nil // a duplicate is an acknowledgement too: the first copy was stored
}

// drained reports whether no job is waiting, running or due for retry,
// and none was archived. A job's effect is written before it leaves the
// active list.
func drained(t *testing.T, r *Redis) bool {
	insp := asynq.NewInspectorFromRedisClient(r.Client)
	queues, err := insp.Queues() // the queues that have had a job
	if err != nil {
		return false
	}
	for _, q := range queues {
		info, err := insp.GetQueueInfo(q)
		if err != nil {
			return false
		}
		if info.Archived > 0 {
			t.Fatalf("queue %s: %d jobs archived", q, info.Archived)
		}
		if info.Pending+info.Active+info.Scheduled+info.Retry > 0 {
			return false
		}
	}
	return true
}

// workerRunsEveryJob enqueues jobs through the Enqueuer, one in ten
// failing its first run, and has Tandem's worker run them all, with no
// error from asynq itself.
func workerRunsEveryJob(t *testing.T, r *Redis) {
	const jobs = 40
	flaky := func(id string) bool { return strings.HasSuffix(id, "7") }
	w := startCountingWorker(t, r, func(id string, run int) error {
		if flaky(id) && run == 1 {
			return errors.New("NetSuite answered 503")
		}
		return nil
	})
	enq := NewEnqueuer(r.Client, 3)
	for i := range jobs {
		if !enqueueAcked(enq, fmt.Sprintf("job-%02d", i)) {
			t.Fatalf("enqueueing job-%02d failed", i)
		}
	}
	testfixtures.WaitUntil(t, "the queues to drain", time.Minute, func() bool { return drained(t, r) })
	for i := range jobs {
		id := fmt.Sprintf("job-%02d", i)
		if want, got := map[bool]int{false: 1, true: 2}[flaky(id)], w.runsOf(id); got != want {
			t.Errorf("%s ran %d times, want %d", id, got, want)
		}
	}
	if n := w.effects(); n != jobs {
		t.Errorf("%d effects, want one for each of the %d jobs", n, jobs)
	}
	if errs := w.log.errors(); len(errs) > 0 {
		t.Errorf("asynq logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// The counting worker: Tandem's asynq server (NewServer, Tandem's retry
// policy) running test jobs whose effect adds the job's id to a set.
const (
	typeCount  = "test:count"
	effectsKey = "tandem:test:effects"
)

type countingWorker struct {
	rdb  redis.UniversalClient
	fail func(id string, run int) error // nil: never fails
	log  *errorLog
	mu   sync.Mutex
	runs map[string]int
}

func startCountingWorker(t *testing.T, r *Redis, fail func(id string, run int) error) *countingWorker {
	t.Helper()
	w := &countingWorker{rdb: r.Client, fail: fail, log: &errorLog{}, runs: map[string]int{}}
	srv := NewServer(r.Asynq, WorkerConfig{Concurrency: 8, Logger: slog.New(w.log)})
	mux := asynq.NewServeMux()
	mux.HandleFunc(typeCount, w.run)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	return w
}

func (w *countingWorker) run(ctx context.Context, task *asynq.Task) error {
	ch, err := decodeChange(task)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.runs[ch.RecordID]++
	run := w.runs[ch.RecordID]
	w.mu.Unlock()
	if w.fail != nil {
		if err := w.fail(ch.RecordID, run); err != nil {
			return err
		}
	}
	return w.rdb.SAdd(ctx, effectsKey, ch.RecordID).Err()
}

func (w *countingWorker) runsOf(id string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runs[id]
}

// effects counts the ids in the effect set; -1 if Redis cannot say.
func (w *countingWorker) effects() int64 {
	n, err := w.rdb.SCard(context.Background(), effectsKey).Result()
	if err != nil {
		return -1
	}
	return n
}

// errorLog keeps the error records of a logger.
type errorLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *errorLog) Enabled(_ context.Context, level slog.Level) bool { return level >= slog.LevelError }
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler               { return l }
func (l *errorLog) WithGroup(string) slog.Handler                    { return l }

func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	return nil
}

func (l *errorLog) errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.msgs
}

// openDeployment opens d through its REDIS_URL, as Tandem does.
func openDeployment(t *testing.T, d testredis.Deployment) *Redis {
	t.Helper()
	r, err := OpenRedis(d.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// flush empties every master of the deployment.
func flush(t *testing.T, rdb redis.UniversalClient) {
	t.Helper()
	ctx := context.Background()
	var err error
	if c, ok := rdb.(*redis.ClusterClient); ok {
		err = c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.FlushDB(ctx).Err() })
	} else {
		err = rdb.FlushDB(ctx).Err()
	}
	if err != nil {
		t.Fatalf("emptying Redis: %v", err)
	}
}
