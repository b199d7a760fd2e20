package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// adminAPI is the admin API on Tandem's router over real Redis, with jobs
// that a real worker archived.
type adminAPI struct {
	t      *testing.T
	srv    *httptest.Server
	review *jobs.ReviewStore
	jobs   *jobs.Replayer
}

// archivedByWorker maps task id → the error its job fails with for good.
var archivedByWorker = map[string]struct{ taskType, lastErr string }{
	"opp-1":  {jobs.TypeOpportunityToSalesOrder, "INVALID_KEY_OR_REF: Invalid item reference key 99"},
	"opp-2":  {jobs.TypeOpportunityToSalesOrder, "no NetSuite item for product Widget"},
	"cust-3": {jobs.TypeCustomerToAccount, "DUPLICATE_VALUE: duplicate value found"},
}

func newAdminAPI(t *testing.T) *adminAPI {
	t.Helper()
	db := testredis.New(t)
	enq := jobs.NewEnqueuer(db.Client, 2)
	for id, j := range archivedByWorker {
		ch := jobs.Change{Source: jobs.SourceNetSuiteWebhook, Object: "customer", RecordID: id, EventID: j.lastErr, ReceivedAt: time.Now().UTC()}
		if _, err := enq.Enqueue(context.Background(), j.taskType, id, ch); err != nil {
			t.Fatal(err)
		}
	}
	insp := asynq.NewInspector(db.AsynqOpt())
	t.Cleanup(func() { insp.Close() })
	api := &adminAPI{t: t, review: jobs.NewReviewStore(db.Client), jobs: jobs.NewReplayer(insp)}
	archiveAll(t, db, api.jobs)
	admin := NewAdmin(AdminDeps{Jobs: api.jobs, Review: api.review, Logger: logging.Discard()})
	api.srv = httptest.NewServer(NewRouter(RouterDeps{Admin: admin, AdminAuth: AdminAuth(testAdminToken), Logger: logging.Discard()}))
	t.Cleanup(api.srv.Close)
	return api
}

// archiveAll runs a real worker whose jobs fail for good with the error
// their payload names, until asynq has archived every one.
func archiveAll(t *testing.T, db *testredis.DB, r *jobs.Replayer) {
	t.Helper()
	srv := jobs.NewServer(db.AsynqOpt(), jobs.WorkerConfig{Concurrency: 2, Logger: logging.Discard()})
	mux := asynq.NewServeMux()
	mux.HandleFunc("f", func(_ context.Context, task *asynq.Task) error {
		var ch jobs.Change
		_ = json.Unmarshal(task.Payload(), &ch)
		return errors.Join(errors.New(ch.EventID), asynq.SkipRetry)
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	testfixtures.WaitUntil(t, "the jobs to be archived", time.Minute, func() bool {
		archived, err := r.List(context.Background(), jobs.JobFilter{})
		return err == nil && len(archived) == len(archivedByWorker)
	})
}

// do sends an authenticated request and decodes a JSON answer into out.
func (a *adminAPI) do(method, path, body string, out any) int {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		a.t.Errorf("%s %s: content type %q", method, path, ct)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			a.t.Fatalf("%s %s: decoding the answer: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

func jobIDs(list []jobs.Job) []string {
	out := []string{}
	for _, j := range list {
		out = append(out, j.ID)
	}
	slices.Sort(out)
	return out
}

func TestAdminListsJobs(t *testing.T) {
	a := newAdminAPI(t)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"cust-3", "opp-1", "opp-2"}},
		{"?state=archived&queue=ns_to_sf", []string{"cust-3"}},
		{"?type=f1", []string{"opp-1", "opp-2"}},
		{"?error=invalid+item", []string{"opp-1"}},
		{"?older_than=1h", []string{}},
		{"?state=pending", []string{}},
	} {
		var got JobList
		if status := a.do(http.MethodGet, PathAdminJobs+tc.query, "", &got); status != http.StatusOK {
			t.Fatalf("%s: status %d", tc.query, status)
		}
		if ids := jobIDs(got.Jobs); !slices.Equal(ids, tc.want) || got.Truncated {
			t.Errorf("%s: %v truncated=%v, want %v", tc.query, ids, got.Truncated, tc.want)
		}
	}
	var cut JobList
	a.do(http.MethodGet, PathAdminJobs+"?limit=2", "", &cut)
	if len(cut.Jobs) != 2 || !cut.Truncated {
		t.Errorf("limit 2: %d jobs, truncated=%v", len(cut.Jobs), cut.Truncated)
	}
	var one JobList
	a.do(http.MethodGet, PathAdminJobs+"?queue=ns_to_sf", "", &one)
	if j := one.Jobs[0]; j.Type != jobs.TypeCustomerToAccount || j.LastError == "" || j.LastFailedAt.IsZero() ||
		j.Payload.RecordID != "cust-3" || j.Payload.Object != "customer" || j.Payload.Source != jobs.SourceNetSuiteWebhook {
		t.Errorf("job %+v", j)
	}
	for _, bad := range []string{"?state=done", "?queue=default", "?older_than=3d", "?limit=0", "?limit=5000", "?limit=x"} {
		var e adminError
		if status := a.do(http.MethodGet, PathAdminJobs+bad, "", &e); status != http.StatusBadRequest || e.Error == "" {
			t.Errorf("%s: status %d %q, want 400 with a reason", bad, status, e.Error)
		}
	}
}

func TestAdminReplay(t *testing.T) {
	a := newAdminAPI(t)
	var dry jobs.ReplayResult
	if status := a.do(http.MethodPost, PathAdminReplay, `{"all":true,"dry_run":true}`, &dry); status != http.StatusOK || !dry.DryRun || len(dry.Replayed) != 3 {
		t.Fatalf("dry run: %d %+v", status, dry)
	}
	var one jobs.ReplayResult
	a.do(http.MethodPost, PathAdminReplay, `{"ids":["opp-2"]}`, &one)
	if one.DryRun || !slices.Equal(jobIDs(one.Replayed), []string{"opp-2"}) || one.Replayed[0].State != jobs.StatePending {
		t.Errorf("replay one: %+v", one)
	}
	var twice jobs.ReplayResult
	a.do(http.MethodPost, PathAdminReplay, `{"ids":["opp-2"]}`, &twice)
	if len(twice.Replayed) != 0 || len(twice.Skipped) != 1 {
		t.Errorf("replaying again: %+v", twice)
	}
	var filtered jobs.ReplayResult
	a.do(http.MethodPost, PathAdminReplay, `{"filter":{"queue":"ns_to_sf","type":"f2","error":"duplicate"}}`, &filtered)
	if !slices.Equal(jobIDs(filtered.Replayed), []string{"cust-3"}) {
		t.Errorf("replay filtered: %+v", filtered)
	}
	var rest jobs.ReplayResult
	a.do(http.MethodPost, PathAdminReplay, `{"all":true}`, &rest)
	if !slices.Equal(jobIDs(rest.Replayed), []string{"opp-1"}) {
		t.Errorf("replay all: %+v", rest)
	}
	pending, _ := a.jobs.List(context.Background(), jobs.JobFilter{State: jobs.StatePending})
	if ids := jobIDs(pending); !slices.Equal(ids, []string{"cust-3", "opp-1", "opp-2"}) {
		t.Errorf("pending after the replays: %v, want each job once", ids)
	}
}

func TestAdminReplayRefusesBadBodies(t *testing.T) {
	a := newAdminAPI(t)
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{}`, http.StatusBadRequest},
		{`{"dry_run":true}`, http.StatusBadRequest},
		{`{"ids":["opp-1"],"all":true}`, http.StatusBadRequest},
		{`{"filter":{"queue":"default"}}`, http.StatusBadRequest},
		{`{"filter":{"older_than":"yesterday"}}`, http.StatusBadRequest},
		{`{"all":true,"everything":true}`, http.StatusBadRequest},
		{`{"all":true} {"all":true}`, http.StatusBadRequest},
		{`all`, http.StatusBadRequest},
		{`{"ids":["` + strings.Repeat("x", maxAdminBodyBytes) + `"]}`, http.StatusRequestEntityTooLarge},
	} {
		var e adminError
		if status := a.do(http.MethodPost, PathAdminReplay, tc.body, &e); status != tc.want || e.Error == "" {
			t.Errorf("%.40s: status %d %q, want %d", tc.body, status, e.Error, tc.want)
		}
	}
	if archived, _ := a.jobs.List(context.Background(), jobs.JobFilter{}); len(archived) != len(archivedByWorker) {
		t.Errorf("%d archived after refused replays, want %d", len(archived), len(archivedByWorker))
	}
}

func TestAdminReviewResolveReplaysTheJob(t *testing.T) {
	a := newAdminAPI(t)
	item, err := a.review.Add(context.Background(), jobs.ReviewItem{
		Flow:   jobs.TypeCustomerToAccount,
		Source: jobs.ReviewRecord{System: "netsuite", Object: "customer", ID: "cust-3", Name: "ACME Corp."},
		Candidates: []jobs.Candidate{
			{System: "salesforce", Object: "Account", ID: "0015e00000AAAAAAAA", Name: "Acme Corp", Why: "same name"},
			{System: "salesforce", Object: "Account", ID: "0015e00000BBBBBBBB", Name: "Acme Corp", Why: "same name"},
		},
		Reason: "two accounts match", TaskID: "cust-3",
	})
	if err != nil {
		t.Fatal(err)
	}
	var open ReviewList
	if status := a.do(http.MethodGet, PathAdminReview, "", &open); status != http.StatusOK || len(open.Items) != 1 || open.Items[0].ID != item.ID {
		t.Fatalf("open review list: %d %+v", status, open)
	}
	var got jobs.ReviewItem
	if status := a.do(http.MethodGet, PathAdminReview+"/"+item.ID, "", &got); status != http.StatusOK || len(got.Candidates) != 2 {
		t.Errorf("get item: %d %+v", status, got)
	}
	resolve := PathAdminReview + "/" + item.ID + "/resolve"
	for body, want := range map[string]int{`{"choice":"0015e00000CCCCCCCC"}`: 400, `{}`: 400, `{"pick":"create"}`: 400} {
		if status := a.do(http.MethodPost, resolve, body, &adminError{}); status != want {
			t.Errorf("resolve %s: %d, want %d", body, status, want)
		}
	}
	var res ResolveResult
	if status := a.do(http.MethodPost, resolve, `{"choice":"0015e00000BBBBBBBB"}`, &res); status != http.StatusOK {
		t.Fatalf("resolve: %d", status)
	}
	if res.Item.Resolution == nil || res.Item.Resolution.Choice != "0015e00000BBBBBBBB" || res.Replay == nil || !slices.Equal(jobIDs(res.Replay.Replayed), []string{"cust-3"}) {
		t.Errorf("resolve answer %+v (replay %+v)", res.Item, res.Replay)
	}
	if d, ok, _ := a.review.Decision(context.Background(), jobs.TypeCustomerToAccount, "cust-3"); !ok || d.Choice != "0015e00000BBBBBBBB" {
		t.Errorf("decision for the flow: %+v %v", d, ok)
	}
	if status := a.do(http.MethodPost, resolve, `{"choice":"create"}`, &adminError{}); status != http.StatusConflict {
		t.Errorf("resolving twice: %d, want 409", status)
	}
	for query, want := range map[string]int{"": 0, "?state=resolved": 1, "?state=all": 1} {
		var l ReviewList
		a.do(http.MethodGet, PathAdminReview+query, "", &l)
		if len(l.Items) != want {
			t.Errorf("review list %q: %d items, want %d", query, len(l.Items), want)
		}
	}
	for path, want := range map[string]int{
		PathAdminReview + "?state=closed":                          400,
		PathAdminReview + "/f2:customer_to_account:nope":           404,
		PathAdminReview + "/f2:customer_to_account:nope/resolve/x": 404,
		PrefixAdmin + "/nothing-here":                              404,
	} {
		if status := a.do(http.MethodGet, path, "", &adminError{}); status != want {
			t.Errorf("GET %s: %d, want %d", path, status, want)
		}
	}
	if status := a.do(http.MethodPost, PrefixAdmin+"/review/f2:customer_to_account:nope/resolve", `{"choice":"create"}`, &adminError{}); status != 404 {
		t.Errorf("resolving an unknown item: %d", status)
	}
	if status := a.do(http.MethodDelete, PathAdminJobs, "", &adminError{}); status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE %s: %d, want 405", PathAdminJobs, status)
	}
}

// TestAdminRedisDownIs503: a store that cannot answer is the server's
// trouble, said so, not an empty list.
func TestAdminRedisDownIs503(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0") // a port nobody answers on once closed
	if err != nil {
		t.Fatal(err)
	}
	dead := asynq.RedisClientOpt{Addr: l.Addr().String(), DialTimeout: 200 * time.Millisecond}
	l.Close()
	insp := asynq.NewInspector(dead)
	defer insp.Close()
	client := redis.NewClient(&redis.Options{Addr: dead.Addr, DialTimeout: dead.DialTimeout, MaxRetries: -1})
	defer client.Close()
	admin := NewAdmin(AdminDeps{Jobs: jobs.NewReplayer(insp), Review: jobs.NewReviewStore(client), Logger: logging.Discard()})
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, PathAdminJobs, ""},
		{http.MethodPost, PathAdminReplay, `{"all":true}`},
		{http.MethodGet, PathAdminReview, ""},
	} {
		rec := httptest.NewRecorder()
		admin.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, bytes.NewBufferString(tc.body)))
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, rec.Code, rec.Body)
		}
	}
}
