package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/jobs"
)

// baseline measures raw asynq enqueueing: asynq.Client.Enqueue with the
// same options and payloads as `tandem serve` stores (see
// jobs.Enqueuer.EnqueueWithClient), at the generator's
// connection count, with no HTTP in front. It writes to a database of its
// own on the same Redis server: it shares the server's one thread, memory
// and the machine's cores with the run, but no worker reads it, so the
// run's workers never see its jobs. (jobs.Enqueuer picks the queue from
// the task type, so a separate queue in the run's database is not an
// option; its jobs would be worked as real ones.)
type baseline struct {
	redis       *jobs.Redis
	client      *asynq.Client
	enq         *jobs.Enqueuer
	templates   [endpointCount]jobs.Incoming // what a request of each endpoint asks for
	mix         Mix
	concurrency int
	duration    time.Duration
	idBase      uint64
	next        atomic.Uint64 // raw jobs so far, for unique task ids
}

// asynqServersKey is the sorted set where asynq workers announce
// themselves, scored by when the announcement expires.
const asynqServersKey = "asynq:servers"

// openBaseline connects to cfg.RedisURL, refuses a database workers
// read, and learns each endpoint's job from Tandem's own handlers.
func openBaseline(ctx context.Context, cfg Config, b *builder) (*baseline, error) {
	r, err := jobs.OpenRedis(cfg.RedisURL)
	if err != nil {
		return nil, err
	}
	if err := checkNoWorkers(ctx, r.Client); err != nil {
		r.Close()
		return nil, err
	}
	client := asynq.NewClient(r.Asynq)
	bl := &baseline{redis: r, client: client, enq: jobs.NewEnqueuer(r.Client, cfg.MaxRetry), mix: cfg.Mix,
		concurrency: cfg.Connections, duration: cfg.RawDuration, idBase: cfg.IDBase}
	for e := range endpointCount {
		if bl.templates[e], err = templateJob(cfg.Credentials, b, e); err != nil {
			bl.close()
			return nil, err
		}
	}
	return bl, nil
}

// checkNoWorkers fails if a live asynq worker uses the database.
func checkNoWorkers(ctx context.Context, rdb redis.UniversalClient) error {
	now := strconv.FormatInt(time.Now().Unix(), 10)
	n, err := rdb.ZCount(ctx, asynqServersKey, now, "+inf").Result()
	if err != nil {
		return fmt.Errorf("checking the baseline's Redis database for workers: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("%d asynq worker(s) read the baseline's Redis database: give the baseline a database of its own (redis://host:port/N)", n)
	}
	return nil
}

// templateJob is the first job Tandem's handler makes of a request to e.
func templateJob(creds Credentials, b *builder, e Endpoint) (jobs.Incoming, error) {
	p := b.build(e, 0, time.Now())
	made, status := jobsOf(creds, p)
	if status != http.StatusOK || len(made) == 0 {
		return jobs.Incoming{}, fmt.Errorf("tandem's %s handler answers %d to the load's request (jobs: %d): check the credentials", e, status, len(made))
	}
	return made[0], nil
}

// measure enqueues from concurrency goroutines for the duration and
// returns enqueues per second.
func (bl *baseline) measure(ctx context.Context) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, bl.duration)
	defer cancel()
	var done atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range bl.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				switch err := bl.enqueueOne(ctx); {
				case err == nil:
					done.Add(1)
				case ctx.Err() == nil: // not just cut short by the end of the measurement
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return 0, fmt.Errorf("raw enqueue baseline: %w", firstErr)
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

// enqueueOne stores one job shaped like the mix's next request's, under
// a task id no one else uses.
func (bl *baseline) enqueueOne(ctx context.Context) error {
	n := bl.idBase + bl.next.Add(1)
	t := bl.templates[bl.mix.pick(n)]
	id := t.ID + ":raw" + strconv.FormatUint(n, 10)
	ch := t.Change
	ch.EventID, ch.ReceivedAt = id, time.Now().UTC()
	return bl.enq.EnqueueWithClient(ctx, bl.client, jobs.Incoming{Type: t.Type, ID: id, Change: ch})
}

func (bl *baseline) close() {
	bl.client.Close()
	bl.redis.Close()
}
