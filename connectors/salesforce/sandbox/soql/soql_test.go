package soql

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// memData is a tiny org: two accounts, contacts, opportunities with lines.
type memData struct {
	byObject map[string][]map[string]any
	byID     map[string]map[string]any
}

func (m *memData) Records(object string) []map[string]any { return m.byObject[object] }
func (m *memData) Record(id string) (map[string]any, bool) {
	r, ok := m.byID[id]
	return r, ok
}

func (m *memData) add(object string, n uint64, fields map[string]any) string {
	s := schema.Default()
	o, _ := s.Object(object)
	id := sfid.New(o.KeyPrefix, n)
	fields["Id"] = id
	if _, ok := fields["IsDeleted"]; !ok {
		fields["IsDeleted"] = false
	}
	m.byObject[object] = append(m.byObject[object], fields)
	m.byID[id] = fields
	return id
}

var testSchema = schema.Default()

var now = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

func testData() *memData {
	m := &memData{byObject: map[string][]map[string]any{}, byID: map[string]map[string]any{}}
	user := m.add("User", 1, map[string]any{"Username": "sales@tandem.sandbox", "Name": "Sam Sales", "Email": "sam@example.com"})
	acme := m.add("Account", 1, map[string]any{"Name": "Acme Corp 001", "BillingCountry": "US", "OwnerId": user, "NetSuite_Id__c": "42", "CreatedDate": now.Add(-48 * time.Hour)})
	globex := m.add("Account", 2, map[string]any{"Name": "Globex 002", "BillingCountry": "GB", "OwnerId": user, "CreatedDate": now.Add(-40 * 24 * time.Hour)})
	m.add("Account", 3, map[string]any{"Name": "Gone Ltd", "IsDeleted": true})
	m.add("Contact", 1, map[string]any{"LastName": "O'Brien", "FirstName": "Pat", "AccountId": acme, "Email": "pat@acme.example"})
	m.add("Contact", 2, map[string]any{"LastName": "Smith", "FirstName": "Jo", "AccountId": acme})
	widget := m.add("Product2", 1, map[string]any{"Name": "Widget_1", "ProductCode": "SKU-0001", "NetSuite_Item_Id__c": "1001"})
	gadget := m.add("Product2", 2, map[string]any{"Name": "Gadget 100%", "ProductCode": "SKU-0002"})
	pbWidget := m.add("PricebookEntry", 1, map[string]any{"Product2Id": widget, "UnitPrice": 10.0})
	pbGadget := m.add("PricebookEntry", 2, map[string]any{"Product2Id": gadget, "UnitPrice": 25.5})
	big := m.add("Opportunity", 1, map[string]any{"Name": "Big deal", "AccountId": acme, "StageName": "Closed Won", "IsWon": true, "Amount": 120000.0, "CloseDate": "2025-03-14"})
	m.add("Opportunity", 2, map[string]any{"Name": "Small deal", "AccountId": globex, "StageName": "Prospecting", "IsWon": false, "Amount": 500.0, "CloseDate": "2025-04-01"})
	m.add("Opportunity", 3, map[string]any{"Name": "No amount", "AccountId": acme, "StageName": "Qualification", "IsWon": false, "CloseDate": "2025-02-01"})
	m.add("OpportunityLineItem", 1, map[string]any{"OpportunityId": big, "PricebookEntryId": pbWidget, "Product2Id": widget, "Quantity": 2.0, "SortOrder": 2.0})
	m.add("OpportunityLineItem", 2, map[string]any{"OpportunityId": big, "PricebookEntryId": pbGadget, "Product2Id": gadget, "Quantity": 1.0, "SortOrder": 1.0})
	return m
}

func run(t *testing.T, q string, opt Options) (*Result, error) {
	t.Helper()
	if opt.Now.IsZero() {
		opt.Now = now
	}
	return Run(q, testSchema, testData(), opt)
}

// names lists the value of one top-level field of each record.
func names(res *Result, field string) []any {
	var out []any
	for _, r := range res.Records {
		for _, f := range r.Fields {
			if f.Name == field {
				out = append(out, f.Value)
			}
		}
	}
	return out
}

func TestRunFilters(t *testing.T) {
	tests := []struct {
		name, query string
		want        []any // Name of each record, in order
	}{
		{"all, creation order", "SELECT Name FROM Account", []any{"Acme Corp 001", "Globex 002"}},
		{"case-insensitive names", "select name from ACCOUNT where billingcountry = 'us'", []any{"Acme Corp 001"}},
		{"not equal", "SELECT Name FROM Account WHERE BillingCountry != 'US'", []any{"Globex 002"}},
		{"diamond not equal", "SELECT Name FROM Account WHERE BillingCountry <> 'US'", []any{"Globex 002"}},
		{"null", "SELECT Name FROM Account WHERE NetSuite_Id__c = null", []any{"Globex 002"}},
		{"not null", "SELECT Name FROM Account WHERE NetSuite_Id__c != null", []any{"Acme Corp 001"}},
		{"boolean", "SELECT Name FROM Opportunity WHERE IsWon = TRUE", []any{"Big deal"}},
		{"number", "SELECT Name FROM Opportunity WHERE Amount >= 500 ORDER BY Amount", []any{"Small deal", "Big deal"}},
		{"number null excluded", "SELECT Name FROM Opportunity WHERE Amount < 1000000", []any{"Big deal", "Small deal"}},
		{"AND", "SELECT Name FROM Opportunity WHERE IsWon = false AND Amount > 100", []any{"Small deal"}},
		{"OR with parens and NOT", "SELECT Name FROM Opportunity WHERE (StageName = 'Prospecting' OR StageName = 'Closed Won') AND NOT Name LIKE 'big%'", []any{"Small deal"}},
		{"IN", "SELECT Name FROM Opportunity WHERE StageName IN ('Prospecting', 'Qualification')", []any{"Small deal", "No amount"}},
		{"NOT IN", "SELECT Name FROM Opportunity WHERE StageName NOT IN ('Prospecting', 'Qualification')", []any{"Big deal"}},
		{"LIKE is case-insensitive", "SELECT Name FROM Account WHERE Name LIKE 'acme%'", []any{"Acme Corp 001"}},
		{"LIKE single char", "SELECT Name FROM Product2 WHERE Name LIKE 'Widget__'", []any{"Widget_1"}},
		{"LIKE escaped underscore", "SELECT Name FROM Product2 WHERE Name LIKE 'Widget\\_%'", []any{"Widget_1"}},
		{"LIKE escaped percent", "SELECT Name FROM Product2 WHERE Name LIKE '%100\\%'", []any{"Gadget 100%"}},
		{"quote escape", "SELECT LastName FROM Contact WHERE LastName = 'O\\'Brien'", nil},
		{"parent field filter", "SELECT Name FROM Opportunity WHERE Account.BillingCountry = 'GB'", []any{"Small deal"}},
		{"date literal", "SELECT Name FROM Opportunity WHERE CloseDate > 2025-03-14", []any{"Small deal"}},
		{"TODAY", "SELECT Name FROM Opportunity WHERE CloseDate = TODAY", []any{"Big deal"}},
		{"NEXT_N_DAYS", "SELECT Name FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:30", []any{"Small deal"}},
		{"datetime literal", "SELECT Name FROM Account WHERE CreatedDate > 2025-03-01T00:00:00Z", []any{"Acme Corp 001"}},
		{"datetime with offset", "SELECT Name FROM Account WHERE CreatedDate < 2025-03-01T00:00:00.000+0000", []any{"Globex 002"}},
		{"LAST_N_DAYS on datetime", "SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:7", []any{"Acme Corp 001"}},
		{"id 15 chars", "SELECT Name FROM Account WHERE Id = '" + sfid.New("001", 2)[:15] + "'", []any{"Globex 002"}},
		{"order desc nulls last", "SELECT Name FROM Opportunity ORDER BY Amount DESC", []any{"Big deal", "Small deal", "No amount"}},
		{"order asc nulls first", "SELECT Name FROM Opportunity ORDER BY Amount", []any{"No amount", "Small deal", "Big deal"}},
		{"order asc nulls last", "SELECT Name FROM Opportunity ORDER BY Amount ASC NULLS LAST", []any{"Small deal", "Big deal", "No amount"}},
		{"order by parent then name", "SELECT Name FROM Opportunity ORDER BY Account.Name DESC, Name", []any{"Small deal", "Big deal", "No amount"}},
		{"limit offset", "SELECT Name FROM Opportunity ORDER BY Name LIMIT 1 OFFSET 1", []any{"No amount"}},
		{"object name prefix", "SELECT Account.Name FROM Account WHERE Account.Name = 'Globex 002'", []any{"Globex 002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := run(t, tt.query, Options{})
			if err != nil {
				t.Fatal(err)
			}
			field := "Name"
			if strings.Contains(tt.query, "LastName") {
				field, tt.want = "LastName", []any{"O'Brien"}
			}
			if got := names(res, field); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if res.TotalSize != len(tt.want) {
				t.Errorf("TotalSize = %d, want %d", res.TotalSize, len(tt.want))
			}
		})
	}
}

func TestQueryAllIncludesDeleted(t *testing.T) {
	res, err := run(t, "SELECT Name FROM Account WHERE IsDeleted = true", Options{IncludeDeleted: true})
	if err != nil || res.TotalSize != 1 {
		t.Fatalf("queryAll: %v, %+v", err, res)
	}
	res, _ = run(t, "SELECT Name FROM Account WHERE IsDeleted = true", Options{})
	if res.TotalSize != 0 {
		t.Fatalf("query returned deleted records")
	}
}

func TestCount(t *testing.T) {
	res, err := run(t, "SELECT COUNT() FROM Opportunity WHERE IsWon = false", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalSize != 2 || res.Records != nil {
		t.Fatalf("COUNT() = %d records %v", res.TotalSize, res.Records)
	}
}

func TestParentFieldsNest(t *testing.T) {
	res, err := run(t, "SELECT Id, Product2.NetSuite_Item_Id__c, PricebookEntry.Product2.Name, Product2.Name, Quantity FROM OpportunityLineItem ORDER BY SortOrder", Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := res.Records[0]
	if first.Object != "OpportunityLineItem" || first.ID == "" {
		t.Fatalf("record identity %+v", first)
	}
	var order []string
	for _, f := range first.Fields {
		order = append(order, f.Name)
	}
	if want := []string{"Id", "Product2", "PricebookEntry", "Quantity"}; !slices.Equal(order, want) {
		t.Fatalf("field order %v, want %v (columns sharing a parent share one nested record)", order, want)
	}
	product := first.Fields[1].Value.(*Record)
	if product.Object != "Product2" || len(product.Fields) != 2 || product.Fields[0].Value != nil || product.Fields[1].Value != "Gadget 100%" {
		t.Fatalf("Product2 = %+v", product)
	}
	entry := first.Fields[2].Value.(*Record)
	nested := entry.Fields[0].Value.(*Record)
	if entry.Object != "PricebookEntry" || nested.Fields[0].Value != "Gadget 100%" {
		t.Fatalf("two-level parent = %+v / %+v", entry, nested)
	}
}

func TestEmptyLookupIsNull(t *testing.T) {
	res, err := run(t, "SELECT Name, Account.Name FROM Contact WHERE Account.Name = null", Options{})
	if err != nil || res.TotalSize != 0 {
		t.Fatalf("%v %+v", err, res)
	}
	res, _ = run(t, "SELECT Name, Owner.Name FROM Opportunity LIMIT 1", Options{})
	if owner := res.Records[0].Fields[1]; owner.Name != "Owner" || owner.Value != nil {
		t.Fatalf("empty lookup = %+v, want Owner: nil", owner)
	}
}

func TestChildSubqueries(t *testing.T) {
	res, err := run(t, `SELECT Name, (SELECT Quantity, Product2.ProductCode FROM OpportunityLineItems ORDER BY SortOrder),
		(SELECT Id FROM Tasks) FROM Opportunity WHERE Name = 'Big deal'`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fields := res.Records[0].Fields
	lines, ok := fields[1].Value.(*Children)
	if fields[1].Name != "OpportunityLineItems" || !ok || len(lines.Records) != 2 {
		t.Fatalf("lines = %+v", fields[1])
	}
	if code := lines.Records[0].Fields[1].Value.(*Record).Fields[0].Value; code != "SKU-0002" {
		t.Fatalf("first line by SortOrder has product %v", code)
	}
	if fields[2].Name != "Tasks" || fields[2].Value != nil {
		t.Fatalf("no children must be null, got %+v", fields[2])
	}
	res, err = run(t, "SELECT Name, (SELECT LastName FROM Contacts WHERE FirstName = 'Jo'), (SELECT Name FROM Opportunities) FROM Account ORDER BY Name", Options{})
	if err != nil {
		t.Fatal(err)
	}
	acme := res.Records[0].Fields
	if len(acme[1].Value.(*Children).Records) != 1 || len(acme[2].Value.(*Children).Records) != 2 {
		t.Fatalf("Acme children = %+v", acme)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, query, code, detail string
		column                    int
	}{
		{"empty", "  ", "MALFORMED_QUERY", "SOQL statements cannot be empty or null", 0},
		{"missing field", "SELECT FROM Account", "MALFORMED_QUERY", "unexpected token: 'Account'", 13},
		{"trailing comma", "SELECT Id, FROM Account", "MALFORMED_QUERY", "unexpected token: 'Account'", 17},
		{"end of query", "SELECT Id FROM", "MALFORMED_QUERY", "unexpected token: '<EOF>'", 15},
		{"mixed AND OR", "SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'", "MALFORMED_QUERY", "unexpected token: 'OR'", 56},
		{"bad escape", `SELECT Id FROM Account WHERE Name = 'a\q'`, "MALFORMED_QUERY", `Invalid string literal ''a\q'. Illegal character sequence '\q' in string literal.`, 37},
		{"unknown object", "SELECT Id FROM Foo", "INVALID_TYPE", "sObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.", 16},
		{"unknown field", "SELECT Id, Foo FROM Account", "INVALID_FIELD", "No such column 'Foo' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", 12},
		{"unknown field in where", "SELECT Id FROM Account WHERE Bar__c = 1", "INVALID_FIELD", "No such column 'Bar__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", 30},
		{"unknown parent", "SELECT Foo.Name FROM Account", "INVALID_FIELD", "Didn't understand relationship 'Foo' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.", 8},
		{"unknown child", "SELECT Id, (SELECT Id FROM Lines) FROM Opportunity", "INVALID_TYPE", "Didn't understand relationship 'Lines' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.", 28},
		{"string field, number value", "SELECT Id FROM Product2 WHERE ProductCode = 3999", "INVALID_FIELD", "value of filter criterion for field 'ProductCode' must be of type string and should be enclosed in quotes", 45},
		{"number field, string value", "SELECT Id FROM Opportunity WHERE Amount = '5'", "INVALID_FIELD", "value of filter criterion for field 'Amount' must be of type double and should not be enclosed in quotes", 43},
		{"boolean field, string value", "SELECT Id FROM Opportunity WHERE IsWon = 'TRUE'", "INVALID_FIELD", "value of filter criterion for field 'IsWon' must be of type boolean and should not be enclosed in quotes", 42},
		{"date field, quoted", "SELECT Id FROM Opportunity WHERE CloseDate = '2025-01-01'", "INVALID_FIELD", "value of filter criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes", 46},
		{"invalid id", "SELECT Id FROM Account WHERE Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: abc", 35},
		{"offset too large", "SELECT Id FROM Account OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000", 31},
		{"count with fields", "SELECT Id, COUNT() FROM Account", "MALFORMED_QUERY", "COUNT() must be the only element in the SELECT list.", 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, tt.query, Options{})
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if qe.Code != tt.code || qe.Detail != tt.detail || qe.Column != tt.column {
				t.Fatalf("got %s %q col %d\nwant %s %q col %d", qe.Code, qe.Detail, qe.Column, tt.code, tt.detail, tt.column)
			}
		})
	}
}

func TestErrorMessageShowsThePlace(t *testing.T) {
	_, err := run(t, "SELECT Id, Foo FROM Account", Options{})
	want := "\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo'"
	if msg := err.(*Error).Message(); !strings.HasPrefix(msg, want) {
		t.Fatalf("message %q\nwant prefix %q", msg, want)
	}
	_, err = run(t, "SELECT Id\nFROM Account\nWHERE Nme = 'x'", Options{})
	if qe := err.(*Error); qe.Row != 3 || qe.Column != 7 || !strings.HasPrefix(qe.Message(), "\nWHERE Nme = 'x'\n      ^\n") {
		t.Fatalf("multi-line position: row %d col %d %q", qe.Row, qe.Column, qe.Message())
	}
}
