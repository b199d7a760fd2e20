package jobs

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
)

// failingJob is a job that a worker fails for good with lastErr.
type failingJob struct {
	taskType, id, recordID, lastErr string
}

var failingJobs = []failingJob{
	{TypeOpportunityToSalesOrder, "job-opp-a", "0065e00000AAAAAAAA", "upserting sales order SFOPP-0065e00000AAAAAAAA: INVALID_KEY_OR_REF: Invalid item reference key 99"},
	{TypeOpportunityToSalesOrder, "job-opp-b", "0065e00000BBBBBBBB", "opportunity 0065e00000BBBBBBBB: no NetSuite item for product Widget"},
	{TypeCustomerToAccount, "job-cust-c", "1207", "DUPLICATE_VALUE: duplicate value found: NetSuite_Id__c"},
	{TypeAccountToCustomer, "job-acct-d", "0015e00000DDDDDDDD", "upserting customer: Invalid Key or Reference (invalid_key_or_ref)"},
}

// archivedJobs enqueues failingJobs with Tandem's enqueue options and runs
// a real worker that fails each for good, so asynq archives them itself.
func archivedJobs(t *testing.T) (*testredis.DB, *Replayer, *Enqueuer) {
	t.Helper()
	db := testredis.New(t)
	r, enq := archivedJobsOn(t, db.AsynqOpt())
	return db, r, enq
}

func archivedJobsOn(t *testing.T, opt asynq.RedisConnOpt) (*Replayer, *Enqueuer) {
	t.Helper()
	enq := NewEnqueuer(testredis.ClientFor(t, opt), 3)
	ctx := context.Background()
	lastErr := map[string]string{}
	for _, j := range failingJobs {
		lastErr[j.recordID] = j.lastErr
		ch := Change{Source: SourceSalesforceOutbound, Object: "Opportunity", RecordID: j.recordID, CorrelationID: "corr-" + j.id, ReceivedAt: time.Now().UTC()}
		if _, err := enq.Enqueue(ctx, j.taskType, j.id, ch); err != nil {
			t.Fatal(err)
		}
	}
	srv := NewServer(opt, WorkerConfig{Concurrency: 2, Logger: logging.Discard()})
	mux := asynq.NewServeMux()
	mux.HandleFunc("f", func(_ context.Context, task *asynq.Task) error { // every task type starts with its flow, f1…f7
		ch, err := decodeChange(task)
		if err != nil {
			return err
		}
		return permanent(errors.New(lastErr[ch.RecordID]))
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	t.Cleanup(func() { insp.Close() })
	r := NewReplayer(insp)
	testfixtures.WaitUntil(t, "every job archived", time.Minute, func() bool { return len(list(t, r, JobFilter{})) == len(failingJobs) })
	srv.Shutdown() // replayed jobs now stay pending, where the tests can see them
	return r, enq
}

func list(t *testing.T, r *Replayer, f JobFilter) []Job {
	t.Helper()
	jobs, err := r.List(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func ids(jobs []Job) []string {
	out := []string{}
	for _, j := range jobs {
		out = append(out, j.ID)
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

func TestListFiltersArchivedJobs(t *testing.T) {
	_, r, _ := archivedJobs(t)
	all := sorted("job-opp-a", "job-opp-b", "job-cust-c", "job-acct-d")
	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	for _, tc := range []struct {
		name   string
		filter JobFilter
		now    func() time.Time
		want   []string
	}{
		{"no filter lists every archived job", JobFilter{}, nil, all},
		{"queue", JobFilter{Queue: QueueNetSuiteToSalesforce}, nil, sorted("job-cust-c")},
		{"flow", JobFilter{Type: "f1"}, nil, sorted("job-opp-a", "job-opp-b")},
		{"exact task type", JobFilter{Type: TypeAccountToCustomer}, nil, sorted("job-acct-d")},
		{"a flow prefix is whole", JobFilter{Type: "f"}, nil, []string{}},
		{"error text, any case", JobFilter{Error: "invalid_KEY"}, nil, sorted("job-opp-a", "job-acct-d")},
		{"older than, none yet", JobFilter{OlderThan: time.Hour}, nil, []string{}},
		{"older than, two hours on", JobFilter{OlderThan: time.Hour}, later, all},
		{"criteria combine", JobFilter{Queue: QueueSalesforceToNetSuite, Error: "invalid", Type: "f2"}, nil, sorted("job-acct-d")},
		{"other states hold none", JobFilter{State: StatePending}, nil, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.Now = tc.now
			if got := ids(list(t, r, tc.filter)); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	r.Now = nil
	if got := list(t, r, JobFilter{Limit: 3}); len(got) != 3 {
		t.Errorf("limit 3 listed %d", len(got))
	}
	job := list(t, r, JobFilter{Queue: QueueNetSuiteToSalesforce})[0]
	if job.Type != TypeCustomerToAccount || job.State != StateArchived || job.LastError == "" || job.LastFailedAt.IsZero() ||
		job.Payload.RecordID != "1207" || job.Payload.CorrelationID != "corr-job-cust-c" || job.Payload.Source != SourceSalesforceOutbound {
		t.Errorf("job summary %+v", job)
	}
}

func TestListPendingJobsByAge(t *testing.T) {
	db := testredis.New(t)
	enq := NewEnqueuer(db.Client, 3)
	for id, age := range map[string]time.Duration{"old": 3 * time.Hour, "new": 10 * time.Minute} {
		ch := Change{RecordID: id, ReceivedAt: time.Now().Add(-age)}
		if _, err := enq.Enqueue(context.Background(), TypeOpportunityToSalesOrder, id, ch); err != nil {
			t.Fatal(err)
		}
	}
	insp := asynq.NewInspector(db.AsynqOpt())
	defer insp.Close()
	r := NewReplayer(insp)
	if got := ids(list(t, r, JobFilter{State: StatePending, OlderThan: time.Hour})); !slices.Equal(got, []string{"old"}) {
		t.Errorf("pending jobs received over an hour ago: %v, want [old]", got)
	}
}

func TestReplayOneRunsItOnceUnderTheSameID(t *testing.T) {
	_, r, enq := archivedJobs(t)
	replayOneRunsItOnce(t, r, enq)
}

func replayOneRunsItOnce(t *testing.T, r *Replayer, enq *Enqueuer) {
	ctx := context.Background()
	res, err := r.Replay(ctx, ReplayRequest{IDs: []string{"job-opp-a"}})
	if err != nil || ids(res.Replayed)[0] != "job-opp-a" || len(res.Replayed) != 1 || res.Replayed[0].State != StatePending {
		t.Fatalf("replay: %+v, %v", res, err)
	}
	pending := list(t, r, JobFilter{State: StatePending})
	if got := ids(pending); !slices.Equal(got, []string{"job-opp-a"}) {
		t.Errorf("pending after replay: %v", got)
	}
	if n := len(list(t, r, JobFilter{})); n != len(failingJobs)-1 {
		t.Errorf("%d archived after replaying one of %d", n, len(failingJobs))
	}
	again, err := r.Replay(ctx, ReplayRequest{IDs: []string{"job-opp-a"}})
	if err != nil || len(again.Replayed) != 0 || len(again.Skipped) != 1 || again.Skipped[0].Reason != "job is pending, not archived" {
		t.Errorf("second replay: %+v, %v", again, err)
	}
	if n := len(list(t, r, JobFilter{State: StatePending})); n != 1 {
		t.Errorf("replaying twice left %d pending tasks, want 1", n)
	}
	// The same change re-sent by Salesforce is still a duplicate.
	dup, err := enq.Enqueue(ctx, TypeOpportunityToSalesOrder, "job-opp-a", Change{RecordID: "0065e00000AAAAAAAA"})
	if err != nil || !dup {
		t.Errorf("re-sent change after replay: duplicate=%v err=%v, want a duplicate", dup, err)
	}
}

func TestReplayFilteredThenAll(t *testing.T) {
	_, r, _ := archivedJobs(t)
	ctx := context.Background()
	res, err := r.Replay(ctx, ReplayRequest{Filter: &JobFilter{Type: "f2"}})
	if err != nil || !slices.Equal(ids(res.Replayed), sorted("job-cust-c", "job-acct-d")) {
		t.Fatalf("replay f2: %v, %v", ids(res.Replayed), err)
	}
	res, err = r.Replay(ctx, ReplayRequest{All: true})
	if err != nil || !slices.Equal(ids(res.Replayed), sorted("job-opp-a", "job-opp-b")) {
		t.Fatalf("replay all: %v, %v", ids(res.Replayed), err)
	}
	res, err = r.Replay(ctx, ReplayRequest{All: true})
	if err != nil || len(res.Replayed) != 0 {
		t.Errorf("replaying all again: %v, %v", ids(res.Replayed), err)
	}
	if got := ids(list(t, r, JobFilter{State: StatePending})); len(got) != len(failingJobs) {
		t.Errorf("pending: %v, want each job once", got)
	}
}

func TestReplayDryRunChangesNothing(t *testing.T) {
	_, r, _ := archivedJobs(t)
	ctx := context.Background()
	for _, q := range []ReplayRequest{{All: true, DryRun: true}, {IDs: []string{"job-opp-b"}, DryRun: true}, {Filter: &JobFilter{Error: "duplicate"}, DryRun: true}} {
		res, err := r.Replay(ctx, q)
		if err != nil || !res.DryRun || len(res.Replayed) == 0 {
			t.Errorf("dry run %+v: %+v, %v", q, res, err)
		}
	}
	if n := len(list(t, r, JobFilter{})); n != len(failingJobs) {
		t.Errorf("%d archived after dry runs, want %d", n, len(failingJobs))
	}
	if n := len(list(t, r, JobFilter{State: StatePending})); n != 0 {
		t.Errorf("%d pending after dry runs", n)
	}
}

func TestReplaySkipsUnknownIDs(t *testing.T) {
	_, r, _ := archivedJobs(t)
	res, err := r.Replay(context.Background(), ReplayRequest{IDs: []string{"no-such-job", "job-opp-b"}})
	if err != nil || !slices.Equal(ids(res.Replayed), []string{"job-opp-b"}) || len(res.Skipped) != 1 || res.Skipped[0].ID != "no-such-job" {
		t.Errorf("replay: %+v, %v", res, err)
	}
}

func TestReplayRefusesBadSelections(t *testing.T) {
	r := NewReplayer(nil) // never reaches Redis
	for _, q := range []ReplayRequest{
		{},
		{IDs: []string{"a"}, All: true},
		{Filter: &JobFilter{}, All: true},
		{Filter: &JobFilter{State: StatePending}},
		{Filter: &JobFilter{Queue: "default"}},
		{IDs: make([]string, MaxReplayIDs+1)},
	} {
		if _, err := r.Replay(context.Background(), q); !errors.Is(err, ErrInvalidSelection) {
			t.Errorf("%+v: err %v, want ErrInvalidSelection", q, err)
		}
	}
	for _, f := range []JobFilter{{State: "completed"}, {Queue: "critical"}, {OlderThan: -time.Second}} {
		if _, err := r.List(context.Background(), f); !errors.Is(err, ErrInvalidSelection) {
			t.Errorf("%+v: err %v, want ErrInvalidSelection", f, err)
		}
	}
}

func TestRegisterQueuesShowsIdleQueues(t *testing.T) {
	db := testredis.New(t)
	registerQueuesShowsIdleQueues(t, db.Client, db.AsynqOpt())
}

func registerQueuesShowsIdleQueues(t *testing.T, rdb redis.UniversalClient, opt asynq.RedisConnOpt) {
	if err := RegisterQueues(context.Background(), rdb); err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	queues, err := insp.Queues()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(queues)
	if !slices.Equal(queues, QueueNames()) {
		t.Errorf("inspector sees queues %v, want %v", queues, QueueNames())
	}
	for _, q := range queues {
		if info, err := insp.GetQueueInfo(q); err != nil || info.Size != 0 {
			t.Errorf("queue %s: %+v, %v", q, info, err)
		}
	}
}
