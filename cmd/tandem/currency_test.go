package main

import (
	"testing"
	"time"
)

// Single-currency orgs (trap 5): no object has CurrencyIsoCode, and SOQL
// or writes naming it fail with INVALID_FIELD. Tandem learns this from
// describe and the shipped flows work all the same.

const singleCurrency = "single-currency"

func (h *harness) noneArchived() {
	h.t.Helper()
	for _, a := range h.archived() {
		h.t.Errorf("archived %s: %s", a.ID, a.LastErr)
	}
}

// TestSingleCurrencyDealBecomesSalesOrder: F1 in a single-currency org.
func TestSingleCurrencyDealBecomesSalesOrder(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", singleCurrency)
	opp := h.openOpportunities(1)[0]
	oppID := str(opp, "Id")
	h.closeWon(oppID)
	h.waitFor("the sales order", func() bool { return len(h.salesOrders(oppID)) > 0 })
	h.settle()
	if n := len(h.salesOrders(oppID)); n != 1 {
		t.Errorf("%d sales orders, want 1", n)
	}
	h.noneArchived()
}

// TestSingleCurrencyAccountSync: F2 both ways in a single-currency org.
func TestSingleCurrencyAccountSync(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", singleCurrency)
	sfID, nsID := h.linkedPair(0)
	sf := h.p.sandboxes.sf
	if err := sf.Update("Account", sfID, map[string]any{"Name": "Globex Renamed Ltd"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the rename in NetSuite", func() bool { return str(h.customer(nsID), "companyName") == "Globex Renamed Ltd" })
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"url": "https://new.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the new web site in Salesforce", func() bool {
		a, _ := sf.Get("Account", sfID)
		return str(a, "Website") == "https://new.example.com"
	})
	h.settle()
	h.noneArchived()
}

// TestSingleCurrencyInvoice: F3 in a single-currency org, from a won deal.
func TestSingleCurrencyInvoice(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", singleCurrency)
	_, accountID, orderID := h.wonDealWithOrder()
	invID := h.billOrder(h.nsREST(), orderID, time.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly))
	inv := h.sfInvoice(invID)
	if inv["Account__c"] != accountID || num(inv, "Total__c") <= 0 {
		t.Errorf("invoice record %v", inv)
	}
	h.noneArchived()
}
