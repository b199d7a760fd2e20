package sandbox

import (
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestListRecordsPagesLikeOracle(t *testing.T) {
	a := newTestAccount(t, Config{})
	page1 := a.do(http.MethodGet, recordPath+"customer?limit=2", nil)
	oracle := fixtureJSON(t, "oracle-rest-collection-page1.response.json")
	if !reflect.DeepEqual(keysOf(page1.body), keysOf(oracle)) {
		t.Errorf("keys %v, want Oracle's %v", keysOf(page1.body), keysOf(oracle))
	}
	if page1.header.Get("Content-Type") != contentTypeCollection {
		t.Errorf("Content-Type %q", page1.header.Get("Content-Type"))
	}
	wantItem := map[string]any{"links": []any{map[string]any{"rel": "self", "href": a.ts.URL + recordPath + "customer/102"}}, "id": "102"}
	if !reflect.DeepEqual(at(page1.body, "items", 0), wantItem) {
		t.Errorf("first item %v", at(page1.body, "items", 0))
	}
	links := hrefs(page1.body["links"])
	base := a.ts.URL + recordPath + "customer"
	if page1.body["hasMore"] != true || page1.body["totalResults"] != 3.0 || page1.body["count"] != 2.0 ||
		links["next"] != base+"?limit=2&offset=2" || links["last"] != base+"?limit=2&offset=2" || links["self"] != base+"?limit=2" {
		t.Errorf("page 1: %v", page1.body)
	}
	page2 := a.do(http.MethodGet, recordPath+"customer?limit=2&offset=2", nil)
	links = hrefs(page2.body["links"])
	if page2.body["hasMore"] != false || page2.body["count"] != 1.0 || links["prev"] != base+"?limit=2&offset=0" ||
		links["first"] != base+"?limit=2&offset=0" || links["next"] != "" {
		t.Errorf("page 2: %v", page2.body)
	}
}

func TestListRecordsFilter(t *testing.T) {
	a := newTestAccount(t, Config{})
	a.created("customer", map[string]any{"companyName": "Filtered", "subsidiary": map[string]any{"id": "1"}, "externalId": "A-1", "email": "barbara@filtered.example"})
	tests := []struct{ q, want string }{
		{`email START_WITH barbara`, "105"},
		{`externalId IS "A-1"`, "105"},
		{`subsidiary ANY_OF 2`, "103"},
		{`companyName CONTAIN corp`, "102"},
		{`isInactive IS false AND email END_WITH acme.example`, "102"},
		{`externalId EMPTY_NOT`, "105"},
		{`lastModifiedDate ON_OR_AFTER "1/1/2025"`, "105"},
		{`lastModifiedDate BEFORE "1/1/2025" OR id EQUAL 105`, "102,103,104,105"},
		{`creditLimit GREATER 1000`, "102,103,104"},
	}
	for _, tt := range tests {
		res := a.do(http.MethodGet, recordPath+"customer?q="+url.QueryEscape(tt.q), nil)
		var ids []string
		for _, it := range res.body["items"].([]any) {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
		if got := strings.Join(ids, ","); got != tt.want {
			t.Errorf("q=%s: %s, want %s", tt.q, got, tt.want)
		}
	}
	bad := a.do(http.MethodGet, recordPath+"customer?q="+url.QueryEscape("nosuchfield IS 1"), nil)
	if bad.status != http.StatusBadRequest || errorDetail(bad.body)["o:errorQueryParam"] != "q" {
		t.Errorf("bad filter: %d %s", bad.status, bad.raw)
	}
}
