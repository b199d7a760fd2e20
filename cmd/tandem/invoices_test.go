package main

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/jobs"
)

// nsREST is a NetSuite client for the sandbox served by h, acting as a
// NetSuite user would through REST (its writes fire the webhook).
func (h *harness) nsREST() *netsuite.Client {
	h.t.Helper()
	c, err := netsuite.New(netsuite.Config{AccountID: sandboxNSAccount, BaseURL: h.base + sandboxNetSuitePath,
		TBA: &netsuite.TBAConfig{ConsumerKey: sandboxNSConsumerKey, ConsumerSecret: sandboxNSConsumerSecret,
			TokenID: sandboxNSTokenID, TokenSecret: sandboxNSTokenSecret}})
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// wonDealWithOrder closes a seeded deal and waits for F1's sales order;
// it returns the opportunity, its account and the order's internal id.
func (h *harness) wonDealWithOrder() (oppID, accountID, orderID string) {
	h.t.Helper()
	opp := h.openOpportunities(1)[0]
	oppID, accountID = str(opp, "Id"), str(opp, "AccountId")
	h.closeWon(oppID)
	sf := h.p.sandboxes.sf
	h.waitFor("the sales order id on the opportunity", func() bool {
		o, _ := sf.Get("Opportunity", oppID)
		orderID = str(o, "NetSuite_Sales_Order_Id__c")
		return orderID != ""
	})
	h.settle()
	return oppID, accountID, orderID
}

// billOrder invoices a sales order through REST, due on due, and waits
// for the invoice in Salesforce.
func (h *harness) billOrder(ns *netsuite.Client, orderID, due string) string {
	h.t.Helper()
	invID, err := ns.Transform(h.t.Context(), "salesOrder", orderID, "invoice", map[string]any{"dueDate": due})
	if err != nil {
		h.t.Fatal(err)
	}
	h.waitFor("the invoice in Salesforce", func() bool { return h.sfInvoice(invID) != nil })
	h.settle()
	return invID
}

func (h *harness) sfInvoice(invoiceID string) map[string]any {
	rows, err := h.p.sandboxes.sf.Query("SELECT Id, Number__c, Status__c, Total__c, Amount_Paid__c, Amount_Remaining__c, Days_Overdue__c, " +
		"Due_Date__c, Date_Last_Paid__c, Currency__c, Account__c, Opportunity__c, SystemModstamp FROM NetSuite_Invoice__c WHERE NetSuite_Id__c = '" + invoiceID + "'")
	if err != nil {
		h.t.Fatal(err)
	}
	if len(rows) != 1 {
		return nil
	}
	return rows[0]
}

func (h *harness) sfApplication(payID, invoiceID string) map[string]any {
	rows, err := h.p.sandboxes.sf.Query("SELECT Id, Amount__c, Status__c, Type__c, Invoice__c, Payment_Number__c FROM NetSuite_Payment__c WHERE NetSuite_Id__c = '" + payID + ":" + invoiceID + "'")
	if err != nil || len(rows) != 1 {
		h.t.Fatalf("application %s:%s: %v %v", payID, invoiceID, rows, err)
	}
	return rows[0]
}

func num(m map[string]any, field string) float64 {
	f, _ := m[field].(float64)
	return f
}

// checkBalances: the account's open and overdue balances.
func (h *harness) checkBalances(step, accountID string, open, overdue float64) {
	h.t.Helper()
	a, _ := h.p.sandboxes.sf.Get("Account", accountID)
	if math.Abs(num(a, "Open_Balance__c")-open) > 0.001 || math.Abs(num(a, "Overdue_Balance__c")-overdue) > 0.001 {
		h.t.Errorf("%s: account balances open %v overdue %v, want %v and %v", step, a["Open_Balance__c"], a["Overdue_Balance__c"], open, overdue)
	}
}

// TestInvoiceLifecycle is F3's spine, through `tandem run`'s wiring: a won
// deal's sales order is invoiced in NetSuite (the webhook carries it), paid
// in part, then in full, and the first payment is voided; at each step the
// invoice record, its lookups and the account's balances follow NetSuite,
// and a replayed job writes nothing.
func TestInvoiceLifecycle(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	ctx := t.Context()
	oppID, accountID, orderID := h.wonDealWithOrder()
	ns := h.nsREST()
	due := time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly)
	invID := h.billOrder(ns, orderID, due)
	nsInv, _ := h.p.sandboxes.ns.Get("invoice", invID)
	total := num(nsInv, "total")
	inv := h.sfInvoice(invID)
	if inv["Account__c"] != accountID || inv["Opportunity__c"] != oppID || str(inv, "Number__c") != str(nsInv, "tranId") ||
		num(inv, "Total__c") != total || num(inv, "Amount_Remaining__c") != total || inv["Status__c"] != "Open" ||
		num(inv, "Days_Overdue__c") != 10 || inv["Due_Date__c"] != due || inv["Currency__c"] != map[string]string{"1": "USD", "2": "GBP", "3": "CAD", "4": "EUR"}[str(nsInv, "currency.id")] || total <= 100 {
		t.Fatalf("invoice record %v (NetSuite invoice total %v)", inv, total)
	}
	h.checkBalances("invoiced", accountID, total, total)

	pay1, err := ns.Transform(ctx, "invoice", invID, "customerPayment", map[string]any{"payment": 100})
	if err != nil {
		t.Fatal(err)
	}
	h.waitFor("the partial payment on the invoice", func() bool { return num(h.sfInvoice(invID), "Amount_Remaining__c") == total-100 })
	h.settle()
	inv = h.sfInvoice(invID)
	if inv["Status__c"] != "Open" || num(inv, "Amount_Paid__c") != 100 || inv["Date_Last_Paid__c"] != time.Now().UTC().Format(time.DateOnly) {
		t.Errorf("after the partial payment: %v", inv)
	}
	if a := h.sfApplication(pay1, invID); num(a, "Amount__c") != 100 || a["Status__c"] != "Applied" || a["Invoice__c"] != inv["Id"] {
		t.Errorf("application of the partial payment: %v", a)
	}
	h.checkBalances("partly paid", accountID, total-100, total-100)

	// A replayed payment job writes nothing to Salesforce.
	h.settle()
	calls := h.metricSum(metrics.RemoteCallsTotal, map[string]string{"system": "salesforce"})
	stamp := inv["SystemModstamp"]
	if _, err := jobs.NewEnqueuer(h.p.app.redis.Client, 3).Enqueue(ctx, jobs.TypePaymentToSalesforce, "replay-"+pay1,
		jobs.Change{Source: jobs.SourceNetSuiteWebhook, Object: "customerpayment", RecordID: pay1, EventID: "replay"}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if got := h.metricSum(metrics.RemoteCallsTotal, map[string]string{"system": "salesforce"}) - calls; got != 0 {
		t.Errorf("a replayed payment job made %v Salesforce calls, want 0", got)
	}
	if h.sfInvoice(invID)["SystemModstamp"] != stamp {
		t.Error("a replayed payment job rewrote the invoice")
	}

	pay2, err := ns.Transform(ctx, "invoice", invID, "customerPayment", nil)
	if err != nil {
		t.Fatal(err)
	}
	h.waitFor("the full payment on the invoice", func() bool { return h.sfInvoice(invID)["Status__c"] == "Paid In Full" })
	h.settle()
	if inv = h.sfInvoice(invID); num(inv, "Amount_Remaining__c") != 0 || num(inv, "Amount_Paid__c") != total || num(inv, "Days_Overdue__c") != 0 {
		t.Errorf("after the full payment: %v", inv)
	}
	if a := h.sfApplication(pay2, invID); num(a, "Amount__c") != total-100 {
		t.Errorf("application of the full payment: %v", a)
	}
	h.checkBalances("paid", accountID, 0, 0)

	// Voiding the first payment puts its 100 back on the invoice.
	if err := h.p.sandboxes.ns.Void("customerPayment", pay1); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the void on the invoice", func() bool { return num(h.sfInvoice(invID), "Amount_Remaining__c") == 100 })
	h.settle()
	if inv = h.sfInvoice(invID); inv["Status__c"] != "Open" || num(inv, "Amount_Paid__c") != total-100 {
		t.Errorf("after the void: %v", inv)
	}
	if a := h.sfApplication(pay1, invID); num(a, "Amount__c") != 0 || a["Status__c"] != "Voided" {
		t.Errorf("application of the voided payment: %v", a)
	}
	h.checkBalances("voided", accountID, 100, 100)
	if arch := h.archived(); len(arch) != 0 {
		t.Errorf("archived jobs: %v", fmt.Sprint(arch[0].Type, " ", arch[0].LastErr))
	}
}
