package sweep

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/jobs"
)

// RunTimeout bounds one sweep task; the run lock lasts as long, so a
// worker that dies mid-sweep frees it. A sweep cut short keeps the pages
// it stored and the next tick carries on from its watermark.
const RunTimeout = 10 * time.Minute

// Schedule is when sweeps run.
type Schedule struct {
	Interval time.Duration // 0: no sweeps
	Logger   *slog.Logger
}

// NewScheduler returns the asynq Scheduler that enqueues a sweep task
// every interval, or nil when the interval is 0. Every worker process runs
// one: each task claims its tick (Handler), so the sweep runs once per tick
// however many schedulers enqueue it. The task is an ordinary asynq task on
// the ns_to_sf queue, shown by Asynqmon with the others.
func NewScheduler(r asynq.RedisConnOpt, s Schedule) (*asynq.Scheduler, error) {
	if s.Interval <= 0 {
		return nil, nil
	}
	sched := asynq.NewScheduler(r, &asynq.SchedulerOpts{
		Logger:   jobs.AsynqLogger(s.Logger, "asynq.scheduler"),
		LogLevel: asynq.WarnLevel,
		EnqueueErrorHandler: func(t *asynq.Task, _ []asynq.Option, err error) {
			s.Logger.Error("enqueueing the netsuite sweep", "type", t.Type(), "error", err)
		},
	})
	_, err := sched.Register("@every "+s.Interval.String(), asynq.NewTask(jobs.TypeNetSuiteSweep, nil),
		asynq.Queue(jobs.QueueNetSuiteToSalesforce),
		asynq.MaxRetry(0), // the next tick is the retry, from the watermark
		asynq.Timeout(RunTimeout),
		asynq.Retention(time.Hour),
	)
	if err != nil {
		return nil, fmt.Errorf("scheduling the netsuite sweep every %s: %w", s.Interval, err)
	}
	return sched, nil
}

// Handler runs a sweep for a scheduled task: at most one per tick (a
// window of Interval on the wall clock) and never two at once, whatever
// number of schedulers enqueued it. A tick is marked done only after a
// sweep that succeeded, so a failed one is run again by the next task.
type Handler struct {
	Sweeper  *Sweeper
	Redis    redis.UniversalClient
	Interval time.Duration
	Logger   *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *Handler) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	// The tick is read from Redis's clock, the one clock every worker
	// shares: by their own clocks, two hosts a little apart could each see
	// a different tick near a boundary and both sweep.
	now, err := h.Redis.Time(ctx).Result()
	if err != nil {
		return fmt.Errorf("reading the time for the netsuite sweep's tick: %w", err)
	}
	tick := now.UnixNano() / int64(max(h.Interval, time.Second))
	doneKey := h.key("tick:" + strconv.FormatInt(tick, 10))
	if done, err := h.Redis.Exists(ctx, doneKey).Result(); err != nil {
		return fmt.Errorf("reading the netsuite sweep's tick: %w", err)
	} else if done == 1 {
		h.Logger.DebugContext(ctx, "netsuite sweep: this tick was swept by another worker")
		return nil
	}
	unlock, ok, err := h.lock(ctx)
	if err != nil {
		return err
	}
	if !ok {
		h.Logger.InfoContext(ctx, "netsuite sweep: the previous sweep is still running; skipping this tick")
		return nil
	}
	defer unlock()
	if done, err := h.Redis.Exists(ctx, doneKey).Result(); err != nil || done == 1 {
		return err // swept by another worker between the check and the lock
	}
	if _, err := h.Sweeper.Run(ctx); err != nil {
		return err
	}
	if err := h.Redis.Set(ctx, doneKey, "1", 2*max(h.Interval, time.Second)).Err(); err != nil {
		return fmt.Errorf("marking the netsuite sweep's tick done: %w", err)
	}
	return nil
}

func (h *Handler) key(suffix string) string {
	return "tandem:sweep:netsuite:" + h.Sweeper.cfg.AccountID + ":" + suffix
}

// lock takes the run lock without waiting; ok is false when a sweep holds it.
func (h *Handler) lock(ctx context.Context) (unlock func(), ok bool, err error) {
	unlock, ok, err = jobs.TryLock(ctx, h.Redis, h.key("running"), RunTimeout)
	if err != nil {
		return nil, false, fmt.Errorf("taking the netsuite sweep's run lock: %w", err)
	}
	return unlock, ok, nil
}
