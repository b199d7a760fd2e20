package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/config"
)

// TestUserMappingOverrideReachesNetSuite: a finance admin's override adds
// a custom body field and a subsidiary rule by billing country; a deal
// closed in Salesforce arrives in NetSuite with both.
func TestUserMappingOverrideReachesNetSuite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "tables.yaml", `
tables:
  subsidiary_by_country:
    GB: "2"
    DE: "3"
  sales_regions:
    US: Americas
    GB: EMEA
    DE: EMEA
    FR: EMEA
`)
	writeFile(t, dir, "opportunity_to_salesorder.yaml", `
fields:
  custbody_sales_region: table("sales_regions", countryCode(Account.BillingCountry))
  subsidiary.id: table("subsidiary_by_country", countryCode(Account.BillingCountry))
`)
	h := startTandem(t, "TANDEM_MAPPINGS_DIR", dir)
	sf := h.p.sandboxes.sf
	var oppID, country string
	for _, o := range demoOpportunities(sf, 100) {
		acct, _ := sf.Get("Account", str(o, "AccountId"))
		if c := str(acct, "BillingCountry"); c == "United Kingdom" || c == "Germany" {
			oppID, country = str(o, "Id"), c
			break
		}
	}
	if oppID == "" {
		t.Fatal("the seed has no open deal billed in the UK or Germany")
	}
	wantSubsidiary := map[string]string{"United Kingdom": "2", "Germany": "3"}[country]
	h.closeWon(oppID)
	h.waitFor("the sales order", func() bool { return len(h.salesOrders(oppID)) > 0 })
	h.settle()
	so := h.salesOrders(oppID)[0]
	if got := str(so, "custbody_sales_region"); got != "EMEA" {
		t.Errorf("custbody_sales_region = %q, want EMEA (billing country %s)", got, country)
	}
	if got := str(so, "subsidiary.id"); got != wantSubsidiary {
		t.Errorf("sales order subsidiary %q, want %s for %s", got, wantSubsidiary, country)
	}
	customer, _ := h.p.sandboxes.ns.Get("customer", str(so, "entity.id"))
	if got := str(customer, "subsidiary.id"); got != wantSubsidiary {
		t.Errorf("new customer's subsidiary %q, want %s: the shared table override must reach account_to_customer too", got, wantSubsidiary)
	}
}

// TestBadMappingStopsStartUp: a typo in a user mapping stops start-up
// with file:line: field: message, and mapping check says the same.
func TestBadMappingStopsStartUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "opportunity_to_salesorder.yaml", "fields:\n  custbody_region: tabel(\"sales_regions\", Name)\n")
	cfg, err := config.Load(func(k string) (string, bool) {
		v, ok := map[string]string{"TANDEM_MAPPINGS_DIR": dir}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "opportunity_to_salesorder.yaml") + `:2: custbody_region: unknown function "tabel"`
	a := &app{cfg: cfg}
	if _, err := a.loadMappings(); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("start-up error %v, want it to contain %q", err, want)
	}
	var out bytes.Buffer
	if err := mappingCommand(context.Background(), cfg, []string{"check"}, &out); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("mapping check: %v", err)
	}
}

// TestMappingTryWritesNothing prints the payload of a record file.
func TestMappingTryPrintsThePayload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "deal.json", `{"attributes":{"type":"Opportunity"},"Id":"0065e000000000AAAQ","Name":"Globex renewal","CloseDate":"2026-11-20","CurrencyIsoCode":"EUR",
"OpportunityLineItems":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"OpportunityLineItem"},"Id":"00k5e000000000AAAQ","Quantity":3,"UnitPrice":100,"Discount":10,"Product2Id":"01t5e000000000AAAQ","Product2":{"Name":"Widget","NetSuite_Item_Id__c":"1001"}}]}}`)
	cfg, _ := config.Load(func(string) (string, bool) { return "", false })
	var out bytes.Buffer
	err := mappingCommand(context.Background(), cfg, []string{"try", "--flow", "opportunity_to_salesorder", "--input", filepath.Join(dir, "deal.json"), "--var", "customerId=42"}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{`"tranDate": "2026-11-20"`, `"rate": 90`, `"id": "1001"`, `"id": "42"`, `"id": "4"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("try output lacks %s:\n%s", want, out.String())
		}
	}
}

func writeFile(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
