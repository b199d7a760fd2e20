package salesforce_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// bulkAccounts are n accounts by NetSuite_Id__c; the one at bad has no Name.
func bulkAccounts(n, bad int) []map[string]any {
	recs := make([]map[string]any, n)
	for i := range recs {
		recs[i] = map[string]any{"NetSuite_Id__c": fmt.Sprintf("BULK-%04d", i), "Name": fmt.Sprintf("Bulk %d, \"quoted\"", i), "Phone": nil}
		if i == bad {
			delete(recs[i], "Name")
		}
	}
	return recs
}

func TestSandboxContractBulkUpsert(t *testing.T) {
	org := newSandboxOrg(t, sandbox.Config{})
	// A small upload limit makes the load span several jobs.
	sf := org.client(t, salesforce.Config{BulkUploadLimit: 8 << 10, BulkPoll: connectors.Backoff{Base: 20 * time.Millisecond, Cap: 200 * time.Millisecond}})
	ctx := context.Background()
	existing, err := org.Create("Account", map[string]any{"Name": "Before", "NetSuite_Id__c": "BULK-0007", "Phone": "555"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	recs := bulkAccounts(400, 123)

	results, err := sf.BulkUpsert(ctx, "Account", "NetSuite_Id__c", recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(recs) {
		t.Fatalf("%d results for %d records", len(results), len(recs))
	}
	for i, res := range results {
		switch {
		case i == 123:
			if res.Success || len(res.Errors) != 1 || res.Errors[0].StatusCode != "REQUIRED_FIELD_MISSING" || res.Errors[0].Fields[0] != "Name" {
				t.Errorf("bad record: %+v", res)
			}
			wantPermanent(t, res.Err(), 200, "REQUIRED_FIELD_MISSING")
		case i == 7:
			if !res.Success || res.Created || res.ID != existing {
				t.Errorf("existing record: %+v, want id %s", res, existing)
			}
		default:
			rec, ok := org.Get("Account", res.ID)
			if !res.Success || !res.Created || !ok || rec["NetSuite_Id__c"] != recs[i]["NetSuite_Id__c"] || rec["Name"] != recs[i]["Name"] {
				t.Fatalf("record %d: %+v, stored %v", i, res, rec)
			}
		}
	}
	if rec, _ := org.Get("Account", existing); rec["Name"] != "Bulk 7, \"quoted\"" || rec["Phone"] != nil {
		t.Errorf("updated account %v: nil must set Phone to null", rec)
	}
	org.wantNone(t, "SELECT Id FROM Account WHERE NetSuite_Id__c = 'BULK-0123'")

	// The same load again writes the same state: every record updated, none created.
	again, err := sf.BulkUpsert(ctx, "Account", "NetSuite_Id__c", recs)
	if err != nil {
		t.Fatal(err)
	}
	for i, res := range again {
		if i != 123 && (!res.Success || res.Created || res.ID != results[i].ID) {
			t.Fatalf("replayed record %d: %+v, first %+v", i, res, results[i])
		}
	}
	if rows, _ := org.Query("SELECT COUNT() FROM Account WHERE NetSuite_Id__c LIKE 'BULK-%'"); rows[0]["expr0"] != 399 {
		t.Errorf("accounts after two loads: %v", rows)
	}
}

func TestSandboxContractBulkJobFailsWhole(t *testing.T) {
	org := newSandboxOrg(t, sandbox.Config{})
	sf := org.client(t, salesforce.Config{BulkPoll: connectors.Backoff{Base: 20 * time.Millisecond, Cap: 200 * time.Millisecond}})
	_, err := sf.BulkUpsert(context.Background(), "Account", "NetSuite_Id__c", []map[string]any{{"NetSuite_Id__c": "X", "Bogus__c": "1"}})
	var jobErr *salesforce.BulkJobError
	if !errors.As(err, &jobErr) || jobErr.State != "Failed" || !connectors.IsPermanent(err) {
		t.Fatalf("a column naming no field: %v", err)
	}
}
