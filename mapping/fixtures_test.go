package mapping

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fixturesDir is the shared directory of real captured payloads: beside
// the module, at ../shared/fixtures. It exists in CI too, so a missing
// directory fails the test.
func fixturesDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	fixtures := filepath.Join(dir, "..", "shared", "fixtures")
	if _, err := os.Stat(fixtures); err != nil {
		t.Fatalf("shared fixtures missing: %v", err)
	}
	return fixtures
}

// readNetSuiteFixture decodes a fixture the way the NetSuite client
// does: numbers as json.Number.
func readNetSuiteFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixturesDir(t), "netsuite", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var rec map[string]any
	if err := dec.Decode(&rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func applyJSON(t *testing.T, m *Mapping, rec map[string]any) string {
	t.Helper()
	vars := map[string]any{}
	for _, name := range m.Vars() {
		vars[name] = nil
	}
	out, err := m.Apply(context.Background(), nil, rec, vars)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	data, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A real NetSuite customer (REST GET, 2019 field casing, address book not
// expanded) maps with the shipped customer_to_account.
func TestFixtureCustomerToAccount(t *testing.T) {
	rec := readNetSuiteFixture(t, "rest-get-customer.ledgersync.json")
	m, _ := mustLoad(t, Config{}).Mapping("customer_to_account")
	want := `{"CurrencyIsoCode":"USD","Name":"Company 1575890547","NetSuite_Id__c":"1137"}`
	if got := applyJSON(t, m, rec); got != want {
		t.Fatalf("payload\n got: %s\nwant: %s", got, want)
	}
}

// A later flow (F3, invoices to Salesforce) is a mapping file like the
// shipped ones: here a user's new flow maps a real NetSuite invoice with
// its expanded item sublist, references, json.Number amounts and a custom
// body field.
func TestFixtureInvoiceAsNewFlow(t *testing.T) {
	m := loadFlow(t, "invoice_to_sf", `
source: netsuite.invoice
target: salesforce.NetSuite_Invoice__c
fields:
  Name: {expr: tranId, required: true}
  NetSuite_Id__c: id
  Status__c: idOf(status)
  Total__c: total
  Amount_Remaining__c: amountremaining
  Invoice_Date__c: trandate
  Last_Modified_In_NetSuite__c: custbody_esc_last_modified_date
  Lines__c:
    from: item
    sort: line
    fields:
      Item__c: item.refName
      Quantity__c: quantity
      Amount__c: round(num(quantity) * num(rate), 2)
`)
	rec := readNetSuiteFixture(t, "rest-get-invoice.ledgersync.json")
	got := applyJSON(t, m, rec)
	want := `{"Amount_Remaining__c":2010,"Invoice_Date__c":"2020-04-06","Last_Modified_In_NetSuite__c":"2020-04-17",` +
		`"Lines__c":[{"Amount__c":1,"Item__c":"Test Item","Quantity__c":1},{"Amount__c":2000,"Item__c":"SaaS License","Quantity__c":1},` +
		`{"Amount__c":9,"Item__c":"Test Item","Quantity__c":9}],` +
		`"Name":"INV01","NetSuite_Id__c":"1227","Status__c":"Open","Total__c":2010}`
	if got != want {
		t.Fatalf("payload\n got: %s\nwant: %s", got, want)
	}
}
