package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Scheduled is a task every worker process enqueues every Interval (the
// NetSuite sweep, the drift audit, the reconciliation). Its handler is a
// Periodic, so the task runs once per tick however many schedulers
// enqueued it.
type Scheduled struct {
	Type     string        // the task type, e.g. TypeNetSuiteSweep
	Interval time.Duration // 0: not scheduled
	Timeout  time.Duration // bounds one run; also its Periodic's run lock
}

// NewScheduler returns the asynq Scheduler that enqueues each task with an
// interval, or nil when none has one. The tasks are ordinary asynq tasks on
// the queue of their type (TaskQueue), shown by Asynqmon with the others;
// they are never retried, the next tick is the retry.
func NewScheduler(r asynq.RedisConnOpt, log *slog.Logger, tasks ...Scheduled) (*asynq.Scheduler, error) {
	var sched *asynq.Scheduler
	for _, t := range tasks {
		if t.Interval <= 0 {
			continue
		}
		if sched == nil {
			sched = asynq.NewScheduler(r, &asynq.SchedulerOpts{
				Logger:   AsynqLogger(log, "asynq.scheduler"),
				LogLevel: asynq.WarnLevel,
				EnqueueErrorHandler: func(t *asynq.Task, _ []asynq.Option, err error) {
					log.Error("enqueueing a scheduled task", "type", t.Type(), "error", err)
				},
			})
		}
		_, err := sched.Register("@every "+t.Interval.String(), asynq.NewTask(t.Type, nil),
			asynq.Queue(TaskQueue(t.Type)),
			asynq.MaxRetry(0),
			asynq.Timeout(t.Timeout),
			asynq.Retention(time.Hour),
		)
		if err != nil {
			return nil, fmt.Errorf("scheduling %s every %s: %w", t.Type, t.Interval, err)
		}
	}
	return sched, nil
}

// Periodic is the handler of a scheduled task: it runs Run at most once per
// tick (a window of Interval on Redis's clock) and never two at once,
// whichever worker and however many schedulers enqueued the task. A tick is
// marked done only after a run that succeeded, so a failed run is tried
// again by the next task of the same tick.
type Periodic struct {
	Key      string // the Redis key prefix of its tick and lock, e.g. "tandem:sweep:netsuite:<account>"
	What     string // for logs and errors, e.g. "netsuite sweep"
	Redis    redis.UniversalClient
	Interval time.Duration
	Timeout  time.Duration // the run lock's lifetime: a worker that dies mid-run frees it
	Logger   *slog.Logger
	Run      func(ctx context.Context) error
}

// ProcessTask implements asynq.Handler.
func (p *Periodic) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	// The tick is read from Redis's clock, the one clock every worker
	// shares: by their own clocks, two hosts a little apart could each see
	// a different tick near a boundary and both run.
	now, err := p.Redis.Time(ctx).Result()
	if err != nil {
		return fmt.Errorf("reading the time for the %s's tick: %w", p.What, err)
	}
	interval := max(p.Interval, time.Second)
	doneKey := p.Key + ":tick:" + strconv.FormatInt(now.UnixNano()/int64(interval), 10)
	if done, err := p.Redis.Exists(ctx, doneKey).Result(); err != nil {
		return fmt.Errorf("reading the %s's tick: %w", p.What, err)
	} else if done == 1 {
		p.Logger.DebugContext(ctx, p.What+": this tick was run by another worker")
		return nil
	}
	unlock, ok, err := TryLock(ctx, p.Redis, p.Key+":running", p.Timeout)
	if err != nil {
		return fmt.Errorf("taking the %s's run lock: %w", p.What, err)
	}
	if !ok {
		p.Logger.InfoContext(ctx, p.What+": the previous run is still going; skipping this tick")
		return nil
	}
	defer unlock()
	if done, err := p.Redis.Exists(ctx, doneKey).Result(); err != nil || done == 1 {
		return err // run by another worker between the check and the lock
	}
	if err := p.Run(ctx); err != nil {
		return err
	}
	if err := p.Redis.Set(ctx, doneKey, "1", 2*interval).Err(); err != nil {
		return fmt.Errorf("marking the %s's tick done: %w", p.What, err)
	}
	return nil
}

// RunScheduled starts what one worker process runs of a scheduled task: a
// scheduler enqueuing s and an asynq server running h for its type; stop
// shuts both down. Tests run several on one Redis, as several `tandem
// work` processes would.
func RunScheduled(r asynq.RedisConnOpt, log *slog.Logger, s Scheduled, h asynq.Handler) (stop func(), err error) {
	sched, err := NewScheduler(r, log, s)
	if err != nil {
		return nil, err
	}
	mux := asynq.NewServeMux()
	mux.Handle(s.Type, h)
	srv := NewServer(r, WorkerConfig{Concurrency: 2, Logger: log})
	if err := srv.Start(mux); err != nil {
		return nil, err
	}
	if err := sched.Start(); err != nil {
		srv.Shutdown()
		return nil, err
	}
	return func() { sched.Shutdown(); srv.Shutdown() }, nil
}
