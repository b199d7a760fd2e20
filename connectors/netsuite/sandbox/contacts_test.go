package sandbox

import (
	"net/http"
	"testing"
)

func TestContactsBelongToTheirCompany(t *testing.T) {
	a := newTestAccount(t, Config{})
	ada := a.created("contact", map[string]any{"firstName": "Ada", "lastName": "Lovelace", "email": "ada@acme.example",
		"company": ref1("102")})
	a.created("contact", map[string]any{"firstName": "Grace", "lastName": "Hopper", "company": ref1("103")})

	res := a.do(http.MethodPost, recordPath+"contact", map[string]any{"lastName": "Nobody", "company": ref1("99999")})
	if res.status != http.StatusBadRequest || errorCode(res.body) != codeInvalidContent || errorDetail(res.body)["o:errorPath"] != "company" {
		t.Errorf("a contact of a missing company: %d %s", res.status, res.raw)
	}
	// NetSuite fills contactRoles; a client cannot write it.
	a.do(http.MethodPatch, recordPath+"customer/102", map[string]any{"contactRoles": items(map[string]any{"contact": ref1("101")})})

	c := a.do(http.MethodGet, recordPath+"customer/102?expandSubResources=true", nil)
	roles := at(c.body, "contactRoles", "items")
	if n, _ := roles.([]any); len(n) != 1 || at(roles, 0, "contact", "id") != ada || at(roles, 0, "contact", "refName") != "Ada Lovelace" ||
		at(roles, 0, "contactName") != "Ada Lovelace" || at(roles, 0, "email") != "ada@acme.example" {
		t.Fatalf("contactRoles %v", c.body["contactRoles"])
	}
	line := a.do(http.MethodGet, recordPath+"customer/102/contactRoles/1", nil)
	if line.status != http.StatusOK || at(line.body, "contact", "id") != ada {
		t.Errorf("GET contactRoles/1: %d %s", line.status, line.raw)
	}
	q := a.do(http.MethodPost, suiteqlPath, query("SELECT id, company, BUILTIN.DF(company) AS companyname FROM contact WHERE company = ?", "102"))
	if q.status != http.StatusOK || at(q.body, "count") != 1.0 || at(q.body, "items", 0, "id") != ada ||
		at(q.body, "items", 0, "companyname") != "Acme Corporation" {
		t.Errorf("SuiteQL contacts of 102: %d %s", q.status, q.raw)
	}
}

func TestAddressBookRoundTrip(t *testing.T) {
	a := newTestAccount(t, Config{})
	address := func(label string, billing, shipping bool, addr map[string]any) map[string]any {
		return map[string]any{"label": label, "defaultBilling": billing, "defaultShipping": shipping, "addressBookAddress": addr}
	}
	id := a.created("customer", map[string]any{"companyName": "Two Sites Ltd", "subsidiary": ref1("2"), "addressBook": items(
		address("Billing", true, false, map[string]any{"addressee": "Two Sites Ltd", "addr1": "1 High Street", "addr2": "Floor 2",
			"city": "London", "zip": "EC1A 1BB", "country": ref1("GB")}),
		address("Warehouse", false, true, map[string]any{"addr1": "9 Dock Road", "city": "Manchester", "state": "Greater Manchester",
			"zip": "M1 1AE", "country": ref1("GB")}),
	)})
	book := func() []any {
		res := a.do(http.MethodGet, recordPath+"customer/"+id+"?expandSubResources=true", nil)
		lines, _ := at(res.body, "addressBook", "items").([]any)
		return lines
	}
	lines := book()
	if len(lines) != 2 || at(lines, 0, "label") != "Billing" || at(lines, 0, "defaultBilling") != true || at(lines, 0, "defaultShipping") != false ||
		at(lines, 0, "addressBookAddress", "addr2") != "Floor 2" || at(lines, 0, "addressBookAddress", "country", "refName") != "United Kingdom" ||
		at(lines, 1, "addressBookAddress", "state") != "Greater Manchester" || at(lines, 1, "defaultShipping") != true ||
		at(lines, 0, "addressBookAddress_text") != "Two Sites Ltd\n1 High Street\nFloor 2\nLondon EC1A 1BB\nUnited Kingdom" {
		t.Fatalf("address book %v", lines)
	}
	billing := at(lines, 0, "addressId")

	rows := func(q string, params ...any) []any {
		t.Helper()
		res := a.do(http.MethodPost, suiteqlPath, query(q, params...))
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", q, res.status, res.raw)
		}
		items, _ := res.body["items"].([]any)
		return items
	}
	cust := rows("SELECT defaultbillingaddress, defaultshippingaddress, BUILTIN.DF(defaultshippingaddress) AS shipto FROM customer WHERE id = ?", id)
	if at(cust, 0, "defaultbillingaddress") != billing || at(cust, 0, "defaultshippingaddress") != at(lines, 1, "addressId") ||
		at(cust, 0, "shipto") != "9 Dock Road\nManchester Greater Manchester M1 1AE\nUnited Kingdom" {
		t.Errorf("customer default addresses %v", cust)
	}
	addr := rows("SELECT nkey, addr1, city, zip, country, recordowner FROM entityaddress WHERE nkey = ?", billing)
	if at(addr, 0, "city") != "London" || at(addr, 0, "country") != "GB" || at(addr, 0, "recordowner") != id {
		t.Errorf("entityaddress %v", addr)
	}
	entries := rows("SELECT internalid, label, defaultbilling, addressbookaddress FROM customeraddressbook WHERE entity = ? ORDER BY internalid", id)
	if len(entries) != 2 || at(entries, 0, "defaultbilling") != "T" || at(entries, 1, "label") != "Warehouse" || at(entries, 0, "addressbookaddress") != billing {
		t.Errorf("customeraddressbook %v", entries)
	}

	// ?replace=addressBook keeps only the lines sent; they are new addresses.
	res := a.do(http.MethodPatch, recordPath+"customer/"+id+"?replace=addressBook", map[string]any{"addressBook": items(
		address("Head office", true, true, map[string]any{"addr1": "5 Canal Street", "city": "Leeds", "country": ref1("GB")}))})
	if res.status != http.StatusNoContent {
		t.Fatalf("replace: %d %s", res.status, res.raw)
	}
	lines = book()
	if len(lines) != 1 || at(lines, 0, "label") != "Head office" || at(lines, 0, "addressId") == billing {
		t.Fatalf("after replace %v", lines)
	}
	if left := rows("SELECT nkey FROM entityaddress WHERE recordowner = ?", id); len(left) != 1 {
		t.Errorf("entityaddress rows of the customer after replace: %v", left)
	}
	// Without replace, a line with its id merges and a line without one is added.
	a.do(http.MethodPatch, recordPath+"customer/"+id, map[string]any{"addressBook": items(
		map[string]any{"id": at(lines, 0, "id"), "addressBookAddress": map[string]any{"zip": "LS1 4DL"}},
		address("Depot", false, false, map[string]any{"city": "York", "country": ref1("GB")}))})
	lines = book()
	if len(lines) != 2 || at(lines, 0, "addressBookAddress", "zip") != "LS1 4DL" || at(lines, 0, "addressBookAddress", "city") != "Leeds" ||
		at(lines, 1, "label") != "Depot" {
		t.Fatalf("after merge %v", lines)
	}
}
