package netsuite

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tandem-sync/tandem/internal/testfixtures"
)

func TestCreateRecordReadsTheIDFromLocation(t *testing.T) {
	ns := newFakeNS(t, func(w http.ResponseWriter, r *http.Request) { created(w, r, "customer", "647") })
	body := testfixtures.Read(t, "netsuite", "oracle-rest-post-customer.request.json")

	id, err := ns.client().CreateRecord(context.Background(), "customer", json.RawMessage(body))
	if err != nil || id != "647" {
		t.Fatalf("CreateRecord = %q, %v; want 647", id, err)
	}
	req := ns.seen()[0]
	if req.Method != http.MethodPost || req.Path != "/services/rest/record/v1/customer" || req.RawQuery != "" {
		t.Errorf("sent %s %s?%s", req.Method, req.Path, req.RawQuery)
	}
	if req.Body != string(body) || req.Header.Get("Content-Type") != "application/json" || req.Header.Get("Accept") != "application/json" {
		t.Errorf("body %q content-type %q accept %q", req.Body, req.Header.Get("Content-Type"), req.Header.Get("Accept"))
	}
}

func TestCreateRecordWithoutLocationFails(t *testing.T) {
	ns := newFakeNS(t, noContent)
	if id, err := ns.client().CreateRecord(context.Background(), "customer", map[string]string{"companyName": "x"}); err == nil {
		t.Fatalf("got id %q from a 204 without Location", id)
	}
}

func TestIDFromLocation(t *testing.T) {
	cases := map[string]string{
		"https://demo123.suitetalk.api.netsuite.com/services/rest/record/v1/customer/647":        "647",
		"https://123456-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/18":    "18",
		"/services/rest/record/v1/customer/9?x=1":                                                "9",
		"https://demo123.suitetalk.api.netsuite.com/services/rest/record/v1/customer/eid:CID002": "eid:CID002",
	}
	for loc, want := range cases {
		if got, err := idFromLocation(loc); err != nil || got != want {
			t.Errorf("idFromLocation(%q) = %q, %v; want %q", loc, got, err, want)
		}
	}
	for _, bad := range []string{"", "/", "%zz"} {
		if got, err := idFromLocation(bad); err == nil {
			t.Errorf("idFromLocation(%q) = %q, want an error", bad, got)
		}
	}
}

func TestUpsertRecordSendsPUTByExternalIDWithReplace(t *testing.T) {
	ns := newFakeNS(t, sequence(
		func(w http.ResponseWriter, r *http.Request) { created(w, r, "salesOrder", "5001") },
		noContent, // an update may come without Location
	))
	c := ns.client()
	body := map[string]any{"entity": map[string]string{"id": "107"}, "item": map[string]any{"items": []any{map[string]any{"item": map[string]string{"id": "9"}, "quantity": 2}}}}

	id, err := c.UpsertRecord(context.Background(), "salesOrder", "SFOPP-0065g00000AbCdE", body, &WriteOptions{Replace: []string{"item"}})
	if err != nil || id != "5001" {
		t.Fatalf("UpsertRecord = %q, %v; want 5001", id, err)
	}
	id, err = c.UpsertRecord(context.Background(), "salesOrder", "SFOPP-0065g00000AbCdE", body, &WriteOptions{Replace: []string{"item", "salesTeam"}})
	if err != nil || id != "" {
		t.Fatalf("UpsertRecord without Location = %q, %v; want \"\"", id, err)
	}
	reqs := ns.seen()
	if reqs[0].Method != http.MethodPut || reqs[0].Path != "/services/rest/record/v1/salesOrder/eid:SFOPP-0065g00000AbCdE" || reqs[0].RawQuery != "replace=item" {
		t.Errorf("sent %s %s?%s", reqs[0].Method, reqs[0].Path, reqs[0].RawQuery)
	}
	if reqs[1].RawQuery != "replace=item%2CsalesTeam" {
		t.Errorf("replace query %q", reqs[1].RawQuery)
	}
	var sent map[string]any
	if err := json.Unmarshal([]byte(reqs[0].Body), &sent); err != nil || sent["entity"].(map[string]any)["id"] != "107" {
		t.Errorf("body %s", reqs[0].Body)
	}

	if _, err := c.UpsertRecord(context.Background(), "salesOrder", "A|B", body, nil); err == nil {
		t.Error("an external id with | must be refused before sending")
	}
	if len(ns.seen()) != 2 {
		t.Errorf("%d requests, want 2", len(ns.seen()))
	}
}

func TestUpdateAndDeleteRecord(t *testing.T) {
	ns := newFakeNS(t, func(w http.ResponseWriter, r *http.Request) { created(w, r, "customer", "107") })
	c := ns.client()
	if err := c.UpdateRecord(context.Background(), "customer", "107", map[string]any{"email": nil}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRecord(context.Background(), "customer", ExternalID("CID002")); err != nil {
		t.Fatal(err)
	}
	reqs := ns.seen()
	if reqs[0].Method != http.MethodPatch || reqs[0].Path != "/services/rest/record/v1/customer/107" || reqs[0].Body != `{"email":null}` {
		t.Errorf("update sent %s %s %s", reqs[0].Method, reqs[0].Path, reqs[0].Body)
	}
	if reqs[1].Method != http.MethodDelete || reqs[1].Path != "/services/rest/record/v1/customer/eid:CID002" || reqs[1].Body != "" {
		t.Errorf("delete sent %s %s %q", reqs[1].Method, reqs[1].Path, reqs[1].Body)
	}
}

func TestGetRecordWithFieldsAndExpand(t *testing.T) {
	body := testfixtures.Read(t, "netsuite", "oracle-rest-get-customer-fields.response.json")
	ns := newFakeNS(t, func(w http.ResponseWriter, r *http.Request) { answer(w, 200, typeSingular, body) })
	rec, err := ns.client().GetRecord(context.Background(), "customer", "107",
		&GetOptions{Fields: []string{"companyName", "email", "entityId"}, ExpandSubResources: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ns.seen()[0]; got.Method != http.MethodGet || got.RawQuery != "expandSubResources=true&fields=companyName%2Cemail%2CentityId" {
		t.Errorf("sent %s ?%s", got.Method, got.RawQuery)
	}
	if rec.String("companyName") != "Glenrock General Hospital" || rec.String("entityId") != "Alan Rath" {
		t.Errorf("record %v", rec)
	}
}

// Field shapes differ across NetSuite versions; the helpers read both.
func TestRecordHelpersOnRealRecords(t *testing.T) {
	var customer, order Record
	if err := decodeJSON(testfixtures.Read(t, "netsuite", "rest-get-customer.ledgersync.json"), &customer); err != nil {
		t.Fatal(err)
	}
	if err := decodeJSON(testfixtures.Read(t, "netsuite", "rest-get-salesorder.response.oracle-devrel.json"), &order); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ got, want any }{
		{customer.String("id"), "1137"},
		{customer.String("companyName"), "Company 1575890547"},
		{customer.Ref("currency"), Ref{ID: "1", RefName: "USA"}},
		{customer.Ref("entityStatus"), Ref{ID: "13", RefName: "CUSTOMER-Closed Won"}},
		{customer.Ref("creditholdoverride"), Ref{ID: "AUTO"}}, // 2020 plain-string enum
		{customer.Float("balance"), 0.0},
		{customer.Bool("isPerson"), false},
		{customer.String("currency"), ""}, // a reference is not text
		{order.String("credholdentity"), "110"},
		{order.Float("exchangeRate"), 1.0},
		{order.Bool("canBeUnapproved"), true},
		{order.Bool("isOnlineTransaction"), false}, // "F"
		{order.Ref("entity"), Ref{ID: "110", RefName: "Anonymous Customer"}},
		{len(order.Sublist("item")), 0}, // links only without expandSubResources
		{order.String("missing"), ""},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %#v, want %#v", i, c.got, c.want)
		}
	}
}

// An expanded sublist in the shape NetSuite returns with
// expandSubResources=true: a collection object with "items".
func TestSublist(t *testing.T) {
	const expanded = `{
	  "links": [{"rel": "self", "href": "https://123456-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/5001"}],
	  "id": "5001",
	  "item": {
	    "links": [{"rel": "self", "href": "https://123456-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/5001/item"}],
	    "items": [
	      {"links": [], "item": {"links": [], "id": "9", "refName": "HX-2"}, "line": 1, "quantity": 2.0, "rate": 10.5, "amount": 21.0},
	      {"links": [], "item": {"links": [], "id": "12", "refName": "HX-7"}, "line": 2, "quantity": 1.0, "rate": 99.99, "amount": 99.99}
	    ],
	    "totalResults": 2
	  }
	}`
	var rec Record
	if err := decodeJSON([]byte(expanded), &rec); err != nil {
		t.Fatal(err)
	}
	lines := rec.Sublist("item")
	if len(lines) != 2 || lines[1].Ref("item") != (Ref{ID: "12", RefName: "HX-7"}) || lines[1].Float("rate") != 99.99 || lines[0].String("line") != "1" {
		t.Errorf("lines %v", lines)
	}
}

func TestMalformedIDsAreNeverSent(t *testing.T) {
	ns := newFakeNS(t, noContent)
	c := ns.client()
	for _, tc := range []struct{ recordType, id string }{
		{"customer", ""},
		{"customer", "12/../13"},
		{"customer", "12?x=1"},
		{"customer", "eid:"},
		{"customer", "eid:A B"},
		{"../system", "1"},
		{"", "1"},
	} {
		if _, err := c.GetRecord(context.Background(), tc.recordType, tc.id, nil); err == nil {
			t.Errorf("GetRecord(%q, %q) was accepted", tc.recordType, tc.id)
		}
	}
	if n := len(ns.seen()); n != 0 {
		t.Errorf("%d malformed requests reached the server", n)
	}
}
