package drift

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tandem-sync/tandem/jobs"
)

// linkedInvoice bills a sales order of a linked customer and syncs the
// invoice as its webhook's job would; it returns the invoice's id.
func (o *orgs) linkedInvoice(t testing.TB, cust string) string {
	t.Helper()
	order, err := o.ns.Put("salesOrder", map[string]any{"entity": map[string]any{"id": cust}, "subsidiary": map[string]any{"id": "1"},
		"item": map[string]any{"items": []any{map[string]any{"item": map[string]any{"id": "1001"}, "quantity": 2, "rate": 50}}}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := o.ns.Transform("salesOrder", order, "invoice", map[string]any{"dueDate": "2030-01-15"})
	if err != nil {
		t.Fatal(err)
	}
	o.run(t, jobs.TypeInvoiceToSalesforce, jobs.Change{Source: jobs.SourceNetSuiteWebhook, Object: "invoice", RecordID: inv})
	return inv
}

// healOne runs a healing audit that finds one differing pair of the type
// and stores its one heal job, of taskType in queue, for object recordID;
// it returns the job's change.
func (o *orgs) healOne(t *testing.T, pair, queue, taskType, object, recordID string) jobs.Change {
	t.Helper()
	r, err := o.auditor(t, true).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(pair); c.Differing != 1 || c.Healed != 1 {
		t.Fatalf("healing %s: %+v, want 1 differing, 1 healed", pair, c)
	}
	tasks := o.pending(t, queue, taskType)
	if len(tasks) != 1 {
		t.Fatalf("%d %s jobs pending, want 1", len(tasks), taskType)
	}
	var ch jobs.Change
	if err := json.Unmarshal(tasks[0].Payload, &ch); err != nil || ch.RecordID != recordID || ch.Object != object || ch.Source != jobs.SourceDriftAudit {
		t.Fatalf("heal job payload %+v (%v), want %s %s from the drift audit", ch, err, object, recordID)
	}
	return ch
}

// TestInvoiceChangedInNetSuiteIsFoundAndHealed: an invoice whose due date
// moved in NetSuite with no webhook is reported with NetSuite right; with
// healing off nothing is enqueued, with it on the invoice job a webhook
// would make is, and it brings Salesforce back in step.
func TestInvoiceChangedInNetSuiteIsFoundAndHealed(t *testing.T) {
	o := newOrgs(t)
	ctx := context.Background()
	inv := o.linkedInvoice(t, o.linkedCustomers(t, 1)[0])
	r, err := o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(PairInvoice); c.Compared != 1 || c.Differing != 0 || c.Failed != 0 || c.Missing != 0 {
		t.Fatalf("in step: %+v, want 1 compared, none differing", c)
	}

	if err := o.ns.PutFields("invoice", inv, map[string]any{"dueDate": "2030-02-20"}); err != nil {
		t.Fatal(err)
	}
	r, err = o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(PairInvoice); c.Differing != 1 || c.Healed != 0 {
		t.Fatalf("report only: %+v, want 1 differing, none healed", c)
	}
	found := false
	for _, d := range r.Differences {
		if d.Pair == PairInvoice && d.Field == "Due_Date__c" {
			found = d.NetSuite == "2030-02-20" && d.Salesforce == "2030-01-15" && d.Right == "netsuite"
		}
	}
	if !found {
		t.Errorf("differences %+v, want Due_Date__c 2030-01-15 -> 2030-02-20, NetSuite right", r.Differences)
	}
	if n := len(o.pending(t, jobs.QueueNetSuiteToSalesforce, jobs.TypeInvoiceToSalesforce)); n != 0 {
		t.Fatalf("report-only audit enqueued %d invoice jobs", n)
	}

	ch := o.healOne(t, PairInvoice, jobs.QueueNetSuiteToSalesforce, jobs.TypeInvoiceToSalesforce, "invoice", inv)
	o.run(t, jobs.TypeInvoiceToSalesforce, ch)
	recs, err := o.sfc.Query(ctx, "SELECT Due_Date__c FROM NetSuite_Invoice__c WHERE NetSuite_Id__c = '"+inv+"'")
	if err != nil || len(recs) != 1 || recs[0].String("Due_Date__c") != "2030-02-20" {
		t.Fatalf("invoice record after the heal job: %v (%v), want due 2030-02-20", recs, err)
	}
	r, err = o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(PairInvoice); c.Differing != 0 {
		t.Errorf("after healing: %+v, want none differing", c)
	}
}
