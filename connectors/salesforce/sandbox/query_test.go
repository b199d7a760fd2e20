package sandbox

import (
	"net/url"
	"strings"
	"testing"
)

type queryResponse struct {
	TotalSize      int              `json:"totalSize"`
	Done           bool             `json:"done"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
	Records        []map[string]any `json:"records"`
}

func (o *testOrg) query(t *testing.T, token, soql string, headers ...string) queryResponse {
	t.Helper()
	r := o.call(t, "GET", v+"/query?q="+url.QueryEscape(soql), token, nil, headers...)
	if r.status != 200 {
		t.Fatalf("query %q: %d %s", soql, r.status, r.body)
	}
	var q queryResponse
	r.json(t, &q)
	return q
}

func TestQueryPaging(t *testing.T) {
	org := startOrg(t, Config{Seed: Seed{Accounts: 130}}) // 260 contacts
	token := org.login(t)
	first := org.query(t, token, "SELECT Id, LastName FROM Contact ORDER BY LastName", "Sforce-Query-Options", "batchSize=200")
	if first.TotalSize != 260 || first.Done || len(first.Records) != 200 {
		t.Fatalf("first page: total %d done %v records %d", first.TotalSize, first.Done, len(first.Records))
	}
	if !strings.HasPrefix(first.NextRecordsURL, v+"/query/01g") || !strings.HasSuffix(first.NextRecordsURL, "-200") {
		t.Fatalf("nextRecordsUrl %q", first.NextRecordsURL)
	}
	r := org.call(t, "GET", first.NextRecordsURL, token, nil)
	var second queryResponse
	r.json(t, &second)
	if r.status != 200 || !second.Done || second.NextRecordsURL != "" || len(second.Records) != 60 || second.TotalSize != 260 {
		t.Fatalf("second page: %d total %d done %v records %d", r.status, second.TotalSize, second.Done, len(second.Records))
	}
	seen := map[any]bool{}
	for _, rec := range append(first.Records, second.Records...) {
		seen[rec["Id"]] = true
	}
	if len(seen) != 260 {
		t.Fatalf("pages overlap: %d distinct ids", len(seen))
	}
	small := org.query(t, token, "SELECT Id FROM Contact", "Sforce-Query-Options", "batchSize=50")
	if len(small.Records) != 200 {
		t.Fatalf("batchSize below 200 must be raised to 200, got %d records", len(small.Records))
	}
	if all := org.query(t, token, "SELECT Id FROM Contact"); !all.Done || len(all.Records) != 260 {
		t.Fatalf("default batch of 2000: done %v, %d records", all.Done, len(all.Records))
	}
}

func TestQueryRecordShape(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	q := org.query(t, token, `SELECT Name, Account.Name, Account.Owner.Name,
		(SELECT Quantity, Product2.NetSuite_Item_Id__c FROM OpportunityLineItems ORDER BY SortOrder)
		FROM Opportunity ORDER BY Name LIMIT 2`)
	if q.TotalSize != 2 || !q.Done || len(q.Records) != 2 {
		t.Fatalf("%+v", q)
	}
	rec := q.Records[0]
	attrs := rec["attributes"].(map[string]any)
	if attrs["type"] != "Opportunity" || !strings.HasPrefix(attrs["url"].(string), v+"/sobjects/Opportunity/006") {
		t.Fatalf("attributes %v", attrs)
	}
	acct := rec["Account"].(map[string]any)
	owner := acct["Owner"].(map[string]any)
	if acct["attributes"].(map[string]any)["type"] != "Account" || acct["Name"] == nil || owner["Name"] != "Sam Sales" {
		t.Fatalf("parents %v", acct)
	}
	lines := rec["OpportunityLineItems"].(map[string]any)
	records := lines["records"].([]any)
	if lines["done"] != true || int(lines["totalSize"].(float64)) != len(records) || len(records) == 0 {
		t.Fatalf("child relationship %v", lines)
	}
	line := records[0].(map[string]any)
	if line["attributes"].(map[string]any)["type"] != "OpportunityLineItem" || line["Product2"] == nil {
		t.Fatalf("line %v", line)
	}

	id, err := org.Create("Opportunity", map[string]any{"Name": "Lonely", "StageName": "Prospecting", "CloseDate": "2030-01-01"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	q = org.query(t, token, "SELECT Account.Name, (SELECT Id FROM OpportunityLineItems) FROM Opportunity WHERE Id = '"+id+"'")
	if q.Records[0]["Account"] != nil || q.Records[0]["OpportunityLineItems"] != nil {
		t.Fatalf("empty lookup and no children must be null: %v", q.Records[0])
	}
}

func TestQueryAllSeesDeleted(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	id := org.firstID(t, "SELECT Id FROM Contact LIMIT 1")
	if r := org.call(t, "DELETE", v+"/sobjects/Contact/"+id, token, nil); r.status != 204 {
		t.Fatalf("delete %d", r.status)
	}
	soql := "SELECT Id, IsDeleted FROM Contact WHERE Id = '" + id + "'"
	if q := org.query(t, token, soql); q.TotalSize != 0 {
		t.Fatalf("query sees a deleted record")
	}
	r := org.call(t, "GET", v+"/queryAll?q="+url.QueryEscape(soql), token, nil)
	var q queryResponse
	r.json(t, &q)
	if q.TotalSize != 1 || q.Records[0]["IsDeleted"] != true {
		t.Fatalf("queryAll: %s", r.body)
	}
}
