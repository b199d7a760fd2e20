package sandbox

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// TestRefundPaysBackUnappliedCredit: a refund takes the credit a payment
// or credit memo leaves unapplied, never an invoice's money; the credit
// and the customer's balance move, the invoice does not; a void or a
// delete of the refund gives the credit back, and a credit that refunds
// draw on can be neither voided nor deleted.
func TestRefundPaysBackUnappliedCredit(t *testing.T) {
	rc := newHookReceiver(t, acceptAll)
	l := newLedger(t, Config{Webhook: fastWebhooks(rc.URL)})
	inv := l.transform("salesOrder", l.order(), "invoice", map[string]any{"dueDate": "2026-04-01"}) // 1100, not overdue
	pay := l.transform("invoice", inv, "customerPayment", nil)                                      // paid in full
	// the customer disputes: the payment is unapplied, the invoice is open again, the money is credit
	l.patch("customerPayment", pay, map[string]any{"apply": items(map[string]any{"doc": ref1(inv), "apply": false})})
	if got := l.customerFigures("102"); got[0] != 0.0 {
		t.Fatalf("balance with 1100 open and 1100 unapplied: %v", got[0])
	}

	// more than the credit left, a doc that is an invoice: refused
	for name, body := range map[string]any{
		"more than unapplied": map[string]any{"customer": ref1("102"), "apply": items(map[string]any{"doc": ref1(pay), "amount": 2000})},
		"an invoice":          map[string]any{"customer": ref1("102"), "apply": items(map[string]any{"doc": ref1(inv)})},
		"nothing":             map[string]any{"customer": ref1("102")},
	} {
		if res := l.do(http.MethodPost, recordPath+"customerRefund", body); res.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, res.status, res.raw)
		}
	}

	refund := l.created("customerRefund", map[string]any{"customer": ref1("102"), "apply": items(map[string]any{"doc": ref1(pay), "amount": 600})})
	r := l.get("customerRefund", refund)
	if r["total"] != 600.0 || at(r, "status", "id") != "R" || at(r, "apply", "items", 0, "due") != 1100.0 ||
		at(r, "apply", "items", 0, "type") != "Customer Payment" {
		t.Errorf("refund: total %v status %v lines %v", r["total"], r["status"], at(r, "apply", "items"))
	}
	if p := l.get("customerPayment", pay); p["unapplied"] != 500.0 {
		t.Errorf("payment unapplied after a 600 refund: %v", p["unapplied"])
	}
	if paid, remaining, _ := l.invoiceState(inv); paid != 0.0 || remaining != 1100.0 {
		t.Errorf("the refund moved the invoice: paid %v remaining %v", paid, remaining)
	}
	if got := l.customerFigures("102"); got[0] != 600.0 {
		t.Errorf("balance after the refund: %v, want 600", got[0])
	}
	// what is refunded can no longer be applied
	res := l.do(http.MethodPatch, recordPath+"customerPayment/"+pay, map[string]any{"apply": items(map[string]any{"doc": ref1(inv), "apply": true, "amount": 1100})})
	if res.status != http.StatusBadRequest {
		t.Errorf("re-applying refunded money: %d %s", res.status, res.raw)
	}
	if err := l.srv.Void("customerPayment", pay); err == nil {
		t.Error("a refunded payment was voided")
	}
	if res := l.do(http.MethodDelete, recordPath+"customerPayment/"+pay, nil); res.status != http.StatusBadRequest {
		t.Errorf("DELETE of a refunded payment: %d %s", res.status, res.raw)
	}

	// a credit memo's remaining credit is refunded too; fully refunded it is Fully Applied
	credit := l.transform("invoice", inv, "creditMemo", map[string]any{"item": items(map[string]any{"item": ref1("1001"), "quantity": 1, "rate": 40}),
		"apply": items(map[string]any{"doc": ref1(inv), "apply": false})})
	both := l.created("customerRefund", map[string]any{"customer": ref1("102"), "apply": items(map[string]any{"doc": ref1(credit)})})
	if cm := l.get("creditMemo", credit); cm["amountRemaining"] != 0.0 || at(cm, "status", "id") != "B" {
		t.Errorf("refunded credit memo: remaining %v status %v", cm["amountRemaining"], cm["status"])
	}

	// a void and a delete give the credit back
	if err := l.srv.Void("customerRefund", refund); err != nil {
		t.Fatal(err)
	}
	if p := l.get("customerPayment", pay); p["unapplied"] != 1100.0 {
		t.Errorf("payment unapplied after the refund's void: %v", p["unapplied"])
	}
	if res := l.do(http.MethodDelete, recordPath+"customerRefund/"+both, nil); res.status != http.StatusNoContent {
		t.Fatalf("DELETE refund: %d %s", res.status, res.raw)
	}
	if cm := l.get("creditMemo", credit); cm["amountRemaining"] != 40.0 || at(cm, "status", "id") != "A" {
		t.Errorf("credit memo after its refund's delete: remaining %v status %v", cm["amountRemaining"], cm["status"])
	}
	if got := l.customerFigures("102"); got[0] != -40.0 {
		t.Errorf("balance with 1100 open, 1100 + 40 unapplied: %v", got[0])
	}

	// SuiteQL sees refunds as CustRfnd (the deleted one is gone); the webhook reports them
	res = l.do(http.MethodPost, "/services/rest/query/v1/suiteql", query(
		"SELECT id, BUILTIN.CF(status) AS status, foreigntotal FROM transaction WHERE type = 'CustRfnd' ORDER BY id"))
	if at(res.body, "items", 0, "id") != refund || at(res.body, "items", 0, "status") != "CustRfnd:V" || at(res.body, "count") != 1.0 {
		t.Errorf("refunds by SuiteQL: %s", res.raw)
	}
	waitWebhooks(t, l.srv)
	var refunds []string
	for _, p := range rc.accepted() {
		if p.event.RecordType == "customerrefund" {
			refunds = append(refunds, p.event.RecordID+":"+p.event.EventType)
		}
	}
	if want := []string{refund + ":create", both + ":create", refund + ":edit", both + ":delete"}; !slices.Equal(refunds, want) {
		t.Errorf("refund webhooks %v, want %v", refunds, want)
	}
}

// TestLineOnlyEditMovesLastModified: an edit of an invoice's item line
// alone moves the transaction's lastModifiedDate, and its lines'
// linelastmodifieddate, so a sweep by lastmodifieddate finds it.
func TestLineOnlyEditMovesLastModified(t *testing.T) {
	l := newLedger(t, Config{})
	inv := l.transform("salesOrder", l.order(), "invoice", nil)
	created := l.get("invoice", inv)["lastModifiedDate"]
	l.clock.Advance(time.Hour)
	l.patch("invoice", inv, map[string]any{"item": items(map[string]any{"line": 1, "quantity": 9})})
	got := l.get("invoice", inv)
	if got["lastModifiedDate"] == created || got["lastModifiedDate"] != l.clock.Now().UTC().Format(time.RFC3339) || got["total"] != 1000.0 {
		t.Errorf("after a line edit: lastModifiedDate %v (created %v), total %v", got["lastModifiedDate"], created, got["total"])
	}
	mark := l.clock.Now().UTC().Format(time.RFC3339)
	for table, q := range map[string]string{
		"transaction":     "SELECT id FROM transaction WHERE type = 'CustInvc' AND lastmodifieddate >= TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
		"transactionline": "SELECT DISTINCT transaction FROM transactionline WHERE mainline = 'F' AND linelastmodifieddate >= TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
	} {
		res := l.do(http.MethodPost, "/services/rest/query/v1/suiteql", query(q, mark))
		if at(res.body, "count") != 1.0 {
			t.Errorf("%s since the line edit: %s", table, res.raw)
		}
	}
}
