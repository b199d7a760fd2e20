// Package scheduletest runs several `tandem work`-like processes on one
// Redis, each with its own scheduler and asynq server, to show a scheduled
// task runs once per tick however many workers schedule it.
package scheduletest

import (
	"log/slog"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// RunWorkers starts two workers scheduling task, each handling it with a
// handler of its own from newHandler, 300 ms apart so their schedulers
// tick out of phase, and lets them run for d before stopping them.
func RunWorkers(t *testing.T, db *testredis.DB, task jobs.Scheduled, newHandler func() asynq.Handler, d time.Duration) {
	t.Helper()
	for range 2 {
		stop, err := jobs.RunScheduled(db.AsynqOpt(), slog.Default(), task, newHandler())
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(d)
}
