package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
)

// recorder is an Observer that remembers what it was told.
type recorder struct {
	mu       sync.Mutex
	ended    []string // "flow outcome"
	latency  map[string]time.Duration
	echoes   []string
	overrule []string
}

func (r *recorder) JobEnded(flow, outcome string, since time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ended = append(r.ended, flow+" "+outcome)
	if since > 0 {
		r.latency[flow] = since
	}
}

func (r *recorder) EchoDropped(flow string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.echoes = append(r.echoes, flow)
}

func (r *recorder) Overruled(pair, group string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.overrule = append(r.overrule, pair+"/"+group)
}

func (r *recorder) snapshot() (ended, echoes, overruled []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ended), slices.Clone(r.echoes), slices.Clone(r.overrule)
}

// A real worker with the Observe middleware: each attempt is told with
// the outcome asynq gives it, and what a flow noted only when it succeeds.
func TestObserveTellsOutcomesAsAsynqDecidesThem(t *testing.T) {
	db := testredis.New(t)
	enq := NewEnqueuer(db.Client, 1) // one counted failure, then archived
	var logs testfixtures.LogBuffer
	srv := NewServer(db.AsynqOpt(), WorkerConfig{Concurrency: 4, Logger: logging.New(&logs, "json", "debug")})
	rec := &recorder{latency: map[string]time.Duration{}}
	attempts := map[string]int{}
	var mu sync.Mutex
	mux := asynq.NewServeMux()
	mux.Use(Observe(rec))
	mux.HandleFunc("test:", func(ctx context.Context, task *asynq.Task) error {
		mu.Lock()
		attempts[task.Type()]++
		n := attempts[task.Type()]
		mu.Unlock()
		switch task.Type() {
		case "test:done":
			NoteEcho(ctx)
			NoteOverruled(ctx, "account_customer", "name")
			return nil
		case "test:throttled": // notes an echo, then throttles: nothing is told of it
			if n == 1 {
				NoteEcho(ctx)
				return &connectors.ThrottleError{System: "netsuite", Reason: "concurrency slot", Wait: 10 * time.Millisecond}
			}
			return nil
		case "test:permanent":
			return permanent(errors.New("INVALID_KEY_OR_REF"))
		}
		return fmt.Errorf("NetSuite answered 500 (attempt %d)", n) // test:failing
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	received := time.Now().Add(-time.Minute)
	for _, taskType := range []string{"test:done", "test:throttled", "test:permanent", "test:failing"} {
		ch := Change{RecordID: "0015e00000OBSERVE", ReceivedAt: received, CorrelationID: "corr-" + taskType}
		if _, err := enq.Enqueue(context.Background(), taskType, "id-"+taskType, ch); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"test:done done",
		"test:throttled throttled", "test:throttled done",
		"test:permanent archived",
		"test:failing retry", "test:failing archived",
	}
	testfixtures.WaitUntil(t, "every attempt told", time.Minute, func() bool { ended, _, _ := rec.snapshot(); return len(ended) == len(want) })
	ended, echoes, overruled := rec.snapshot()
	slices.Sort(ended)
	slices.Sort(want)
	if !slices.Equal(ended, want) {
		t.Errorf("attempts told %v, want %v", ended, want)
	}
	if !slices.Equal(echoes, []string{"test:done"}) || !slices.Equal(overruled, []string{"account_customer/name"}) {
		t.Errorf("echoes %v, overruled %v: want only the done job's", echoes, overruled)
	}
	rec.mu.Lock()
	if d := rec.latency["test:done"]; d < time.Minute {
		t.Errorf("latency of test:done = %s, want it measured from ReceivedAt (a minute ago)", d)
	}
	rec.mu.Unlock()
	checkErrorLinesCorrelated(t, logs.String())
}

// checkErrorLinesCorrelated: the error handler's lines about a job carry
// the correlation id of the job's change.
func checkErrorLinesCorrelated(t *testing.T, logs string) {
	t.Helper()
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["type"] == nil {
			continue
		}
		seen++
		if want := "corr-" + fmt.Sprint(rec["type"]); rec["correlation_id"] != want {
			t.Errorf("correlation_id %v, want %s: %s", rec["correlation_id"], want, line)
		}
	}
	if seen < 4 { // throttled, archived, retry, archived
		t.Errorf("only %d error handler lines:\n%s", seen, logs)
	}
}
