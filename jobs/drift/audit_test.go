package drift

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/catalog"
)

// TestAuditFindsAndHealsACustomerChangedWithoutWebhook: a customer's web
// address changed in NetSuite while no webhook was sent is found by the
// audit; with healing off it is only reported (Salesforce unchanged, no
// job); with healing on the customer's sync job is stored, and once it
// runs the account has the NetSuite value and the next audit finds
// nothing. Pairs in step are never reported.
func TestAuditFindsAndHealsACustomerChangedWithoutWebhook(t *testing.T) {
	o := newOrgs(t)
	ctx := context.Background()
	ids := o.linkedCustomers(t, 3)

	r, err := o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range []string{accountsync.PairAccountCustomer, accountsync.PairContact} {
		if c := r.Counts(pair); c.Compared != 3 || c.Differing != 0 || c.Missing != 0 {
			t.Fatalf("pairs in step: %s counts %+v, want 3 compared and nothing else; differences %+v", pair, c, r.Differences)
		}
	}

	changed := ids[1]
	before := o.account(t, changed)
	if err := o.ns.PutFields("customer", changed, map[string]any{"url": "https://moved.example"}); err != nil {
		t.Fatal(err)
	}

	r, err = o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(accountsync.PairAccountCustomer); c.Compared != 3 || c.Differing != 1 || c.Healed != 0 {
		t.Errorf("report only: counts %+v, want 3 compared, 1 differing, none healed", c)
	}
	want := Difference{Pair: accountsync.PairAccountCustomer, SalesforceID: before.String("Id"), NetSuiteID: changed, Field: "Website",
		Salesforce: before.String("Website"), NetSuite: "https://moved.example", Right: "netsuite"}
	if diffs := differencesOf(r, accountsync.PairAccountCustomer); len(diffs) != 1 || !sameDifference(diffs[0], want) {
		t.Fatalf("differences %+v, want only %+v", diffs, want)
	}
	if got := o.account(t, changed).String("Website"); got != before.String("Website") {
		t.Errorf("report only: the account's Website is %q, want it unchanged (%q)", got, before.String("Website"))
	}
	if n := len(o.pending(t, jobs.QueueNetSuiteToSalesforce, "")) + len(o.pending(t, jobs.QueueSalesforceToNetSuite, "")); n != 0 {
		t.Errorf("report only: %d jobs stored, want none", n)
	}

	healer := o.auditor(t, true)
	m := metrics.New(nil)
	healer.Observer = m
	r, err = healer.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(accountsync.PairAccountCustomer); c.Differing != 1 || c.Healed != 1 {
		t.Errorf("healing: counts %+v, want 1 differing, 1 healed", c)
	}
	for _, outcome := range []string{"found", "healed"} {
		if v := counterValue(t, m, metrics.DriftPairsTotal, accountsync.PairAccountCustomer, outcome); v != 1 {
			t.Errorf("%s{pair=%q,outcome=%q} = %v, want 1", metrics.DriftPairsTotal, accountsync.PairAccountCustomer, outcome, v)
		}
	}
	// (The sandbox's seeded demo products differ from their items: their
	// catalog jobs are stored beside it.)
	tasks := o.pending(t, jobs.QueueNetSuiteToSalesforce, jobs.TypeCustomerToAccount)
	if len(tasks) != 1 {
		t.Fatalf("healing stored %d %s jobs (%v), want the customer's one", len(tasks), jobs.TypeCustomerToAccount, tasks)
	}
	var ch jobs.Change
	if err := json.Unmarshal(tasks[0].Payload, &ch); err != nil || ch.RecordID != changed || ch.Object != "customer" {
		t.Fatalf("heal job payload %+v (%v), want customer %s", ch, err, changed)
	}
	o.run(t, tasks[0].Type, ch)
	if got := o.account(t, changed).String("Website"); got != "https://moved.example" {
		t.Errorf("after the heal job the account's Website is %q, want NetSuite's https://moved.example", got)
	}

	r, err = o.auditor(t, true).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(accountsync.PairAccountCustomer); c.Differing != 0 {
		t.Errorf("after healing: %+v, differences %+v; want none", c, r.Differences)
	}
	last, err := LastRun(ctx, o.db.Client)
	if err != nil || last == nil || last.RunID != r.RunID {
		t.Errorf("last run stored: %+v, %v; want run %s", last, err, r.RunID)
	}
}

// counterValue is the value of a {pair, outcome} counter; 0 when absent.
func counterValue(t *testing.T, m *metrics.Metrics, name, pair, outcome string) float64 {
	t.Helper()
	families, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, metric := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range metric.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["pair"] == pair && labels["outcome"] == outcome {
				return metric.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// differencesOf are the differences of one pair type.
func differencesOf(r *Report, pair string) []Difference {
	var out []Difference
	for _, d := range r.Differences {
		if d.Pair == pair {
			out = append(out, d)
		}
	}
	return out
}

func sameDifference(got, want Difference) bool {
	got.Why = ""
	return got.Pair == want.Pair && got.SalesforceID == want.SalesforceID && got.NetSuiteID == want.NetSuiteID &&
		got.Field == want.Field && got.Salesforce == want.Salesforce && got.NetSuite == want.NetSuite && got.Right == want.Right
}

// TestAuditHealsAContactChangedInSalesforce: a contact's phone changed in
// Salesforce with no event sent is healed from the Salesforce side (the
// contact's own sync job), so NetSuite gets the new phone; an account
// linked to a customer that does not exist is counted missing, not healed.
func TestAuditHealsAContactChangedInSalesforce(t *testing.T) {
	o := newOrgs(t)
	ctx := context.Background()
	ids := o.linkedCustomers(t, 2)
	contacts, err := o.sfc.Query(ctx, "SELECT Id, NetSuite_Id__c FROM Contact WHERE Account.NetSuite_Id__c = '"+ids[0]+"'")
	if err != nil || len(contacts) != 1 {
		t.Fatalf("the contact of customer %s: %v, %v", ids[0], contacts, err)
	}
	sfID, nsID := contacts[0].String("Id"), contacts[0].String("NetSuite_Id__c")
	if err := o.sf.Update("Contact", sfID, map[string]any{"Phone": "+1 212 555 0199"}, o.sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if _, err := o.sf.Create("Account", map[string]any{"Name": "Twin Gone", "NetSuite_Id__c": "999999"}, o.sf.SalesUser()); err != nil {
		t.Fatal(err)
	}

	r, err := o.auditor(t, true).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(accountsync.PairContact); c.Differing != 1 || c.Healed != 1 {
		t.Errorf("contacts: %+v, want 1 differing, 1 healed; differences %+v", c, r.Differences)
	}
	if c := r.Counts(accountsync.PairAccountCustomer); c.Missing != 1 || c.Healed != 0 {
		t.Errorf("accounts: %+v, want 1 missing, none healed", c)
	}
	tasks := o.pending(t, jobs.QueueSalesforceToNetSuite, "")
	if len(tasks) != 1 || tasks[0].Type != jobs.TypeContactToNSContact {
		t.Fatalf("healing stored %v, want the contact's one %s job", tasks, jobs.TypeContactToNSContact)
	}
	var ch jobs.Change
	if err := json.Unmarshal(tasks[0].Payload, &ch); err != nil || ch.RecordID != sfID {
		t.Fatalf("heal job payload %+v (%v), want contact %s", ch, err, sfID)
	}
	o.run(t, tasks[0].Type, ch)
	if rec, _ := o.ns.Get("contact", nsID); rec["phone"] != "+1 212 555 0199" {
		t.Errorf("after the heal job the NetSuite contact's phone is %v, want Salesforce's +1 212 555 0199", rec["phone"])
	}
}

// TestAuditHealsAProductFromItsItem: the Salesforce sandbox's seeded demo
// products were never synced from their NetSuite items; the audit reports
// each differing field with NetSuite right, heals with the item's catalog
// job, and once that runs the product is in step.
func TestAuditHealsAProductFromItsItem(t *testing.T) {
	o := newOrgs(t)
	ctx := context.Background()
	r, err := o.auditor(t, true).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var item string
	for _, d := range differencesOf(r, PairItemProduct) {
		if d.Right != "netsuite" {
			t.Errorf("%+v: want NetSuite right (the catalog is one way)", d)
		}
		item = d.NetSuiteID
	}
	c := r.Counts(PairItemProduct)
	if item == "" || c.Differing == 0 || c.Healed != c.Differing {
		t.Fatalf("products: %+v, differences %+v; want seeded products differing, each healed", c, differencesOf(r, PairItemProduct))
	}
	var job *jobs.Change
	for _, task := range o.pending(t, jobs.QueueNetSuiteToSalesforce, jobs.TypeCatalogItem) {
		var ch jobs.Change
		if err := json.Unmarshal(task.Payload, &ch); err == nil && ch.RecordID == item {
			job = &ch
		}
	}
	if job == nil {
		t.Fatalf("no %s job stored for item %s", jobs.TypeCatalogItem, item)
	}
	// A worker's item job only files the item into the catalog's group; with
	// no aggregator here, the batched task is run as the group would run it.
	o.run(t, catalog.TypeItemBatched, *job)
	r, err = o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range differencesOf(r, PairItemProduct) {
		if d.NetSuiteID == item {
			t.Errorf("after its catalog job, item %s still differs: %+v", item, d)
		}
	}
}
