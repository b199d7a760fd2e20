package drift

import (
	"context"
	"testing"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/salesorder"
)

// wonDealWithOrder closes a seeded open opportunity whose products all
// have items and runs F1's job for it, as its Outbound Message would; it
// returns the opportunity and its sales order's internal id.
func (o *orgs) wonDealWithOrder(t *testing.T) (oppID, orderID string) {
	t.Helper()
	recs, err := o.sf.Query("SELECT Id, (SELECT Id, Product2.NetSuite_Item_Id__c FROM OpportunityLineItems) FROM Opportunity WHERE IsClosed = false ORDER BY Name")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		lines, _ := r["OpportunityLineItems"].([]map[string]any)
		if len(lines) > 0 && allItems(lines) {
			oppID, _ = r["Id"].(string)
			break
		}
	}
	if oppID == "" {
		t.Fatal("the seed has no open opportunity whose products all have items")
	}
	if err := o.sf.Update("Opportunity", oppID, map[string]any{"StageName": "Closed Won"}, o.sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	o.run(t, jobs.TypeOpportunityToSalesOrder, jobs.Change{Source: jobs.SourceSalesforceOutbound, Object: "Opportunity", RecordID: oppID})
	opp, _ := o.sf.Get("Opportunity", oppID)
	orderID, _ = opp["NetSuite_Sales_Order_Id__c"].(string)
	if orderID == "" {
		t.Fatalf("F1 wrote no sales order id back to %s", oppID)
	}
	return oppID, orderID
}

func allItems(lines []map[string]any) bool {
	for _, l := range lines {
		p, _ := l["Product2"].(map[string]any)
		if s, _ := p["NetSuite_Item_Id__c"].(string); s == "" {
			return false
		}
	}
	return true
}

// ordersOf counts NetSuite's sales orders of an opportunity.
func (o *orgs) ordersOf(t *testing.T, oppID string) int {
	t.Helper()
	n := 0
	err := o.nsc.SuiteQL(context.Background(), "SELECT id FROM transaction WHERE type = 'SalesOrd' AND externalid = ?",
		[]any{salesorder.ExternalID(oppID)}, func(netsuite.Row) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSalesOrderEditedInNetSuiteIsHealedFromSalesforce: a sales order
// whose memo (F1 maps the opportunity's name to it) was edited in NetSuite
// is reported with Salesforce right; healing enqueues F1's job, which
// writes the order again (past its write memo: the audit saw NetSuite
// differ) by external id, so exactly one sales order still exists.
func TestSalesOrderEditedInNetSuiteIsHealedFromSalesforce(t *testing.T) {
	o := newOrgs(t)
	ctx := context.Background()
	oppID, orderID := o.wonDealWithOrder(t)
	r, err := o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(PairSalesOrder); c.Compared < 1 || c.Differing != 0 || c.Failed != 0 || c.Missing != 0 {
		t.Fatalf("in step: %+v, want none differing", c)
	}

	if err := o.ns.PutFields("salesOrder", orderID, map[string]any{"memo": "edited in NetSuite"}); err != nil {
		t.Fatal(err)
	}
	r, err = o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(PairSalesOrder); c.Differing != 1 || c.Healed != 0 {
		t.Fatalf("report only: %+v, want 1 differing, none healed", c)
	}
	opp, _ := o.sf.Get("Opportunity", oppID)
	found := false
	for _, d := range r.Differences {
		if d.Pair == PairSalesOrder && d.Field == "memo" {
			found = d.NetSuite == "edited in NetSuite" && d.Salesforce == opp["Name"] && d.Right == "salesforce"
		}
	}
	if !found {
		t.Errorf("differences %+v, want memo with Salesforce right", r.Differences)
	}
	if n := len(o.pending(t, jobs.QueueNetSuiteToSalesforce, jobs.TypeOpportunityToSalesOrder)) + len(o.pending(t, jobs.QueueSalesforceToNetSuite, jobs.TypeOpportunityToSalesOrder)); n != 0 {
		t.Fatalf("report-only audit enqueued %d F1 jobs", n)
	}

	ch := o.healOne(t, PairSalesOrder, jobs.QueueSalesforceToNetSuite, jobs.TypeOpportunityToSalesOrder, "Opportunity", oppID)
	o.run(t, jobs.TypeOpportunityToSalesOrder, ch)
	so, err := o.nsc.GetRecord(ctx, "salesOrder", orderID, nil)
	if err != nil || so.String("memo") != opp["Name"] {
		t.Fatalf("sales order memo %q after the heal job (%v), want %q", so.String("memo"), err, opp["Name"])
	}
	if n := o.ordersOf(t, oppID); n != 1 {
		t.Errorf("%d sales orders of %s after healing, want exactly 1", n, oppID)
	}
	r, err = o.auditor(t, false).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts(PairSalesOrder); c.Differing != 0 {
		t.Errorf("after healing: %+v, want none differing", c)
	}
}
