// Package batch writes single-record Salesforce upserts in batches: any
// flow enqueues one task per record (Enqueuer.Upsert), asynq's task groups
// gather the tasks of one object and external id field, and one job
// writes them with sObject Collections upserts of up to 200 records a
// call, or, for a load above the threshold (TANDEM_SF_BULK_THRESHOLD),
// one Bulk API 2.0 ingest job.
//
// Results are per record. A record Salesforce refuses does not hold back
// the rest: it goes on as a task of its own (TypeUpsertRecord), which is
// archived at once with Salesforce's error for that record when the error
// is permanent (a validation error: sending it again cannot succeed, so it
// costs no further call), or tried alone with its own retries when it is
// not (UNABLE_TO_LOCK_ROW). A failure of the whole call (a 5xx, a lost
// answer, a throttle) retries the whole batch, which is safe: every write
// is an upsert by external id, so a replayed batch writes the same state.
//
// The worker's asynq server must run Aggregator (see Groups): a grouped
// task waits in its group until an aggregator gathers it.
package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
)

// Task types. The strings are stored in queued jobs: never rename them.
const (
	// TypeUpsert is one record to upsert, waiting in its group.
	TypeUpsert = "batch:salesforce_upsert"
	// TypeUpsertGroup is a group of them, as the aggregator hands it over.
	TypeUpsertGroup = "batch:salesforce_upsert_group"
	// TypeUpsertRecord is one record a batch could not write, on its own.
	TypeUpsertRecord = "batch:salesforce_upsert_record"
)

// Queue is where batched writes run: they write to Salesforce.
const Queue = jobs.QueueNetSuiteToSalesforce

// Defaults.
const (
	DefaultBulkThreshold = 2000
	// MaxGroup is the most records one group job takes: Bulk API 2.0's
	// internal batch size, so a load above the threshold is a few jobs.
	MaxGroup = 10000
	// groupPrefix starts every group name: "sf-upsert:<object>:<field>".
	groupPrefix = "sf-upsert:"
	taskTimeout = 10 * time.Minute // a Bulk job of MaxGroup records included
)

// Record is one upsert: Fields holds every field to write, the external
// id field (ExtField) included. Err, set only on TypeUpsertRecord tasks,
// is the permanent error Salesforce gave the record in a batch.
type Record struct {
	Object        string         `json:"object"`
	ExtField      string         `json:"ext_field"`
	Fields        map[string]any `json:"fields"`
	CorrelationID string         `json:"correlation_id,omitempty"`
	Err           string         `json:"error,omitempty"`
}

// ExtID is the record's external id, as text.
func (r Record) ExtID() string {
	v := r.Fields[r.ExtField]
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func (r Record) check() error {
	if r.Object == "" || r.ExtField == "" || r.ExtID() == "" {
		return fmt.Errorf("batched upsert needs an object, an external id field and its value in the fields (got %q, %q, %q)", r.Object, r.ExtField, r.ExtID())
	}
	return nil
}

// Group is the task group of an object and external id field.
func Group(object, extField string) string { return groupPrefix + object + ":" + extField }

// Enqueuer enqueues batched upserts.
type Enqueuer struct {
	client   *asynq.Client
	maxRetry int
}

// NewEnqueuer enqueues on rdb; maxRetry is what each record's own task
// and each group job gets (TANDEM_MAX_RETRY).
func NewEnqueuer(rdb redis.UniversalClient, maxRetry int) *Enqueuer {
	return &Enqueuer{client: asynq.NewClientFromRedisClient(rdb), maxRetry: maxRetry}
}

// Upsert enqueues one record into its group. taskID, when not empty,
// deduplicates: a record already waiting under it is not enqueued again
// (duplicate true).
func (e *Enqueuer) Upsert(ctx context.Context, r Record, taskID string) (duplicate bool, err error) {
	if err := r.check(); err != nil {
		return false, err
	}
	r.Err = ""
	payload, err := json.Marshal(r)
	if err != nil {
		return false, fmt.Errorf("encoding the upsert of %s %s: %w", r.Object, r.ExtID(), err)
	}
	opts := []asynq.Option{asynq.Queue(Queue), asynq.Group(Group(r.Object, r.ExtField)), asynq.MaxRetry(e.maxRetry), asynq.Timeout(taskTimeout)}
	if taskID != "" {
		opts = append(opts, asynq.TaskID(taskID), asynq.Retention(jobs.DedupRetention))
	}
	_, err = e.client.EnqueueContext(ctx, asynq.NewTask(TypeUpsert, payload), opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("enqueueing the upsert of %s %s: %w", r.Object, r.ExtID(), err)
	}
	return false, nil
}

// groupPayload is a TypeUpsertGroup task: the records' payloads as enqueued.
type groupPayload struct {
	Group   string            `json:"group"`
	Records []json.RawMessage `json:"records"`
}

// Aggregator turns a group's tasks into one task of GroupTaskType(their
// type) with maxRetry retries (TypeUpsert tasks into a TypeUpsertGroup;
// other flows group tasks of their own, e.g. the catalog's items).
func Aggregator(maxRetry int) asynq.GroupAggregator {
	return asynq.GroupAggregatorFunc(func(group string, tasks []*asynq.Task) *asynq.Task {
		p := groupPayload{Group: group, Records: make([]json.RawMessage, len(tasks))}
		for i, t := range tasks {
			p.Records[i] = json.RawMessage(t.Payload())
		}
		payload, _ := json.Marshal(p) // raw messages and a string: cannot fail
		return asynq.NewTask(GroupTaskType(tasks[0].Type()), payload, asynq.MaxRetry(maxRetry), asynq.Timeout(taskTimeout))
	})
}

// GroupTaskType is the type of the task a group of member tasks of type
// member becomes: member + "_group". A group holds tasks of one type:
// each flow names its own groups.
func GroupTaskType(member string) string { return member + "_group" }

// DecodeGroup reads an aggregated task: its group and its members'
// payloads, as enqueued.
func DecodeGroup(t *asynq.Task) (group string, members []json.RawMessage, err error) {
	var p groupPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return "", nil, permanent(fmt.Errorf("decoding %s payload: %w", t.Type(), err))
	}
	return p.Group, p.Records, nil
}

// Groups is the worker's group configuration for batched upserts: a group
// is written once a second passes without a new record, at once when it
// holds MaxGroup records, and after MaxDelay at most while records keep
// coming. MaxDelay is what a steady trickle of changes may wait; long
// enough that a load arriving at a few hundred records a second fills
// groups of MaxGroup (4 Bulk jobs for 40,000 records, not a dozen).
func Groups(maxRetry int) jobs.GroupConfig {
	return jobs.GroupConfig{Aggregator: Aggregator(maxRetry), GracePeriod: time.Second, MaxDelay: MaxDelay, MaxSize: MaxGroup}
}

// MaxDelay bounds how long a record waits in its group while others keep arriving.
const MaxDelay = 20 * time.Second

// SalesforceAPI is what batched writes need of Salesforce; *salesforce.Client implements it.
type SalesforceAPI interface {
	Upsert(ctx context.Context, object, extField, extID string, fields map[string]any) (salesforce.UpsertResult, error)
	UpsertCollection(ctx context.Context, object, extField string, records []map[string]any, allOrNone bool) ([]salesforce.UpsertResult, error)
	BulkUpsert(ctx context.Context, object, extField string, records []map[string]any) ([]salesforce.UpsertResult, error)
}

// Options configures the flow.
type Options struct {
	BulkThreshold int // records above which a group goes through Bulk API 2.0; default DefaultBulkThreshold
	MaxRetry      int // of a record sent on alone
}

// Deps is what the handlers use.
type Deps struct {
	Salesforce SalesforceAPI
	Redis      redis.UniversalClient
	Logger     *slog.Logger
	Options
}

// Flow registers the batched upserts with the worker.
func Flow(o Options) jobs.Flow {
	return jobs.Flow{Name: "batch", Handlers: func(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
		h := NewHandlers(Deps{Salesforce: d.Salesforce, Redis: d.Redis, Logger: d.Logger, Options: o})
		return h, nil
	}}
}

// NewHandlers returns the handlers of the three task types.
func NewHandlers(d Deps) map[string]asynq.Handler {
	if d.BulkThreshold <= 0 {
		d.BulkThreshold = DefaultBulkThreshold
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	w := &writer{Deps: d, enqueue: NewEnqueuer(d.Redis, d.MaxRetry)}
	return map[string]asynq.Handler{
		TypeUpsertGroup:  asynq.HandlerFunc(w.group),
		TypeUpsertRecord: asynq.HandlerFunc(w.record),
		// A grouped task reaches a handler only if the server runs no
		// aggregator: write it alone then.
		TypeUpsert: asynq.HandlerFunc(w.record),
	}
}

type writer struct {
	Deps
	enqueue *Enqueuer
}

// group writes a group's records and sends on the ones Salesforce refused.
func (w *writer) group(ctx context.Context, t *asynq.Task) error {
	group, members, err := DecodeGroup(t)
	if err != nil {
		return err
	}
	taskID, _ := asynq.GetTaskID(ctx)
	var recs []Record
	var raws []json.RawMessage
	for i, raw := range members {
		var r Record
		err := json.Unmarshal(raw, &r)
		if err == nil {
			err = r.check()
		}
		if err == nil && len(recs) > 0 && (r.Object != recs[0].Object || r.ExtField != recs[0].ExtField) {
			err = fmt.Errorf("record of %s/%s in group %s", r.Object, r.ExtField, group)
		}
		if err != nil { // on alone, to be archived with the reason
			if err := w.sendOn(ctx, taskID, i, raw, fmt.Sprintf("decoding a record of group %s: %v", group, err)); err != nil {
				return err
			}
			continue
		}
		recs, raws = append(recs, r), append(raws, raw)
	}
	if len(recs) == 0 {
		return nil
	}
	object, extField := recs[0].Object, recs[0].ExtField
	results, err := w.write(ctx, object, extField, recs)
	if err != nil && connectors.IsPermanent(err) {
		// Every record gets the error, each archived on its own.
		for i, r := range recs {
			if err := w.sendOn(ctx, taskID, i, raws[i], fmt.Sprintf("upserting %s %s %s in a batch of %d: %v", object, extField, r.ExtID(), len(recs), err)); err != nil {
				return err
			}
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("upserting %d %s records by %s: %w", len(recs), object, extField, err)
	}
	failed := 0
	for i, res := range results {
		rerr := res.Err()
		if rerr == nil {
			continue
		}
		failed++
		why := ""
		if connectors.IsPermanent(rerr) {
			why = fmt.Sprintf("upserting %s %s %s in a batch of %d: %v", object, extField, recs[i].ExtID(), len(recs), rerr)
		}
		if err := w.sendOn(ctx, taskID, i, raws[i], why); err != nil {
			return err
		}
	}
	w.Logger.InfoContext(ctx, "batched salesforce upsert", "object", object, "records", len(recs), "failed", failed)
	return nil
}

// write upserts the records: Bulk API 2.0 above the threshold, else
// sObject Collections calls of up to 200.
func (w *writer) write(ctx context.Context, object, extField string, recs []Record) ([]salesforce.UpsertResult, error) {
	fields := make([]map[string]any, len(recs))
	for i, r := range recs {
		fields[i] = r.Fields
	}
	if len(fields) > w.BulkThreshold {
		return w.Salesforce.BulkUpsert(ctx, object, extField, fields)
	}
	results := make([]salesforce.UpsertResult, 0, len(fields))
	for chunk := range slices.Chunk(fields, salesforce.MaxCollectionSize) {
		res, err := w.Salesforce.UpsertCollection(ctx, object, extField, chunk, false)
		if err != nil {
			return nil, err
		}
		results = append(results, res...)
	}
	return results, nil
}

// sendOn enqueues record i of group job groupID as a task of its own:
// with why set it is archived at once with that reason; without, it is
// written alone, with retries of its own. The task id makes a retried
// group job send each record on once.
func (w *writer) sendOn(ctx context.Context, groupID string, i int, raw json.RawMessage, why string) error {
	var r Record
	payload := []byte(raw)
	if json.Unmarshal(raw, &r) == nil {
		r.Err = why
		if b, err := json.Marshal(r); err == nil {
			payload = b
		}
	}
	return SendOn(ctx, w.enqueue.client, TypeUpsertRecord, Queue, groupID, i, payload, why != "", w.MaxRetry)
}

// SendOn enqueues member i of group job groupID as a task of its own,
// of taskType on queue, with payload: at once when archive (its handler
// archives it with the reason the payload carries, see ArchiveFirst),
// else a second later, with retries of its own. The task id makes a
// retried group job send each member on once.
func SendOn(ctx context.Context, c *asynq.Client, taskType, queue, groupID string, i int, payload []byte, archive bool, maxRetry int) error {
	opts := []asynq.Option{asynq.Queue(queue), asynq.MaxRetry(maxRetry), asynq.Timeout(time.Minute)}
	if groupID != "" {
		opts = append(opts, asynq.TaskID(fmt.Sprintf("%s:%s:%d", taskType, groupID, i)))
	}
	if !archive {
		opts = append(opts, asynq.ProcessIn(time.Second))
	}
	_, err := c.EnqueueContext(ctx, asynq.NewTask(taskType, payload), opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("sending on member %d of batch %s: %w", i, groupID, err)
	}
	return nil
}

// ArchiveFirst is what a member sent on with a permanent error does: the
// first run archives it at once with why; a run after that (an operator's
// replay, in Asynqmon or tandem replay: same task, same payload) returns
// nil, and the member is written alone.
func ArchiveFirst(ctx context.Context, rdb redis.UniversalClient, why string) error {
	id, _ := asynq.GetTaskID(ctx)
	first, err := rdb.SetNX(ctx, "tandem:batch:archived:{"+id+"}", 1, jobs.DedupRetention*7).Result()
	if err != nil {
		return fmt.Errorf("marking batched task %s archived: %w", id, err)
	}
	if first {
		return permanent(errors.New(why))
	}
	return nil
}

// record writes one record alone, or archives it with the permanent
// error a batch got for it (once: a replay writes it).
func (w *writer) record(ctx context.Context, t *asynq.Task) error {
	var r Record
	if err := json.Unmarshal(t.Payload(), &r); err != nil {
		return permanent(fmt.Errorf("decoding %s payload: %w", t.Type(), err))
	}
	if r.Err != "" {
		if err := ArchiveFirst(ctx, w.Redis, r.Err); err != nil {
			return err
		}
	}
	if err := r.check(); err != nil {
		return permanent(err)
	}
	_, err := w.Salesforce.Upsert(ctx, r.Object, r.ExtField, r.ExtID(), r.Fields)
	if err != nil {
		err = fmt.Errorf("upserting %s %s %s: %w", r.Object, r.ExtField, r.ExtID(), err)
		if connectors.IsPermanent(err) {
			return permanent(err)
		}
	}
	return err
}

// permanent archives the job at once with err as its last error.
func permanent(err error) error {
	if errors.Is(err, asynq.SkipRetry) {
		return err
	}
	return fmt.Errorf("%w [permanent: %w]", err, asynq.SkipRetry)
}
