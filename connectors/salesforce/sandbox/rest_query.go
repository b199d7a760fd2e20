package sandbox

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/soql"
)

// cursor is a query result kept for nextRecordsUrl ("query locator").
type cursor struct {
	records []*soql.Record
	total   int
	batch   int
}

// cursors keeps the most recent query results; the oldest are dropped,
// as Salesforce limits open query cursors.
type cursors struct {
	byID  map[string]*cursor
	order []string
	n     uint64
}

func newCursors() *cursors { return &cursors{byID: map[string]*cursor{}} }

func (c *cursors) add(cur *cursor) string {
	c.n++
	id := sfid.New("01g", c.n)
	c.byID[id] = cur
	c.order = append(c.order, id)
	if len(c.order) > maxQueryCursors {
		delete(c.byID, c.order[0])
		c.order = c.order[1:]
	}
	return id
}

// queryPage is a query response: {totalSize, done, nextRecordsUrl?, records}.
func queryPage(version string, total int, done bool, next string, records []*soql.Record) jsonObject {
	page := jsonObject{{"totalSize", total}, {"done", done}}
	if next != "" {
		page = append(page, jsonField{"nextRecordsUrl", next})
	}
	list := make([]jsonObject, len(records))
	for i, r := range records {
		list[i] = recordJSON(version, r)
	}
	return append(page, jsonField{"records", list})
}

// batchSize reads Sforce-Query-Options: batchSize=N (200..2000).
func (s *Server) batchSize(r *http.Request) int {
	for _, opt := range strings.Split(r.Header.Get("Sforce-Query-Options"), ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(opt), "="); ok && strings.EqualFold(k, "batchSize") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return max(MinQueryBatchSize, min(MaxQueryBatchSize, n))
			}
		}
	}
	return s.cfg.QueryBatchSize
}

// handleQuery serves GET /query?q= and /queryAll?q=.
func (s *Server) handleQuery(all bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		if q == "" {
			writeAPIError(w, apiErr(http.StatusBadRequest, "MALFORMED_QUERY", "A query string has to be specified"))
			return
		}
		s.mu.Lock()
		res, err := soql.Run(q, s.schema, s.store, soql.Options{IncludeDeleted: all, Now: s.now(), Readable: s.fls.readable(callOf(r).user.ID)})
		s.mu.Unlock()
		if err != nil {
			writeFailure(w, queryError(err))
			return
		}
		s.writePage(w, r, all, &cursor{records: res.Records, total: res.TotalSize, batch: s.batchSize(r)}, "", 0)
	}
}

// queryError turns a SOQL error into the REST API's 400.
func queryError(err error) error {
	if qe, ok := err.(*soql.Error); ok {
		return &APIError{StatusCode: http.StatusBadRequest, ErrorCode: qe.Code, Message: qe.Message()}
	}
	return err
}

// writePage writes records [offset, offset+batch) of a result, keeping
// the result under a locator when more remain.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, all bool, cur *cursor, locator string, offset int) {
	version := callOf(r).version
	end := min(len(cur.records), offset+cur.batch)
	next := ""
	if end < len(cur.records) {
		if locator == "" {
			s.mu.Lock()
			locator = s.cursors.add(cur)
			s.mu.Unlock()
		}
		resource := "query"
		if all {
			resource = "queryAll"
		}
		next = "/services/data/v" + version + "/" + resource + "/" + locator + "-" + strconv.Itoa(end)
	}
	writeJSON(w, http.StatusOK, queryPage(version, cur.total, next == "", next, cur.records[offset:end]))
}

// handleQueryMore serves GET /query/{locator}-{offset}.
func (s *Server) handleQueryMore(all bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		locator, offsetText, _ := strings.Cut(chi.URLParam(r, "locator"), "-")
		offset, err := strconv.Atoi(offsetText)
		s.mu.Lock()
		cur, ok := s.cursors.byID[locator]
		s.mu.Unlock()
		if !ok || err != nil || offset < 0 || offset >= len(cur.records) {
			writeAPIError(w, apiErr(http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator"))
			return
		}
		s.writePage(w, r, all, cur, locator, offset)
	}
}
