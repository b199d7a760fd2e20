package main

import (
	"strings"
	"testing"
)

// TestAutomationInTandemsWriteReachesNetSuite (trap 8): an org flow sets
// the Phone of an Account whose Website changes, inside Tandem's own write of a
// NetSuite edit (the web site), so the change event is committed by the
// integration user. The Phone still reaches the NetSuite customer;
// Tandem's own value (the web site) is not written back.
func TestAutomationInTandemsWriteReachesNetSuite(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", "automation")
	sfID, nsID := h.linkedPair(1)
	h.settle()
	if digits(str(h.customer(nsID), "phone")) == digits(AutomationPhone) {
		t.Fatal("the customer has the automation's phone already")
	}
	before := h.writes()
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"url": "https://automation-test.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the automation's phone in NetSuite", func() bool { return digits(str(h.customer(nsID), "phone")) == digits(AutomationPhone) })
	h.settle()
	a, _ := h.p.sandboxes.sf.Get("Account", sfID)
	if str(a, "LastModifiedById") != h.p.sandboxes.sf.IntegrationUser().ID || str(a, "Website") != "https://automation-test.example.com" {
		t.Errorf("account %v: want the web site written by the integration user", a)
	}
	after := h.writes()
	if after.sf-before.sf != 1 || after.ns-before.ns != 1 {
		t.Errorf("writes sf %d ns %d, want 1 and 1 (the web site to Salesforce, the automation's phone to NetSuite)",
			after.sf-before.sf, after.ns-before.ns)
	}
	for _, j := range h.archived() {
		t.Errorf("archived %s: %s", j.ID, j.LastErr)
	}
}

// TestOwnChangeEventWritesNothing: with no automation, the change event of
// Tandem's own write goes to the flow, which sees an echo and writes
// nothing back.
func TestOwnChangeEventWritesNothing(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	_, nsID := h.linkedPair(1)
	before := h.writes()
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"url": "https://own-echo.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("Tandem's own change event", func() bool { return h.writes().sf-before.sf == 1 })
	h.settle()
	if after := h.writes(); after.sf-before.sf != 1 || after.ns != before.ns || after.echo == before.echo {
		t.Errorf("writes sf %d ns %d echoes %d, want 1, 0 and the own change event dropped as an echo by the flow",
			after.sf-before.sf, after.ns-before.ns, after.echo-before.echo)
	}
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
