package sandbox

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

func TestSeedIsDeterministic(t *testing.T) {
	const q = "SELECT Id, Name, BillingCountry, CurrencyIsoCode, (SELECT Id, Email FROM Contacts), (SELECT Id, Name, Amount, StageName FROM Opportunities) FROM Account"
	run := func(seed int64) []map[string]any {
		s, err := New(Config{Seed: Seed{Rand: seed}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rows, err := s.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	a, b := run(7), run(7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different data")
	}
	if reflect.DeepEqual(a, run(8)) {
		t.Fatal("a different seed gave the same data")
	}
}

func TestSeedData(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	count := func(soql string) int {
		rows, err := s.Query(soql)
		if err != nil {
			t.Fatal(err)
		}
		return rows[0]["expr0"].(int)
	}
	if n := count("SELECT COUNT() FROM Account"); n != 20 {
		t.Errorf("%d accounts", n)
	}
	if n := count("SELECT COUNT() FROM Account WHERE NetSuite_Id__c != null"); n != 0 {
		t.Errorf("%d accounts already linked to NetSuite", n)
	}
	if n := count("SELECT COUNT() FROM Contact"); n != 40 {
		t.Errorf("%d contacts", n)
	}
	if n := count("SELECT COUNT() FROM Account WHERE BillingCountry NOT IN ('United States', 'United Kingdom', 'Germany', 'France')"); n != 0 {
		t.Errorf("%d accounts outside US/GB/DE/FR", n)
	}

	products, _ := s.Query("SELECT Name, ProductCode, NetSuite_Item_Id__c, (SELECT CurrencyIsoCode, Pricebook2.IsStandard, IsActive FROM PricebookEntries) FROM Product2 ORDER BY ProductCode")
	if len(products) != 12 {
		t.Fatalf("%d products", len(products))
	}
	for i, p := range products {
		n := i + 1
		wantName, wantItem := any(fmt.Sprintf("Product %03d", n)), any(strconv.Itoa(1000+n))
		if n == 12 {
			wantName, wantItem = UnmappedProductName, nil
		}
		if p["ProductCode"] != fmt.Sprintf("SKU-%04d", n) || p["Name"] != wantName || p["NetSuite_Item_Id__c"] != wantItem {
			t.Errorf("product %d: %v", n, p)
		}
		entries := p["PricebookEntries"].([]map[string]any)
		if len(entries) != len(schema.Currencies) || entries[0]["CurrencyIsoCode"] != "USD" || entries[0]["Pricebook2"].(map[string]any)["IsStandard"] != true {
			t.Errorf("product %d entries: %v", n, entries)
		}
	}

	opps, _ := s.Query("SELECT IsClosed, IsWon, Amount, OwnerId, (SELECT TotalPrice FROM OpportunityLineItems) FROM Opportunity")
	if len(opps) != 30 {
		t.Fatalf("%d opportunities", len(opps))
	}
	for _, o := range opps {
		lines := o["OpportunityLineItems"].([]map[string]any)
		sum := 0.0
		for _, l := range lines {
			sum += l["TotalPrice"].(float64)
		}
		if o["IsClosed"] != false || o["IsWon"] != false || len(lines) < 1 || len(lines) > 5 || roundCents(sum) != o["Amount"] || o["OwnerId"] != s.SalesUser().ID {
			t.Errorf("opportunity %v", o)
		}
	}
	users, _ := s.Query("SELECT Id, Username, IsActive FROM User WHERE Username IN ('" + DefaultIntegrationUsername + "', '" +
		DefaultSalesUsername + "') ORDER BY Username")
	if len(users) != 2 || users[0]["Username"] != DefaultIntegrationUsername || users[1]["Username"] != DefaultSalesUsername {
		t.Errorf("users %v", users)
	}
	for _, m := range Managers {
		u, ok := s.Get("User", m.ID)
		if !ok || u["Username"] != m.Username || u["IsActive"] != m.Active {
			t.Errorf("manager %+v: %v", m, u)
		}
	}
}
