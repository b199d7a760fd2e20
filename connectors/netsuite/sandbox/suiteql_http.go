package sandbox

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"
)

// serveSuiteQL is POST /services/rest/query/v1/suiteql?limit&offset with
// {"q": …, "params": […]} and the Prefer: transient header.
func (s *Server) serveSuiteQL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(r.Method).write(w)
		return
	}
	res, p, aerr := s.runSuiteQL(w, r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	from, to := p.bounds(len(res.Rows))
	items := make([]orderedObject, 0, to-from)
	for _, row := range res.Rows[from:to] {
		item := orderedObject{values: map[string]any{}}
		item.set("links", []any{})
		for i, col := range res.Columns {
			if text, ok := suiteql.Text(row[i]); ok { // NULL columns are left out
				item.set(col, text)
			}
		}
		items = append(items, item)
	}
	self := s.linkBase(r) + "/services/rest/query/v1/suiteql"
	writeJSON(w, http.StatusOK, contentTypeCollection, p.collection(self, r.URL.RawQuery, nil, items, len(items), len(res.Rows)))
}

func (s *Server) runSuiteQL(w http.ResponseWriter, r *http.Request) (*suiteql.Result, page, *apiError) {
	if !preferTransient(r.Header.Values("Prefer")) {
		return nil, page{}, invalidHeader("Prefer", "Invalid Prefer header. SuiteQL queries require the header Prefer: transient.")
	}
	p, aerr := pagingFrom(r)
	if aerr != nil {
		return nil, p, aerr
	}
	body, aerr := readBody(w, r)
	if aerr != nil {
		return nil, p, aerr
	}
	q, _ := body["q"].(string)
	if strings.TrimSpace(q) == "" {
		return nil, p, invalidParameter("q", "Invalid search query. Provide a valid search query.")
	}
	rawParams, _ := body["params"].([]any)
	params := make([]suiteql.Value, len(rawParams))
	for i, v := range rawParams {
		params[i] = suiteql.ParamValue(v)
	}
	parsed, err := suiteql.Parse(q)
	var res *suiteql.Result
	if err == nil {
		s.store.mu.Lock()
		res, err = parsed.Run(s.store.suiteqlTable, params)
		s.store.mu.Unlock()
	}
	if err != nil {
		return nil, p, s.queryError(q, err)
	}
	return res, p, nil
}

// queryError answers with NetSuite's wording and logs the precise reason.
func (s *Server) queryError(q string, err error) *apiError {
	s.log.Info("netsuite sandbox: SuiteQL query refused", "q", q, "reason", err)
	var qe *suiteql.Error
	detail := suiteql.DetailPrefix + "Search error occurred: Invalid or unsupported search."
	if errors.As(err, &qe) {
		detail = suiteql.DetailPrefix + qe.Detail
	}
	return invalidParameter("q", detail)
}

func preferTransient(values []string) bool {
	for _, v := range values {
		for pref := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(pref), "transient") {
				return true
			}
		}
	}
	return false
}
