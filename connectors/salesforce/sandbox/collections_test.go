package sandbox

import (
	"fmt"
	"net/http"
	"testing"
)

type itemOutcome struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
	Created *bool  `json:"created"`
	Errors  []struct {
		StatusCode string   `json:"statusCode"`
		Message    string   `json:"message"`
		Fields     []string `json:"fields"`
	} `json:"errors"`
}

func account(extID, name string) map[string]any {
	rec := map[string]any{"attributes": map[string]any{"type": "Account"}, "NetSuite_Id__c": extID}
	if name != "" {
		rec["Name"] = name
	}
	return rec
}

func TestCollectionUpsertPartialFailure(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	existing, err := org.Create("Account", map[string]any{"Name": "Old name", "NetSuite_Id__c": "200"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"allOrNone": false, "records": []any{
		account("100", "Created Co"),
		account("101", ""), // Name missing: fails
		account("200", "New name"),
		map[string]any{"attributes": map[string]any{"type": "Account"}, "NetSuite_Id__c": "102", "Name": "x", "Bogus__c": 1},
	}}
	r := org.call(t, "PATCH", v+"/composite/sobjects/Account/NetSuite_Id__c", token, body)
	var results []itemOutcome
	r.json(t, &results)
	if r.status != http.StatusOK || len(results) != 4 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if res := results[0]; !res.Success || res.ID == "" || res.Created == nil || !*res.Created || len(res.Errors) != 0 {
		t.Errorf("record 0 (create): %+v", res)
	}
	if res := results[1]; res.Success || res.ID != "" || len(res.Errors) != 1 || res.Errors[0].StatusCode != "REQUIRED_FIELD_MISSING" ||
		res.Errors[0].Message != "Required fields are missing: [Name]" || len(res.Errors[0].Fields) != 1 || res.Errors[0].Fields[0] != "Name" {
		t.Errorf("record 1 (missing Name): %+v", res)
	}
	if res := results[2]; !res.Success || res.ID != existing || *res.Created {
		t.Errorf("record 2 (update): %+v", res)
	}
	if res := results[3]; res.Success || res.Errors[0].StatusCode != "INVALID_FIELD" {
		t.Errorf("record 3 (unknown field): %+v", res)
	}
	if rec, _ := org.Get("Account", existing); rec["Name"] != "New name" {
		t.Errorf("update not applied: %v", rec["Name"])
	}
	if rows, _ := org.Query("SELECT Id FROM Account WHERE NetSuite_Id__c IN ('100', '101', '102')"); len(rows) != 1 {
		t.Errorf("want only record 0 created, found %d", len(rows))
	}
}

func TestCollectionAllOrNoneRollsBack(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	body := map[string]any{"allOrNone": true, "records": []any{account("300", "Fine"), account("301", "")}}
	var results []itemOutcome
	r := org.call(t, "PATCH", v+"/composite/sobjects/Account/NetSuite_Id__c", token, body)
	r.json(t, &results)
	if r.status != 200 || results[0].Success || results[0].Errors[0].StatusCode != "ALL_OR_NONE_OPERATION_ROLLED_BACK" ||
		results[1].Errors[0].StatusCode != "REQUIRED_FIELD_MISSING" {
		t.Fatalf("%s", r.body)
	}
	if rows, _ := org.Query("SELECT Id FROM Account WHERE NetSuite_Id__c = '300'"); len(rows) != 0 {
		t.Fatal("allOrNone did not roll back the valid record")
	}
}

func TestCollectionCreateAndUpdate(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	var created []itemOutcome
	org.call(t, "POST", v+"/composite/sobjects", token, map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Contact"}, "LastName": "Mixed", "AccountId": acct},
		map[string]any{"attributes": map[string]any{"type": "Task"}, "Subject": "Call", "WhatId": acct},
		map[string]any{"LastName": "No type"},
	}}).json(t, &created)
	if !created[0].Success || !created[1].Success || created[2].Success || created[2].Errors[0].StatusCode != "INVALID_TYPE" || created[0].Created != nil {
		t.Fatalf("create results %+v", created)
	}
	if task, _ := org.Get("Task", created[1].ID); task["AccountId"] != acct || task["Status"] != "Not Started" {
		t.Fatalf("task %v", task)
	}
	var updated []itemOutcome
	org.call(t, "PATCH", v+"/composite/sobjects", token, map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Contact"}, "Id": created[0].ID, "Email": "mixed@x.example"},
		map[string]any{"attributes": map[string]any{"type": "Contact"}, "Email": "nobody@x.example"},
	}}).json(t, &updated)
	if !updated[0].Success || updated[1].Errors[0].StatusCode != "MISSING_ARGUMENT" {
		t.Fatalf("update results %+v", updated)
	}
}

func TestCollectionLimits(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	var records []any
	for i := range MaxCollectionSize + 1 {
		records = append(records, account(fmt.Sprint(i), "x"))
	}
	r := org.call(t, "PATCH", v+"/composite/sobjects/Account/NetSuite_Id__c", token, map[string]any{"records": records})
	if errs := r.apiErrors(t); r.status != 400 || errs[0]["errorCode"] != "EXCEEDED_ID_LIMIT" ||
		errs[0]["message"] != "record limit reached. cannot submit more than 200 records into this call" {
		t.Fatalf("201 records: %d %s", r.status, r.body)
	}
	if r := org.call(t, "PATCH", v+"/composite/sobjects/Account/NetSuite_Id__c", token, `{"records": [`); r.status != 400 {
		t.Fatalf("malformed body: %d", r.status)
	}
	if r := org.call(t, "PATCH", v+"/composite/sobjects/Account/Name", token, map[string]any{"records": []any{}}); r.status != 404 {
		t.Fatalf("upsert on a non-external field: %d", r.status)
	}
}
