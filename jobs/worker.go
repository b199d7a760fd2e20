package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
)

// WorkerConfig tunes a worker process.
type WorkerConfig struct {
	Concurrency     int           // jobs at once; 0 = asynq's default (CPUs)
	ShutdownTimeout time.Duration // running jobs get this long on shutdown; 0 = 30s
	Logger          *slog.Logger
	// Groups, when its Aggregator is set, turns groups of tasks into one
	// task (jobs/batch).
	Groups GroupConfig
}

// GroupConfig is asynq's task aggregation: a group is aggregated once it
// holds MaxSize tasks, its oldest waited MaxDelay, or GracePeriod passed
// without a new one.
type GroupConfig struct {
	Aggregator  asynq.GroupAggregator
	GracePeriod time.Duration // at least a second (asynq's minimum)
	MaxDelay    time.Duration
	MaxSize     int
}

// delayedTaskCheck is how often due retries move back to their queue:
// short, because throttle waits are short. taskCheck is how long an idle
// worker sleeps before looking for new tasks (asynq's default, 1s, would
// add up to a second to every change that arrives on an idle system).
const (
	delayedTaskCheck = time.Second
	taskCheck        = 200 * time.Millisecond
)

// NewServer returns the asynq server that runs Tandem's jobs with its
// retry policy: throttle waits do not count as failures, other errors back
// off exponentially with jitter, permanent errors archive at once.
func NewServer(redis asynq.RedisConnOpt, cfg WorkerConfig) *asynq.Server {
	log := cfg.Logger
	return asynq.NewServer(redis, asynq.Config{
		Concurrency:              cfg.Concurrency,
		Queues:                   Queues,
		RetryDelayFunc:           RetryDelay,
		IsFailure:                IsFailure,
		ShutdownTimeout:          cfg.ShutdownTimeout,
		DelayedTaskCheckInterval: delayedTaskCheck,
		TaskCheckInterval:        taskCheck,
		GroupAggregator:          cfg.Groups.Aggregator,
		GroupGracePeriod:         cfg.Groups.GracePeriod,
		GroupMaxDelay:            cfg.Groups.MaxDelay,
		GroupMaxSize:             cfg.Groups.MaxSize,
		Logger:                   AsynqLogger(log, "asynq"),
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			ctx = WithTaskCorrelation(ctx, t)
			retried, _ := asynq.GetRetryCount(ctx)
			maxRetry, _ := asynq.GetMaxRetry(ctx)
			id, _ := asynq.GetTaskID(ctx)
			level, what := slog.LevelWarn, "job failed; will retry"
			switch AttemptOutcome(ctx, err) {
			case OutcomeThrottled:
				level, what = slog.LevelInfo, "job throttled; will retry without counting a failure"
			case OutcomeArchived:
				level, what = slog.LevelError, "job failed for good; archived"
			}
			log.Log(ctx, level, what, "task", id, "type", t.Type(), "retried", retried, "max_retry", maxRetry, "error", err)
		}),
	})
}

// AsynqLogger sends asynq's own log lines (server, scheduler) through
// slog, tagged with component.
func AsynqLogger(l *slog.Logger, component string) asynq.Logger { return asynqLogger{l, component} }

type asynqLogger struct {
	l         *slog.Logger
	component string
}

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...), "component", a.component) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...), "component", a.component) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "component", a.component) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...), "component", a.component) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...), "component", a.component) }
