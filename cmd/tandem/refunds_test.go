package main

import (
	"testing"
	"time"
)

// The refund and void tests: NetSuite takes money back and Salesforce's
// numbers follow, recomputed from NetSuite, through `tandem run`'s wiring.

func daysAgo(n int) string { return time.Now().UTC().AddDate(0, 0, -n).Format(time.DateOnly) }

// TestVoidedPaymentMovesDateLastPaidBack: an invoice paid in two parts on
// two dates; voiding the later payment moves Date_Last_Paid__c back to the
// earlier one, voiding that one too empties it, with the amounts and the
// account's balances back where they were.
func TestVoidedPaymentMovesDateLastPaidBack(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	ctx := t.Context()
	_, accountID, orderID := h.wonDealWithOrder()
	ns := h.nsREST()
	invID := h.billOrder(ns, orderID, daysAgo(-30))
	total := num(h.sfInvoice(invID), "Total__c")

	early, err := ns.Transform(ctx, "invoice", invID, "customerPayment", map[string]any{"payment": 100, "tranDate": daysAgo(5)})
	if err != nil {
		t.Fatal(err)
	}
	h.waitFor("the first payment on the invoice", func() bool { return num(h.sfInvoice(invID), "Amount_Paid__c") == 100 })
	late, err := ns.Transform(ctx, "invoice", invID, "customerPayment", map[string]any{"tranDate": daysAgo(1)})
	if err != nil {
		t.Fatal(err)
	}
	h.waitFor("the invoice paid in full", func() bool { return h.sfInvoice(invID)["Status__c"] == "Paid In Full" })
	h.settle()
	if got := h.sfInvoice(invID)["Date_Last_Paid__c"]; got != daysAgo(1) {
		t.Errorf("paid in full: Date_Last_Paid__c %v, want %s", got, daysAgo(1))
	}

	if err := h.p.sandboxes.ns.Void("customerPayment", late); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the void of the later payment", func() bool { return num(h.sfInvoice(invID), "Amount_Remaining__c") == total-100 })
	h.settle()
	if inv := h.sfInvoice(invID); inv["Date_Last_Paid__c"] != daysAgo(5) || inv["Status__c"] != "Open" {
		t.Errorf("after voiding the later payment: Date_Last_Paid__c %v status %v, want %s and Open", inv["Date_Last_Paid__c"], inv["Status__c"], daysAgo(5))
	}
	h.checkBalances("later payment voided", accountID, total-100, 0)

	if err := h.p.sandboxes.ns.Void("customerPayment", early); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the void of the first payment", func() bool { return num(h.sfInvoice(invID), "Amount_Remaining__c") == total })
	h.settle()
	if inv := h.sfInvoice(invID); inv["Date_Last_Paid__c"] != nil || num(inv, "Amount_Paid__c") != 0 {
		t.Errorf("both payments voided: Date_Last_Paid__c %v paid %v, want empty and 0", inv["Date_Last_Paid__c"], inv["Amount_Paid__c"])
	}
	if a := h.sfApplication(early, invID); num(a, "Amount__c") != 0 || a["Status__c"] != "Voided" {
		t.Errorf("application of the voided first payment: %v", a)
	}
	h.checkBalances("both voided", accountID, total, 0)
	if arch := h.archived(); len(arch) != 0 {
		t.Errorf("archived jobs: %s %s", arch[0].Type, arch[0].LastErr)
	}
}

// TestRefundMovesTheNumbersBack: a paid invoice's payment is unapplied
// (the customer disputes it) and refunded. Unapplying moves the invoice,
// its payment history, Date_Last_Paid__c and the account's balances back;
// the refund uses up the credit the customer held, which raises NetSuite's
// balance over the credit limit: the account goes on hold with one Task.
// Voiding the refund gives the credit back and releases the hold.
func TestRefundMovesTheNumbersBack(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	ctx := t.Context()
	_, accountID, orderID := h.wonDealWithOrder()
	ns := h.nsREST()
	invID := h.billOrder(ns, orderID, daysAgo(-30))
	nsInv, _ := h.p.sandboxes.ns.Get("invoice", invID)
	customerID := str(nsInv, "entity.id")
	total := num(nsInv, "total")
	pay, err := ns.Transform(ctx, "invoice", invID, "customerPayment", nil)
	if err != nil {
		t.Fatal(err)
	}
	h.waitFor("the invoice paid in full", func() bool { return h.sfInvoice(invID)["Status__c"] == "Paid In Full" })
	h.setCredit(customerID, map[string]any{"creditLimit": total / 2})
	h.settle()
	if h.account(accountID)["Credit_Hold__c"] == true {
		t.Fatal("on hold before the refund, with nothing owed")
	}

	if err := ns.UpdateRecord(ctx, "customerPayment", pay, map[string]any{"apply": map[string]any{"items": []any{
		map[string]any{"doc": map[string]any{"id": invID}, "apply": false}}}}, nil); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the unapplied payment on the invoice", func() bool { return num(h.sfInvoice(invID), "Amount_Remaining__c") == total })
	h.settle()
	if inv := h.sfInvoice(invID); inv["Status__c"] != "Open" || inv["Date_Last_Paid__c"] != nil {
		t.Errorf("after unapplying: status %v Date_Last_Paid__c %v, want Open and empty", inv["Status__c"], inv["Date_Last_Paid__c"])
	}
	if a := h.sfApplication(pay, invID); num(a, "Amount__c") != 0 || a["Status__c"] != "Unapplied" {
		t.Errorf("application after unapplying: %v", a)
	}
	h.checkBalances("unapplied", accountID, total, 0)
	if h.account(accountID)["Credit_Hold__c"] == true {
		t.Error("on hold while the unapplied payment still offsets the open invoice")
	}

	refund, err := ns.CreateRecord(ctx, "customerRefund", map[string]any{"customer": map[string]any{"id": customerID},
		"apply": map[string]any{"items": []any{map[string]any{"doc": map[string]any{"id": pay}}}}})
	if err != nil {
		t.Fatal(err)
	}
	h.waitFor("the hold after the refund", func() bool { return h.account(accountID)["Credit_Hold__c"] == true })
	h.settle()
	if tasks := h.holdTasks(accountID); len(tasks) != 1 {
		t.Errorf("%d hold Tasks after the refund, want 1", len(tasks))
	}
	if inv := h.sfInvoice(invID); num(inv, "Amount_Remaining__c") != total {
		t.Errorf("the refund moved the invoice: %v", inv)
	}
	h.checkBalances("refunded", accountID, total, 0)

	if err := h.p.sandboxes.ns.Void("customerRefund", refund); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the release after the refund's void", func() bool { return h.account(accountID)["Credit_Hold__c"] == false })
	h.settle()
	if arch := h.archived(); len(arch) != 0 {
		t.Errorf("archived jobs: %s %s", arch[0].Type, arch[0].LastErr)
	}
}
