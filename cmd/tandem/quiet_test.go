package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// What the in-process harness and the multi-process cluster share: waiting
// for a condition, waiting for quiet, and reading the queues.

// quietPolls is how many idle looks in a row count as quiet: a job's
// writes make new notifications, which take a moment to be queued.
const quietPolls = 3

// waitQuiet waits until idle holds quietPolls times in a row; idle says
// what is busy when it is not.
func waitQuiet(t testing.TB, timeout time.Duration, idle func() (bool, string)) {
	t.Helper()
	quiet, lastBusy := 0, ""
	testfixtures.WaitUntilExplained(t, "notifications delivered and queues drained", timeout, func() bool {
		ok, busy := idle()
		if ok {
			quiet++
		} else {
			quiet, lastBusy = 0, busy
		}
		return quiet >= quietPolls
	}, func() string { return lastBusy })
}

// queuesIdle reports whether no job is waiting, running or due for retry
// in any queue, and if not, what is.
func queuesIdle(in *asynq.Inspector) (bool, string) {
	queues, err := in.Queues() // only queues that have had a task exist
	if err != nil {
		return false, err.Error()
	}
	for _, queue := range queues {
		q, err := in.GetQueueInfo(queue)
		if err != nil || q.Pending+q.Active+q.Scheduled+q.Retry+q.Aggregating > 0 {
			return false, fmt.Sprintf("queue %s: %+v %v", queue, q, err)
		}
	}
	return true, ""
}

// archivedTasks lists the archived jobs of every queue.
func archivedTasks(t testing.TB, in *asynq.Inspector) []*asynq.TaskInfo {
	t.Helper()
	queues, err := in.Queues()
	if err != nil {
		t.Fatal(err)
	}
	var all []*asynq.TaskInfo
	for _, queue := range queues {
		for page := 1; ; page++ {
			tasks, err := in.ListArchivedTasks(queue, asynq.PageSize(100), asynq.Page(page))
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, tasks...)
			if len(tasks) < 100 {
				break
			}
		}
	}
	return all
}
