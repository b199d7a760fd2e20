package main

import (
	"strings"
	"testing"
)

// TestFieldSecurityShippedPermissionSet (trap 6): with the integration
// user limited to the shipped Tandem_Integration permission set, accounts
// and customers still link and edits travel both ways.
func TestFieldSecurityShippedPermissionSet(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", "fls")
	sfID, nsID := h.linkedPair(1)
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"url": "https://fls.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the web site in Salesforce", func() bool {
		a, _ := h.p.sandboxes.sf.Get("Account", sfID)
		return str(a, "Website") == "https://fls.example.com"
	})
	h.settle()
	for _, j := range h.archived() {
		t.Errorf("archived %s: %s", j.ID, j.LastErr)
	}
}

// TestFieldSecurityMissingGrant: an org whose permission set lacks a field
// the account flow reads fails the job with Salesforce's own error, which
// names the field.
func TestFieldSecurityMissingGrant(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", "fls-without=Account.Website")
	sf := h.p.sandboxes.sf
	accts, err := sf.Query("SELECT Id FROM Account WHERE NetSuite_Id__c = null ORDER BY Name LIMIT 1")
	if err != nil || len(accts) == 0 {
		t.Fatalf("seed accounts: %v", err)
	}
	if err := sf.Update("Account", str(accts[0], "Id"), map[string]any{"Description": "edited"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the job failed for the missing grant", func() bool {
		for _, j := range h.archived() {
			if strings.Contains(j.LastErr, "INVALID_FIELD") && strings.Contains(j.LastErr, "No such column 'Website' on entity 'Account'") {
				return true
			}
		}
		return false
	})
}
