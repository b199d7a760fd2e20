package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/jobs"
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

// TestSingleCurrencyLearnedOnceSalesforceAnswers: Salesforce answers
// nothing when Tandem starts (every REST call fails), so whether the org
// has multi-currency is not known then. Jobs wait and retry instead of
// running on a guess; once Salesforce answers, the first job learns the
// org is single-currency and the deal becomes a sales order.
func TestSingleCurrencyLearnedOnceSalesforceAnswers(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", singleCurrency, "TANDEM_SANDBOX_SF_FAULTS", "5xx=1")
	oppID := str(h.openOpportunities(1)[0], "Id")
	h.closeWon(oppID)
	h.waitFor("the deal's job waiting to learn the org's currencies", func() bool {
		tasks, _ := h.inspector.ListRetryTasks(jobs.QueueSalesforceToNetSuite)
		return slices.ContainsFunc(tasks, func(t *asynq.TaskInfo) bool { return strings.Contains(t.LastErr, "multi-currency") })
	})
	h.p.sandboxes.sf.SetFaults(sfsandbox.Faults{})
	h.waitFor("the sales order", func() bool { return len(h.salesOrders(oppID)) > 0 })
	h.settle()
	if n := len(h.salesOrders(oppID)); n != 1 {
		t.Errorf("%d sales orders, want 1", n)
	}
	h.noneArchived()
}
