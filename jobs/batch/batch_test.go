package batch_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/batch"
)

// org is a Salesforce sandbox over HTTP that counts the API calls it gets.
type org struct {
	*sandbox.Server
	calls atomic.Int64
	sf    *salesforce.Client
}

func newOrg(t testing.TB) *org {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	o := &org{Server: sb}
	h := sb.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/services/data/") {
			o.calls.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); sb.Close() })
	o.sf, err = salesforce.New(salesforce.Config{LoginURL: hs.URL, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
		BulkPoll: connectors.Backoff{Base: 50 * time.Millisecond, Cap: 500 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// accounts maps NetSuite_Id__c to Id and Name of the batch's accounts.
func (o *org) accounts(t testing.TB) map[string]string {
	t.Helper()
	rows, err := o.Query("SELECT Id, Name, NetSuite_Id__c FROM Account WHERE NetSuite_Id__c LIKE 'BATCH-%'")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r["NetSuite_Id__c"].(string)] = r["Id"].(string) + " " + r["Name"].(string)
	}
	return out
}

// worker runs the batch handlers on an asynq server with the aggregator,
// and keeps every group task it ran.
type worker struct {
	db       *testredis.DB
	handlers map[string]asynq.Handler
	mu       sync.Mutex
	groups   []*asynq.Task
}

func startWorker(t testing.TB, db *testredis.DB, o *org, threshold int) *worker {
	t.Helper()
	return startWorkerWith(t, db, o.sf, threshold)
}

func startWorkerWith(t testing.TB, db *testredis.DB, sf batch.SalesforceAPI, threshold int) *worker {
	t.Helper()
	w := &worker{db: db, handlers: batch.NewHandlers(batch.Deps{Salesforce: sf, Redis: db.Client, Options: batch.Options{BulkThreshold: threshold, MaxRetry: 3}})}
	mux := asynq.NewServeMux()
	for typ, h := range w.handlers {
		mux.Handle(typ, h)
	}
	mux.Use(func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			if t.Type() == batch.TypeUpsertGroup {
				w.mu.Lock()
				w.groups = append(w.groups, t)
				w.mu.Unlock()
			}
			return next.ProcessTask(ctx, t)
		})
	})
	srv := jobs.NewServer(db.AsynqOpt(), jobs.WorkerConfig{Concurrency: 4, Logger: logging.Discard(), Groups: batch.Groups(3)})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	return w
}

// enqueueAccounts enqueues n account upserts; the one at bad has no Name.
func enqueueAccounts(t *testing.T, db *testredis.DB, n, bad int) {
	t.Helper()
	e := batch.NewEnqueuer(db.Client, 3)
	for i := range n {
		fields := map[string]any{"NetSuite_Id__c": fmt.Sprintf("BATCH-%04d", i), "Name": fmt.Sprintf("Batch %d", i)}
		if i == bad {
			delete(fields, "Name")
		}
		if _, err := e.Upsert(t.Context(), batch.Record{Object: "Account", ExtField: "NetSuite_Id__c", Fields: fields}, fmt.Sprintf("test:%d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

func archived(t *testing.T, db *testredis.DB) []*asynq.TaskInfo {
	t.Helper()
	in := asynq.NewInspectorFromRedisClient(db.Client)
	tasks, err := in.ListArchivedTasks(batch.Queue)
	if err != nil && !strings.Contains(err.Error(), "not found") {
		t.Fatal(err)
	}
	return tasks
}

// 450 single-record tasks become 3 sObject Collections calls; the one bad
// record is archived alone with Salesforce's error, the other 449 are
// written; the same batch run again writes the same state.
func TestBatchedUpsertsThreeCallsOneArchived(t *testing.T) {
	db := testredis.New(t)
	o := newOrg(t)
	enqueueAccounts(t, db, 450, 321)
	w := startWorker(t, db, o, batch.DefaultBulkThreshold)

	testfixtures.WaitUntilExplained(t, "449 accounts written and 1 task archived", time.Minute, func() bool {
		return len(o.accounts(t)) == 449 && len(archived(t, db)) == 1
	}, func() string {
		return fmt.Sprintf("%d accounts, %d archived", len(o.accounts(t)), len(archived(t, db)))
	})
	if got := o.calls.Load(); got != 3 {
		t.Errorf("%d Salesforce API calls for 450 records, want 3", got)
	}
	task := archived(t, db)[0]
	if task.Type != batch.TypeUpsertRecord || !strings.Contains(task.LastErr, "REQUIRED_FIELD_MISSING") ||
		!strings.Contains(task.LastErr, "BATCH-0321") || !strings.Contains(task.LastErr, "Required fields are missing: [Name]") {
		t.Errorf("archived %s: %s", task.Type, task.LastErr)
	}
	if _, ok := o.accounts(t)["BATCH-0321"]; ok {
		t.Error("the bad record was written")
	}
	w.mu.Lock()
	groups := w.groups
	w.mu.Unlock()
	if len(groups) != 1 {
		t.Fatalf("%d group jobs, want 1", len(groups))
	}

	before := o.accounts(t)
	if err := w.handlers[batch.TypeUpsertGroup].ProcessTask(t.Context(), groups[0]); err != nil {
		t.Fatalf("replaying the batch: %v", err)
	}
	if after := o.accounts(t); !maps.Equal(before, after) {
		t.Errorf("the replayed batch changed the state: %d accounts before, %d after", len(before), len(after))
	}
	if got := o.calls.Load(); got != 6 {
		t.Errorf("%d calls after the replay, want 6", got)
	}

	// An operator's replay of the archived record writes it alone: one
	// call, and (still without a Name) archived again with Salesforce's answer.
	testfixtures.WaitUntil(t, "the replayed batch's bad record archived", time.Minute, func() bool { return len(archived(t, db)) == 2 })
	in := asynq.NewInspectorFromRedisClient(db.Client)
	if err := in.RunTask(batch.Queue, task.ID); err != nil {
		t.Fatal(err)
	}
	testfixtures.WaitUntil(t, "the replayed record tried alone", time.Minute, func() bool {
		info, err := in.GetTaskInfo(batch.Queue, task.ID)
		return err == nil && info.State == asynq.TaskStateArchived && o.calls.Load() == 7
	})
	if info, _ := in.GetTaskInfo(batch.Queue, task.ID); !strings.Contains(info.LastErr, "400 REQUIRED_FIELD_MISSING") {
		t.Errorf("replayed record: %s", info.LastErr)
	}
}

// Above the threshold a group goes through one Bulk API 2.0 job.
func TestBatchedUpsertsAboveThresholdUseBulk(t *testing.T) {
	db := testredis.New(t)
	o := newOrg(t)
	enqueueAccounts(t, db, 450, 7)
	startWorker(t, db, o, 100)

	testfixtures.WaitUntil(t, "449 accounts written and 1 task archived", time.Minute, func() bool {
		return len(o.accounts(t)) == 449 && len(archived(t, db)) == 1
	})
	if task := archived(t, db)[0]; !strings.Contains(task.LastErr, "REQUIRED_FIELD_MISSING") || !strings.Contains(task.LastErr, "BATCH-0007") {
		t.Errorf("archived: %s", task.LastErr)
	}
	// create, upload, close, polls, successful and failed results.
	if got := o.calls.Load(); got < 6 || got > 15 {
		t.Errorf("%d calls for one Bulk job", got)
	}
}

// Once the org's daily allocation is spent, a batch waits for it (the
// group job is retried later without counting a failure) and nothing is
// archived.
func TestBatchedUpsertsWaitOutTheDailyLimit(t *testing.T) {
	db := testredis.New(t)
	o := newOrg(t)
	limit := sandbox.DefaultAPILimit
	o.SetAPIUsage(limit)
	enqueueAccounts(t, db, 10, -1)
	startWorker(t, db, o, batch.DefaultBulkThreshold)

	in := asynq.NewInspectorFromRedisClient(db.Client)
	var waiting []*asynq.TaskInfo
	testfixtures.WaitUntil(t, "the batch waiting", time.Minute, func() bool {
		waiting, _ = in.ListRetryTasks(batch.Queue)
		return len(waiting) == 1
	})
	task := waiting[0]
	if task.Type != batch.TypeUpsertGroup || task.Retried != 0 || !strings.Contains(task.LastErr, "REQUEST_LIMIT_EXCEEDED") ||
		!strings.Contains(task.LastErr, "TotalRequests Limit exceeded.") || task.NextProcessAt.Before(time.Now().Add(time.Minute)) {
		t.Errorf("waiting %s: retried %d, next %s, %s", task.Type, task.Retried, task.NextProcessAt, task.LastErr)
	}
	if n := len(archived(t, db)); n != 0 || len(o.accounts(t)) != 0 {
		t.Errorf("%d archived, %d accounts written", n, len(o.accounts(t)))
	}
}

// lockedOnce is the sandbox's client, except that the first Collections
// call reports one record UNABLE_TO_LOCK_ROW without writing it, as
// Salesforce does when another transaction holds the row.
type lockedOnce struct {
	*salesforce.Client
	extID string
	done  atomic.Bool
}

func (l *lockedOnce) UpsertCollection(ctx context.Context, object, extField string, records []map[string]any, allOrNone bool) ([]salesforce.UpsertResult, error) {
	i := slices.IndexFunc(records, func(r map[string]any) bool { return r[extField] == l.extID })
	if i < 0 || l.done.Swap(true) {
		return l.Client.UpsertCollection(ctx, object, extField, records, allOrNone)
	}
	rest := slices.Delete(slices.Clone(records), i, i+1)
	res, err := l.Client.UpsertCollection(ctx, object, extField, rest, allOrNone)
	if err != nil {
		return nil, err
	}
	locked := salesforce.UpsertResult{Errors: []salesforce.RecordError{{StatusCode: salesforce.CodeUnableToLockRow,
		Message: "unable to obtain exclusive access to this record or 1 records: " + l.extID, Fields: []string{}}}}
	return slices.Insert(res, i, locked), nil
}

// A record that fails for a passing reason is written alone afterwards,
// the rest of its batch standing.
func TestBatchedUpsertsRetryALockedRecordAlone(t *testing.T) {
	db := testredis.New(t)
	o := newOrg(t)
	enqueueAccounts(t, db, 450, -1)
	startWorkerWith(t, db, &lockedOnce{Client: o.sf, extID: "BATCH-0200"}, batch.DefaultBulkThreshold)

	testfixtures.WaitUntil(t, "450 accounts written", time.Minute, func() bool { return len(o.accounts(t)) == 450 })
	if got := o.calls.Load(); got != 4 {
		t.Errorf("%d calls, want 4: three batches and the locked record alone", got)
	}
	if n := len(archived(t, db)); n != 0 {
		t.Errorf("%d archived", n)
	}
}
