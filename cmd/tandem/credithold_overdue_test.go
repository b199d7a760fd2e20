package main

import (
	"fmt"
	"testing"
	"time"
)

// TestCreditHoldFromAnOverdueInvoiceReleasedByPayment drives F5 from real
// A/R through `tandem run`'s wiring: a won deal's order is invoiced, due in
// five days; the NetSuite sandbox's date moves on 40 days (time passing
// fires no event, as in NetSuite) and the customer's next event puts the
// account on hold with the overdue reason and one Task. Then a payment
// that clears the invoice reaches credit hold through its own webhook:
// the hold is released and the Task completed.
func TestCreditHoldFromAnOverdueInvoiceReleasedByPayment(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	ctx := t.Context()
	_, accountID, orderID := h.wonDealWithOrder()
	ns := h.nsREST()
	due := time.Now().UTC().AddDate(0, 0, 5).Format(time.DateOnly)
	invID := h.billOrder(ns, orderID, due)
	inv, _ := h.p.sandboxes.ns.Get("invoice", invID)
	nsID, total := str(inv, "entity.id"), num(inv, "total")
	if h.account(accountID)["Credit_Hold__c"] == true || len(h.holdTasks(accountID)) != 0 {
		t.Fatal("an invoice not yet due put the account on hold")
	}

	h.p.sandboxes.nsToday.advance(40 * 24 * time.Hour)
	customer, _ := h.p.sandboxes.ns.Get("customer", nsID)
	days := int(num(customer, "daysOverdue"))
	if days <= 30 || num(customer, "overdueBalance") != total {
		t.Fatalf("40 days on, the customer's figures: overdue %v for %d days; want %v for over 30", customer["overdueBalance"], days, total)
	}
	// The customer's next event: a note added in the NetSuite UI.
	h.setCredit(nsID, map[string]any{"comments": "called about the invoice"})
	h.waitFor("the overdue hold", func() bool { return h.account(accountID)["Credit_Hold__c"] == true })
	h.settle()
	if r, want := str(h.account(accountID), "Credit_Hold_Reason__c"), fmt.Sprintf("%.2f overdue for %d days", total, days); r != want {
		t.Errorf("reason %q, want %q", r, want)
	}
	tasks := h.holdTasks(accountID)
	if len(tasks) != 1 || str(tasks[0], "Status") != "Not Started" || str(tasks[0], "Tandem_Key__c") != "credithold:"+nsID+":1" {
		t.Fatalf("Tasks %v, want one open for episode 1", tasks)
	}

	// A payment of what remains, through REST: only its own webhook fires.
	if _, err := ns.Transform(ctx, "invoice", invID, "customerPayment", nil); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the hold released by the payment", func() bool { return h.account(accountID)["Credit_Hold__c"] == false })
	h.settle()
	tasks = h.holdTasks(accountID)
	if len(tasks) != 1 || str(tasks[0], "Status") != "Completed" {
		t.Errorf("after the payment: Tasks %v, want the one Task Completed", tasks)
	}
	if r := str(h.account(accountID), "Credit_Hold_Reason__c"); r != "" {
		t.Errorf("reason %q left after release", r)
	}
	h.checkBalances("paid", accountID, 0, 0)
	if arch := h.archived(); len(arch) != 0 {
		t.Errorf("archived jobs: %s %s", arch[0].Type, arch[0].LastErr)
	}
}
