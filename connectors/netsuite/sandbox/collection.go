package sandbox

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// listRecords is GET /record/v1/{type}[?q=…&limit&offset]: ids and links
// only, as NetSuite lists records.
func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, rt *recordType) {
	p, aerr := pagingFrom(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	q := r.URL.Query().Get("q")
	filter, err := parseFilter(q, rt)
	if err != nil {
		invalidParameter("q", "Invalid search query. Provide a valid search query.").write(w)
		s.log.Info("netsuite sandbox: record filter refused", "q", q, "reason", err)
		return
	}
	base := s.recordBase(r)
	s.store.mu.Lock()
	var ids []string
	for _, rec := range s.store.all(rt) {
		if filter.matches(rec) {
			ids = append(ids, rec.id)
		}
	}
	s.store.mu.Unlock()
	from, to := p.bounds(len(ids))
	items := []any{}
	for _, id := range ids[from:to] {
		items = append(items, map[string]any{"links": link(base + "/" + rt.name + "/" + id), "id": id})
	}
	var extra url.Values
	if q != "" {
		extra = url.Values{"q": {q}}
	}
	writeJSON(w, http.StatusOK, contentTypeCollection,
		p.collection(base+"/"+rt.name, r.URL.RawQuery, extra, items, len(items), len(ids)))
}

// recordFilter is a record collection's q: conditions on body fields
// (N/query operators) joined by AND or OR, evaluated left to right.
type recordFilter struct {
	conds []condition
	ors   []bool // ors[i]: conds[i+1] joins with OR
}

type condition struct {
	field string
	op    string
	value string
}

func (f recordFilter) matches(r *record) bool {
	if len(f.conds) == 0 {
		return true
	}
	ok := f.conds[0].matches(r)
	for i, c := range f.conds[1:] {
		if f.ors[i] {
			ok = ok || c.matches(r)
		} else {
			ok = ok && c.matches(r)
		}
	}
	return ok
}

// parseFilter reads `field OP value [AND|OR …]`; values may be "quoted".
func parseFilter(q string, rt *recordType) (recordFilter, error) {
	var f recordFilter
	toks := filterTokens(q)
	for i := 0; i < len(toks); {
		if len(f.conds) > 0 {
			switch strings.ToUpper(toks[i]) {
			case "AND", "OR":
				f.ors = append(f.ors, strings.EqualFold(toks[i], "OR"))
				i++
			default:
				return f, errFilter("expected AND or OR at %q", toks[i])
			}
		}
		c, n, err := parseCondition(toks[i:], rt)
		if err != nil {
			return f, err
		}
		f.conds = append(f.conds, c)
		i += n
	}
	if len(f.ors) >= len(f.conds) && len(f.conds) > 0 {
		return f, errFilter("dangling AND/OR")
	}
	return f, nil
}

// filterOps take a value; the EMPTY ones do not.
var filterOps = map[string]bool{
	"IS": true, "IS_NOT": true, "EQUAL": true, "EQUAL_NOT": true, "ANY_OF": true, "ANY_OF_NOT": true,
	"CONTAIN": true, "CONTAIN_NOT": true, "START_WITH": true, "START_WITH_NOT": true,
	"END_WITH": true, "END_WITH_NOT": true, "GREATER": true, "GREATER_OR_EQUAL": true,
	"LESS": true, "LESS_OR_EQUAL": true, "AFTER": true, "ON_OR_AFTER": true, "BEFORE": true,
	"ON_OR_BEFORE": true, "ON": true, "EMPTY": false, "EMPTY_NOT": false,
}

func parseCondition(toks []string, rt *recordType) (condition, int, error) {
	if len(toks) < 2 {
		return condition{}, 0, errFilter("incomplete condition")
	}
	f, ok := rt.fields.lookup(toks[0])
	if !ok || f.kind == kindSublist || f.kind == kindSubrecord {
		return condition{}, 0, errFilter("unknown field %q", toks[0])
	}
	op := strings.ToUpper(toks[1])
	needsValue, ok := filterOps[op]
	if !ok {
		return condition{}, 0, errFilter("unknown operator %q", toks[1])
	}
	c := condition{field: f.name, op: op}
	if !needsValue {
		return c, 2, nil
	}
	if len(toks) < 3 {
		return condition{}, 0, errFilter("operator %s needs a value", op)
	}
	c.value = toks[2]
	return c, 3, nil
}

// filterTokens splits on spaces, keeping "quoted values" whole.
func filterTokens(q string) []string {
	var toks []string
	for rest := strings.TrimSpace(q); rest != ""; rest = strings.TrimSpace(rest) {
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return append(toks, rest[1:])
			}
			toks = append(toks, rest[1:end+1])
			rest = rest[end+2:]
			continue
		}
		tok, after, _ := strings.Cut(rest, " ")
		toks = append(toks, tok)
		rest = after
	}
	return toks
}

func (c condition) matches(r *record) bool {
	actual, present := filterText(r, c.field)
	switch c.op {
	case "EMPTY":
		return !present
	case "EMPTY_NOT":
		return present
	}
	negate := strings.HasSuffix(c.op, "_NOT")
	return c.test(strings.TrimSuffix(c.op, "_NOT"), actual, present) != negate
}

func (c condition) test(op, actual string, present bool) bool {
	a, v := strings.ToLower(actual), strings.ToLower(c.value)
	switch op {
	case "IS", "EQUAL", "ANY_OF":
		return present && (a == v || op == "ANY_OF" && anyOf(a, v))
	case "CONTAIN":
		return strings.Contains(a, v)
	case "START_WITH":
		return strings.HasPrefix(a, v)
	case "END_WITH":
		return strings.HasSuffix(a, v)
	}
	return present && compareFilterValues(op, actual, c.value)
}

func anyOf(a, list string) bool {
	for v := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(v) == a {
			return true
		}
	}
	return false
}

// compareFilterValues orders dates (ISO or M/D/YYYY) or numbers.
func compareFilterValues(op, actual, want string) bool {
	var c int
	if at, aerr := parseFilterDate(actual); aerr == nil {
		wt, werr := parseFilterDate(want)
		if werr != nil {
			return false
		}
		if op == "ON" || op == "ON_OR_AFTER" || op == "ON_OR_BEFORE" || op == "AFTER" || op == "BEFORE" {
			at, wt = at.Truncate(24*time.Hour), wt.Truncate(24*time.Hour)
		}
		c = at.Compare(wt)
	} else {
		a, aok := toNumber(actual)
		w, wok := toNumber(want)
		if !aok || !wok {
			return false
		}
		c = cmp.Compare(a, w)
	}
	switch op {
	case "GREATER", "AFTER":
		return c > 0
	case "GREATER_OR_EQUAL", "ON_OR_AFTER":
		return c >= 0
	case "LESS", "BEFORE":
		return c < 0
	case "LESS_OR_EQUAL", "ON_OR_BEFORE":
		return c <= 0
	}
	return c == 0 // ON
}

func parseFilterDate(s string) (time.Time, error) {
	var err error
	for _, layout := range []string{isoSeconds, time.RFC3339, time.DateOnly, "1/2/2006", "1/2/2006 3:04 pm"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// filterText is a field's value as a filter compares it: references and
// select values by id, datetimes as ISO text.
func filterText(r *record, field string) (string, bool) {
	switch field {
	case "id":
		return r.id, true
	case "lastModifiedDate":
		return r.modified.Format(isoSeconds), true
	case r.typ.created:
		return r.created.Format(isoSeconds), true
	}
	switch v := r.fields[field].(type) {
	case nil:
		return "", false
	case refValue:
		return v.id, true
	case enumValue:
		return string(v), true
	case time.Time:
		return v.Format(isoSeconds), true
	case string:
		return v, v != ""
	case float64:
		return formatNumberText(v), true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

func errFilter(format string, args ...any) error { return fmt.Errorf(format, args...) }

func formatNumberText(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
