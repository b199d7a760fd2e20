package salesforce

import (
	"encoding/json"
	"testing"
)

// An Opportunity with a parent relationship and a child subquery, as
// /query returns it for
// SELECT Id, Name, Amount, IsWon, Account.Name, Owner.Name,
// (SELECT Quantity, UnitPrice, Product2.NetSuite_Item_Id__c FROM OpportunityLineItems),
// (SELECT Id FROM Tasks) FROM Opportunity
const opportunityRecord = `{
  "attributes":{"type":"Opportunity","url":"/services/data/v62.0/sobjects/Opportunity/006Dn000004FMuLIAW"},
  "Id":"006Dn000004FMuLIAW","Name":"Burlington Textiles Weaving Plant Generator","Amount":235000.0,"IsWon":true,
  "Account":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001Dn00000ZBr4TIAT"},"Name":"Burlington Textiles Corp of America"},
  "Owner":null,
  "OpportunityLineItems":{"totalSize":2,"done":true,"records":[
    {"attributes":{"type":"OpportunityLineItem","url":"/services/data/v62.0/sobjects/OpportunityLineItem/00kDn00000AbCdEIAV"},"Quantity":2.0,"UnitPrice":1250.5,
     "Product2":{"attributes":{"type":"Product2","url":"/services/data/v62.0/sobjects/Product2/01tDn000003XyZaIAK"},"NetSuite_Item_Id__c":"1234"}},
    {"attributes":{"type":"OpportunityLineItem","url":"/services/data/v62.0/sobjects/OpportunityLineItem/00kDn00000AbCdFIAV"},"Quantity":1.0,"UnitPrice":99.0,
     "Product2":{"attributes":{"type":"Product2","url":"/services/data/v62.0/sobjects/Product2/01tDn000003XyZbIAK"},"NetSuite_Item_Id__c":null}}]},
  "Tasks":null
}`

func TestRecordHelpers(t *testing.T) {
	var r Record
	if err := json.Unmarshal([]byte(opportunityRecord), &r); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"Name":         "Burlington Textiles Weaving Plant Generator",
		"Account.Name": "Burlington Textiles Corp of America",
		"Amount":       "235000",
		"IsWon":        "true",
		"Owner.Name":   "", // null parent
		"Missing__c":   "",
		"Name.Deeper":  "", // through a non-object
	} {
		if got := r.String(path); got != want {
			t.Errorf("String(%q) = %q, want %q", path, got, want)
		}
	}
	if !r.Bool("IsWon") || r.Bool("Name") || r.Bool("Missing__c") {
		t.Error("Bool: want true only for IsWon")
	}
	if f, ok := r.Float("Amount"); !ok || f != 235000 {
		t.Errorf("Float(Amount) = %v, %v", f, ok)
	}
	if _, ok := r.Float("Owner.Name"); ok {
		t.Error("Float of a null reports ok")
	}

	lines := r.Children("OpportunityLineItems")
	if len(lines) != 2 {
		t.Fatalf("Children = %d lines, want 2", len(lines))
	}
	if got := lines[0].String("Product2.NetSuite_Item_Id__c"); got != "1234" {
		t.Errorf("line 0 item id = %q", got)
	}
	if got := lines[1].String("Product2.NetSuite_Item_Id__c"); got != "" {
		t.Errorf("line 1 item id = %q, want empty for null", got)
	}
	if q, _ := lines[0].Float("Quantity"); q != 2 {
		t.Errorf("line 0 Quantity = %v", q)
	}
	if got := lines[0].String("UnitPrice"); got != "1250.5" {
		t.Errorf("line 0 UnitPrice = %q", got)
	}
	if r.Children("Tasks") != nil || r.Children("Nothing") != nil {
		t.Error("Children of null or absent should be nil")
	}
}
