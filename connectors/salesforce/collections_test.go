package salesforce

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
)

// A 200 with per-record results, one failed (REST API guide, "Upsert
// Records Using sObject Collections"; per-record errors use statusCode).
const bodyCollectionPartial = `[` +
	`{"id":"01tDn000003XyZaIAK","success":true,"errors":[],"created":true},` +
	`{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Name]","fields":["Name"]}]},` +
	`{"id":"01tDn000003XyZbIAK","success":true,"errors":[],"created":false}]`

func TestUpsertCollectionPartialFailure(t *testing.T) {
	org := newFakeOrg(t)
	var sent collectionRequest
	org.api = func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch || r.URL.Path != "/services/data/v62.0/composite/sobjects/Product2/NetSuite_Item_Id__c" {
			writeBody(w, http.StatusNotFound, bodyNotFound)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&sent); err != nil {
			writeBody(w, http.StatusBadRequest, `[{"message":"Json Deserialization failed on token 'null'","errorCode":"JSON_PARSER_ERROR"}]`)
			return
		}
		writeBody(w, http.StatusOK, bodyCollectionPartial)
	}
	records := []map[string]any{
		{"NetSuite_Item_Id__c": "1001", "Name": "Widget"},
		{"NetSuite_Item_Id__c": "1002"},
		{"NetSuite_Item_Id__c": "1003", "Name": "Gadget"},
	}

	results, err := org.client(nil).UpsertCollection(context.Background(), "Product2", "NetSuite_Item_Id__c", records, false)
	if err != nil {
		t.Fatalf("a 200 with a failed record is not a call error: %v", err)
	}
	if len(results) != 3 {
		t.Fatalf("got %d results", len(results))
	}
	if !results[0].Success || !results[0].Created || results[0].ID != "01tDn000003XyZaIAK" {
		t.Errorf("result 0 = %+v", results[0])
	}
	failed := results[1]
	if failed.Success || len(failed.Errors) != 1 || failed.Errors[0].StatusCode != "REQUIRED_FIELD_MISSING" || failed.Errors[0].Fields[0] != "Name" {
		t.Errorf("result 1 = %+v", failed)
	}
	if !connectors.IsPermanent(failed.Err()) {
		t.Errorf("result 1 Err = %v, want permanent", failed.Err())
	}
	if !results[2].Success || results[2].Created {
		t.Errorf("result 2 = %+v", results[2])
	}

	if sent.AllOrNone || len(sent.Records) != 3 {
		t.Fatalf("request = %+v", sent)
	}
	for i, r := range sent.Records {
		attrs, _ := r["attributes"].(map[string]any)
		if attrs["type"] != "Product2" || r["NetSuite_Item_Id__c"] != records[i]["NetSuite_Item_Id__c"] {
			t.Errorf("record %d sent as %v", i, r)
		}
	}
	if _, added := records[0]["attributes"]; added {
		t.Error("the caller's records were modified")
	}
}

func TestUpsertCollectionAllOrNone(t *testing.T) {
	org := newFakeOrg(t)
	var allOrNone bool
	org.api = func(w http.ResponseWriter, r *http.Request) {
		var req collectionRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		allOrNone = req.AllOrNone
		writeBody(w, http.StatusOK, `[`+
			`{"success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}]},`+
			`{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Name]","fields":["Name"]}]}]`)
	}
	results, err := org.client(nil).UpsertCollection(context.Background(), "Product2", "NetSuite_Item_Id__c",
		[]map[string]any{{"NetSuite_Item_Id__c": "1001", "Name": "Widget"}, {"NetSuite_Item_Id__c": "1002"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !allOrNone {
		t.Error("allOrNone not sent")
	}
	for i, r := range results {
		if r.Success {
			t.Errorf("result %d succeeded in a rolled-back call", i)
		}
	}
}

func TestUpsertCollectionTooLarge(t *testing.T) {
	org := newFakeOrg(t)
	records := make([]map[string]any, MaxCollectionSize+1)
	for i := range records {
		records[i] = map[string]any{"NetSuite_Item_Id__c": i}
	}
	_, err := org.client(nil).UpsertCollection(context.Background(), "Product2", "NetSuite_Item_Id__c", records, false)
	if err == nil || !strings.Contains(err.Error(), "at most 200") {
		t.Fatalf("err = %v, want a size error", err)
	}
	if n := len(org.allRequests()); n != 0 {
		t.Errorf("%d requests were made, want none", n)
	}
}

func TestUpsertCollectionResultCountMismatch(t *testing.T) {
	org := newFakeOrg(t)
	org.api = answer(http.StatusOK, `[{"id":"01tDn000003XyZaIAK","success":true,"errors":[],"created":true}]`)
	_, err := org.client(nil).UpsertCollection(context.Background(), "Product2", "NetSuite_Item_Id__c",
		[]map[string]any{{"NetSuite_Item_Id__c": "1001"}, {"NetSuite_Item_Id__c": "1002"}}, false)
	if err == nil || !strings.Contains(err.Error(), "1 results for 2 records") {
		t.Fatalf("err = %v", err)
	}
}
