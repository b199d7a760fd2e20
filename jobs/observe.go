package jobs

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/internal/logging"
)

// Job outcomes: how one attempt of a job ended, as asynq then treats it.
const (
	OutcomeDone      = "done"      // succeeded
	OutcomeThrottled = "throttled" // waits out a rate or concurrency limit; not a failure
	OutcomeRetry     = "retry"     // failed; tried again after a back-off
	OutcomeArchived  = "archived"  // failed for good: permanent, or out of retries
)

// Observer is told how job attempts end and what the flows decided, for
// metrics; *metrics.Metrics implements it. Methods must be safe for
// concurrent use.
type Observer interface {
	// JobEnded is told of every attempt of a job of flow (its task type);
	// sinceReceived is, for a job done, the time since its change arrived
	// (0 for other outcomes, or when unknown).
	JobEnded(flow, outcome string, sinceReceived time.Duration)
	// EchoDropped is told of a job done that found its change already in
	// step and wrote nothing.
	EchoDropped(flow string)
	// Overruled is told of each change to a field group that a job done
	// overruled (accountsync's merge).
	Overruled(pair, group string)
}

// Observe is the asynq middleware that tells o how each job attempt ended.
// What a flow decided (an echo, an overruled change) is told only when the
// attempt succeeds, so a retried job is not counted twice.
func Observe(o Observer) asynq.MiddlewareFunc {
	return func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			rep := &flowReport{}
			err := next.ProcessTask(context.WithValue(ctx, flowReportKey{}, rep), t)
			outcome := AttemptOutcome(ctx, err)
			var latency time.Duration
			if received := headerOf(t).ReceivedAt; outcome == OutcomeDone && !received.IsZero() {
				latency = time.Since(received)
			}
			o.JobEnded(t.Type(), outcome, latency)
			if outcome == OutcomeDone {
				rep.tell(o, t.Type())
			}
			return err
		})
	}
}

// AttemptOutcome is what asynq does with an attempt that returned err,
// by the rules of its processor: archive when retries are used up or the
// error skips them, else retry, a throttle wait not counting as a failure.
// ctx is the job's.
func AttemptOutcome(ctx context.Context, err error) string {
	if err == nil {
		return OutcomeDone
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	switch {
	case retried >= maxRetry || isSkipRetry(err):
		return OutcomeArchived
	case connectors.IsThrottle(err):
		return OutcomeThrottled
	}
	return OutcomeRetry
}

// changeHeader is what the middleware and the error handler read of a
// task's change; zero values when the payload does not say.
type changeHeader struct {
	ReceivedAt    time.Time `json:"received_at"`
	CorrelationID string    `json:"correlation_id"`
}

// WithTaskCorrelation is ctx carrying the correlation id of the change in
// t's payload, for what is logged on the job's behalf outside its flow.
func WithTaskCorrelation(ctx context.Context, t *asynq.Task) context.Context {
	return logging.WithCorrelation(ctx, headerOf(t).CorrelationID)
}

func headerOf(t *asynq.Task) changeHeader {
	var h changeHeader
	_ = json.Unmarshal(t.Payload(), &h)
	return h
}

// flowReport collects what one attempt of a flow decided.
type flowReport struct {
	mu        sync.Mutex
	echo      bool
	overruled [][2]string // pair, group
}

type flowReportKey struct{}

func reportOf(ctx context.Context) *flowReport {
	rep, _ := ctx.Value(flowReportKey{}).(*flowReport)
	return rep
}

// NoteEcho records that the job found its change already in step.
func NoteEcho(ctx context.Context) {
	if rep := reportOf(ctx); rep != nil {
		rep.mu.Lock()
		rep.echo = true
		rep.mu.Unlock()
	}
}

// NoteOverruled records a change to a pair's field group that the merge overruled.
func NoteOverruled(ctx context.Context, pair, group string) {
	if rep := reportOf(ctx); rep != nil {
		rep.mu.Lock()
		rep.overruled = append(rep.overruled, [2]string{pair, group})
		rep.mu.Unlock()
	}
}

func (r *flowReport) tell(o Observer, flow string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.echo {
		o.EchoDropped(flow)
	}
	for _, pg := range r.overruled {
		o.Overruled(pg[0], pg[1])
	}
}
