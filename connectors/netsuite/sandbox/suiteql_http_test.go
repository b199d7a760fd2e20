package sandbox

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

const suiteqlPath = "/services/rest/query/v1/suiteql"

func query(q string, params ...any) map[string]any {
	body := map[string]any{"q": q}
	if len(params) > 0 {
		body["params"] = params
	}
	return body
}

func hrefs(links any) map[string]string {
	out := map[string]string{}
	for _, l := range links.([]any) {
		m := l.(map[string]any)
		out[m["rel"].(string)] = m["href"].(string)
	}
	return out
}

func TestSuiteQLAnswerShape(t *testing.T) {
	a := newTestAccount(t, Config{})
	res := a.do(http.MethodPost, suiteqlPath, query("SELECT companyname, email, phone, id FROM customer WHERE id = ?", "102"))
	want := map[string]any{
		"links":   []any{map[string]any{"rel": "self", "href": a.ts.URL + suiteqlPath}},
		"count":   1.0,
		"hasMore": false,
		"items": []any{map[string]any{"links": []any{}, "companyname": "Acme Corporation",
			"email": "ap@acme.example", "phone": "+1 555 0101", "id": "102"}},
		"offset":       0.0,
		"totalResults": 1.0,
	}
	if res.status != http.StatusOK || !reflect.DeepEqual(res.body, want) {
		t.Fatalf("%d\n got %v\nwant %v", res.status, res.body, want)
	}
	// the columns keep their select-list order, like NetSuite's rows
	if !strings.Contains(res.raw, `{"links":[],"companyname":"Acme Corporation","email":"ap@acme.example","phone":"+1 555 0101","id":"102"}`) {
		t.Errorf("row order: %s", res.raw)
	}
}

func TestSuiteQLPaging(t *testing.T) {
	a := newTestAccount(t, Config{Seed: Seed{Items: 25}})
	const q = "SELECT id, itemid FROM item ORDER BY id"
	var seen []string
	for offset := 0; ; offset += 10 {
		res := a.do(http.MethodPost, fmt.Sprintf("%s?limit=10&offset=%d", suiteqlPath, offset), query(q))
		if res.status != http.StatusOK {
			t.Fatalf("offset %d: %d %s", offset, res.status, res.raw)
		}
		links := hrefs(res.body["links"])
		page := func(o int) string { return fmt.Sprintf("%s%s?limit=10&offset=%d", a.ts.URL, suiteqlPath, o) }
		if links["self"] != page(offset) {
			t.Errorf("self %q", links["self"])
		}
		if res.body["totalResults"] != 25.0 || res.body["offset"] != float64(offset) {
			t.Errorf("offset %d: totalResults %v offset %v", offset, res.body["totalResults"], res.body["offset"])
		}
		for _, it := range res.body["items"].([]any) {
			seen = append(seen, it.(map[string]any)["id"].(string))
		}
		hasMore := res.body["hasMore"] == true
		if hasMore != (links["next"] != "") || hasMore && (links["next"] != page(offset+10) || links["last"] != page(20)) {
			t.Errorf("offset %d: hasMore %v links %v", offset, hasMore, links)
		}
		if (offset > 0) != (links["prev"] != "") || offset > 0 && links["first"] != page(0) {
			t.Errorf("offset %d: prev/first links %v", offset, links)
		}
		if !hasMore {
			if res.body["count"] != 5.0 || offset != 20 {
				t.Errorf("last page: count %v at offset %d", res.body["count"], offset)
			}
			break
		}
		if res.body["count"] != 10.0 {
			t.Errorf("offset %d: count %v", offset, res.body["count"])
		}
	}
	if len(seen) != 25 || seen[0] != "1001" || seen[24] != "1025" {
		t.Errorf("paged through %d ids: %v", len(seen), seen)
	}
}

func TestSuiteQLErrors(t *testing.T) {
	a := newTestAccount(t, Config{})
	tests := []struct {
		name, path string
		body       any
		noPrefer   bool
		status     int
		code       string
		detail     string
		param      string
	}{
		{"unknown column", suiteqlPath, query("select not_existing_field from customer"), false, 400, codeInvalidParameter,
			"Invalid search query. Detailed unprocessed description follows. Search error occurred: Unknown identifier 'not_existing_field'. Available identifiers are: {customer=customer}.", "q"},
		{"unknown table", suiteqlPath, query("select id from transactiontablethatdoesnotexist"), false, 400, codeInvalidParameter,
			"Invalid search query. Detailed unprocessed description follows. Invalid search type: transactiontablethatdoesnotexist.", "q"},
		{"syntax", suiteqlPath, query("SELEC id FROM customer"), false, 400, codeInvalidParameter,
			"Invalid search query. Detailed unprocessed description follows. Search error occurred: Invalid or unsupported search.", "q"},
		{"no q", suiteqlPath, map[string]any{}, false, 400, codeInvalidParameter, "Invalid search query. Provide a valid search query.", "q"},
		{"offset not a multiple", suiteqlPath + "?limit=10&offset=5", query("SELECT id FROM customer"), false, 400, codeInvalidParameter, "", "offset"},
		{"limit above 1000", suiteqlPath + "?limit=5000", query("SELECT id FROM customer"), false, 400, codeInvalidParameter, "", "limit"},
		{"without Prefer: transient", suiteqlPath, query("SELECT id FROM customer"), true, 400, codeInvalidHeader, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := a.request(http.MethodPost, tt.path, tt.body)
			if tt.noPrefer {
				req.Header.Del("Prefer")
			}
			res := a.send(req)
			d := errorDetail(res.body)
			if res.status != tt.status || d["o:errorCode"] != tt.code {
				t.Fatalf("%d %s", res.status, res.raw)
			}
			if tt.detail != "" && d["detail"] != tt.detail {
				t.Errorf("detail %q, want %q", d["detail"], tt.detail)
			}
			if tt.param != "" && d["o:errorQueryParam"] != tt.param {
				t.Errorf("o:errorQueryParam %v, want %s", d["o:errorQueryParam"], tt.param)
			}
			if tt.noPrefer && d["o:errorHeader"] != "Prefer" {
				t.Errorf("o:errorHeader %v", d["o:errorHeader"])
			}
		})
	}
}

// TestSuiteQLSeesWrites runs the watermark pattern over records written
// through the API: dates compare and print as NetSuite's do.
func TestSuiteQLSeesWrites(t *testing.T) {
	clock := newFixedClock(time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC))
	a := newTestAccount(t, Config{Clock: clock.Now})
	so := a.created("salesOrder", map[string]any{"entity": map[string]any{"id": "103"}, "externalId": "SFOPP-1",
		"custbody_sf_opportunity": "0065g00000XyZ", "item": map[string]any{"items": []any{itemLine("1002", 2, 50)}}})
	a.do(http.MethodPatch, recordPath+"customer/102", map[string]any{"phone": "+1 555 9999"})

	res := a.do(http.MethodPost, suiteqlPath, query(
		"SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm FROM customer "+
			"WHERE lastmodifieddate >= TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id", "2024-02-01 00:00:00"))
	if got := fmt.Sprint(res.body["items"]); got != "[map[id:102 links:[] lm:2024-03-01 12:30:00]]" {
		t.Errorf("watermark query: %s", got)
	}
	res = a.do(http.MethodPost, suiteqlPath, query(
		"SELECT t.id, t.tranid, t.type, t.entity, BUILTIN.DF(t.entity) AS customer, t.foreigntotal, t.trandate, t.custbody_sf_opportunity "+
			"FROM transaction t WHERE t.type = 'SalesOrd' AND t.externalid = ?", "SFOPP-1"))
	want := map[string]any{"links": []any{}, "id": so, "tranid": "SO1", "type": "SalesOrd", "entity": "103",
		"customer": "Globex Ltd", "foreigntotal": "100", "trandate": "3/1/2024", "custbody_sf_opportunity": "0065g00000XyZ"}
	if !reflect.DeepEqual(at(res.body, "items", 0), want) {
		t.Errorf("transaction row\n got %v\nwant %v", at(res.body, "items", 0), want)
	}
	res = a.do(http.MethodPost, suiteqlPath, query("SELECT COUNT(*) AS count FROM item WHERE itemtype = 'InvtPart' AND isinactive = 'F'"))
	if at(res.body, "items", 0, "count") != "11" {
		t.Errorf("item count: %v", res.body["items"])
	}
}
