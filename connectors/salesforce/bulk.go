package salesforce

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"os"
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

	rows int // the records it carries
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
// 2.0 ingest jobs (a BulkLoad of them): one job per MaxBulkUpload bytes
// of CSV, each created, uploaded, closed, polled with back-off until it
// ends, and its results read. The results come in the order of records,
// matched back by the external id; a record Salesforce refused has
// Success false and Salesforce's error. Every record must hold its
// extField value. Field values are written as CSV text: nil sets the
// field to null (#N/A); a field a record lacks is left as it is; a parent
// reference by external id, {"Account__r": {"NetSuite_Id__c": "42"}},
// becomes the column Account__r.NetSuite_Id__c. A job that fails as a
// whole is an error (*BulkJobError); upserts by external id make a retry
// of the whole load safe.
func (c *Client) BulkUpsert(ctx context.Context, object, extField string, records []map[string]any) ([]UpsertResult, error) {
	if len(records) == 0 {
		if object == "" || extField == "" {
			return nil, fmt.Errorf("salesforce: bulk upsert %s/%s: object and external id field must not be empty", object, extField)
		}
		return nil, nil
	}
	load, err := c.NewBulkLoad(object, extField)
	if err != nil {
		return nil, err
	}
	defer load.Close()
	for _, r := range records {
		if err := load.Add(r); err != nil {
			return nil, err
		}
	}
	results := make([]UpsertResult, len(records))
	err = load.Send(ctx, nil, func(i int, res UpsertResult) error {
		results[i] = res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// BulkLoad is an upsert of one object by external id through Bulk API
// 2.0 whose records go to a temporary file as they are added, not held
// in memory: a load of any size costs little heap. Send writes it; Close
// removes the file. Not safe for concurrent use.
type BulkLoad struct {
	c                *Client
	op               string
	object, extField string
	spool            *os.File
	w                *bufio.Writer
	enc              *json.Encoder
	cols             map[string]bool // beside extField; a parent reference as Relationship.Field
	n                int
}

// NewBulkLoad starts an empty load of object by extField.
func (c *Client) NewBulkLoad(object, extField string) (*BulkLoad, error) {
	op := "bulk upsert " + object + "/" + extField
	if object == "" || extField == "" {
		return nil, fmt.Errorf("salesforce: %s: object and external id field must not be empty", op)
	}
	f, err := os.CreateTemp("", "tandem-bulk-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("salesforce: %s: spooling the records: %w", op, err)
	}
	w := bufio.NewWriter(f)
	return &BulkLoad{c: c, op: op, object: object, extField: extField, spool: f, w: w, enc: json.NewEncoder(w), cols: map[string]bool{}}, nil
}

// Add appends a record (see BulkUpsert for its fields); it must hold its
// external id.
func (l *BulkLoad) Add(rec map[string]any) error {
	if csvValue(rec[l.extField]) == "" {
		return fmt.Errorf("salesforce: %s: record %d has no %s", l.op, l.n, l.extField)
	}
	for k, v := range rec {
		if k == "attributes" || k == l.extField {
			continue
		}
		if ref, ok := v.(map[string]any); ok {
			for rk := range ref {
				if rk != "attributes" {
					l.cols[k+"."+rk] = true
				}
			}
			continue
		}
		l.cols[k] = true
	}
	if err := l.enc.Encode(rec); err != nil {
		return fmt.Errorf("salesforce: %s: spooling record %d: %w", l.op, l.n, err)
	}
	l.n++
	return nil
}

// Len is the records added.
func (l *BulkLoad) Len() int { return l.n }

// Each reads the records back in the order added. Numbers come back as
// json.Number.
func (l *BulkLoad) Each(fn func(i int, rec map[string]any) error) error {
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("salesforce: %s: spooling the records: %w", l.op, err)
	}
	dec := json.NewDecoder(io.NewSectionReader(l.spool, 0, math.MaxInt64))
	dec.UseNumber()
	for i := 0; i < l.n; i++ {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			return fmt.Errorf("salesforce: %s: reading back record %d: %w", l.op, i, err)
		}
		if err := fn(i, rec); err != nil {
			return err
		}
	}
	return nil
}

// Close removes the load's file.
func (l *BulkLoad) Close() error {
	err := l.spool.Close()
	if rerr := os.Remove(l.spool.Name()); err == nil {
		err = rerr
	}
	return err
}

// Send writes the load's records that keep accepts (nil: every one)
// through one job per MaxBulkUpload bytes of CSV, and calls fn with each
// one's result, by its index, in no particular order. A record left out
// gets no result.
func (l *BulkLoad) Send(ctx context.Context, keep func(i int) bool, fn func(i int, res UpsertResult) error) error {
	if keep == nil {
		keep = func(int) bool { return true }
	}
	data, err := os.CreateTemp("", "tandem-bulk-*.csv")
	if err != nil {
		return fmt.Errorf("salesforce: %s: writing the CSV: %w", l.op, err)
	}
	defer func() { data.Close(); os.Remove(data.Name()) }()
	uploads, pending, err := l.writeCSV(data, keep)
	if err != nil {
		return fmt.Errorf("salesforce: %s: %w", l.op, err)
	}
	jobs := make([]*bulkJob, 0, len(uploads))
	for _, up := range uploads {
		body := func() io.Reader { return io.NewSectionReader(data, up.off, up.size) }
		job, err := l.c.startBulkJob(ctx, l.object, l.extField, body)
		if err != nil {
			return fmt.Errorf("salesforce: %s: %w", l.op, err)
		}
		job.rows = up.rows
		jobs = append(jobs, job)
	}
	got := 0
	for _, job := range jobs {
		if err := l.c.waitBulkJob(ctx, job); err != nil {
			return fmt.Errorf("salesforce: %s: %w", l.op, err)
		}
		n, err := l.c.bulkResults(ctx, job, l.extField, pending, fn)
		got += n
		if err != nil {
			return fmt.Errorf("salesforce: %s: %w", l.op, err)
		}
	}
	sent := 0
	for _, up := range uploads {
		sent += up.rows
	}
	if got != sent {
		return fmt.Errorf("salesforce: %s: the jobs gave results for %d of %d records", l.op, got, sent)
	}
	return nil
}

// bulkUpload is one job's part of the CSV file: a header and its rows.
type bulkUpload struct {
	off, size int64
	rows      int
}

// writeCSV writes the kept records to f as CSV, a new upload (with the
// header again) starting before one would pass the client's limit, and
// returns the uploads and, by lowercased external id, the indexes of the
// records sent, in order (a load may hold an id twice).
func (l *BulkLoad) writeCSV(f *os.File, keep func(int) bool) ([]bulkUpload, map[string][]int, error) {
	header := append([]string{l.extField}, slices.Sorted(maps.Keys(l.cols))...)
	var line bytes.Buffer
	cw := csv.NewWriter(&line)
	encode := func(vals []string) ([]byte, error) {
		line.Reset()
		if err := cw.Write(vals); err != nil {
			return nil, err
		}
		cw.Flush()
		return line.Bytes(), cw.Error()
	}
	head, err := encode(header)
	if err != nil {
		return nil, nil, err
	}
	head = slices.Clone(head)
	bw := bufio.NewWriter(f)
	var out []bulkUpload
	var off int64
	pending := map[string][]int{}
	vals := make([]string, len(header))
	limit := int64(l.c.bulkLimit)
	err = l.Each(func(i int, r map[string]any) error {
		if !keep(i) {
			return nil
		}
		bulkRow(header, r, vals)
		b, err := encode(vals)
		if err != nil {
			return err
		}
		if int64(len(head)+len(b)) > limit {
			return fmt.Errorf("record %d takes %d bytes of CSV, over the %d-byte upload limit", i, len(b), limit)
		}
		if len(out) == 0 || out[len(out)-1].size+int64(len(b)) > limit {
			out = append(out, bulkUpload{off: off, size: int64(len(head))})
			if _, err := bw.Write(head); err != nil {
				return err
			}
			off += int64(len(head))
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
		up := &out[len(out)-1]
		up.size += int64(len(b))
		up.rows++
		off += int64(len(b))
		key := strings.ToLower(vals[0])
		pending[key] = append(pending[key], i)
		return nil
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("writing the CSV: %w", err)
	}
	return out, pending, nil
}

// bulkRow sets vals to the record's values by header: a field it lacks
// is "" (left as it is), nil is #N/A (set to null).
func bulkRow(header []string, r map[string]any, vals []string) {
	for j, h := range header {
		rel, field, isRef := strings.Cut(h, ".")
		v, present := r[h]
		if isRef {
			ref, _ := r[rel].(map[string]any)
			v, present = ref[field]
		}
		switch {
		case !present:
			vals[j] = ""
		case v == nil:
			vals[j] = "#N/A"
		default:
			vals[j] = csvValue(v)
		}
	}
}

// startBulkJob creates a job, uploads its CSV and closes it. A job that
// could not be uploaded or closed is aborted (best effort) so that it
// does not linger Open.
func (c *Client) startBulkJob(ctx context.Context, object, extField string, data func() io.Reader) (*bulkJob, error) {
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

// bulkResults reads a finished job's result CSVs, row by row, calling fn
// with each record's result and taking its index from pending (by
// lowercased external id, in order). It returns the results read. Failed
// and unprocessed results are only asked for when the job's counters say
// there are some.
func (c *Client) bulkResults(ctx context.Context, job *bulkJob, extField string, pending map[string][]int, fn func(int, UpsertResult) error) (int, error) {
	got := 0
	kinds := []string{"successfulResults"}
	if job.NumberRecordsFailed > 0 {
		kinds = append(kinds, "failedResults")
	}
	if job.NumberRecordsProcessed < job.rows {
		kinds = append(kinds, "unprocessedrecords")
	}
	for _, kind := range kinds {
		req := request{op: kind + " of bulk job " + job.ID, method: http.MethodGet, path: c.dataPath + "/jobs/ingest/" + job.ID + "/" + kind + "/",
			header: map[string]string{"Accept": "text/csv"}, idempotent: true}
		resp, err := c.do(ctx, req)
		if err != nil {
			return got, err
		}
		// Row by row: a job's results can be tens of thousands of rows.
		rd := csv.NewReader(bytes.NewReader(resp.Body()))
		rd.ReuseRecord = true
		head, err := rd.Read()
		if err == io.EOF {
			continue
		}
		if err != nil {
			return got, fmt.Errorf("reading the %s of bulk job %s: %w", kind, job.ID, err)
		}
		col := func(name string) int {
			return slices.IndexFunc(head, func(h string) bool { return strings.EqualFold(h, name) })
		}
		idCol, createdCol, errCol, keyCol := col("sf__Id"), col("sf__Created"), col("sf__Error"), col(extField)
		if keyCol < 0 {
			return got, fmt.Errorf("the %s of bulk job %s have no %s column", kind, job.ID, extField)
		}
		for {
			row, err := rd.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return got, fmt.Errorf("reading the %s of bulk job %s: %w", kind, job.ID, err)
			}
			key := strings.ToLower(row[keyCol])
			idx := pending[key]
			if len(idx) == 0 {
				return got, fmt.Errorf("the %s of bulk job %s name %s %q, which the job was not sent (or sent fewer times)", kind, job.ID, extField, row[keyCol])
			}
			i := idx[0]
			if pending[key] = idx[1:]; len(idx) == 1 {
				delete(pending, key)
			}
			got++
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
			if err := fn(i, res); err != nil {
				return got, err
			}
		}
	}
	return got, nil
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
