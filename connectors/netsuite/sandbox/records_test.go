package sandbox

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

const recordPath = "/services/rest/record/v1/"

func TestCreateThenGet(t *testing.T) {
	a := newTestAccount(t, Config{})
	res := a.do(http.MethodPost, recordPath+"customer", map[string]any{
		"companyName": "Northwind Traders", "email": "ap@northwind.example", "externalId": "0015g00000ABCDEF",
		"subsidiary": map[string]any{"id": "1"}, "custentity_tier": "gold",
	})
	if res.status != http.StatusNoContent || res.raw != "" {
		t.Fatalf("POST = %d %q, want 204 without body", res.status, res.raw)
	}
	loc := res.header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if want := a.ts.URL + recordPath + "customer/" + id; loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}

	got := a.do(http.MethodGet, recordPath+"customer/"+id, nil)
	if got.status != http.StatusOK || got.header.Get("Content-Type") != contentTypeSingular {
		t.Fatalf("GET = %d %s", got.status, got.header.Get("Content-Type"))
	}
	checks := map[string]any{
		"id": id, "companyName": "Northwind Traders", "entityId": "Northwind Traders", "isPerson": false,
		"externalId": "0015g00000ABCDEF", "custentity_tier": "gold",
	}
	for k, want := range checks {
		if got.body[k] != want {
			t.Errorf("%s = %v, want %v", k, got.body[k], want)
		}
	}
	// a reference reads as {links, id, refName}, defaulted from the subsidiary
	if at(got.body, "currency", "id") != "1" || at(got.body, "currency", "refName") != "US Dollar" ||
		at(got.body, "currency", "links", 0, "href") != a.ts.URL+recordPath+"currency/1" {
		t.Errorf("currency = %v", got.body["currency"])
	}
	// a sublist is a link unless expanded
	if !reflect.DeepEqual(got.body["addressBook"], map[string]any{"links": []any{
		map[string]any{"rel": "self", "href": a.ts.URL + recordPath + "customer/" + id + "/addressBook"}}}) {
		t.Errorf("addressBook = %v", got.body["addressBook"])
	}
	if !strings.HasPrefix(got.raw, `{"links":[`) {
		t.Errorf("body does not start with links: %.40s", got.raw)
	}

	byEID := a.do(http.MethodGet, recordPath+"customer/eid:0015g00000ABCDEF", nil)
	if byEID.status != http.StatusOK || byEID.body["id"] != id {
		t.Errorf("GET eid: %d id=%v", byEID.status, byEID.body["id"])
	}
	lower := a.do(http.MethodGet, recordPath+"CUSTOMER/"+id, nil)
	if lower.status != http.StatusOK {
		t.Errorf("type names are case-insensitive: GET CUSTOMER = %d", lower.status)
	}
}

func TestFieldNamesAreCaseInsensitive(t *testing.T) {
	a := newTestAccount(t, Config{})
	// Oracle's own example writes lower-case field names
	id := a.created("customer", map[string]any{"entityid": "New Customer", "companyname": "My Company", "subsidiary": map[string]any{"id": "1"}})
	rec, _ := a.srv.Get("customer", id)
	if rec["entityId"] != "New Customer" || rec["companyName"] != "My Company" {
		t.Errorf("entityId=%v companyName=%v", rec["entityId"], rec["companyName"])
	}
}

func TestGetFieldsAndExpand(t *testing.T) {
	a := newTestAccount(t, Config{})
	got := a.do(http.MethodGet, recordPath+"customer/102?fields=companyName,email,entityId", nil)
	want := map[string]any{
		"links": []any{map[string]any{"rel": "self",
			"href": a.ts.URL + recordPath + "customer/102?fields=companyName%2Cemail%2CentityId"}},
		"companyName": "Acme Corporation", "email": "ap@acme.example", "entityId": "Acme Corporation",
	}
	if !reflect.DeepEqual(got.body, want) {
		t.Errorf("fields= answer\n got %v\nwant %v", got.body, want)
	}

	exp := a.do(http.MethodGet, recordPath+"customer/102?expandSubResources=true", nil)
	book, _ := exp.body["addressBook"].(map[string]any)
	for k, v := range map[string]any{"totalResults": 1.0, "count": 1.0, "hasMore": false, "offset": 0.0} {
		if book[k] != v {
			t.Errorf("addressBook.%s = %v, want %v", k, book[k], v)
		}
	}
	line := at(book, "items", 0)
	if at(line, "links", 0, "href") != a.ts.URL+recordPath+"customer/102/addressBook/1" ||
		at(line, "defaultBilling") != true || at(line, "addressBookAddress", "city") != "San Francisco" ||
		at(line, "addressBookAddress", "country", "id") != "US" ||
		at(line, "addressBookAddress", "country", "refName") != "United States" {
		t.Errorf("address line = %v", line)
	}
	bad := a.do(http.MethodGet, recordPath+"customer/102?expandSubResources=yes", nil)
	if bad.status != http.StatusBadRequest || errorCode(bad.body) != codeInvalidParameter {
		t.Errorf("expandSubResources=yes: %d %s", bad.status, bad.raw)
	}
}

func salesOrderBody(lines ...map[string]any) map[string]any {
	items := make([]any, len(lines))
	for i, l := range lines {
		items[i] = l
	}
	return map[string]any{"entity": map[string]any{"id": "102"}, "item": map[string]any{"items": items}}
}

func itemLine(item string, qty, rate float64) map[string]any {
	l := map[string]any{"item": map[string]any{"id": item}, "quantity": qty}
	if rate > 0 {
		l["rate"] = rate
	}
	return l
}

func itemLinesOf(t *testing.T, a *testAccount, id string) []map[string]any {
	t.Helper()
	rec, ok := a.srv.Get("salesOrder", id)
	if !ok {
		t.Fatalf("salesOrder %s missing", id)
	}
	var out []map[string]any
	for _, l := range at(rec, "item", "items").([]any) {
		out = append(out, l.(map[string]any))
	}
	return out
}

func TestSalesOrderDefaultsAndTotals(t *testing.T) {
	a := newTestAccount(t, Config{})
	id := a.created("salesOrder", salesOrderBody(itemLine("1001", 2, 0), itemLine("1002", 3, 100)))
	rec, _ := a.srv.Get("salesOrder", id)
	if rec["tranId"] != "SO1" || at(rec, "orderStatus", "id") != "B" ||
		at(rec, "orderStatus", "refName") != "Pending Fulfillment" || at(rec, "currency", "id") != "1" ||
		at(rec, "subsidiary", "id") != "1" || at(rec, "entity", "refName") != "Acme Corporation" {
		t.Errorf("defaults: tranId=%v orderStatus=%v currency=%v subsidiary=%v entity=%v",
			rec["tranId"], rec["orderStatus"], rec["currency"], rec["subsidiary"], rec["entity"])
	}
	lines := itemLinesOf(t, a, id)
	// item 1001's rate is 19.99 (seeded)
	if lines[0]["rate"] != 19.99 || lines[0]["amount"] != 39.98 || lines[1]["amount"] != 300.0 {
		t.Errorf("line amounts: %v / %v", lines[0], lines[1])
	}
	if rec["total"] != 339.98 {
		t.Errorf("total = %v, want 339.98", rec["total"])
	}
	if at(lines[0], "item", "refName") != "SKU-0001" || at(lines[0], "line") != 1.0 || at(lines[1], "line") != 2.0 {
		t.Errorf("line refs: %v", lines[0])
	}
}

func TestPatchAppendsMergesAndReplacesLines(t *testing.T) {
	a := newTestAccount(t, Config{})
	id := a.created("salesOrder", salesOrderBody(itemLine("1001", 1, 10), itemLine("1002", 1, 20)))
	path := recordPath + "salesOrder/" + id

	// a line without its key is appended
	res := a.do(http.MethodPatch, path, map[string]any{"item": map[string]any{"items": []any{itemLine("1003", 2, 5)}}})
	if res.status != http.StatusNoContent || !strings.HasSuffix(res.header.Get("Location"), "/salesOrder/"+id) {
		t.Fatalf("PATCH append: %d %s", res.status, res.raw)
	}
	if n := len(itemLinesOf(t, a, id)); n != 3 {
		t.Fatalf("after append %d lines, want 3", n)
	}
	// a line with its key is merged into that line
	a.do(http.MethodPatch, path, map[string]any{"item": map[string]any{"items": []any{
		map[string]any{"line": 2, "quantity": 4}}}})
	lines := itemLinesOf(t, a, id)
	if len(lines) != 3 || lines[1]["quantity"] != 4.0 || lines[1]["amount"] != 80.0 || at(lines[1], "item", "id") != "1002" {
		t.Errorf("after merge: %v", lines)
	}
	// replace=item keeps exactly the lines sent, with new line numbers
	a.do(http.MethodPatch, path+"?replace=item", map[string]any{"item": map[string]any{"items": []any{itemLine("1004", 1, 7)}}})
	lines = itemLinesOf(t, a, id)
	if len(lines) != 1 || at(lines[0], "item", "id") != "1004" || lines[0]["line"] != 4.0 {
		t.Errorf("after replace: %v", lines)
	}
	if rec, _ := a.srv.Get("salesOrder", id); rec["total"] != 7.0 {
		t.Errorf("total after replace = %v", rec["total"])
	}
	// an unknown line key is refused
	bad := a.do(http.MethodPatch, path, map[string]any{"item": map[string]any{"items": []any{map[string]any{"line": 99, "quantity": 1}}}})
	if bad.status != http.StatusBadRequest || errorCode(bad.body) != codeInvalidContent {
		t.Errorf("unknown line key: %d %s", bad.status, bad.raw)
	}
}

func TestPatchBodyFields(t *testing.T) {
	a := newTestAccount(t, Config{})
	path := recordPath + "customer/102"
	res := a.do(http.MethodPatch, path, map[string]any{"phone": nil, "comments": "Key account", "creditHoldOverride": map[string]any{"id": "ON"}})
	if res.status != http.StatusNoContent {
		t.Fatalf("PATCH: %d %s", res.status, res.raw)
	}
	rec, _ := a.srv.Get("customer", "102")
	if _, ok := rec["phone"]; ok {
		t.Errorf("null did not clear phone: %v", rec["phone"])
	}
	if rec["comments"] != "Key account" || at(rec, "creditHoldOverride", "id") != "ON" || rec["companyName"] != "Acme Corporation" {
		t.Errorf("after PATCH: comments=%v creditHoldOverride=%v companyName=%v", rec["comments"], rec["creditHoldOverride"], rec["companyName"])
	}
	// read-only fields are ignored on REST writes
	a.do(http.MethodPatch, path, map[string]any{"balance": 999})
	if rec, _ := a.srv.Get("customer", "102"); rec["balance"] != 0.0 {
		t.Errorf("balance written through REST: %v", rec["balance"])
	}
}

func TestUpsertCreateThenReplaceLines(t *testing.T) {
	a := newTestAccount(t, Config{})
	path := recordPath + "salesOrder/eid:SFOPP-0065g00000XyZ"
	first := a.do(http.MethodPut, path, salesOrderBody(itemLine("1001", 1, 10), itemLine("1002", 2, 20)))
	if first.status != http.StatusNoContent {
		t.Fatalf("PUT create: %d %s", first.status, first.raw)
	}
	loc := first.header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if rec, ok := a.srv.Get("salesOrder", "eid:SFOPP-0065g00000XyZ"); !ok || rec["id"] != id || rec["externalId"] != "SFOPP-0065g00000XyZ" {
		t.Fatalf("upserted record: %v", rec)
	}

	second := a.do(http.MethodPut, path+"?replace=item", map[string]any{"memo": "revised", "item": map[string]any{"items": []any{
		itemLine("1003", 5, 1), itemLine("1004", 1, 2), itemLine("1005", 1, 3)}}})
	if second.status != http.StatusNoContent || second.header.Get("Location") != loc {
		t.Fatalf("PUT update: %d %s, Location %q", second.status, second.raw, second.header.Get("Location"))
	}
	lines := itemLinesOf(t, a, id)
	var items []string
	for _, l := range lines {
		items = append(items, at(l, "item", "id").(string))
	}
	if strings.Join(items, ",") != "1003,1004,1005" {
		t.Errorf("lines after replace = %v, want exactly 1003,1004,1005", items)
	}
	if got := len(a.srv.List("salesOrder")); got != 1 {
		t.Errorf("%d sales orders, want 1", got)
	}
	if rec, _ := a.srv.Get("salesOrder", id); rec["memo"] != "revised" || rec["total"] != 10.0 {
		t.Errorf("memo=%v total=%v", rec["memo"], rec["total"])
	}
}

func TestDelete(t *testing.T) {
	a := newTestAccount(t, Config{})
	id := a.created("customer", map[string]any{"companyName": "Temp", "subsidiary": map[string]any{"id": "1"}, "externalId": "TMP-1"})
	if res := a.do(http.MethodDelete, recordPath+"customer/"+id, nil); res.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", res.status, res.raw)
	}
	if res := a.do(http.MethodGet, recordPath+"customer/"+id, nil); res.status != http.StatusNotFound {
		t.Errorf("GET after DELETE: %d", res.status)
	}
	// the external id is free again
	a.created("customer", map[string]any{"companyName": "Temp again", "subsidiary": map[string]any{"id": "1"}, "externalId": "TMP-1"})
}

func TestSublistSubresource(t *testing.T) {
	a := newTestAccount(t, Config{})
	id := a.created("salesOrder", salesOrderBody(itemLine("1001", 1, 10)))
	res := a.do(http.MethodGet, recordPath+"salesOrder/"+id+"/item", nil)
	if res.status != http.StatusOK || res.body["count"] != 1.0 || at(res.body, "items", 0, "amount") != 10.0 {
		t.Errorf("GET item sublist: %d %s", res.status, res.raw)
	}
	one := a.do(http.MethodGet, recordPath+"salesOrder/"+id+"/item/1", nil)
	if one.status != http.StatusOK || one.body["line"] != 1.0 {
		t.Errorf("GET item line: %d %s", one.status, one.raw)
	}
}

func TestExternalIDReferences(t *testing.T) {
	a := newTestAccount(t, Config{})
	a.created("customer", map[string]any{"companyName": "Ref Co", "subsidiary": map[string]any{"id": "1"}, "externalId": "0015g00000REF"})
	id := a.created("salesOrder", map[string]any{"entity": map[string]any{"externalId": "0015g00000REF"},
		"item": map[string]any{"items": []any{itemLine("1001", 1, 1)}}})
	rec, _ := a.srv.Get("salesOrder", id)
	if at(rec, "entity", "refName") != "Ref Co" {
		t.Errorf("entity by external id = %v", rec["entity"])
	}
}

func TestItemsInvoicesAndPayments(t *testing.T) {
	a := newTestAccount(t, Config{})
	svc := a.created("nonInventorySaleItem", map[string]any{"itemId": "SVC-SETUP", "displayName": "Setup fee", "rate": 250})
	if svc != "1012" {
		t.Errorf("new item id %s, want 1012 (items share one id series)", svc)
	}
	so := a.created("salesOrder", salesOrderBody(itemLine(svc, 2, 0)))
	inv := a.created("invoice", map[string]any{"entity": map[string]any{"id": "102"}, "createdFrom": map[string]any{"id": so},
		"tranDate": "2024-6-3", "item": map[string]any{"items": []any{itemLine(svc, 2, 0)}}})
	invoice, _ := a.srv.Get("invoice", inv)
	if invoice["tranId"] != "INV1" || invoice["total"] != 500.0 || invoice["amountRemaining"] != 500.0 ||
		at(invoice, "status", "refName") != "Open" || invoice["tranDate"] != "2024-06-03" || at(invoice, "createdFrom", "refName") != "Sales Order #SO1" {
		t.Errorf("invoice: tranId=%v total=%v remaining=%v status=%v tranDate=%v createdFrom=%v", invoice["tranId"], invoice["total"],
			invoice["amountRemaining"], invoice["status"], invoice["tranDate"], invoice["createdFrom"])
	}
	pay := a.created("customerPayment", map[string]any{"customer": map[string]any{"id": "102"},
		"apply": map[string]any{"items": []any{map[string]any{"doc": map[string]any{"id": inv}, "apply": true}}}})
	payment, _ := a.srv.Get("customerPayment", pay)
	if payment["payment"] != 500.0 || payment["applied"] != 500.0 || at(payment, "apply", "items", 0, "refNum") != "INV1" {
		t.Errorf("payment: payment=%v applied=%v apply=%v", payment["payment"], payment["applied"], payment["apply"])
	}
	// an inactive item cannot go on a new line
	a.do(http.MethodPatch, recordPath+"nonInventorySaleItem/"+svc, map[string]any{"isInactive": true})
	if res := a.do(http.MethodPost, recordPath+"salesOrder", salesOrderBody(itemLine(svc, 1, 0))); res.status != http.StatusBadRequest {
		t.Errorf("inactive item accepted: %d", res.status)
	}
}
