package netsuite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// suiteQLServer pages total rows the way the query service does: links,
// count, hasMore, items (lower-case columns, string values), offset,
// totalResults.
func suiteQLServer(total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if r.Method != http.MethodPost || r.URL.Path != suiteQLPath || limit == 0 || offset%limit != 0 ||
			r.Header.Get("Prefer") != "transient" || r.Header.Get("Content-Type") != "application/json" {
			answer(w, 400, typeError, []byte(`{"type":"https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1","title":"Bad Request","status":400,"o:errorDetails":[{"detail":"Invalid request.","o:errorCode":"INVALID_REQUEST"}]}`))
			return
		}
		end := min(offset+limit, total)
		items := make([]map[string]any, 0, end-offset)
		for i := offset; i < end; i++ {
			items = append(items, map[string]any{"links": []any{}, "id": strconv.Itoa(i + 1), "companyname": fmt.Sprintf("Customer %d", i+1), "balance": "12.50"})
		}
		self := fmt.Sprintf("http://%s%s?limit=%d&offset=%d", r.Host, suiteQLPath, limit, offset)
		links := []map[string]string{{"rel": "self", "href": self}}
		if end < total {
			links = append(links, map[string]string{"rel": "next", "href": fmt.Sprintf("http://%s%s?limit=%d&offset=%d", r.Host, suiteQLPath, limit, end)})
		}
		page, _ := json.Marshal(map[string]any{
			"links": links, "count": len(items), "hasMore": end < total, "items": items, "offset": offset, "totalResults": total,
		})
		answer(w, 200, "application/vnd.oracle.resource+json; type=collection", page)
	}
}

func TestSuiteQLFollowsHasMoreAcrossThreePages(t *testing.T) {
	const total = 2*MaxSuiteQLPage + 3
	ns := newFakeNS(t, suiteQLServer(total))
	query := testfixtures.Read(t, "netsuite", "oracle-suiteql-bound-params.request.json")
	var req struct {
		Q      string `json:"q"`
		Params []any  `json:"params"`
	}
	if err := json.Unmarshal(query, &req); err != nil {
		t.Fatal(err)
	}

	rows, err := ns.client().SuiteQLAll(context.Background(), req.Q, req.Params)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != total || rows[0].String("id") != "1" || rows[total-1].String("companyname") != fmt.Sprintf("Customer %d", total) || rows[5].Float("balance") != 12.5 {
		t.Fatalf("%d rows, first %v last %v", len(rows), rows[0], rows[len(rows)-1])
	}

	reqs := ns.seen()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if want := fmt.Sprintf("limit=1000&offset=%d", i*MaxSuiteQLPage); r.RawQuery != want {
			t.Errorf("page %d query %q, want %q", i, r.RawQuery, want)
		}
		if r.Body != `{"q":"SELECT * FROM item WHERE id BETWEEN ? AND ?","params":["-7","0"]}` {
			t.Errorf("page %d body %s", i, r.Body)
		}
	}
	// The fake verified each TBA signature against the query it received;
	// the base strings it accepted carry limit and offset.
	ns.mu.Lock()
	defer ns.mu.Unlock()
	for i, base := range ns.bases {
		if !strings.Contains(base, "limit%3D1000%26") || !strings.Contains(base, fmt.Sprintf("%%26offset%%3D%d", i*MaxSuiteQLPage)) {
			t.Errorf("signed base string %d lacks limit/offset: %s", i, base)
		}
	}
	if len(ns.bases) != 3 {
		t.Errorf("%d verified signatures, want 3", len(ns.bases))
	}
}

func TestSuiteQLOmitsEmptyParamsAndReadsRealRows(t *testing.T) {
	page := testfixtures.Read(t, "netsuite", "suiteql-response-customer.ledgersync.json")
	ns := newFakeNS(t, func(w http.ResponseWriter, r *http.Request) {
		answer(w, 200, "application/vnd.oracle.resource+json; type=collection", page)
	})
	var got []string
	err := ns.client().SuiteQL(context.Background(), "SELECT id, companyname, email, phone FROM customer", nil, func(r Row) error {
		got = append(got, r.String("id")+" "+r.String("companyname"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ", ") != "309 Cool co, 312 Ledger Drinks" {
		t.Errorf("rows %v", got)
	}
	if body := ns.seen()[0].Body; body != `{"q":"SELECT id, companyname, email, phone FROM customer"}` {
		t.Errorf("body %s", body)
	}
}

func TestSuiteQLStopsOnCallbackError(t *testing.T) {
	ns := newFakeNS(t, suiteQLServer(3*MaxSuiteQLPage))
	stop := errors.New("enough")
	n := 0
	err := ns.client().SuiteQL(context.Background(), "SELECT id FROM customer", nil, func(Row) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 || len(ns.seen()) != 1 {
		t.Errorf("err %v after %d rows and %d requests", err, n, len(ns.seen()))
	}
}
