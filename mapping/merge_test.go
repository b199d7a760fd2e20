package mapping

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
)

// The merge rule: an override replaces the fields it names (and every
// shipped field they overlap), adds new ones, drops "field: ~", merges a
// sublist given without from field by field; tables merge by key.
func TestOverrideMerge(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"tables.yaml":         "tables:\n  currencies:\n    CAD: ~\n    JPY: \"7\"\n",
		"regions.tables.yaml": "tables:\n  regions:\n    GB: EMEA\n    \"*\": AMER\n",
		"opportunity_to_salesorder.yaml": `
description: our sales orders
vars: [channel]
let:
  country: countryCode(Account.BillingCountry)
fields:
  memo: text(Name, " via ", vars.channel)
  currency: ~
  custbody_region: table("regions", country)
  item.items:
    sort: Id
    fields:
      description: ~
      custcol_sf_line: Id
`,
	})
	set := mustLoad(t, Config{Dir: dir})
	m, _ := set.Mapping("opportunity_to_salesorder")
	rec := map[string]any{
		"Id": "006M", "Name": "Deal", "CloseDate": "2026-02-01", "CurrencyIsoCode": "EUR",
		"Account": map[string]any{"BillingCountry": "United Kingdom"},
		"OpportunityLineItems": map[string]any{"totalSize": 2, "done": true, "records": []any{
			map[string]any{"Id": "00kB", "SortOrder": 1.0, "Quantity": 1.0, "UnitPrice": 5.0, "Description": "b", "Product2": map[string]any{"NetSuite_Item_Id__c": "2"}},
			map[string]any{"Id": "00kA", "SortOrder": 2.0, "Quantity": 2.0, "UnitPrice": 7.0, "Description": "a", "Product2": map[string]any{"NetSuite_Item_Id__c": "1"}},
		}},
	}
	out, err := m.Apply(context.Background(), nil, rec, map[string]any{"customerId": "42", "channel": "partner"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"custbody_region":"EMEA","entity":{"id":"42"},"item":{"items":[` +
		`{"custcol_sf_line":"00kA","item":{"id":"1"},"quantity":2,"rate":7},` +
		`{"custcol_sf_line":"00kB","item":{"id":"2"},"quantity":1,"rate":5}]},` +
		`"memo":"Deal via partner","otherRefNum":"006M","tranDate":"2026-02-01"}`
	if got := mustJSON(t, out); got != want {
		t.Fatalf("payload\n got: %s\nwant: %s", got, want)
	}
	if got, want := m.Files(), []string{filepath.Join("defaults", "opportunity_to_salesorder.yaml"), filepath.Join(dir, "opportunity_to_salesorder.yaml")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Files() = %v, want %v", got, want)
	}
	if got := m.Vars(); !reflect.DeepEqual(got, []string{"customerId", "channel"}) {
		t.Errorf("Vars() = %v", got)
	}
	if m.Description() != "our sales orders" {
		t.Errorf("Description() = %q", m.Description())
	}

	// Tables merged by key: JPY added, CAD removed, the rest kept.
	for key, want := range map[string]any{"JPY": "7", "CAD": nil, "USD": "1"} {
		if got, _ := set.tables["currencies"].get(key); got != want {
			t.Errorf("currencies[%s] = %v, want %v", key, got, want)
		}
	}
	// Other flows are untouched.
	c, _ := set.Mapping("account_to_customer")
	if got := c.Files(); len(got) != 1 {
		t.Errorf("account_to_customer files = %v", got)
	}
}

// A sublist given with from replaces the shipped one whole.
func TestOverrideReplacesSublistWithFrom(t *testing.T) {
	dir := writeDir(t, map[string]string{"opportunity_to_salesorder.yaml": `
fields:
  item.items:
    from: OpportunityLineItems
    fields:
      item.id: Product2Id
`})
	m, _ := mustLoad(t, Config{Dir: dir}).Mapping("opportunity_to_salesorder")
	rec := map[string]any{"Id": "006R", "CloseDate": "2026-02-01", "OpportunityLineItems": map[string]any{
		"totalSize": 1, "done": true, "records": []any{map[string]any{"Id": "00k1", "Product2Id": "01t1", "Quantity": 3.0}}}}
	out, err := m.Apply(context.Background(), nil, rec, map[string]any{"customerId": "42"})
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, out["item"]); got != `{"items":[{"item":{"id":"01t1"}}]}` {
		t.Fatalf("item = %s", got)
	}
}

// A file with a new name is a new flow.
func TestOverrideAddsFlow(t *testing.T) {
	dir := writeDir(t, map[string]string{"product_to_item.yaml": `
description: Salesforce products as NetSuite items
source: salesforce.Product2
target: netsuite.nonInventorySaleItem
fields:
  itemId:
    expr: ProductCode ?? Name
    required: true
  displayName: Name
  isInactive: "!IsActive"
`})
	set := mustLoad(t, Config{Dir: dir})
	m, err := set.Mapping("product_to_item")
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Apply(context.Background(), nil, map[string]any{"Id": "01tX", "Name": "Widget", "ProductCode": "W-1", "IsActive": true}, nil)
	if err != nil || mustJSON(t, out) != `{"displayName":"Widget","isInactive":false,"itemId":"W-1"}` {
		t.Fatalf("out = %v, err = %v", out, err)
	}
	if len(set.Flows()) != 10 {
		t.Fatalf("flows = %v", set.Flows())
	}
	if m.Source() != (Endpoint{System: "salesforce", Object: "Product2"}) || m.Target().String() != "netsuite.nonInventorySaleItem" {
		t.Fatalf("source %v, target %v", m.Source(), m.Target())
	}
}

func TestMappingDescribesItself(t *testing.T) {
	set := mustLoad(t, Config{})
	if _, err := set.Mapping("nope"); err == nil || err.Error() != `no mapping for flow "nope" (have account_to_customer, contact_to_nscontact, customer_to_account, invoice_to_salesforce, item_to_product, nscontact_to_contact, opportunity_to_salesorder, payment_to_salesforce, price_to_pricebookentry)` {
		t.Fatalf("err = %v", err)
	}
	so, _ := set.Mapping("opportunity_to_salesorder")
	if got := so.Sublists(); !reflect.DeepEqual(got, []string{"item"}) {
		t.Errorf("Sublists() = %v", got)
	}
	reads := so.Reads()
	if !reflect.DeepEqual(reads.Fields, []string{"CloseDate", "CurrencyIsoCode", "Id", "Name"}) {
		t.Errorf("Reads().Fields = %v", reads.Fields)
	}
	lines := reads.Children["OpportunityLineItems"]
	if lines == nil || !reflect.DeepEqual(lines.Fields, []string{"Description", "Discount", "Id", "Product2.Name", "Product2.NetSuite_Item_Id__c", "Product2Id", "Quantity", "SortOrder", "UnitPrice"}) {
		t.Errorf("Reads().Children = %+v", lines)
	}
	cust, _ := set.Mapping("account_to_customer")
	if got := cust.Sublists(); !reflect.DeepEqual(got, []string{"addressBook"}) {
		t.Errorf("account_to_customer Sublists() = %v", got)
	}
}

// An empty override (everything commented out) changes nothing.
func TestEmptyOverrideChangesNothing(t *testing.T) {
	set := mustLoad(t, Config{Dir: writeDir(t, map[string]string{"opportunity_to_salesorder.yaml": "# fields:\n#   memo: Id\n"})})
	m, _ := set.Mapping("opportunity_to_salesorder")
	out, err := m.Apply(context.Background(), nil, benchOpportunity(t, 1), map[string]any{"customerId": "42"})
	if err != nil || out["memo"] != "Acme - 10 widgets" {
		t.Fatalf("memo = %v, err = %v", out["memo"], err)
	}
}
