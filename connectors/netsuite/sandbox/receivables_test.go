package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// ledger drives the invoice flows' records over HTTP with a settable clock.
type ledger struct {
	*testAccount
	clock *fixedClock
}

func newLedger(t *testing.T, cfg Config) *ledger {
	clock := newFixedClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	cfg.Clock = clock.Now
	return &ledger{testAccount: newTestAccount(t, cfg), clock: clock}
}

// transform POSTs …/!transform/… and returns the new record's id.
func (l *ledger) transform(from, id, to string, body any) string {
	l.t.Helper()
	res := l.do(http.MethodPost, recordPath+from+"/"+id+"/!transform/"+to, body)
	if res.status != http.StatusNoContent {
		l.t.Fatalf("transform %s %s → %s: %d %s", from, id, to, res.status, res.raw)
	}
	loc := res.header.Get("Location")
	if !strings.Contains(loc, "/record/v1/"+to+"/") && !strings.Contains(strings.ToLower(loc), "/record/v1/"+strings.ToLower(to)+"/") {
		l.t.Fatalf("Location %q is not a %s", loc, to)
	}
	return loc[strings.LastIndex(loc, "/")+1:]
}

func (l *ledger) get(typ, id string) map[string]any {
	l.t.Helper()
	res := l.do(http.MethodGet, recordPath+typ+"/"+id+"?expandSubResources=true", nil)
	if res.status != http.StatusOK {
		l.t.Fatalf("GET %s %s: %d %s", typ, id, res.status, res.raw)
	}
	return res.body
}

func (l *ledger) patch(typ, id string, body any) {
	l.t.Helper()
	if res := l.do(http.MethodPatch, recordPath+typ+"/"+id, body); res.status != http.StatusNoContent {
		l.t.Fatalf("PATCH %s %s: %d %s", typ, id, res.status, res.raw)
	}
}

// order is a sales order for customer 102: 10 × 100 and 2 × 50.
func (l *ledger) order() string {
	return l.created("salesOrder", map[string]any{"entity": ref1("102"), "tranDate": "2026-02-01",
		"item": items(map[string]any{"item": ref1("1001"), "quantity": 10, "rate": 100},
			map[string]any{"item": ref1("1002"), "quantity": 2, "rate": 50})})
}

// invoiceState is what an invoice shows of what is applied to it.
func (l *ledger) invoiceState(id string) (paid, remaining any, status any) {
	inv := l.get("invoice", id)
	return inv["amountPaid"], inv["amountRemaining"], at(inv, "status", "id")
}

// customerFigures are a customer's balance, overdueBalance and daysOverdue.
func (l *ledger) customerFigures(id string) [3]any {
	c := l.get("customer", id)
	return [3]any{c["balance"], c["overdueBalance"], c["daysOverdue"]}
}

func TestTransformSalesOrderToInvoice(t *testing.T) {
	l := newLedger(t, Config{})
	so := l.order()

	// partial billing, as oracle-devrel's sample body does
	first := l.transform("salesOrder", so, "invoice", readFixture(t, "rest-transform-salesorder-to-invoice.request.oracle-devrel.json"))
	inv := l.get("invoice", first)
	if at(inv, "entity", "id") != "102" || at(inv, "createdFrom", "id") != so || at(inv, "currency", "id") == nil {
		t.Errorf("invoice header: entity %v createdFrom %v currency %v", at(inv, "entity", "id"), at(inv, "createdFrom", "id"), at(inv, "currency"))
	}
	if n := len(at(inv, "item", "items").([]any)); n != 1 || at(inv, "item", "items", 0, "quantity") != 3.0 ||
		at(inv, "item", "items", 0, "orderLine") != 1.0 || at(inv, "item", "items", 0, "rate") != 100.0 {
		t.Errorf("invoice lines: %v", at(inv, "item", "items"))
	}
	if inv["total"] != 300.0 || inv["amountRemaining"] != 300.0 || inv["amountPaid"] != 0.0 ||
		at(inv, "status", "id") != "A" || at(inv, "status", "refName") != "Open" {
		t.Errorf("invoice figures: total %v remaining %v paid %v status %v", inv["total"], inv["amountRemaining"], inv["amountPaid"], inv["status"])
	}

	// an empty body bills what is left: 7 × 100 and 2 × 50; body fields are set
	rest := l.transform("salesOrder", so, "invoice", map[string]any{"memo": "rest of the order", "dueDate": "2026-04-01"})
	inv = l.get("invoice", rest)
	if inv["total"] != 800.0 || inv["memo"] != "rest of the order" || inv["dueDate"] != "2026-04-01" ||
		at(inv, "item", "items", 0, "quantity") != 7.0 || at(inv, "item", "items", 1, "orderLine") != 2.0 {
		t.Errorf("second invoice: total %v memo %v dueDate %v lines %v", inv["total"], inv["memo"], inv["dueDate"], at(inv, "item", "items"))
	}

	// nothing left to bill; bad order lines; unknown order; unsupported pair
	for _, c := range []struct {
		name, path string
		body       any
		status     int
		code       string
	}{
		{"fully billed", recordPath + "salesOrder/" + so + "/!transform/invoice", nil, 400, codeUserError},
		{"unknown order", recordPath + "salesOrder/999999/!transform/invoice", nil, 404, "NONEXISTENT_ID"},
		{"unsupported pair", recordPath + "salesOrder/" + so + "/!transform/creditMemo", nil, 400, "INVALID_REQUEST"},
	} {
		res := l.do(http.MethodPost, c.path, c.body)
		if res.status != c.status || errorCode(res.body) != c.code {
			t.Errorf("%s: %d %s", c.name, res.status, res.raw)
		}
	}
	other := l.order()
	for name, body := range map[string]any{
		"unknown order line": map[string]any{"item": items(map[string]any{"orderLine": 9, "quantity": 1})},
		"more than ordered":  map[string]any{"item": items(map[string]any{"orderLine": 1, "quantity": 11})},
	} {
		res := l.do(http.MethodPost, recordPath+"salesOrder/"+other+"/!transform/invoice", body)
		if res.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, res.status, res.raw)
		}
	}
	// an order that has been billed cannot be deleted
	if res := l.do(http.MethodDelete, recordPath+"salesOrder/"+so, nil); res.status != http.StatusBadRequest || errorCode(res.body) != codeUserError {
		t.Errorf("DELETE billed order: %d %s", res.status, res.raw)
	}
}

func TestPaymentsMoveInvoiceAndCustomerBalance(t *testing.T) {
	l := newLedger(t, Config{})
	so := l.order()
	// 1100, due 2026-03-01: nine days overdue on 2026-03-10
	inv := l.transform("salesOrder", so, "invoice", map[string]any{"tranDate": "2026-02-01", "dueDate": "2026-03-01"})
	if got := l.customerFigures("102"); got != [3]any{1100.0, 1100.0, 9.0} {
		t.Errorf("after the invoice: balance, overdue, days %v", got)
	}

	// Oracle's create sample: payment 250, 200 applied, 50 left unapplied
	body := strings.NewReplacer(`"id": "104"`, `"id": "`+inv+`"`, `"id": "4"`, `"id": "102"`).
		Replace(readFixture(t, "oracle-rest-post-customerpayment.request.json"))
	pay := l.created("customerPayment", body)
	p := l.get("customerPayment", pay)
	if p["payment"] != 250.0 || p["applied"] != 200.0 || p["unapplied"] != 50.0 || at(p, "apply", "items", 0, "due") != 1100.0 {
		t.Errorf("payment: payment %v applied %v unapplied %v lines %v", p["payment"], p["applied"], p["unapplied"], at(p, "apply", "items"))
	}
	if paid, remaining, status := l.invoiceState(inv); paid != 200.0 || remaining != 900.0 || status != "A" {
		t.Errorf("after 200: paid %v remaining %v status %v", paid, remaining, status)
	}
	if got := l.customerFigures("102"); got != [3]any{850.0, 900.0, 9.0} {
		t.Errorf("after 200 (50 unapplied): balance, overdue, days %v", got)
	}

	// change the applied amount (Oracle's sample shape): all 250 applied
	l.patch("customerPayment", pay, map[string]any{"apply": items(map[string]any{"doc": ref1(inv), "amount": 250})})
	if paid, remaining, _ := l.invoiceState(inv); paid != 250.0 || remaining != 850.0 {
		t.Errorf("after changing to 250: paid %v remaining %v", paid, remaining)
	}
	// more than the payment, more than is due: refused, nothing moves
	for name, body := range map[string]any{
		"more than the payment": map[string]any{"apply": items(map[string]any{"doc": ref1(inv), "amount": 260})},
		"more than is due":      map[string]any{"payment": 5000, "apply": items(map[string]any{"doc": ref1(inv), "amount": 5000})},
	} {
		res := l.do(http.MethodPatch, recordPath+"customerPayment/"+pay, body)
		if res.status != http.StatusBadRequest || errorCode(res.body) != codeUserError {
			t.Errorf("%s: %d %s", name, res.status, res.raw)
		}
	}
	if paid, remaining, _ := l.invoiceState(inv); paid != 250.0 || remaining != 850.0 {
		t.Errorf("after refused changes: paid %v remaining %v", paid, remaining)
	}

	// the rest through invoice → customerPayment: paid in full
	full := l.transform("invoice", inv, "customerPayment", nil)
	if p := l.get("customerPayment", full); p["payment"] != 850.0 || at(p, "customer", "id") != "102" {
		t.Errorf("transformed payment: payment %v customer %v", p["payment"], at(p, "customer", "id"))
	}
	if paid, remaining, status := l.invoiceState(inv); paid != 1100.0 || remaining != 0.0 || status != "B" {
		t.Errorf("paid in full: paid %v remaining %v status %v", paid, remaining, status)
	}
	if got := l.customerFigures("102"); got != [3]any{0.0, 0.0, 0.0} {
		t.Errorf("paid in full: balance, overdue, days %v", got)
	}
	if res := l.do(http.MethodDelete, recordPath+"invoice/"+inv, nil); res.status != http.StatusBadRequest {
		t.Errorf("DELETE of a paid invoice: %d %s", res.status, res.raw)
	}

	// unapply (Oracle's sample shape) moves it back
	l.patch("customerPayment", full, map[string]any{"apply": items(map[string]any{"doc": ref1(inv), "apply": false})})
	if paid, remaining, status := l.invoiceState(inv); paid != 250.0 || remaining != 850.0 || status != "A" {
		t.Errorf("after unapply: paid %v remaining %v status %v", paid, remaining, status)
	}
	if got := l.customerFigures("102"); got != [3]any{0.0, 850.0, 9.0} {
		t.Errorf("after unapply (850 unapplied): balance, overdue, days %v", got)
	}
	// a void and a delete move it back too
	if err := l.srv.Void("customerPayment", pay); err != nil {
		t.Fatal(err)
	}
	if p := l.get("customerPayment", pay); at(p, "status", "id") != "V" || p["payment"] != 0.0 || at(p, "apply", "items", 0, "apply") != false {
		t.Errorf("voided payment: status %v payment %v lines %v", p["status"], p["payment"], at(p, "apply", "items"))
	}
	if paid, remaining, _ := l.invoiceState(inv); paid != 0.0 || remaining != 1100.0 {
		t.Errorf("after the void: paid %v remaining %v", paid, remaining)
	}
	l.patch("customerPayment", full, map[string]any{"apply": items(map[string]any{"doc": ref1(inv), "apply": true, "amount": 100})})
	if _, remaining, _ := l.invoiceState(inv); remaining != 1000.0 {
		t.Errorf("re-applied 100: remaining %v", remaining)
	}
	if res := l.do(http.MethodDelete, recordPath+"customerPayment/"+full, nil); res.status != http.StatusNoContent {
		t.Fatalf("DELETE payment: %d %s", res.status, res.raw)
	}
	if paid, remaining, status := l.invoiceState(inv); paid != 0.0 || remaining != 1100.0 || status != "A" {
		t.Errorf("after the delete: paid %v remaining %v status %v", paid, remaining, status)
	}

	// time passing moves the overdue figures, not the balance
	l.clock.Advance(20 * 24 * time.Hour)
	if got := l.customerFigures("102"); got != [3]any{1100.0, 1100.0, 29.0} {
		t.Errorf("20 days later: balance, overdue, days %v", got)
	}
	// a payment for another customer's invoice is refused
	res := l.do(http.MethodPost, recordPath+"customerPayment", map[string]any{"customer": ref1("103"),
		"apply": items(map[string]any{"doc": ref1(inv)})})
	if res.status != http.StatusBadRequest || errorCode(res.body) != codeInvalidContent {
		t.Errorf("applying to another customer's invoice: %d %s", res.status, res.raw)
	}
}

func TestCreditMemoAppliesToItsInvoice(t *testing.T) {
	l := newLedger(t, Config{})
	inv := l.transform("salesOrder", l.order(), "invoice", map[string]any{"item": items(
		map[string]any{"orderLine": 1, "quantity": 1}, map[string]any{"orderLine": 2, "quantity": 0})})
	credit := l.transform("invoice", inv, "creditMemo", map[string]any{"memo": "returned"})
	cm := l.get("creditMemo", credit)
	if at(cm, "createdFrom", "id") != inv || cm["total"] != 100.0 || cm["applied"] != 100.0 || cm["amountRemaining"] != 0.0 ||
		at(cm, "status", "id") != "B" || cm["memo"] != "returned" {
		t.Errorf("credit memo: createdFrom %v total %v applied %v remaining %v status %v memo %v",
			at(cm, "createdFrom", "id"), cm["total"], cm["applied"], cm["amountRemaining"], cm["status"], cm["memo"])
	}
	if paid, remaining, status := l.invoiceState(inv); paid != 100.0 || remaining != 0.0 || status != "B" {
		t.Errorf("credited invoice: paid %v remaining %v status %v", paid, remaining, status)
	}
	// unapplied, the credit stays on the customer and the invoice is open again
	l.patch("creditMemo", credit, map[string]any{"apply": items(map[string]any{"doc": ref1(inv), "apply": false})})
	if _, remaining, status := l.invoiceState(inv); remaining != 100.0 || status != "A" {
		t.Errorf("after unapplying the credit: remaining %v status %v", remaining, status)
	}
	if got := l.customerFigures("102"); got[0] != 0.0 {
		t.Errorf("balance with an open 100 invoice and an unapplied 100 credit: %v", got[0])
	}
}

func TestCreditHoldFields(t *testing.T) {
	rc := newHookReceiver(t, acceptAll)
	l := newLedger(t, Config{Webhook: fastWebhooks(rc.URL)})
	l.patch("customer", "102", map[string]any{"creditLimit": 500, "creditHoldOverride": map[string]any{"id": "ON"}})
	c := l.get("customer", "102")
	if c["creditLimit"] != 500.0 || at(c, "creditHoldOverride", "id") != "ON" || at(c, "creditHoldOverride", "refName") != "On" {
		t.Errorf("credit fields: limit %v override %v", c["creditLimit"], c["creditHoldOverride"])
	}
	// refName alone is accepted on write (enums, since 2021.1)
	l.patch("customer", "102", map[string]any{"creditHoldOverride": map[string]any{"refName": "Auto"}})
	if c := l.get("customer", "102"); at(c, "creditHoldOverride", "id") != "AUTO" {
		t.Errorf("override by refName: %v", c["creditHoldOverride"])
	}
	// balance and the overdue figures are read-only over REST
	l.patch("customer", "102", map[string]any{"balance": 1, "overdueBalance": 1, "daysOverdue": 1})
	if got := l.customerFigures("102"); got != [3]any{0.0, 0.0, 0.0} {
		t.Errorf("read-only figures written: %v", got)
	}
	res := l.do(http.MethodPost, "/services/rest/query/v1/suiteql", query(
		"SELECT id, creditlimit, creditholdoverride, balance, overduebalance, daysoverdue FROM customer WHERE id = ?", "102"))
	if row := at(res.body, "items", 0); at(row, "creditlimit") != "500" || at(row, "creditholdoverride") != "AUTO" ||
		at(row, "balance") != "0" || at(row, "daysoverdue") != "0" {
		t.Errorf("SuiteQL credit columns: %v", row)
	}

	waitWebhooks(t, l.srv)
	var fields []map[string]any
	for _, p := range rc.accepted() {
		if p.event.RecordType == "customer" {
			fields = append(fields, p.event.Fields)
		}
	}
	if len(fields) != 3 || fields[0]["creditlimit"] != 500.0 || fields[0]["creditholdoverride"] != "ON" ||
		fields[1]["creditholdoverride"] != "AUTO" || len(fields[2]) != 0 {
		t.Errorf("customer webhooks' fields: %v", fields)
	}
}

func TestReceivablesWebhooks(t *testing.T) {
	rc := newHookReceiver(t, acceptAll)
	l := newLedger(t, Config{Webhook: fastWebhooks(rc.URL)})
	inv := l.transform("salesOrder", l.order(), "invoice", nil)
	pay := l.transform("invoice", inv, "customerPayment", map[string]any{"payment": 100})
	credit := l.transform("invoice", inv, "creditMemo", nil)
	l.patch("invoice", inv, map[string]any{"dueDate": "2026-05-01"})
	waitWebhooks(t, l.srv)

	var got []string
	for _, p := range rc.accepted() {
		got = append(got, p.event.RecordType+":"+p.event.RecordID+":"+p.event.EventType)
	}
	// the payment and the credit move the invoice without a user event on it
	want := []string{"salesorder:", "invoice:" + inv + ":create", "customerpayment:" + pay + ":create",
		"creditmemo:" + credit + ":create", "invoice:" + inv + ":edit"}
	if len(got) != len(want) {
		t.Fatalf("webhooks %v, want %v", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("webhook %d: %s, want %s", i, got[i], want[i])
		}
	}
	last := rc.accepted()[len(got)-1].event.Fields
	if last["duedate"] != "2026-05-01T07:00:00Z" || last["amountremaining"] != nil {
		t.Errorf("invoice edit's fields: %v", last)
	}
	if f := rc.accepted()[3].event.Fields; f["createdfrom"] != inv || f["apply"] != true || f["status"] != "Open" {
		t.Errorf("credit memo create's fields: %v", f)
	}
}

func TestReceivablesSweepBySuiteQL(t *testing.T) {
	l := newLedger(t, Config{})
	so := l.order()
	inv := l.transform("salesOrder", so, "invoice", nil)
	l.clock.Advance(time.Hour)
	pay := l.transform("invoice", inv, "customerPayment", map[string]any{"payment": 100})
	l.clock.Advance(time.Hour)
	credit := l.transform("invoice", inv, "creditMemo", map[string]any{"item": items(map[string]any{"item": ref1("1001"), "quantity": 1, "rate": 10})})

	sweep := "SELECT id, type, BUILTIN.CF(status) AS status, entity, " +
		"TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS lm FROM transaction " +
		"WHERE type IN ('CustInvc', 'CustPymt', 'CustCred') AND (lastmodifieddate > TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') " +
		"OR (lastmodifieddate = TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AND id > ?)) ORDER BY lastmodifieddate, id"
	// keyset paging, one row a page, from the start of the day
	mark, lastID := "2026-03-10T00:00:00Z", "0"
	var seen []string
	for range 5 {
		res := l.do(http.MethodPost, "/services/rest/query/v1/suiteql?limit=1", query(sweep, mark, mark, lastID))
		if res.status != http.StatusOK {
			t.Fatalf("sweep: %d %s", res.status, res.raw)
		}
		rows, _ := res.body["items"].([]any)
		if len(rows) == 0 {
			break
		}
		row := rows[0].(map[string]any)
		seen = append(seen, row["id"].(string)+":"+row["type"].(string)+":"+row["status"].(string)+":"+row["entity"].(string))
		mark, lastID = row["lm"].(string), row["id"].(string)
	}
	want := []string{inv + ":CustInvc:CustInvc:A:102", pay + ":CustPymt:CustPymt:B:102", credit + ":CustCred:CustCred:B:102"}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("sweep saw %v, want %v", seen, want)
	}

	for name, c := range map[string]struct{ q, want string }{
		"status by compound id": {"SELECT id FROM transaction WHERE status IN ('CustInvc:A', 'CustInvc:B')", inv},
		"status by BUILTIN.CF":  {"SELECT id FROM transaction WHERE BUILTIN.CF(status) = 'CustInvc:A'", inv},
		"status letter":         {"SELECT status FROM transaction WHERE type = 'CustInvc'", "A"},
		"created from":          {"SELECT createdfrom FROM transaction WHERE id = " + inv, so},
		"line created from": {"SELECT DISTINCT transaction FROM transactionline WHERE createdfrom = " + so +
			" AND mainline = 'T'", inv},
		"invoice line signs": {"SELECT quantity FROM transactionline WHERE transaction = " + inv + " AND mainline = 'F' ORDER BY id", "-10"},
		"amount remaining":   {"SELECT foreignamountunpaid FROM transaction WHERE id = " + inv, "990"},
		"unapplied payment":  {"SELECT foreignpaymentamountunused FROM transaction WHERE id = " + pay, "0"},
	} {
		res := l.do(http.MethodPost, "/services/rest/query/v1/suiteql", query(c.q))
		row, _ := at(res.body, "items", 0).(map[string]any)
		var got string
		for k, v := range row {
			if k != "links" {
				got, _ = v.(string)
			}
		}
		if res.status != http.StatusOK || got != c.want {
			t.Errorf("%s: got %q, want %q (%d %s)", name, got, c.want, res.status, res.raw)
		}
	}
}
