package jobs

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/internal/testredis"
)

func TestEnqueueAllWritesWhatAsynqClientWrites(t *testing.T) {
	db := testredis.New(t)
	enqueueAllWritesWhatAsynqWrites(t, db.Client, db.AsynqOpt())
}

// enqueueAllWritesWhatAsynqWrites stores the same jobs, on both queues,
// once through asynq.Client and once through EnqueueAll, and requires
// Redis to hold the same keys with the same contents after each: the
// task hashes byte for byte (but pending_since, a clock reading), the
// pending lists in order, the queue set.
func enqueueAllWritesWhatAsynqWrites(t *testing.T, rdb redis.UniversalClient, opt asynq.RedisConnOpt) {
	ctx := context.Background()
	received := time.Date(2026, 11, 27, 10, 4, 32, 0, time.UTC)
	name := "Globex ✓ <&>"
	var js []Incoming
	for i, taskType := range []string{TypeOpportunityToSalesOrder, TypeCustomerToAccount, TypeAccountToCustomer, TypeNSContactToContact} {
		for n := range 3 {
			id := fmt.Sprintf("%s:conformance:%d", taskType, n)
			js = append(js, Incoming{Type: taskType, ID: id, Change: Change{Source: SourceSalesforceOutbound, Object: "Opportunity",
				RecordID: fmt.Sprintf("0065e00000GkQ%02dAAF", i*3+n), EventID: id, Fields: map[string]*string{"Name": &name, "Amount": nil},
				ReceivedAt: received, CorrelationID: "corr-conformance"}})
		}
	}
	// An empty change still has a payload ("{...}"); a zero retry count is
	// left out of the protobuf as asynq leaves it out.
	js = append(js, Incoming{Type: TypeContactToNSContact, ID: "empty", Change: Change{}})
	for _, maxRetry := range []int{0, 7} {
		enq := NewEnqueuer(rdb, maxRetry)
		client := asynq.NewClient(opt)
		for _, j := range js {
			if err := enq.EnqueueWithClient(ctx, client, j); err != nil {
				t.Fatal(err)
			}
		}
		client.Close()
		want := redisContents(t, rdb)
		flush(t, rdb)

		dups, err := NewEnqueuer(rdb, maxRetry).EnqueueAll(ctx, js)
		if err != nil || dups != 0 {
			t.Fatalf("EnqueueAll: dups %d, err %v", dups, err)
		}
		got := redisContents(t, rdb)
		flush(t, rdb)
		if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
			t.Fatalf("max retry %d: keys\n%v\nwant (asynq.Client)\n%v", maxRetry, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("max retry %d: %s\n%q\nwant (asynq.Client)\n%q", maxRetry, k, got[k], w)
			}
		}
	}
}

// redisContents is every key with a printable form of its value.
func redisContents(t *testing.T, rdb redis.UniversalClient) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	read := func(ctx context.Context, c redis.UniversalClient) error {
		keys, err := c.Keys(ctx, "*").Result()
		if err != nil {
			return err
		}
		for _, k := range keys {
			var v any
			switch typ := c.Type(ctx, k).Val(); typ {
			case "hash":
				h := c.HGetAll(ctx, k).Val()
				delete(h, "pending_since")
				v = h
			case "list":
				v = c.LRange(ctx, k, 0, -1).Val()
			case "set":
				v = slices.Sorted(slices.Values(c.SMembers(ctx, k).Val()))
			default:
				v = typ
			}
			out[k] = fmt.Sprintf("%v", v)
		}
		return nil
	}
	var err error
	if c, ok := rdb.(*redis.ClusterClient); ok {
		err = c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return read(ctx, m) })
	} else {
		err = read(ctx, rdb)
	}
	if err != nil {
		t.Fatalf("reading Redis: %v", err)
	}
	return out
}

// A batch with some ids already taken stores the rest, counts the taken
// ones as duplicates and leaves their tasks as they were.
func TestEnqueueAllCountsDuplicatesAndStoresTheRest(t *testing.T) {
	db := testredis.New(t)
	ctx := context.Background()
	enq := NewEnqueuer(db.Client, 3)
	first := Change{RecordID: "0065e00000GkQ01AAF", EventID: "first"}
	if _, err := enq.EnqueueAll(ctx, []Incoming{{TypeOpportunityToSalesOrder, "a", first}, {TypeCustomerToAccount, "b", first}}); err != nil {
		t.Fatal(err)
	}
	later := Change{RecordID: "0065e00000GkQ01AAF", EventID: "later"}
	batch := []Incoming{{TypeOpportunityToSalesOrder, "a", later}, {TypeOpportunityToSalesOrder, "c", later},
		{TypeCustomerToAccount, "b", later}, {TypeCustomerToAccount, "d", later}, {TypeOpportunityToSalesOrder, "c", later}}
	dups, err := enq.EnqueueAll(ctx, batch)
	if err != nil || dups != 3 {
		t.Fatalf("dups %d, err %v; want 3 (a, b, and c the second time)", dups, err)
	}
	insp := asynq.NewInspector(db.AsynqOpt())
	defer insp.Close()
	for id, want := range map[string]string{"a": "first", "b": "first", "c": "later", "d": "later"} {
		queue := TaskQueue(TypeOpportunityToSalesOrder)
		if id == "b" || id == "d" {
			queue = TaskQueue(TypeCustomerToAccount)
		}
		info, err := insp.GetTaskInfo(queue, id)
		if err != nil {
			t.Fatalf("task %s: %v", id, err)
		}
		ch, err := decodeChange(asynq.NewTask(info.Type, info.Payload))
		if err != nil || ch.EventID != want || info.State != asynq.TaskStatePending {
			t.Errorf("task %s: %+v (%s), err %v; want event %s, pending", id, ch, info.State, err, want)
		}
	}
	if n := db.Client.LLen(ctx, asynqPendingKey(QueueSalesforceToNetSuite)).Val(); n != 2 {
		t.Errorf("%d pending in %s, want 2 (a, c)", n, QueueSalesforceToNetSuite)
	}
}

// A Redis that lost its script cache (restarted, or a Cluster node that
// never ran it) answers NOSCRIPT; the jobs are still stored, once.
func TestEnqueueAllAfterScriptFlush(t *testing.T) {
	db := testredis.New(t)
	ctx := context.Background()
	enq := NewEnqueuer(db.Client, 3)
	if _, err := enq.Enqueue(ctx, TypeOpportunityToSalesOrder, "warm", Change{RecordID: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	dups, err := enq.EnqueueAll(ctx, []Incoming{{TypeOpportunityToSalesOrder, "warm", Change{RecordID: "x"}},
		{TypeOpportunityToSalesOrder, "new", Change{RecordID: "y"}}})
	if err != nil || dups != 1 {
		t.Fatalf("dups %d, err %v; want 1", dups, err)
	}
	if n := db.Client.LLen(ctx, asynqPendingKey(QueueSalesforceToNetSuite)).Val(); n != 2 {
		t.Errorf("%d pending, want 2", n)
	}
}

// A Redis that refuses the connection is an error, never a success.
func TestEnqueueAllReportsRedisDown(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	_, err := NewEnqueuer(rdb, 3).EnqueueAll(context.Background(), []Incoming{{TypeOpportunityToSalesOrder, "a", Change{RecordID: "x"}}})
	if err == nil || !strings.Contains(err.Error(), "enqueueing a and 0 more: dial tcp") {
		t.Fatalf("err %v, want the connection error with the job named", err)
	}
}

// A Redis without the replicas asked for stores the jobs but does not
// acknowledge them: the sender re-sends, and the re-send is a duplicate.
func TestEnqueueAllWaitsForReplicas(t *testing.T) {
	db := testredis.New(t)
	_, err := NewEnqueuer(db.Client, 3).WaitForReplicas(1).EnqueueAll(context.Background(),
		[]Incoming{{TypeOpportunityToSalesOrder, "a", Change{RecordID: "x"}}, {TypeOpportunityToSalesOrder, "b", Change{RecordID: "y"}}})
	if err == nil || !strings.Contains(err.Error(), "enqueueing a and 1 more: 0 of 1 Redis replicas confirmed the writes") {
		t.Fatalf("err %v, want the replicas named", err)
	}
}
