package sweep

import (
	"context"
	"log/slog"
	"time"

	"github.com/tandem-sync/tandem/jobs"
)

// RunTimeout bounds one sweep task; the run lock lasts as long, so a
// worker that dies mid-sweep frees it. A sweep cut short keeps the pages
// it stored and the next tick carries on from its watermark.
const RunTimeout = 10 * time.Minute

// Scheduled is the sweep's entry in a worker's scheduler (jobs.NewScheduler):
// every interval; 0 schedules none.
func Scheduled(interval time.Duration) jobs.Scheduled {
	return jobs.Scheduled{Type: jobs.TypeNetSuiteSweep, Interval: interval, Timeout: RunTimeout}
}

// NewHandler runs a sweep for a scheduled task: at most one per tick and
// never two at once, whatever number of schedulers enqueued it
// (jobs.Periodic).
func NewHandler(s *Sweeper, interval time.Duration, log *slog.Logger) *jobs.Periodic {
	return &jobs.Periodic{
		Key:      "tandem:sweep:netsuite:" + s.cfg.AccountID,
		What:     "netsuite sweep",
		Redis:    s.marks.redis,
		Interval: interval,
		Timeout:  RunTimeout,
		Logger:   log,
		Run:      func(ctx context.Context) error { _, err := s.Run(ctx); return err },
	}
}
