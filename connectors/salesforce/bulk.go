package salesforce

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors"
)

// Bulk API 2.0 ingest (reference §7): a job takes one CSV upload of at
// most 150 MB base64-encoded (about 100 MB raw), is closed, processed by
// the org in the background, and its results read as CSVs whose rows come
// in no particular order. Each HTTP request counts against the org's daily
// API allocation like any other.

const (
	// MaxBulkUpload is the most CSV bytes BulkUpsert puts in one job.
	MaxBulkUpload = 100 << 20
	bulkPollBase  = time.Second
	bulkPollCap   = 20 * time.Second
	// CodeUnprocessed is ours, not Salesforce's: the job ended before it
	// reached the record (unprocessedrecords). Worth another try.
	CodeUnprocessed = "UNPROCESSED"
)

// Bulk job states that end a job.
const (
	bulkJobComplete = "JobComplete"
	bulkJobFailed   = "Failed"
	bulkJobAborted  = "Aborted"
)

// bulkJob is the part of a JobInfo BulkUpsert reads.
type bulkJob struct {
	ID                     string `json:"id"`
	State                  string `json:"state"`
	NumberRecordsProcessed int    `json:"numberRecordsProcessed"`
	NumberRecordsFailed    int    `json:"numberRecordsFailed"`
	ErrorMessage           string `json:"errorMessage"`

	rows []int // the records it carries, by index
}

// BulkJobError is a Bulk API 2.0 job that failed or was aborted as a
// whole. It is worth another try unless the org refused the data itself
// (an InvalidBatch: a column that names no field).
type BulkJobError struct {
	JobID, State, Message string
}

func (e *BulkJobError) Error() string {
	return fmt.Sprintf("salesforce: bulk job %s ended %s: %s", e.JobID, e.State, e.Message)
}

// Retryable reports whether the same load may succeed later.
func (e *BulkJobError) Retryable() bool { return !strings.HasPrefix(e.Message, "InvalidBatch") }

// BulkUpsert upserts records of one object by extField through Bulk API
// 2.0 ingest jobs: one job per MaxBulkUpload bytes of CSV, each created,
// uploaded, closed, polled with back-off until it ends, and its results
// read. The results come in the order of records, matched back by the
// external id; a record Salesforce refused has Success false and
// Salesforce's error. Every record must hold its extField value. Field
// values are written as CSV text: nil sets the field to null (#N/A); a
// field a record lacks is left as it is; a parent reference by external
// id, {"Account__r": {"NetSuite_Id__c": "42"}}, becomes the column
// Account__r.NetSuite_Id__c. A job that fails as a whole is an error
// (*BulkJobError); upserts by external id make a retry of the whole load
// safe.
func (c *Client) BulkUpsert(ctx context.Context, object, extField string, records []map[string]any) ([]UpsertResult, error) {
	op := "bulk upsert " + object + "/" + extField
	if object == "" || extField == "" {
		return nil, fmt.Errorf("salesforce: %s: object and external id field must not be empty", op)
	}
	if len(records) == 0 {
		return nil, nil
	}
	header := bulkHeader(extField, records)
	uploads, err := bulkUploads(header, records, c.bulkLimit)
	if err != nil {
		return nil, fmt.Errorf("salesforce: %s: %w", op, err)
	}
	jobs := make([]*bulkJob, 0, len(uploads))
	for _, up := range uploads {
		job, err := c.startBulkJob(ctx, object, extField, up.csv)
		if err != nil {
			return nil, fmt.Errorf("salesforce: %s: %w", op, err)
		}
		job.rows = up.rows
		jobs = append(jobs, job)
	}
	results := make([]UpsertResult, len(records))
	seen := make([]bool, len(records))
	for _, job := range jobs {
		if err := c.waitBulkJob(ctx, job); err != nil {
			return nil, fmt.Errorf("salesforce: %s: %w", op, err)
		}
		if err := c.bulkResults(ctx, job, extField, records, results, seen); err != nil {
			return nil, fmt.Errorf("salesforce: %s: %w", op, err)
		}
	}
	if missing := len(records) - count(seen); missing > 0 {
		return nil, fmt.Errorf("salesforce: %s: the jobs gave no result for %d of %d records", op, missing, len(records))
	}
	return results, nil
}

func count(seen []bool) int {
	n := 0
	for _, s := range seen {
		if s {
			n++
		}
	}
	return n
}

// startBulkJob creates a job, uploads its CSV and closes it. A job that
// could not be uploaded or closed is aborted (best effort) so that it
// does not linger Open.
func (c *Client) startBulkJob(ctx context.Context, object, extField string, data []byte) (*bulkJob, error) {
	base := c.dataPath + "/jobs/ingest"
	var job bulkJob
	create := request{op: "create bulk job " + object, method: http.MethodPost, path: base,
		body: map[string]any{"object": object, "operation": "upsert", "externalIdFieldName": extField, "contentType": "CSV", "lineEnding": "LF"}}
	if _, err := c.doJSON(ctx, create, &job); err != nil {
		return nil, err
	}
	if job.ID == "" {
		return nil, fmt.Errorf("creating a bulk job: the answer has no job id")
	}
	path := base + "/" + job.ID
	upload := request{op: "upload bulk job " + job.ID, method: http.MethodPut, path: path + "/batches", body: data,
		header: map[string]string{"Content-Type": "text/csv"}}
	closeJob := request{op: "close bulk job " + job.ID, method: http.MethodPatch, path: path, body: map[string]any{"state": "UploadComplete"}}
	for _, req := range []request{upload, closeJob} {
		if _, err := c.do(ctx, req); err != nil {
			abort := request{op: "abort bulk job " + job.ID, method: http.MethodPatch, path: path, body: map[string]any{"state": "Aborted"}}
			if _, aerr := c.do(context.WithoutCancel(ctx), abort); aerr != nil {
				c.log.WarnContext(ctx, "salesforce bulk job left open", "job", job.ID, "err", aerr)
			}
			return nil, err
		}
	}
	return &job, nil
}

// waitBulkJob polls a job with back-off until it ends.
func (c *Client) waitBulkJob(ctx context.Context, job *bulkJob) error {
	req := request{op: "bulk job " + job.ID, method: http.MethodGet, path: c.dataPath + "/jobs/ingest/" + job.ID, idempotent: true}
	for n := 1; ; n++ {
		if err := connectors.Sleep(ctx, c.bulkPoll.Ceiling(n)); err != nil {
			return fmt.Errorf("waiting for bulk job %s: %w", job.ID, err)
		}
		if _, err := c.doJSON(ctx, req, job); err != nil {
			return err
		}
		switch job.State {
		case bulkJobComplete:
			return nil
		case bulkJobFailed, bulkJobAborted:
			return &BulkJobError{JobID: job.ID, State: job.State, Message: job.ErrorMessage}
		}
	}
}

// bulkResults reads a finished job's result CSVs into results. Failed and
// unprocessed results are only asked for when the job's counters say
// there are some.
func (c *Client) bulkResults(ctx context.Context, job *bulkJob, extField string, records []map[string]any, results []UpsertResult, seen []bool) error {
	// The rows of each external id, in record order: a load may hold an id twice.
	pending := map[string][]int{}
	for _, i := range job.rows {
		key := strings.ToLower(csvValue(records[i][extField]))
		pending[key] = append(pending[key], i)
	}
	kinds := []string{"successfulResults"}
	if job.NumberRecordsFailed > 0 {
		kinds = append(kinds, "failedResults")
	}
	if job.NumberRecordsProcessed < len(job.rows) {
		kinds = append(kinds, "unprocessedrecords")
	}
	for _, kind := range kinds {
		req := request{op: kind + " of bulk job " + job.ID, method: http.MethodGet, path: c.dataPath + "/jobs/ingest/" + job.ID + "/" + kind + "/",
			header: map[string]string{"Accept": "text/csv"}, idempotent: true}
		resp, err := c.do(ctx, req)
		if err != nil {
			return err
		}
		// Row by row: a job's results can be tens of thousands of rows.
		rd := csv.NewReader(bytes.NewReader(resp.Body()))
		rd.ReuseRecord = true
		head, err := rd.Read()
		if err == io.EOF {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading the %s of bulk job %s: %w", kind, job.ID, err)
		}
		col := func(name string) int {
			return slices.IndexFunc(head, func(h string) bool { return strings.EqualFold(h, name) })
		}
		idCol, createdCol, errCol, keyCol := col("sf__Id"), col("sf__Created"), col("sf__Error"), col(extField)
		if keyCol < 0 {
			return fmt.Errorf("the %s of bulk job %s have no %s column", kind, job.ID, extField)
		}
		for {
			row, err := rd.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("reading the %s of bulk job %s: %w", kind, job.ID, err)
			}
			key := strings.ToLower(row[keyCol])
			idx := pending[key]
			if len(idx) == 0 {
				return fmt.Errorf("the %s of bulk job %s name %s %q, which the job was not sent (or sent fewer times)", kind, job.ID, extField, row[keyCol])
			}
			i := idx[0]
			pending[key] = idx[1:]
			seen[i] = true
			res := UpsertResult{}
			if idCol >= 0 {
				res.ID = row[idCol]
			}
			switch kind {
			case "successfulResults":
				res.Success, res.Created = true, createdCol >= 0 && row[createdCol] == "true"
				res.Errors = []RecordError{}
			case "failedResults":
				res.Errors = []RecordError{parseBulkError(row[errCol])}
			default:
				res.Errors = []RecordError{{StatusCode: CodeUnprocessed, Message: "bulk job " + job.ID + " ended before processing this record", Fields: []string{}}}
			}
			results[i] = res
		}
	}
	return nil
}

// parseBulkError reads an sf__Error: "CODE:message:Field1,Field2 --".
func parseBulkError(s string) RecordError {
	s = strings.TrimSuffix(strings.TrimSpace(s), "--")
	s = strings.TrimSpace(s)
	code, rest, _ := strings.Cut(s, ":")
	e := RecordError{StatusCode: code, Message: rest, Fields: []string{}}
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		e.Message = rest[:i]
		if fields := strings.TrimSpace(rest[i+1:]); fields != "" {
			e.Fields = strings.Split(fields, ",")
		}
	}
	return e
}

// bulkHeader is the CSV header of a load: extField, then every other
// field any record sets, sorted; a parent reference is Relationship.Field.
func bulkHeader(extField string, records []map[string]any) []string {
	cols := map[string]bool{}
	for _, r := range records {
		for k, v := range r {
			if k == "attributes" || k == extField {
				continue
			}
			if ref, ok := v.(map[string]any); ok {
				for rk := range ref {
					if rk != "attributes" {
						cols[k+"."+rk] = true
					}
				}
				continue
			}
			cols[k] = true
		}
	}
	return append([]string{extField}, slices.Sorted(maps.Keys(cols))...)
}

// bulkUpload is one job's CSV and the records in it.
type bulkUpload struct {
	csv  []byte
	rows []int
}

// bulkUploads writes the records as CSV, starting a new upload (with the
// header again) before one would pass limit bytes.
func bulkUploads(header []string, records []map[string]any, limit int) ([]bulkUpload, error) {
	line := func(vals []string) ([]byte, error) {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.Write(vals); err != nil {
			return nil, err
		}
		w.Flush()
		return b.Bytes(), w.Error()
	}
	head, err := line(header)
	if err != nil {
		return nil, err
	}
	var out []bulkUpload
	var cur *bulkUpload
	for i, r := range records {
		vals := make([]string, len(header))
		for j, h := range header {
			rel, field, isRef := strings.Cut(h, ".")
			v, present := r[h]
			if isRef {
				ref, _ := r[rel].(map[string]any)
				v, present = ref[field]
			}
			switch {
			case !present:
				vals[j] = "" // left as it is
			case v == nil:
				vals[j] = "#N/A"
			default:
				vals[j] = csvValue(v)
			}
		}
		b, err := line(vals)
		if err != nil {
			return nil, err
		}
		if len(head)+len(b) > limit {
			return nil, fmt.Errorf("record %d takes %d bytes of CSV, over the %d-byte upload limit", i, len(b), limit)
		}
		if cur == nil || len(cur.csv)+len(b) > limit {
			out = append(out, bulkUpload{csv: slices.Clone(head)})
			cur = &out[len(out)-1]
		}
		cur.csv = append(cur.csv, b...)
		cur.rows = append(cur.rows, i)
	}
	return out, nil
}

// csvValue is a field value as Bulk API CSV text.
func csvValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case json.Number:
		return v.String()
	case time.Time:
		return v.UTC().Format("2006-01-02T15:04:05.000Z")
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}
