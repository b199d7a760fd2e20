package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/encoding/protowire"
)

// Incoming is one accepted change to store as a task under its dedup id.
type Incoming struct {
	Type   string // task type, one of the Type* constants
	ID     string // dedup task id: OutboundTaskID or EventTaskID
	Change Change
}

// Enqueuer stores jobs as asynq tasks.
//
// A webhook carries up to 100 changes and is acknowledged only once every
// one is stored, so Enqueuer stores a webhook's jobs in one Redis round
// trip: the very script asynq's Client.Enqueue runs, once per task, in one
// pipeline. asynq v0.26 has no batch enqueue (BatchEnqueue landed after
// it), so the task record is written here in asynq's own format; the
// conformance test in enqueue_test.go checks, byte for byte, that it is
// what asynq.Client would have written, so asynq's workers, Inspector and
// Asynqmon read these tasks as their own.
type Enqueuer struct {
	redis    redis.UniversalClient
	maxRetry int
	replicas int // replicas that must confirm a batch (WAIT); 0: none
	// queuesAdded remembers the queues already in asynq's queue set, as
	// asynq's client does, so the set is written once per process.
	queuesAdded sync.Map
}

// NewEnqueuer returns an Enqueuer on rdb; maxRetry is the number of counted
// failures before a job is archived.
func NewEnqueuer(rdb redis.UniversalClient, maxRetry int) *Enqueuer {
	return &Enqueuer{redis: rdb, maxRetry: max(maxRetry, 0)} // asynq too stores a negative as 0
}

// replicaWaitTimeout bounds how long a batch waits for its replicas,
// below the Redis I/O timeout so the sender gets a 503, not a hang.
const replicaWaitTimeout = 2 * time.Second

// WaitForReplicas makes EnqueueAll report success only once n replicas
// have confirmed the batch's writes (Redis WAIT on the same connection).
// Redis replicates asynchronously: without it, a master that dies just
// after answering can take acknowledged jobs with it in a failover.
func (e *Enqueuer) WaitForReplicas(n int) *Enqueuer {
	e.replicas = n
	return e
}

// EnqueueWithClient stores j through asynq's own Client.Enqueue, with the
// payload and options Enqueue writes: the raw-enqueue baseline the
// benchmarks compare ingest with, and the reference the conformance test
// holds EnqueueAll's records to. A taken id is asynq.ErrTaskIDConflict.
func (e *Enqueuer) EnqueueWithClient(ctx context.Context, c *asynq.Client, j Incoming) error {
	payload, err := json.Marshal(j.Change)
	if err != nil {
		return fmt.Errorf("encoding %s payload: %w", j.Type, err)
	}
	_, err = c.EnqueueContext(ctx, asynq.NewTask(j.Type, payload),
		asynq.TaskID(j.ID),
		asynq.Queue(TaskQueue(j.Type)),
		asynq.Retention(DedupRetention),
		asynq.MaxRetry(e.maxRetry),
		asynq.Timeout(taskTimeout),
	)
	if err != nil {
		return fmt.Errorf("enqueueing %s with asynq.Client: %w", j.ID, err)
	}
	return nil
}

// Enqueue stores one change as a task with the given dedup id. A task
// with that id already there means the change was accepted before:
// duplicate is true and err nil. It never deletes and re-enqueues.
func (e *Enqueuer) Enqueue(ctx context.Context, taskType, taskID string, ch Change) (duplicate bool, err error) {
	dups, err := e.EnqueueAll(ctx, []Incoming{{Type: taskType, ID: taskID, Change: ch}})
	return dups == 1, err
}

// EnqueueAll stores every job in one round trip and reports how many were
// already there (accepted before: not an error). On an error some jobs
// may be stored and others not; the sender re-sends the whole webhook and
// the stored ones then count as duplicates.
func (e *Enqueuer) EnqueueAll(ctx context.Context, js []Incoming) (dups int, err error) {
	if len(js) == 0 {
		return 0, nil
	}
	now := strconv.FormatInt(time.Now().UnixNano(), 10)
	type stored struct {
		keys []string
		args []any
	}
	tasks := make([]stored, len(js))
	var newQueues []string
	for i, j := range js {
		payload, err := json.Marshal(j.Change)
		if err != nil {
			return 0, fmt.Errorf("encoding %s payload: %w", j.Type, err)
		}
		queue := TaskQueue(j.Type)
		if _, ok := e.queuesAdded.Load(queue); !ok {
			newQueues = append(newQueues, queue)
		}
		msg := encodeTaskMessage(j.Type, payload, j.ID, queue, e.maxRetry)
		tasks[i] = stored{keys: []string{asynqTaskKey(queue, j.ID), asynqPendingKey(queue)}, args: []any{msg, j.ID, now}}
	}

	failed := func(err error) (int, error) {
		return 0, fmt.Errorf("enqueueing %s and %d more: %w", js[0].ID, len(js)-1, err)
	}

	// One pipeline runs the script for the tasks named, then WAITs for the
	// replicas (if asked) on the same connection.
	results := make([]*redis.Cmd, len(js))
	var waits []*redis.Cmd
	pipeline := func(which []int, run func(p redis.Pipeliner, t stored) *redis.Cmd, queues []string) error {
		_, err := e.redis.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, q := range queues {
				p.SAdd(ctx, asynqQueuesKey, q)
			}
			for _, i := range which {
				results[i] = run(p, tasks[i])
			}
			if e.replicas > 0 {
				waits = append(waits, p.Do(ctx, "WAIT", e.replicas, replicaWaitTimeout.Milliseconds()))
			}
			return nil
		})
		return err
	}
	// EVALSHA first; a Redis that has not seen the script yet (new,
	// restarted, or another Cluster node) answers NOSCRIPT and gets EVAL.
	all := make([]int, len(tasks))
	for i := range all {
		all[i] = i
	}
	err = pipeline(all, func(p redis.Pipeliner, t stored) *redis.Cmd { return enqueueScript.EvalSha(ctx, p, t.keys, t.args...) }, newQueues)
	if err != nil && !redis.HasErrorPrefix(err, "NOSCRIPT") {
		return failed(err)
	}
	var missing []int
	for i, r := range results {
		if redis.HasErrorPrefix(r.Err(), "NOSCRIPT") {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		err = pipeline(missing, func(p redis.Pipeliner, t stored) *redis.Cmd { return enqueueScript.Eval(ctx, p, t.keys, t.args...) }, nil)
		if err != nil {
			return failed(err)
		}
	}
	for _, w := range waits {
		n, err := w.Int()
		if err != nil {
			return failed(fmt.Errorf("waiting for Redis replicas: %w", err))
		}
		if n < e.replicas {
			return failed(fmt.Errorf("%d of %d Redis replicas confirmed the writes within %s", n, e.replicas, replicaWaitTimeout))
		}
	}
	for _, q := range newQueues {
		e.queuesAdded.Store(q, true)
	}
	for i, r := range results {
		n, err := r.Int()
		if err != nil {
			return 0, fmt.Errorf("enqueueing %s: %w", js[i].ID, err)
		}
		if n == 0 {
			dups++
		}
	}
	return dups, nil
}

// asynq's Redis layout (asynq/internal/base): one hash per task and a
// pending list per queue (asynqQueuesKey is the set of queues). The braces
// keep a queue's keys in one Cluster slot.
func asynqTaskKey(queue, id string) string { return "asynq:{" + queue + "}:t:" + id }
func asynqPendingKey(queue string) string  { return "asynq:{" + queue + "}:pending" }

// enqueueScript is asynq's enqueueCmd (asynq/internal/rdb): store the task
// unless its id is taken (0), and make it pending (1).
var enqueueScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 1 then
	return 0
end
redis.call("HSET", KEYS[1],
           "msg", ARGV[1],
           "state", "pending",
           "pending_since", ARGV[3])
redis.call("LPUSH", KEYS[2], ARGV[2])
return 1
`)

// encodeTaskMessage is asynq's TaskMessage protobuf (asynq/internal/proto,
// asynq.proto) for a task stored with EnqueueWithClient's options: fields in number order,
// zero values left out as proto3 does. Without a deadline asynq stores
// none (field 9 stays zero).
func encodeTaskMessage(taskType string, payload []byte, id, queue string, maxRetry int) []byte {
	const (
		fieldType      = 1
		fieldPayload   = 2
		fieldID        = 3
		fieldQueue     = 4
		fieldRetry     = 5
		fieldTimeout   = 8
		fieldRetention = 12
	)
	b := make([]byte, 0, len(payload)+len(taskType)+len(id)+len(queue)+32)
	b = appendString(b, fieldType, taskType)
	if len(payload) > 0 {
		b = protowire.AppendTag(b, fieldPayload, protowire.BytesType)
		b = protowire.AppendBytes(b, payload)
	}
	b = appendString(b, fieldID, id)
	b = appendString(b, fieldQueue, queue)
	b = appendVarint(b, fieldRetry, uint64(int32(maxRetry)))
	b = appendVarint(b, fieldTimeout, uint64(taskTimeout/time.Second))
	b = appendVarint(b, fieldRetention, uint64(DedupRetention/time.Second))
	return b
}

func appendString(b []byte, field protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendVarint(b []byte, field protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, field, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}
