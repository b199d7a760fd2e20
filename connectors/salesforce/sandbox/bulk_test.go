package sandbox

import (
	"encoding/csv"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/internal/testfixtures"
)

type jobInfo struct {
	ID                     string `json:"id"`
	State                  string `json:"state"`
	ContentURL             string `json:"contentUrl"`
	ExternalIDFieldName    string `json:"externalIdFieldName"`
	NumberRecordsProcessed int    `json:"numberRecordsProcessed"`
	NumberRecordsFailed    int    `json:"numberRecordsFailed"`
	ErrorMessage           string `json:"errorMessage"`
}

func (o *testOrg) createJob(t *testing.T, token string, body map[string]any) jobInfo {
	t.Helper()
	r := o.call(t, "POST", v+"/jobs/ingest", token, body)
	if r.status != http.StatusOK {
		t.Fatalf("create job: %d %s", r.status, r.body)
	}
	var info jobInfo
	r.json(t, &info)
	return info
}

func (o *testOrg) waitJob(t *testing.T, token, id string) jobInfo {
	t.Helper()
	var info jobInfo
	testfixtures.WaitUntil(t, "bulk job "+id+" done", time.Minute, func() bool {
		o.call(t, "GET", v+"/jobs/ingest/"+id, token, nil).json(t, &info)
		return info.State == JobComplete || info.State == JobFailed || info.State == JobAborted
	})
	return info
}

func readResults(t *testing.T, r response) [][]string {
	t.Helper()
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("results: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatalf("results CSV: %v\n%s", err, r.body)
	}
	return rows
}

func TestBulkUpsertJob(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	existing, err := org.Create("Account", map[string]any{"Name": "Old name", "NetSuite_Id__c": "B-2", "Phone": "555"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	job := org.createJob(t, token, map[string]any{"object": "Account", "operation": "upsert", "externalIdFieldName": "NetSuite_Id__c", "contentType": "CSV", "lineEnding": "LF"})
	if job.State != JobOpen || job.ContentURL != "services/data/v62.0/jobs/ingest/"+job.ID+"/batches" || !strings.HasPrefix(job.ID, "750") {
		t.Fatalf("created %+v", job)
	}
	data := "NetSuite_Id__c,Name,Phone\nB-1,\"Bulk, Inc.\",\nB-2,New name,\nB-3,,123\n"
	if r := org.call(t, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", token, data, "Content-Type", "text/csv"); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r := org.call(t, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", token, data, "Content-Type", "text/csv")
	if errs := r.apiErrors(t); r.status != 400 || errs[0]["errorCode"] != "INVALIDJOBSTATE" || !strings.Contains(errs[0]["message"].(string), "Found multiple contents for job") {
		t.Fatalf("second upload: %d %s", r.status, r.body)
	}
	if r := org.call(t, "PATCH", v+"/jobs/ingest/"+job.ID, token, map[string]any{"state": "UploadComplete"}); r.status != http.StatusOK {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	info := org.waitJob(t, token, job.ID)
	if info.State != JobComplete || info.NumberRecordsProcessed != 3 || info.NumberRecordsFailed != 1 {
		t.Fatalf("job %+v", info)
	}

	ok := readResults(t, org.call(t, "GET", v+"/jobs/ingest/"+job.ID+"/successfulResults/", token, nil))
	if len(ok) != 3 || strings.Join(ok[0], ",") != "sf__Id,sf__Created,NetSuite_Id__c,Name,Phone" {
		t.Fatalf("successful results %q", ok)
	}
	byExt := map[string][]string{}
	for _, row := range ok[1:] {
		byExt[row[2]] = row
	}
	if byExt["B-2"][0] != existing || byExt["B-2"][1] != "false" || byExt["B-1"][1] != "true" {
		t.Fatalf("successful results %q (existing %s)", ok, existing)
	}
	if rec, _ := org.Get("Account", existing); rec["Name"] != "New name" || rec["Phone"] != "555" {
		t.Errorf("updated account %v: the empty Phone must be left alone", rec)
	}
	if rec, _ := org.Get("Account", byExt["B-1"][0]); rec["Name"] != "Bulk, Inc." {
		t.Errorf("created account %v", rec)
	}
	failed := readResults(t, org.call(t, "GET", v+"/jobs/ingest/"+job.ID+"/failedResults/", token, nil))
	if len(failed) != 2 || failed[0][1] != "sf__Error" || failed[1][2] != "B-3" ||
		failed[1][1] != "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --" {
		t.Fatalf("failed results %q", failed)
	}
	if rows := readResults(t, org.call(t, "GET", v+"/jobs/ingest/"+job.ID+"/unprocessedrecords/", token, nil)); len(rows) != 1 {
		t.Errorf("unprocessed %q", rows)
	}
}

func TestBulkJobErrors(t *testing.T) {
	org := startOrg(t, Config{BulkUploadLimit: 64})
	token := org.login(t)
	r := org.call(t, "POST", v+"/jobs/ingest", token, map[string]any{"object": "Account", "operation": "upsert", "externalIdFieldName": "Name__x"})
	if errs := r.apiErrors(t); r.status != 400 || errs[0]["errorCode"] != "INVALIDJOB" {
		t.Errorf("bad external id field: %d %s", r.status, r.body)
	}
	if r := org.call(t, "POST", v+"/jobs/ingest", token, map[string]any{"object": "Nope__c", "operation": "insert"}); r.status != 400 {
		t.Errorf("unknown object: %d %s", r.status, r.body)
	}
	if r := org.call(t, "GET", v+"/jobs/ingest/7500000000000AAAAA", token, nil); r.status != 404 {
		t.Errorf("unknown job: %d %s", r.status, r.body)
	}

	job := org.createJob(t, token, map[string]any{"object": "Account", "operation": "upsert", "externalIdFieldName": "NetSuite_Id__c"})
	big := "NetSuite_Id__c,Name\n" + strings.Repeat("X-1,A long enough name\n", 4)
	if r := org.call(t, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", token, big, "Content-Type", "text/csv"); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("upload over the limit: %d %s", r.status, r.body)
	}
	// Closing with nothing uploaded fails the job.
	org.call(t, "PATCH", v+"/jobs/ingest/"+job.ID, token, map[string]any{"state": "UploadComplete"})
	if info := org.waitJob(t, token, job.ID); info.State != JobFailed || info.ErrorMessage == "" {
		t.Errorf("closed empty job %+v", info)
	}

	// A header naming no field fails the whole job.
	job = org.createJob(t, token, map[string]any{"object": "Account", "operation": "upsert", "externalIdFieldName": "NetSuite_Id__c"})
	org.call(t, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", token, "NetSuite_Id__c,Bogus\nX,1\n", "Content-Type", "text/csv")
	org.call(t, "PATCH", v+"/jobs/ingest/"+job.ID, token, map[string]any{"state": "UploadComplete"})
	if info := org.waitJob(t, token, job.ID); info.State != JobFailed || info.ErrorMessage != "InvalidBatch : Field name not found : Bogus" {
		t.Errorf("bad header %+v", info)
	}

	job = org.createJob(t, token, map[string]any{"object": "Account", "operation": "insert"})
	r = org.call(t, "PATCH", v+"/jobs/ingest/"+job.ID, token, map[string]any{"state": "Aborted"})
	if r.status != 200 {
		t.Fatalf("abort: %d %s", r.status, r.body)
	}
	if r := org.call(t, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", token, "Name\nA\n", "Content-Type", "text/csv"); r.status != 400 {
		t.Errorf("upload to an aborted job: %d %s", r.status, r.body)
	}
}

func TestDailyAPIBudget(t *testing.T) {
	org := startOrg(t, Config{APILimit: 100})
	token := org.login(t)
	org.SetAPIUsage(98)
	r := org.call(t, "GET", v+"/limits", token, nil)
	if got := r.header.Get("Sforce-Limit-Info"); r.status != 200 || got != "api-usage=99/100" {
		t.Fatalf("limits: %d %q", r.status, got)
	}
	org.call(t, "GET", v+"/jobs/ingest", token, nil) // the Bulk API counts too: 100/100
	r = org.call(t, "GET", v+"/sobjects", token, nil)
	errs := r.apiErrors(t)
	if r.status != http.StatusForbidden || errs[0]["errorCode"] != "REQUEST_LIMIT_EXCEEDED" || errs[0]["message"] != "TotalRequests Limit exceeded." ||
		r.header.Get("Sforce-Limit-Info") != "api-usage=101/100" {
		t.Fatalf("over the limit: %d %q %s", r.status, r.header.Get("Sforce-Limit-Info"), r.body)
	}
	if used, limit := org.APIUsage(); used != 101 || limit != 100 {
		t.Errorf("usage %d/%d", used, limit)
	}
}

func TestDailyAPIBudgetRolls(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var offset atomic.Int64
	org := startOrg(t, Config{APILimit: 10, Clock: func() time.Time { return start.Add(time.Duration(offset.Load())) }})
	org.SetAPIUsage(10)
	offset.Store(int64(23 * time.Hour))
	if used, _ := org.APIUsage(); used != 10 {
		t.Errorf("after 23 hours: %d", used)
	}
	offset.Store(int64(24*time.Hour + time.Minute))
	if used, _ := org.APIUsage(); used != 0 {
		t.Errorf("after 24 hours: %d", used)
	}
}
