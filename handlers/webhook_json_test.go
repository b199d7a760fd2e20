package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// jsonWebhook serves one JSON webhook handler through NewRouter, storing
// jobs in a real Redis.
type jsonWebhook struct {
	url       string
	inspector *asynq.Inspector
	logs      *testfixtures.LogBuffer
}

// serveJSONWebhook builds the handler for path with a real enqueuer and a
// logger writing JSON lines to in.logs.
func serveJSONWebhook(t *testing.T, opt asynq.RedisConnOpt, path string, build func(ChangeEnqueuer, *slog.Logger) http.Handler) *jsonWebhook {
	t.Helper()
	client := testredis.ClientFor(t, opt)
	logs := &testfixtures.LogBuffer{}
	h := build(jobs.NewEnqueuer(client, 3), slog.New(slog.NewJSONHandler(logs, nil)))
	deps := RouterDeps{Logger: logging.Discard()}
	switch path {
	case PathNetSuiteWebhook:
		deps.NetSuiteWebhook = h
	case PathSalesforceEvents:
		deps.SalesforceEvents = h
	default:
		t.Fatalf("no JSON webhook at %s", path)
	}
	srv := httptest.NewServer(NewRouter(deps))
	t.Cleanup(srv.Close)
	insp := asynq.NewInspector(opt)
	t.Cleanup(func() { insp.Close() })
	return &jsonWebhook{url: srv.URL + path, inspector: insp, logs: logs}
}

type webhookResponse struct {
	status int
	header http.Header
	body   []byte
}

// post sends body with headers given as name, value pairs.
func (in *jsonWebhook) post(t *testing.T, body []byte, headers ...string) webhookResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, in.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return webhookResponse{status: resp.StatusCode, header: resp.Header, body: b}
}

// decode reads a JSON answer into v, failing on anything else.
func (r webhookResponse) decode(t *testing.T, v any) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("answer %d is %q, not JSON: %s", r.status, ct, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer %d: %v: %s", r.status, err, r.body)
	}
}

// acceptedAs checks a 200 JSON answer and returns it.
func acceptedAs[T any](t *testing.T, r webhookResponse) T {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var res T
	r.decode(t, &res)
	return res
}

// refusal checks a JSON error answer and returns it.
func (r webhookResponse) refusal(t *testing.T, status int) webhookErrorBody {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d: %s", r.status, status, r.body)
	}
	var e webhookErrorBody
	r.decode(t, &e)
	if e.Error == "" {
		t.Errorf("refusal without an error message: %s", r.body)
	}
	return e
}

// tasks lists the pending tasks of every queue, by id.
func (in *jsonWebhook) tasks(t *testing.T) []*asynq.TaskInfo {
	t.Helper()
	var all []*asynq.TaskInfo
	for _, q := range []string{jobs.QueueSalesforceToNetSuite, jobs.QueueNetSuiteToSalesforce} {
		tasks, err := in.inspector.ListPendingTasks(q)
		if errors.Is(err, asynq.ErrQueueNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, tasks...)
	}
	slices.SortFunc(all, func(a, b *asynq.TaskInfo) int { return strings.Compare(a.ID, b.ID) })
	return all
}

func taskChange(t *testing.T, task *asynq.TaskInfo) jobs.Change {
	t.Helper()
	var ch jobs.Change
	if err := json.Unmarshal(task.Payload, &ch); err != nil {
		t.Fatalf("task %s payload: %v", task.ID, err)
	}
	return ch
}

func taskIDs(tasks []*asynq.TaskInfo) []string {
	ids := make([]string, len(tasks))
	for i, task := range tasks {
		ids[i] = task.ID
	}
	return ids
}

// unreachableRedis is a Redis address nobody answers on.
func unreachableRedis(t *testing.T) asynq.RedisClientOpt {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return asynq.RedisClientOpt{Addr: addr, DialTimeout: 200 * time.Millisecond}
}

func readWebhookTestdata(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeWebhookJSONNamesTheFieldOfTheWrongType(t *testing.T) {
	var ev NetSuiteEvent
	err := decodeWebhookJSON([]byte(`{"recordId": 412, "fields": {"a": 1}}`), &ev, "")
	var bad *invalidBodyError
	if !errors.As(err, &bad) || bad.problems["recordId"] != "must be a string, not number" {
		t.Fatalf("err = %v", err)
	}
	for body, want := range map[string]string{
		`{"a":1} {"b":2}`: "data after the JSON value",
		`{"a":1`:          "not valid JSON",
		`[1,2]`:           "(body): must be an object, not array",
	} {
		if err := decodeWebhookJSON([]byte(body), &ev, ""); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", body, err, want)
		}
	}
}

// refusalCase is one request a JSON webhook must refuse.
type refusalCase struct {
	name    string
	body    []byte
	headers []string
	status  int
	want    string            // in the error message
	fields  map[string]string // if set, exactly these failing fields
}

// checkRefusals posts every case, checks its JSON error answer and then
// that the refusals stored nothing and were each logged (as "<source>
// refused") without any of secrets. check, if set, looks at each answer.
func (in *jsonWebhook) checkRefusals(t *testing.T, source string, cases []refusalCase, check func(*testing.T, webhookResponse), secrets ...string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := in.post(t, tc.body, tc.headers...)
			e := r.refusal(t, tc.status)
			if !strings.Contains(e.Error, tc.want) {
				t.Errorf("error %q does not say %q", e.Error, tc.want)
			}
			if tc.fields != nil && fmt.Sprint(e.Fields) != fmt.Sprint(tc.fields) {
				t.Errorf("fields %v\nwant %v", e.Fields, tc.fields)
			}
			if check != nil {
				check(t, r)
			}
		})
	}
	if n := len(in.tasks(t)); n != 0 {
		t.Fatalf("refused requests enqueued %d tasks", n)
	}
	logs := in.logs.String()
	if got := strings.Count(logs, `"msg":"`+source+` refused"`); got != len(cases) {
		t.Errorf("%d refusals logged, want %d", got, len(cases))
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log shows %q:\n%s", s, logs)
		}
	}
}
