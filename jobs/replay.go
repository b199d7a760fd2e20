package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"
)

// Job states an operator can list.
const (
	StateArchived  = "archived"
	StateRetry     = "retry"
	StatePending   = "pending"
	StateScheduled = "scheduled"
)

// JobStates are the states JobFilter.State accepts.
var JobStates = []string{StateArchived, StateRetry, StatePending, StateScheduled}

// Limits of one listing or replay.
const (
	listPageSize = 500  // tasks read per Redis round trip while filtering
	MaxReplayIDs = 1000 // ids in one ReplayRequest
)

// ErrInvalidSelection marks a filter or replay request that can never be
// served: an unknown state or queue, or not exactly one selection.
var ErrInvalidSelection = errors.New("invalid job selection")

// JobFilter selects jobs across Tandem's queues. Zero fields match every
// job.
type JobFilter struct {
	State     string        // one of JobStates; "" means archived
	Queue     string        // one of Queues; "" means every queue
	Type      string        // a task type ("f1:opportunity_to_salesorder") or its flow ("f1")
	Error     string        // text in the last error, case-insensitive
	OlderThan time.Duration // the last failure (or, for a job that never failed, its receipt) is at least this old
	Limit     int           // at most this many jobs; 0 means no limit
}

// Validate reports a filter that names an unknown state or queue.
func (f JobFilter) Validate() error {
	if f.State != "" && !slices.Contains(JobStates, f.State) {
		return fmt.Errorf("%w: state %q is not one of %s", ErrInvalidSelection, f.State, strings.Join(JobStates, ", "))
	}
	if _, ok := Queues[f.Queue]; f.Queue != "" && !ok {
		return fmt.Errorf("%w: queue %q is not one of Tandem's queues (%s)", ErrInvalidSelection, f.Queue, strings.Join(QueueNames(), ", "))
	}
	if f.OlderThan < 0 || f.Limit < 0 {
		return fmt.Errorf("%w: older than and limit cannot be negative", ErrInvalidSelection)
	}
	return nil
}

func (f JobFilter) state() string {
	if f.State == "" {
		return StateArchived
	}
	return f.State
}

// Job is an operator's view of one task.
type Job struct {
	ID           string     `json:"id"`
	Type         string     `json:"type"`
	Queue        string     `json:"queue"`
	State        string     `json:"state"`
	LastError    string     `json:"last_error,omitempty"`
	LastFailedAt time.Time  `json:"last_failed_at,omitzero"`
	Retried      int        `json:"retried"`
	MaxRetry     int        `json:"max_retry"`
	Payload      JobPayload `json:"payload"`
}

// JobPayload is the part of a job's Change an operator filters and reads
// by; empty when the payload is not a Change.
type JobPayload struct {
	Source        string    `json:"source,omitempty"`
	Object        string    `json:"object,omitempty"`
	RecordID      string    `json:"record_id,omitempty"`
	CorrelationID string    `json:"correlation_id,omitempty"`
	ReceivedAt    time.Time `json:"received_at,omitzero"`
}

func newJob(t *asynq.TaskInfo) Job {
	var ch Change
	_ = json.Unmarshal(t.Payload, &ch) // a foreign payload just shows no summary
	return Job{
		ID: t.ID, Type: t.Type, Queue: t.Queue, State: t.State.String(),
		LastError: t.LastErr, LastFailedAt: t.LastFailedAt, Retried: t.Retried, MaxRetry: t.MaxRetry,
		Payload: JobPayload{Source: ch.Source, Object: ch.Object, RecordID: ch.RecordID, CorrelationID: ch.CorrelationID, ReceivedAt: ch.ReceivedAt},
	}
}

// Replayer lists Tandem's jobs and replays archived ones. The CLI (`tandem
// replay`) and the admin API share it.
type Replayer struct {
	inspector *asynq.Inspector
	// Now is the clock ages are measured against; nil means time.Now.
	Now func() time.Time
}

// NewReplayer returns a Replayer on inspector.
func NewReplayer(inspector *asynq.Inspector) *Replayer { return &Replayer{inspector: inspector} }

// List returns the jobs matching f, queue by queue in name order, each
// queue in asynq's order (archived: oldest archive first).
func (r *Replayer) List(ctx context.Context, f JobFilter) ([]Job, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out []Job
	for _, queue := range r.queues(f.Queue) {
		for page := 1; ; page++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			tasks, err := r.listPage(f.state(), queue, page)
			if err != nil {
				return nil, fmt.Errorf("listing %s jobs of queue %s: %w", f.state(), queue, err)
			}
			for _, t := range tasks {
				if job := newJob(t); r.matches(f, job) {
					out = append(out, job)
					if f.Limit > 0 && len(out) == f.Limit {
						return out, nil
					}
				}
			}
			if len(tasks) < listPageSize {
				break
			}
		}
	}
	return out, nil
}

func (r *Replayer) listPage(state, queue string, page int) ([]*asynq.TaskInfo, error) {
	opts := []asynq.ListOption{asynq.PageSize(listPageSize), asynq.Page(page)}
	var tasks []*asynq.TaskInfo
	var err error
	switch state {
	case StateArchived:
		tasks, err = r.inspector.ListArchivedTasks(queue, opts...)
	case StateRetry:
		tasks, err = r.inspector.ListRetryTasks(queue, opts...)
	case StatePending:
		tasks, err = r.inspector.ListPendingTasks(queue, opts...)
	case StateScheduled:
		tasks, err = r.inspector.ListScheduledTasks(queue, opts...)
	}
	if errors.Is(err, asynq.ErrQueueNotFound) { // nothing was ever enqueued there
		return nil, nil
	}
	return tasks, err
}

func (r *Replayer) matches(f JobFilter, j Job) bool {
	if f.Type != "" && j.Type != f.Type && !strings.HasPrefix(j.Type, f.Type+":") {
		return false
	}
	if f.Error != "" && !strings.Contains(strings.ToLower(j.LastError), strings.ToLower(f.Error)) {
		return false
	}
	if f.OlderThan > 0 {
		since := j.LastFailedAt
		if since.IsZero() {
			since = j.Payload.ReceivedAt
		}
		if since.IsZero() || r.now().Sub(since) < f.OlderThan {
			return false
		}
	}
	return true
}

// ReplayRequest selects archived jobs to run again: exactly one of IDs,
// Filter (its State is always archived) or All.
type ReplayRequest struct {
	IDs    []string
	Filter *JobFilter
	All    bool
	DryRun bool
}

// ReplayResult is what a replay did, or would do on a dry run.
type ReplayResult struct {
	DryRun   bool         `json:"dry_run"`
	Replayed []Job        `json:"replayed"`
	Skipped  []SkippedJob `json:"skipped"`
}

// SkippedJob is a requested job that was not replayed, and why.
type SkippedJob struct {
	ID     string `json:"id"`
	Queue  string `json:"queue,omitempty"`
	Reason string `json:"reason"`
}

func (q ReplayRequest) validate() error {
	chosen := 0
	for _, set := range []bool{len(q.IDs) > 0, q.Filter != nil, q.All} {
		if set {
			chosen++
		}
	}
	switch {
	case chosen != 1:
		return fmt.Errorf("%w: choose exactly one of ids, filter or all", ErrInvalidSelection)
	case len(q.IDs) > MaxReplayIDs:
		return fmt.Errorf("%w: %d ids; at most %d at once", ErrInvalidSelection, len(q.IDs), MaxReplayIDs)
	case q.Filter != nil && q.Filter.State != "" && q.Filter.State != StateArchived:
		return fmt.Errorf("%w: only archived jobs are replayed, not %s ones", ErrInvalidSelection, q.Filter.State)
	case q.Filter != nil:
		return q.Filter.Validate()
	}
	return nil
}

// Replay moves the selected archived jobs back to pending with
// Inspector.RunTask: the same task, id and payload, so the dedup id still
// holds and a re-sent change stays a duplicate. The job runs with the
// current mapping and configuration and re-reads its record, like any
// job. A job that is no longer archived (already replayed, deleted) is
// skipped, so replaying twice runs it once. An error mid-way returns what
// was replayed so far with it.
func (r *Replayer) Replay(ctx context.Context, q ReplayRequest) (ReplayResult, error) {
	res := ReplayResult{DryRun: q.DryRun, Replayed: []Job{}, Skipped: []SkippedJob{}}
	if err := q.validate(); err != nil {
		return res, err
	}
	targets, err := r.replayTargets(ctx, q, &res)
	if err != nil {
		return res, err
	}
	for _, job := range targets {
		if q.DryRun {
			res.Replayed = append(res.Replayed, job)
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := r.runTask(job, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// replayTargets lists the archived jobs q selects; requested ids that are
// not archived go to res.Skipped.
func (r *Replayer) replayTargets(ctx context.Context, q ReplayRequest, res *ReplayResult) ([]Job, error) {
	switch {
	case q.All:
		return r.List(ctx, JobFilter{State: StateArchived})
	case q.Filter != nil:
		f := *q.Filter
		f.State = StateArchived
		return r.List(ctx, f)
	}
	var out []Job
	for _, id := range q.IDs {
		job, found, err := r.find(id)
		switch {
		case err != nil:
			return nil, err
		case !found:
			res.Skipped = append(res.Skipped, SkippedJob{ID: id, Reason: "no such job in any of Tandem's queues"})
		case job.State != StateArchived:
			res.Skipped = append(res.Skipped, SkippedJob{ID: id, Queue: job.Queue, Reason: "job is " + job.State + ", not archived"})
		default:
			out = append(out, job)
		}
	}
	return out, nil
}

// runTask replays one job. A job that left the archive since it was
// listed is skipped, not an error.
func (r *Replayer) runTask(job Job, res *ReplayResult) error {
	err := r.inspector.RunTask(job.Queue, job.ID)
	if err == nil {
		job.State = StatePending
		res.Replayed = append(res.Replayed, job)
		return nil
	}
	now, found, findErr := r.find(job.ID)
	switch {
	case findErr != nil:
		return fmt.Errorf("replaying job %s: %w", job.ID, err)
	case !found:
		res.Skipped = append(res.Skipped, SkippedJob{ID: job.ID, Queue: job.Queue, Reason: "job was deleted before it could be replayed"})
	case now.State != StateArchived:
		res.Skipped = append(res.Skipped, SkippedJob{ID: job.ID, Queue: job.Queue, Reason: "job is " + now.State + ", not archived"})
	default:
		return fmt.Errorf("replaying job %s: %w", job.ID, err)
	}
	return nil
}

// find looks a task id up in every queue of Tandem's.
func (r *Replayer) find(id string) (Job, bool, error) {
	for _, queue := range QueueNames() {
		t, err := r.inspector.GetTaskInfo(queue, id)
		if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
			continue
		}
		if err != nil {
			return Job{}, false, fmt.Errorf("looking up job %s in queue %s: %w", id, queue, err)
		}
		return newJob(t), true, nil
	}
	return Job{}, false, nil
}

func (r *Replayer) queues(only string) []string {
	if only != "" {
		return []string{only}
	}
	return QueueNames()
}

func (r *Replayer) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
