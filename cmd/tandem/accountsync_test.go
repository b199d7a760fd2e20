package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/jobs"
)

// The F2 tests run both sandboxes notifying on every change, Tandem's own
// writes included: Salesforce forwards Change Data Capture events, the
// NetSuite sandbox posts the SuiteScript's signed webhooks.

// linkedPair links a seeded account to a NetSuite customer by changing it
// once in Salesforce, and returns both ids once everything is quiet.
func (h *harness) linkedPair(n int) (sfID, nsID string) {
	h.t.Helper()
	sf := h.p.sandboxes.sf
	accts, err := sf.Query("SELECT Id, Name FROM Account WHERE NetSuite_Id__c = null ORDER BY Name")
	if err != nil || len(accts) <= n {
		h.t.Fatalf("seed accounts: %d, %v", len(accts), err)
	}
	sfID = str(accts[n], "Id")
	if err := sf.Update("Account", sfID, map[string]any{"Description": "linked by the F2 test"}, sf.SalesUser()); err != nil {
		h.t.Fatal(err)
	}
	h.waitFor("the account's NetSuite twin", func() bool {
		a, _ := sf.Get("Account", sfID)
		nsID = str(a, "NetSuite_Id__c")
		return nsID != ""
	})
	h.settle()
	return sfID, nsID
}

type writeCount struct{ sf, ns, echo, overruled int64 }

func (h *harness) writes() writeCount {
	st := h.p.app.syncStats
	return writeCount{st.SalesforceWrites.Load(), st.NetSuiteWrites.Load(), st.EchoDrops.Load(), st.OverruledDrops.Load()}
}

func (h *harness) customer(nsID string) map[string]any {
	h.t.Helper()
	c, ok := h.p.sandboxes.ns.Get("customer", nsID)
	if !ok {
		h.t.Fatalf("NetSuite customer %s missing", nsID)
	}
	return c
}

// billing is the default billing address line of a customer.
func billing(customer map[string]any) map[string]any {
	for _, l := range sublist(customer, "addressBook") {
		if l["defaultBilling"] == true {
			return l
		}
	}
	return nil
}

// TestAccountRenameReachesNetSuiteOnce: a rename in Salesforce is written
// to NetSuite once, and NetSuite's webhook about that write (Tandem's own
// echo) writes nothing back.
func TestAccountRenameReachesNetSuiteOnce(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(0)
	if ext := str(h.customer(nsID), "externalId"); ext != sfID {
		t.Fatalf("customer %s has external id %q, want the account id %s", nsID, ext, sfID)
	}
	before := h.writes()
	sf := h.p.sandboxes.sf
	if err := sf.Update("Account", sfID, map[string]any{"Name": "Globex Renamed Ltd"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the rename in NetSuite", func() bool { return str(h.customer(nsID), "companyName") == "Globex Renamed Ltd" })
	h.settle()
	after := h.writes()
	if after.ns-before.ns != 1 || after.sf != before.sf {
		t.Errorf("a rename made %d NetSuite and %d Salesforce writes, want 1 and 0", after.ns-before.ns, after.sf-before.sf)
	}
	if after.echo == before.echo {
		t.Error("NetSuite's webhook about Tandem's own write was not recognised as an echo")
	}
}

// TestCustomerEditReachesSalesforceOnce: the same from NetSuite's side.
func TestCustomerEditReachesSalesforceOnce(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(1)
	before := h.writes()
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"url": "https://new.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the new web site in Salesforce", func() bool {
		a, _ := h.p.sandboxes.sf.Get("Account", sfID)
		return str(a, "Website") == "https://new.example.com"
	})
	h.settle()
	after := h.writes()
	if after.sf-before.sf != 1 || after.ns != before.ns {
		t.Errorf("a NetSuite edit made %d Salesforce and %d NetSuite writes, want 1 and 0", after.sf-before.sf, after.ns-before.ns)
	}
}

// TestMasterRevertsTheOtherSide: the company name is mastered by
// Salesforce, so an edit of it in NetSuite is overruled and put back.
func TestMasterRevertsTheOtherSide(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(2)
	account, _ := h.p.sandboxes.sf.Get("Account", sfID)
	before := h.writes()
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"companyName": "Edited In NetSuite"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the name put back in NetSuite", func() bool { return str(h.customer(nsID), "companyName") == str(account, "Name") })
	h.settle()
	after := h.writes()
	if after.ns-before.ns != 1 || after.sf != before.sf || after.overruled == before.overruled {
		t.Errorf("writes ns %d sf %d overruled %d; want one NetSuite write, none in Salesforce, the drop counted",
			after.ns-before.ns, after.sf-before.sf, after.overruled-before.overruled)
	}
	if !strings.Contains(h.logs.String(), `"msg":"change overruled"`) {
		t.Error("the overruled change was not logged")
	}
}

// TestSameSecondEditsConverge edits the same groups on both sides within
// one second: every group ends with the rule's winner on both sides.
func TestSameSecondEditsConverge(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(3)
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	line := billing(h.customer(nsID))
	addr, _ := line["addressBookAddress"].(map[string]any)
	nsAddress := map[string]any{}
	for k, v := range addr {
		if k != "links" && k != "addrText" {
			nsAddress[k] = v
		}
	}
	nsAddress["city"] = "Leeds"
	// Start just after a second turns, so both edits fall within it.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 20*time.Millisecond)))
	start := time.Now()
	if err := sf.Update("Account", sfID, map[string]any{"Name": "Name From Salesforce", "Website": "https://sf.example.com", "BillingCity": "Bristol"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if _, err := ns.Put("customer", map[string]any{"id": nsID, "companyName": "Name From NetSuite", "url": "https://ns.example.com",
		"addressBook": map[string]any{"items": []any{map[string]any{"id": line["id"], "addressBookAddress": nsAddress}}}}); err != nil {
		t.Fatal(err)
	}
	sameSecond := time.Now().Truncate(time.Second).Equal(start.Truncate(time.Second))
	h.settle()
	account, _ := sf.Get("Account", sfID)
	customer := h.customer(nsID)
	check := func(group, sfValue, nsValue, want string) {
		t.Helper()
		if sfValue != want || nsValue != want {
			t.Errorf("%s: Salesforce %q, NetSuite %q; want %q on both sides", group, sfValue, nsValue, want)
		}
	}
	check("identity (master salesforce)", str(account, "Name"), str(customer, "companyName"), "Name From Salesforce")
	check("addresses (master netsuite)", str(account, "BillingCity"), str(billing(customer), "addressBookAddress.city"), "Leeds")
	if sameSecond {
		check("web (no master, same second: tie-break salesforce)", str(account, "Website"), str(customer, "url"), "https://sf.example.com")
	} else {
		check("web (no master: the later edit, NetSuite's)", str(account, "Website"), str(customer, "url"), "https://ns.example.com")
	}
}

// TestUnknownCustomerLinkedByMatchKey: a customer created in NetSuite with
// the name and billing country of an unlinked account is linked to it,
// not duplicated.
func TestUnknownCustomerLinkedByMatchKey(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	accts, err := sf.Query("SELECT Id, Name, BillingCountry FROM Account WHERE NetSuite_Id__c = null AND BillingCountry = 'United Kingdom' ORDER BY Name LIMIT 1")
	if err != nil || len(accts) != 1 {
		t.Fatalf("no unlinked UK account: %v", err)
	}
	acct := accts[0]
	countBefore := countAccounts(t, h)
	nsID, err := ns.Put("customer", map[string]any{"companyName": str(acct, "Name") + ", Ltd.", "subsidiary": map[string]any{"id": "2"},
		"addressBook": map[string]any{"items": []any{map[string]any{"defaultBilling": true, "label": "HQ",
			"addressBookAddress": map[string]any{"addr1": "1 Test Street", "city": "London", "country": map[string]any{"id": "GB"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	h.waitFor("the link", func() bool {
		a, _ := sf.Get("Account", str(acct, "Id"))
		return str(a, "NetSuite_Id__c") == nsID
	})
	h.settle()
	if ext := str(h.customer(nsID), "externalId"); ext != str(acct, "Id") {
		t.Errorf("customer external id %q, want the account %s", ext, str(acct, "Id"))
	}
	if n := countAccounts(t, h); n != countBefore {
		t.Errorf("%d accounts after linking, %d before: a duplicate was created", n, countBefore)
	}
	if h.p.app.syncStats.Links.Load() == 0 {
		t.Error("no link counted")
	}
}

// TestAmbiguousMatchGoesToReview: two unlinked NetSuite customers share an
// account's name and country; Tandem names both and guesses neither.
func TestAmbiguousMatchGoesToReview(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	accts, err := sf.Query("SELECT Id, Name FROM Account WHERE NetSuite_Id__c = null AND BillingCountry = 'Germany' ORDER BY Name LIMIT 1")
	if err != nil || len(accts) != 1 {
		t.Fatalf("no unlinked German account: %v", err)
	}
	acct := accts[0]
	// Created before the SuiteScript is deployed: Tandem does not hear of them.
	ns.SetWebhookURL("")
	var ids []string
	for _, suffix := range []string{" GmbH", " AG"} {
		id, err := ns.Put("customer", map[string]any{"companyName": str(acct, "Name") + suffix, "subsidiary": map[string]any{"id": "3"},
			"addressBook": map[string]any{"items": []any{map[string]any{"defaultBilling": true, "label": "HQ",
				"addressBookAddress": map[string]any{"addr1": "Hauptstraße 1", "city": "Berlin", "country": map[string]any{"id": "DE"}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	customersBefore := len(ns.List("customer"))
	if err := sf.Update("Account", str(acct, "Id"), map[string]any{"Description": "changed"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the archived job", func() bool { return len(h.archived()) > 0 })
	h.settle()
	archived := h.archived()
	if len(archived) != 1 || archived[0].Type != jobs.TypeAccountToCustomer {
		t.Fatalf("archived %v", archived)
	}
	for _, id := range ids {
		if !strings.Contains(archived[0].LastErr, id) {
			t.Errorf("last error %q does not name candidate %s", archived[0].LastErr, id)
		}
	}
	items, err := jobs.NewReviewStore(h.p.app.redis.Client).List(t.Context(), jobs.ReviewOpen)
	if err != nil || len(items) != 1 || len(items[0].Candidates) != 2 {
		t.Fatalf("review list %+v, %v", items, err)
	}
	if n := len(ns.List("customer")); n != customersBefore {
		t.Errorf("%d customers, %d before: one was created instead of asking", n, customersBefore)
	}
	if a, _ := sf.Get("Account", str(acct, "Id")); str(a, "NetSuite_Id__c") != "" {
		t.Errorf("the account was linked to %s by guess", str(a, "NetSuite_Id__c"))
	}
}

// TestDeletedAccountFlagsItsCustomer: by default a deletion never
// deletes the twin; it flags it.
func TestDeletedAccountFlagsItsCustomer(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(4)
	sf := h.p.sandboxes.sf
	if err := sf.Delete("Account", sfID, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the flag", func() bool { return h.customer(nsID)["custentity_tandem_deleted_in_salesforce"] == true })
	h.settle()
	if _, ok := h.p.sandboxes.ns.Get("customer", nsID); !ok {
		t.Error("the customer was deleted")
	}
}

func countAccounts(t *testing.T, h *harness) int {
	t.Helper()
	recs, err := h.p.sandboxes.sf.Query("SELECT COUNT() FROM Account")
	if err != nil || len(recs) != 1 {
		t.Fatal(err)
	}
	n, _ := recs[0]["expr0"].(int)
	if n == 0 {
		fmt.Sscan(str(recs[0], "expr0"), &n)
	}
	return n
}

// TestTermsAndSalesRepTravel: payment terms (NetSuite's) reach the
// account; the account owner (Salesforce's) reaches the customer as the
// sales rep with the same email.
func TestTermsAndSalesRepTravel(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(5)
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	if err := ns.PutFields("customer", nsID, map[string]any{"terms": map[string]any{"id": "6"}}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the terms in Salesforce", func() bool {
		a, _ := sf.Get("Account", sfID)
		return str(a, "Payment_Terms__c") == "Net 45"
	})
	if err := sf.Update("Account", sfID, map[string]any{"OwnerId": sf.SalesUser().ID}, sf.IntegrationUser()); err != nil {
		t.Fatal(err)
	}
	var samSales string
	for _, e := range ns.List("employee") {
		if str(e, "email") == sf.SalesUser().Email {
			samSales = str(e, "id")
		}
	}
	if samSales == "" {
		t.Fatalf("no NetSuite employee with the sales user's email %s", sf.SalesUser().Email)
	}
	h.waitFor("the sales rep in NetSuite", func() bool { return str(h.customer(nsID), "salesRep.id") == samSales })
	h.settle()
}

// TestContactsTravelUnderTheirCustomer: a contact edited in Salesforce is
// created in NetSuite attached to its account's customer; an email edited
// in NetSuite comes back.
func TestContactsTravelUnderTheirCustomer(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(6)
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	contacts, err := sf.Query(fmt.Sprintf("SELECT Id, LastName FROM Contact WHERE AccountId = '%s' ORDER BY LastName LIMIT 1", sfID))
	if err != nil || len(contacts) != 1 {
		t.Fatalf("no contact under account %s: %v", sfID, err)
	}
	contactID := str(contacts[0], "Id")
	if err := sf.Update("Contact", contactID, map[string]any{"Phone": "+1 415 555 0199"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	var nsContact string
	h.waitFor("the NetSuite contact", func() bool {
		c, _ := sf.Get("Contact", contactID)
		nsContact = str(c, "NetSuite_Id__c")
		return nsContact != ""
	})
	h.settle()
	c, ok := ns.Get("contact", nsContact)
	if !ok || str(c, "company.id") != nsID || str(c, "phone") != "+1 415 555 0199" || str(c, "externalId") != contactID {
		t.Fatalf("NetSuite contact %s = %v; want company %s, the phone, external id %s", nsContact, c, nsID, contactID)
	}
	if err := ns.PutFields("contact", nsContact, map[string]any{"email": "changed@customer.example"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the email in Salesforce", func() bool {
		c, _ := sf.Get("Contact", contactID)
		return str(c, "Email") == "changed@customer.example"
	})
	h.settle()
}
