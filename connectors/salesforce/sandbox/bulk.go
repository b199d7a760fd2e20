package sandbox

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// Bulk API 2.0 ingest jobs (reference §7): create a job, upload its CSV
// once, close it, and the org processes it in the background through the
// same write path as the REST API (every rule, external-id reference and
// change event applies), record by record, in internal batches of
// BulkBatchSize. Job-level errors: the codes (InvalidBatch, InvalidJob,
// InvalidJobState, ExceededQuota …) and the job states are Salesforce's
// documented ones (Bulk API 2.0 guide, "Errors" and "Job States"); a
// failed job's errorMessage "InvalidBatch : Field name not found :
// <column>" and the upper-case HTTP errorCode (INVALIDJOB) are as public
// client code and user reports show them, not documented; the other
// messages' wording is unconfirmed.

// Bulk job states.
const (
	JobOpen           = "Open"
	JobUploadComplete = "UploadComplete"
	JobInProgress     = "InProgress"
	JobComplete       = "JobComplete"
	JobFailed         = "Failed"
	JobAborted        = "Aborted"
)

const (
	// BulkBatchSize is how many records the org processes in one internal batch.
	BulkBatchSize = 10000
	// DefaultBulkUploadLimit is the most CSV bytes one upload takes: 150 MB
	// once base64-encoded, so about 100 MB raw as the docs advise.
	DefaultBulkUploadLimit = 100 << 20
	bulkJobPrefix          = "750"
)

// ingestJob is one Bulk API 2.0 ingest job. bulkJobs.mu guards it.
type ingestJob struct {
	id, object, operation, extField   string
	lineEnding, delimiter, apiVersion string
	user                              User
	origin                            string
	created, modstamp                 time.Time
	state, errorMessage               string
	data                              []byte
	uploaded                          bool
	processed, failed                 int
	processing                        time.Duration
	header                            []string
	succeeded, failures, unprocessed  [][]string // result rows: sf__ columns, then the input's
	abort                             context.CancelFunc
}

type bulkJobs struct {
	mu     sync.Mutex
	jobs   map[string]*ingestJob
	next   uint64
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newBulkJobs() *bulkJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &bulkJobs{jobs: map[string]*ingestJob{}, ctx: ctx, cancel: cancel}
}

// close stops processing and waits for the jobs' goroutines.
func (b *bulkJobs) close() {
	b.cancel()
	b.wg.Wait()
}

// bulkRoutes are the /jobs/ingest resources under /services/data/{version}.
func (s *Server) bulkRoutes(r chi.Router) {
	r.Post("/jobs/ingest", api(s.handleCreateJob))
	r.Get("/jobs/ingest", api(s.handleListJobs))
	r.Get("/jobs/ingest/{job}", api(s.handleJobInfo))
	r.Patch("/jobs/ingest/{job}", api(s.handleJobState))
	r.Delete("/jobs/ingest/{job}", api(s.handleDeleteJob))
	r.Put("/jobs/ingest/{job}/batches", api(s.handleUploadJob))
	for _, kind := range []string{"successfulResults", "failedResults", "unprocessedrecords"} {
		r.Get("/jobs/ingest/{job}/"+kind, api(s.handleJobResults(kind)))
		r.Get("/jobs/ingest/{job}/"+kind+"/", api(s.handleJobResults(kind)))
	}
}

func errInvalidJob(format string, args ...any) *APIError {
	return apiErr(http.StatusBadRequest, "INVALIDJOB", format, args...)
}

func errJobState(format string, args ...any) *APIError {
	return apiErr(http.StatusBadRequest, "INVALIDJOBSTATE", format, args...)
}

var delimiters = map[string]rune{"COMMA": ',', "BACKQUOTE": '`', "CARET": '^', "PIPE": '|', "SEMICOLON": ';', "TAB": '\t'}

// handleCreateJob serves POST /jobs/ingest.
func (s *Server) handleCreateJob(w http.ResponseWriter, r *http.Request) error {
	_, v, err := readJSON(r)
	if err != nil {
		return err
	}
	body, _ := v.(map[string]any)
	str := func(k, def string) string {
		if s, ok := body[k].(string); ok && s != "" {
			return s
		}
		return def
	}
	c := callOf(r)
	job := &ingestJob{object: str("object", ""), operation: str("operation", ""), extField: str("externalIdFieldName", ""),
		lineEnding: str("lineEnding", "LF"), delimiter: str("columnDelimiter", "COMMA"), apiVersion: c.version,
		user: c.user, origin: bulkOrigin(c.version, c.client), state: JobOpen}
	o, ok := s.schema.Object(job.object)
	switch {
	case job.object == "":
		return errInvalidJob("InvalidJob : Object is required")
	case !ok:
		return apiErr(http.StatusBadRequest, "INVALIDENTITY", "InvalidEntity : Entity '%s' is not supported by the Bulk API.", job.object)
	case !slices.Contains([]string{"insert", "update", "upsert", "delete"}, job.operation):
		return errInvalidJob("InvalidJob : Invalid operation: %s", job.operation)
	case str("contentType", "CSV") != "CSV":
		return errInvalidJob("InvalidJob : Invalid contentType: %s", str("contentType", ""))
	case job.lineEnding != "LF" && job.lineEnding != "CRLF":
		return errInvalidJob("InvalidJob : Invalid lineEnding: %s", job.lineEnding)
	case delimiters[job.delimiter] == 0:
		return errInvalidJob("InvalidJob : Invalid columnDelimiter: %s", job.delimiter)
	}
	if job.operation == "upsert" {
		f, ok := o.Field(job.extField)
		if job.extField == "" {
			return errInvalidJob("InvalidJob : External ID field is required for upsert")
		}
		if !ok || (!f.ExternalID && !f.IDLookup) {
			return errInvalidJob("InvalidJob : Field name provided, %s does not match an External ID, Salesforce Id, or indexed field for %s", job.extField, o.Name)
		}
		job.extField = f.Name
	} else {
		job.extField = ""
	}
	job.object = o.Name
	b := s.bulk
	b.mu.Lock()
	b.next++
	job.id = sfid.New(bulkJobPrefix, b.next)
	job.created = s.now()
	job.modstamp = job.created
	b.jobs[job.id] = job
	info := job.info(false)
	b.mu.Unlock()
	writeJSON(w, http.StatusOK, info)
	return nil
}

// apiVersionNumber is "62.0" as the JSON number 62.0.
func apiVersionNumber(v string) json.RawMessage { return json.RawMessage(v) }

func bulkOrigin(version, client string) string {
	origin := "com/salesforce/api/bulkv2/" + version
	if client != "" {
		origin += ";client=" + client
	}
	return origin
}

// info is the job's JobInfo: the create answer, or (full) Get Job Info's.
func (j *ingestJob) info(full bool) jsonObject {
	out := jsonObject{{"id", j.id}, {"operation", j.operation}, {"object", j.object}, {"createdById", j.user.ID},
		{"createdDate", j.created.UTC().Format(restTimeLayout)}, {"systemModstamp", j.modstamp.UTC().Format(restTimeLayout)}, {"state", j.state}}
	if j.extField != "" {
		out = append(out, jsonField{"externalIdFieldName", j.extField})
	}
	out = append(out, jsonField{"concurrencyMode", "Parallel"}, jsonField{"contentType", "CSV"},
		jsonField{"apiVersion", apiVersionNumber(j.apiVersion)})
	if !full {
		return append(out, jsonField{"contentUrl", "services/data/v" + j.apiVersion + "/jobs/ingest/" + j.id + "/batches"},
			jsonField{"lineEnding", j.lineEnding}, jsonField{"columnDelimiter", j.delimiter})
	}
	out = append(out, jsonField{"jobType", "V2Ingest"}, jsonField{"lineEnding", j.lineEnding}, jsonField{"columnDelimiter", j.delimiter},
		jsonField{"numberRecordsProcessed", j.processed}, jsonField{"numberRecordsFailed", j.failed}, jsonField{"retries", 0},
		jsonField{"totalProcessingTime", j.processing.Milliseconds()}, jsonField{"apiActiveProcessingTime", j.processing.Milliseconds()},
		jsonField{"apexProcessingTime", 0})
	if j.errorMessage != "" {
		out = append(out, jsonField{"errorMessage", j.errorMessage})
	}
	if j.state == JobOpen {
		out = append(out, jsonField{"contentUrl", "services/data/v" + j.apiVersion + "/jobs/ingest/" + j.id + "/batches"})
	}
	return out
}

// jobParam is the job named by {job}, with b.mu held on success.
func (s *Server) jobParam(r *http.Request) (*ingestJob, error) {
	s.bulk.mu.Lock()
	job, ok := s.bulk.jobs[chi.URLParam(r, "job")]
	if !ok {
		s.bulk.mu.Unlock()
		return nil, errNotFound()
	}
	return job, nil
}

// handleJobInfo serves GET /jobs/ingest/{job}.
func (s *Server) handleJobInfo(w http.ResponseWriter, r *http.Request) error {
	job, err := s.jobParam(r)
	if err != nil {
		return err
	}
	info := job.info(true)
	s.bulk.mu.Unlock()
	writeJSON(w, http.StatusOK, info)
	return nil
}

// handleListJobs serves GET /jobs/ingest.
func (s *Server) handleListJobs(w http.ResponseWriter, r *http.Request) error {
	s.bulk.mu.Lock()
	records := []jsonObject{}
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range s.bulk.jobs {
			if !yield(id) {
				return
			}
		}
	}) {
		records = append(records, s.bulk.jobs[id].info(false))
	}
	s.bulk.mu.Unlock()
	writeJSON(w, http.StatusOK, jsonObject{{"done", true}, {"records", records}, {"nextRecordsUrl", nil}})
	return nil
}

// handleUploadJob serves PUT /jobs/ingest/{job}/batches: one upload per job.
func (s *Server) handleUploadJob(w http.ResponseWriter, r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "text/csv") {
		return errInvalidJob("InvalidJob : Content-Type must be text/csv, not %q", ct)
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, int64(s.cfg.BulkUploadLimit)+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || len(data) > s.cfg.BulkUploadLimit {
		return apiErr(http.StatusRequestEntityTooLarge, "INVALIDBATCH",
			"InvalidBatch : Upload exceeds the maximum of %d bytes (150 MB base64-encoded); split the data across several jobs", s.cfg.BulkUploadLimit)
	}
	if err != nil {
		return dmlErr("INVALIDBATCH", "Unable to read the request body: "+err.Error())
	}
	job, apiErr := s.jobParam(r)
	if apiErr != nil {
		return apiErr
	}
	defer s.bulk.mu.Unlock()
	switch {
	case job.state != JobOpen:
		return errJobState("InvalidJobState : Job %s is in state %s, not Open: data can only be uploaded to an Open job", job.id, job.state)
	case job.uploaded:
		return errJobState("Found multiple contents for job: <%s>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.", job.id)
	case len(bytes.TrimSpace(data)) == 0:
		return dmlErr("INVALIDBATCH", "InvalidBatch : Records not found in the upload")
	}
	job.data, job.uploaded, job.modstamp = data, true, s.now()
	w.WriteHeader(http.StatusCreated)
	return nil
}

// handleJobState serves PATCH /jobs/ingest/{job}: {"state":"UploadComplete"} or {"state":"Aborted"}.
func (s *Server) handleJobState(w http.ResponseWriter, r *http.Request) error {
	_, v, err := readJSON(r)
	if err != nil {
		return err
	}
	body, _ := v.(map[string]any)
	want, _ := body["state"].(string)
	job, err := s.jobParam(r)
	if err != nil {
		return err
	}
	defer s.bulk.mu.Unlock()
	switch {
	case want == JobUploadComplete && job.state == JobOpen:
		job.state, job.modstamp = JobUploadComplete, s.now()
		if !job.uploaded {
			job.state, job.errorMessage = JobFailed, "InvalidBatch : No data was uploaded to the job"
			break
		}
		ctx, cancel := context.WithCancel(s.bulk.ctx)
		job.abort = cancel
		s.bulk.wg.Add(1)
		go func() {
			defer s.bulk.wg.Done()
			defer cancel()
			s.processJob(ctx, job)
		}()
	case want == JobAborted && (job.state == JobOpen || job.state == JobUploadComplete || job.state == JobInProgress):
		job.state, job.modstamp = JobAborted, s.now()
		if job.abort != nil {
			job.abort()
		}
	case want == JobUploadComplete || want == JobAborted:
		return errJobState("InvalidJobState : Job %s is in state %s and cannot change to %s", job.id, job.state, want)
	default:
		return errInvalidJob("InvalidJob : Invalid state: %q (UploadComplete or Aborted)", want)
	}
	writeJSON(w, http.StatusOK, job.info(false))
	return nil
}

// handleDeleteJob serves DELETE /jobs/ingest/{job}: only a job that is
// closed and done with, or aborted.
func (s *Server) handleDeleteJob(w http.ResponseWriter, r *http.Request) error {
	job, err := s.jobParam(r)
	if err != nil {
		return err
	}
	defer s.bulk.mu.Unlock()
	if job.state == JobOpen || job.state == JobInProgress {
		return errJobState("InvalidJobState : Job %s is in state %s and cannot be deleted", job.id, job.state)
	}
	delete(s.bulk.jobs, job.id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleJobResults serves the successfulResults, failedResults and
// unprocessedrecords CSVs: what is known so far.
func (s *Server) handleJobResults(kind string) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		job, err := s.jobParam(r)
		if err != nil {
			return err
		}
		var head []string
		var rows [][]string
		switch kind {
		case "successfulResults":
			head, rows = append([]string{"sf__Id", "sf__Created"}, job.header...), job.succeeded
		case "failedResults":
			head, rows = append([]string{"sf__Id", "sf__Error"}, job.header...), job.failures
		default:
			head, rows = job.header, job.unprocessed
			if job.header == nil && (job.state == JobAborted || job.state == JobFailed) && job.uploaded {
				head, rows = nil, nil
				s.bulk.mu.Unlock()
				w.Header().Set("Content-Type", "text/csv")
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(job.data)
				return nil
			}
		}
		out := resultCSV(head, rows, job.lineEnding, delimiters[job.delimiter])
		s.bulk.mu.Unlock()
		w.Header().Set("Content-Type", "text/csv")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
		return nil
	}
}

// resultCSV writes result rows as Salesforce does: every value quoted.
func resultCSV(head []string, rows [][]string, lineEnding string, delim rune) []byte {
	if head == nil {
		return nil
	}
	eol := "\n"
	if lineEnding == "CRLF" {
		eol = "\r\n"
	}
	var b bytes.Buffer
	line := func(vals []string) {
		for i, v := range vals {
			if i > 0 {
				b.WriteRune(delim)
			}
			b.WriteString(`"` + strings.ReplaceAll(v, `"`, `""`) + `"`)
		}
		b.WriteString(eol)
	}
	line(head)
	for _, r := range rows {
		line(r)
	}
	return b.Bytes()
}

// processJob runs a closed job's records through the write path.
func (s *Server) processJob(ctx context.Context, job *ingestJob) {
	start := time.Now()
	b := s.bulk
	rd := csv.NewReader(bytes.NewReader(job.data))
	rd.Comma = delimiters[job.delimiter]
	rd.FieldsPerRecord = 0
	b.mu.Lock()
	if job.state == JobUploadComplete {
		job.state = JobInProgress
	}
	b.mu.Unlock()
	all, err := rd.ReadAll()
	fail := func(msg string) {
		b.mu.Lock()
		defer b.mu.Unlock()
		if job.state != JobAborted {
			job.state, job.errorMessage, job.modstamp = JobFailed, msg, s.now()
		}
	}
	if err != nil {
		fail("InvalidBatch : Failed to parse CSV: " + err.Error())
		return
	}
	if len(all) < 2 {
		fail("InvalidBatch : Records not found in the upload")
		return
	}
	header, rows := all[0], all[1:]
	o, _ := s.schema.Object(job.object)
	cols, msg := bulkColumns(o, header, job)
	if msg != "" {
		fail(msg)
		return
	}
	b.mu.Lock()
	job.header = header
	b.mu.Unlock()
	for i, row := range rows {
		if ctx.Err() != nil {
			b.mu.Lock()
			job.unprocessed = append(job.unprocessed, rows[i:]...)
			b.mu.Unlock()
			break
		}
		id, created, apiErr := s.bulkRecord(job, o, cols, row)
		b.mu.Lock()
		job.processed++
		if apiErr != nil {
			job.failed++
			job.failures = append(job.failures, append([]string{id, bulkError(apiErr)}, row...))
		} else {
			job.succeeded = append(job.succeeded, append([]string{id, fmt.Sprint(created)}, row...))
		}
		job.processing = time.Since(start)
		b.mu.Unlock()
	}
	b.mu.Lock()
	if job.state == JobInProgress {
		job.state = JobComplete
	}
	job.modstamp = s.now()
	b.mu.Unlock()
}

// bulkColumn is one CSV column: a field, or a parent's external id
// through a relationship (Account.NetSuite_Id__c).
type bulkColumn struct {
	name     string // the field, or the relationship name
	refField string // the parent's field, for a relationship column
}

// bulkColumns checks the header row against the object.
func bulkColumns(o *schema.Object, header []string, job *ingestJob) ([]bulkColumn, string) {
	cols := make([]bulkColumn, len(header))
	hasKey := false
	for i, h := range header {
		h = strings.TrimSpace(h)
		if rel, field, ok := strings.Cut(h, "."); ok {
			if _, isRel := o.Parent(rel); !isRel {
				return nil, "InvalidBatch : Field name not found : " + h
			}
			cols[i] = bulkColumn{name: rel, refField: field}
			continue
		}
		f, ok := o.Field(h)
		if !ok {
			return nil, "InvalidBatch : Field name not found : " + h
		}
		cols[i] = bulkColumn{name: f.Name}
		if (job.operation == "upsert" && f.Name == job.extField) || (job.operation != "upsert" && job.operation != "insert" && f.Name == "Id") {
			hasKey = true
		}
	}
	if !hasKey && job.operation != "insert" {
		key := job.extField
		if key == "" {
			key = "Id"
		}
		return nil, "InvalidBatch : Field name not found : " + key
	}
	return cols, ""
}

// bulkRecord writes one CSV row in a transaction of its own.
func (s *Server) bulkRecord(job *ingestJob, o *schema.Object, cols []bulkColumn, row []string) (id string, created bool, apiErr *APIError) {
	if len(row) != len(cols) {
		return "", false, dmlErr("INVALID_FIELD", fmt.Sprintf("Wrong number of columns: %d, the header has %d", len(row), len(cols)))
	}
	fields := map[string]any{}
	var key string
	for i, c := range cols {
		v := row[i]
		if c.name == "Id" || c.name == job.extField {
			key = v
		}
		if v == "" {
			continue // empty values are ignored, as absent columns are
		}
		var val any = v
		if v == "#N/A" {
			val = nil
		}
		if c.refField != "" {
			fields[c.name] = map[string]any{c.refField: val}
			continue
		}
		fields[c.name] = val
	}
	err := s.write(job.user, job.origin, func(tx *txn) error {
		var err error
		switch job.operation {
		case "insert":
			id, err = s.createIn(tx, o.Name, fields)
			created = err == nil
		case "update", "delete":
			id = key
			delete(fields, "Id")
			if key == "" {
				return dmlErr("MISSING_ARGUMENT", "Id not specified in an update call")
			}
			if job.operation == "delete" {
				return asError(tx.delete(o, key))
			}
			err = s.updateIn(tx, o.Name, key, fields)
		case "upsert":
			f, _ := o.Field(job.extField)
			if key == "" {
				return dmlErr("MISSING_ARGUMENT", job.extField+" not specified", job.extField)
			}
			value, cerr := coerce(f, key)
			if cerr != nil {
				return cerr
			}
			var out upsertOutcome
			out, err = s.upsert(tx, externalKey{object: o, field: f, value: value}, fields, false)
			if out.matches != nil {
				return dmlErr("DUPLICATE_EXTERNAL_ID", fmt.Sprintf("%s: more than one record found for external id field: %v", f.Name, key))
			}
			id, created = out.id, out.created
		}
		return err
	})
	if err != nil {
		if job.operation == "insert" || job.operation == "upsert" {
			id = "" // rolled back: nothing was created or matched
		}
		return id, false, toAPIError(err)
	}
	return id, created, nil
}

// bulkError is a failed row's sf__Error: "CODE:message:fields --". A
// value of the wrong type reads as the Bulk API says it, not as the JSON
// parser of the REST API does.
func bulkError(e *APIError) string {
	code, msg, fields := e.ErrorCode, e.Message, e.Fields
	if code == "JSON_PARSER_ERROR" {
		code, msg, fields = "INVALID_FIELD", "Failed to deserialize field "+e.field+": "+msg, []string{e.field}
	}
	return code + ":" + msg + ":" + strings.Join(fields, ",") + " --"
}
