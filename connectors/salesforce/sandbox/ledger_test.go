package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

// ledgerOrg is an org with an account (NetSuite customer 107) and an
// opportunity billed by sales order SFOPP-<its id>, as the invoice flow finds them.
func ledgerOrg(t *testing.T) (org *testOrg, token, accountID, oppID, orderID string) {
	org = startOrg(t, Config{})
	token = org.login(t)
	accountID, err := org.Create("Account", map[string]any{"Name": "Ledger Co", "NetSuite_Id__c": "107"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	oppID, err = org.Create("Opportunity", map[string]any{"Name": "Ledger deal", "AccountId": accountID,
		"StageName": "Closed Won", "CloseDate": "2026-03-01"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	orderID = "SFOPP-" + oppID
	if err := org.Update("Opportunity", oppID, map[string]any{"NetSuite_Sales_Order_Id__c": orderID}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	return org, token, accountID, oppID, orderID
}

func TestInvoiceUpsertSetsLookupsByExternalID(t *testing.T) {
	org, token, accountID, oppID, orderID := ledgerOrg(t)
	r := org.call(t, "PATCH", v+"/sobjects/NetSuite_Invoice__c/NetSuite_Id__c/5001", token, map[string]any{
		"Number__c": "INV1", "Status__c": "Open", "Total__c": 1100, "Amount_Remaining__c": 900.5,
		"Due_Date__c": "2026-03-01", "Days_Overdue__c": 9,
		"Account__r": map[string]any{"NetSuite_Id__c": "107"}, "Opportunity__r": map[string]any{"NetSuite_Sales_Order_Id__c": orderID}})
	var res map[string]any
	r.json(t, &res)
	if r.status != http.StatusCreated || res["created"] != true {
		t.Fatalf("upsert: %d %s", r.status, r.body)
	}
	id := res["id"].(string)
	rows, err := org.Query("SELECT Id, Name, Account__c, Opportunity__c, Account__r.Name, Amount_Remaining__c FROM NetSuite_Invoice__c WHERE NetSuite_Id__c = '5001'")
	if err != nil || len(rows) != 1 {
		t.Fatalf("query: %v %v", err, rows)
	}
	row := rows[0]
	parent, _ := row["Account__r"].(map[string]any)
	if row["Account__c"] != accountID || row["Opportunity__c"] != oppID || parent["Name"] != "Ledger Co" ||
		row["Amount_Remaining__c"] != 900.5 || row["Name"] != id {
		t.Errorf("invoice %v", row)
	}
	// the account's child relationship comes from the metadata's relationshipName
	rows, err = org.Query("SELECT Name, (SELECT Number__c FROM NetSuite_Invoices__r) FROM Account WHERE Id = '" + accountID + "'")
	children, _ := rows[0]["NetSuite_Invoices__r"].([]map[string]any)
	if err != nil || len(children) != 1 || children[0]["Number__c"] != "INV1" {
		t.Errorf("child query: %v %v", err, rows)
	}
	// an update through the same path: 200, created false
	r = org.call(t, "PATCH", v+"/sobjects/NetSuite_Invoice__c/NetSuite_Id__c/5001", token, map[string]any{"Status__c": "Paid In Full",
		"Amount_Remaining__c": 0, "Account__r": map[string]any{"NetSuite_Id__c": "107"}})
	if r.status != http.StatusOK {
		t.Errorf("second upsert: %d %s", r.status, r.body)
	}
}

func TestExternalIDReferenceErrors(t *testing.T) {
	org, token, _, _, _ := ledgerOrg(t)
	for _, last := range []string{"One", "Two"} {
		if _, err := org.Create("Contact", map[string]any{"LastName": last, "NetSuite_Id__c": "C-9"}, org.SalesUser()); err != nil {
			t.Fatal(err)
		}
	}
	path := v + "/sobjects/NetSuite_Invoice__c/NetSuite_Id__c/6001"
	for _, c := range []struct {
		name, path string
		body       map[string]any
		code, msg  string
	}{
		{"no match", path, map[string]any{"Account__r": map[string]any{"NetSuite_Id__c": "999"}},
			"INVALID_FIELD", "Foreign key external ID: 999 not found for field NetSuite_Id__c in entity Account"},
		{"two fields", path, map[string]any{"Account__r": map[string]any{"NetSuite_Id__c": "107", "Name": "Ledger Co"}},
			"INVALID_FIELD", "More than 1 field provided in an external foreign key reference in entity: Account"},
		{"not an external id", path, map[string]any{"Account__r": map[string]any{"Name": "Ledger Co"}},
			"INVALID_FIELD", "Field Name is not an External ID or Unique field on Account"},
		{"several match", v + "/sobjects/Task", map[string]any{"Subject": "x", "Who": map[string]any{"NetSuite_Id__c": "C-9"}},
			"INVALID_FIELD", "Foreign key external ID: C-9 matched more than one record for field NetSuite_Id__c in entity Contact"},
		{"polymorphic type not allowed", v + "/sobjects/Task", map[string]any{"Subject": "x",
			"What": map[string]any{"attributes": map[string]any{"type": "Contact"}, "NetSuite_Id__c": "C-9"}}, "INVALID_FIELD", ""},
	} {
		method := "PATCH"
		if strings.HasSuffix(c.path, "/Task") {
			method = "POST"
		}
		r := org.call(t, method, c.path, token, c.body)
		errs := r.apiErrors(t)
		if r.status != http.StatusBadRequest || len(errs) != 1 || errs[0]["errorCode"] != c.code || (c.msg != "" && errs[0]["message"] != c.msg) {
			t.Errorf("%s: %d %s", c.name, r.status, r.body)
		}
	}
	if rows, _ := org.Query("SELECT Id FROM NetSuite_Invoice__c"); len(rows) != 0 {
		t.Errorf("a refused upsert wrote %v", rows)
	}
}

func TestCollectionUpsertWithReferences(t *testing.T) {
	org, token, accountID, oppID, orderID := ledgerOrg(t)
	invoice := func(id string, refs map[string]any) map[string]any {
		rec := map[string]any{"attributes": map[string]any{"type": "NetSuite_Invoice__c"}, "NetSuite_Id__c": id, "Number__c": "INV" + id}
		for k, v := range refs {
			rec[k] = v
		}
		return rec
	}
	body := map[string]any{"allOrNone": false, "records": []any{
		invoice("7001", map[string]any{"Account__r": map[string]any{"NetSuite_Id__c": "107"},
			"Opportunity__r": map[string]any{"NetSuite_Sales_Order_Id__c": orderID}}),
		invoice("7002", map[string]any{"Account__r": map[string]any{"NetSuite_Id__c": "404"}}),
	}}
	r := org.call(t, "PATCH", v+"/composite/sobjects/NetSuite_Invoice__c/NetSuite_Id__c", token, body)
	var results []itemOutcome
	r.json(t, &results)
	if r.status != http.StatusOK || len(results) != 2 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if !results[0].Success || results[1].Success || results[1].Errors[0].StatusCode != "INVALID_FIELD" ||
		results[1].Errors[0].Message != "Foreign key external ID: 404 not found for field NetSuite_Id__c in entity Account" {
		t.Errorf("results %+v", results)
	}
	if rec, _ := org.Get("NetSuite_Invoice__c", results[0].ID); rec["Account__c"] != accountID || rec["Opportunity__c"] != oppID {
		t.Errorf("invoice 7001 %v", rec)
	}
}

func TestTaskRules(t *testing.T) {
	org, token, accountID, _, _ := ledgerOrg(t)
	// a Task on the account by its NetSuite id: the polymorphic What names its type
	r := org.call(t, "POST", v+"/sobjects/Task", token, map[string]any{"Subject": "Credit hold: pause sales",
		"ActivityDate": "2026-03-12", "What": map[string]any{"attributes": map[string]any{"type": "Account"}, "NetSuite_Id__c": "107"}})
	var created map[string]any
	r.json(t, &created)
	if r.status != http.StatusCreated {
		t.Fatalf("create Task: %d %s", r.status, r.body)
	}
	task, _ := org.Get("Task", created["id"].(string))
	if task["WhatId"] != accountID || task["AccountId"] != accountID || task["Status"] != "Not Started" ||
		task["Priority"] != "Normal" || task["IsClosed"] != false || task["ActivityDate"] != "2026-03-12" || task["OwnerId"] == nil {
		t.Errorf("task %v", task)
	}
	r = org.call(t, "PATCH", v+"/sobjects/Task/"+created["id"].(string), token, map[string]any{"Status": "Completed"})
	if task, _ := org.Get("Task", created["id"].(string)); r.status != http.StatusNoContent || task["IsClosed"] != true {
		t.Errorf("completing: %d %s, IsClosed %v", r.status, r.body, task["IsClosed"])
	}
	for name, c := range map[string]struct {
		body map[string]any
		code string
	}{
		"null Status":          {map[string]any{"Subject": "x", "Status": nil}, "REQUIRED_FIELD_MISSING"},
		"null Priority":        {map[string]any{"Subject": "x", "Priority": nil}, "REQUIRED_FIELD_MISSING"},
		"unknown Status":       {map[string]any{"Subject": "x", "Status": "Done"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"},
		"WhatId not relatable": {map[string]any{"Subject": "x", "WhatId": org.SalesUser().ID}, "MALFORMED_ID"},
	} {
		r := org.call(t, "POST", v+"/sobjects/Task", token, c.body)
		if errs := r.apiErrors(t); r.status != http.StatusBadRequest || errs[0]["errorCode"] != c.code {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
}

func TestFeedItemNeedsABody(t *testing.T) {
	org, token, accountID, _, _ := ledgerOrg(t)
	r := org.call(t, "POST", v+"/sobjects/FeedItem", token, map[string]any{"ParentId": accountID})
	if errs := r.apiErrors(t); r.status != http.StatusBadRequest || errs[0]["errorCode"] != "REQUIRED_FIELD_MISSING" ||
		errs[0]["message"] != "Required fields are missing: [Body]" {
		t.Errorf("FeedItem without Body: %d %s", r.status, r.body)
	}
	r = org.call(t, "POST", v+"/sobjects/FeedItem", token, map[string]any{"ParentId": accountID, "Body": "On credit hold"})
	if r.status != http.StatusCreated {
		t.Errorf("FeedItem: %d %s", r.status, r.body)
	}
	r = org.call(t, "POST", v+"/sobjects/FeedItem", token, map[string]any{"Body": "no parent"})
	if errs := r.apiErrors(t); r.status != http.StatusBadRequest || errs[0]["errorCode"] != "REQUIRED_FIELD_MISSING" {
		t.Errorf("FeedItem without ParentId: %d %s", r.status, r.body)
	}
}
