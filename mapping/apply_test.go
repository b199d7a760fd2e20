package mapping

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
)

// languageFlow uses every form a field can take.
const languageFlow = `
source: netsuite.customer
target: salesforce.Account
vars: [region]
let:
  billing: find(addressBook ?? [], .defaultBilling == true)?.addressBookAddress
fields:
  Name:
    expr: companyName
    required: true
  Type:
    value: Customer
  Region__c: vars.region
  Tier__c:
    expr: custentity_tier.refName
    default: Standard
  Fax: 
    expr: fax
    on_empty: "null"
  Credit_Note__c:
    expr: '"on hold"'
    when: idOf(creditHoldOverride) == "ON"
  Parent_Name__c: parent.refName
  Status_Id__c: entityStatus.id
  BillingCity: billing.city
  Contacts__c:
    from: contactRoles
    where: present(email)
    sort: [email]
    let:
      domain: split(email, "@")[1]
    fields:
      Email__c: email
      Domain__c: domain
      Customer__c: record.companyName
  Tags__c:
    from: split(custentity_tags ?? "", ",")
    where: present(value)
    fields:
      Tag__c: trim(value)
`

func loadLanguageFlow(t *testing.T) *Mapping { return loadFlow(t, "language_test", languageFlow) }

type namedRecord map[string]any // like salesforce.Record and netsuite.Record

func TestApplyLanguage(t *testing.T) {
	m := loadLanguageFlow(t)
	var rec map[string]any
	if err := json.Unmarshal([]byte(`{
		"id": "77", "companyName": "Acme", "fax": "", "creditHoldOverride": "ON",
		"parent": null, "entityStatus": "13", "custentity_tags": "vip, , emea",
		"addressBook": {"links": [], "items": [{"defaultBilling": false, "addressBookAddress": {"city": "Oslo"}},
			{"defaultBilling": true, "addressBookAddress": {"city": "Bergen"}}]},
		"contactRoles": {"links": [], "items": [
			{"email": "zoe@acme.example"}, {"email": null}, {"email": "al@corp.example"}]}
	}`), &rec); err != nil {
		t.Fatal(err)
	}
	input := mustJSON(t, rec)
	out, err := m.Apply(context.Background(), nil, namedRecord(rec), map[string]any{"region": "EMEA"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"BillingCity":"Bergen",` +
		`"Contacts__c":[{"Customer__c":"Acme","Domain__c":"corp.example","Email__c":"al@corp.example"},{"Customer__c":"Acme","Domain__c":"acme.example","Email__c":"zoe@acme.example"}],` +
		`"Credit_Note__c":"on hold","Fax":null,"Name":"Acme","Region__c":"EMEA",` +
		`"Tags__c":[{"Tag__c":"vip"},{"Tag__c":"emea"}],"Tier__c":"Standard","Type":"Customer"}`
	if got := mustJSON(t, out); got != want {
		t.Fatalf("payload\n got: %s\nwant: %s", got, want)
	}
	if mustJSON(t, rec) != input {
		t.Fatal("Apply changed its input")
	}
}

func TestApplyRequiredNamesFieldAndRecord(t *testing.T) {
	m := loadLanguageFlow(t)
	_, err := m.Apply(context.Background(), nil, map[string]any{"id": "78", "companyName": "  "}, map[string]any{"region": "EMEA"})
	want := "customer 78: field Name is required (companyName is empty)"
	if err == nil || err.Error() != want || !connectors.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent %q", err, want)
	}
}

// A value a record cannot give is the record's problem, found for every
// field and line at once, and permanent.
func TestApplyReportsEveryProblem(t *testing.T) {
	m := loadFlow(t, "problems_test", `
source: salesforce.Opportunity
target: netsuite.salesOrder
fields:
  tranDate:
    expr: CloseDate
    required: true
  custbody_total: Amount * 2
  item.items:
    from: OpportunityLineItems
    fields:
      item.id:
        expr: Product2Id
        required: true
      quantity: num(Quantity)
`)
	rec := map[string]any{"Id": "006P", "Amount": "lots", "OpportunityLineItems": map[string]any{"totalSize": 2, "done": true, "records": []any{
		map[string]any{"Id": "00k1", "Quantity": "two"},
		map[string]any{"Product2Id": "01t2", "Quantity": 2.0},
		map[string]any{"Quantity": 1.0},
	}}}
	_, err := m.Apply(context.Background(), nil, rec, nil)
	re, ok := err.(*RecordError)
	if !ok {
		t.Fatalf("err = %v (%T), want *RecordError", err, err)
	}
	want := []Problem{
		{Field: "tranDate", Message: "field tranDate is required (CloseDate is empty)"},
		{Field: "custbody_total", Message: "field custbody_total: cannot compute: invalid operation: string * int (column 8)"},
		{Line: "00k1", Field: "item.items[].item.id", Message: "field item.items[].item.id is required (Product2Id is empty)"},
		{Line: "00k1", Field: "item.items[].quantity", Message: `field item.items[].quantity: cannot compute: num: "two" is not a number`},
		{Line: "#3", Field: "item.items[].item.id", Message: "field item.items[].item.id is required (Product2Id is empty)"},
	}
	if !reflect.DeepEqual(re.Problems, want) {
		t.Fatalf("problems:\n%+v\nwant:\n%+v", re.Problems, want)
	}
	if re.Flow != "problems_test" || re.Object != "opportunity" || re.RecordID != "006P" || !strings.HasPrefix(re.Error(), "opportunity 006P: field tranDate") {
		t.Fatalf("error = %+v", re)
	}
}

func TestApplyNeedsItsVars(t *testing.T) {
	m, _ := mustLoad(t, Config{}).Mapping("opportunity_to_salesorder")
	_, err := m.Apply(context.Background(), nil, map[string]any{"Id": "006V"}, nil)
	if err == nil || IsRecordError(err) || err.Error() != "mapping opportunity_to_salesorder: var customerId not given" {
		t.Fatalf("err = %v", err)
	}
}

// Reading through what a record does not have gives null, never an error:
// a parent that is not set, a reference sent as text, an unexpanded sublist.
func TestApplyReadsAreNullSafe(t *testing.T) {
	set := mustLoad(t, Config{})
	for _, c := range []struct {
		expr string
		rec  map[string]any
	}{
		{"Account.Owner.Name", map[string]any{"Account": nil}},
		{"Account.Owner.Name", map[string]any{}},
		{"creditHoldOverride.id", map[string]any{"creditHoldOverride": "AUTO"}},
		{"addressBook", map[string]any{"addressBook": map[string]any{"links": []any{}}}},
		{"Items[0].Name", map[string]any{"Items": nil}},
	} {
		got, err := evalExpr(t, set, c.expr, c.rec)
		if err != nil || got != nil {
			t.Errorf("%s on %v = %v, %v; want null", c.expr, c.rec, got, err)
		}
	}
}
