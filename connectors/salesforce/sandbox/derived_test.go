package sandbox

import (
	"errors"
	"testing"
)

// newDeal creates an opportunity in USD with no lines.
func newDeal(t *testing.T, org *testOrg) string {
	t.Helper()
	acct := org.firstID(t, "SELECT Id FROM Account WHERE CurrencyIsoCode = 'USD' LIMIT 1")
	id, err := org.Create("Opportunity", map[string]any{"Name": "Derived", "AccountId": acct, "StageName": "Prospecting",
		"CloseDate": "2030-06-30", "CurrencyIsoCode": "USD"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestOpportunityStageDerivesFields(t *testing.T) {
	org := startOrg(t, Config{})
	id := newDeal(t, org)
	tests := []struct {
		stage            string
		isWon, isClosed  bool
		probability      float64
		forecastCategory string
	}{
		{"Prospecting", false, false, 10, "Pipeline"},
		{"Negotiation/Review", false, false, 90, "Pipeline"},
		{"Closed Won", true, true, 100, "Closed"},
		{"Closed Lost", false, true, 0, "Omitted"},
	}
	for _, tt := range tests {
		if err := org.Update("Opportunity", id, map[string]any{"StageName": tt.stage}, org.SalesUser()); err != nil {
			t.Fatal(err)
		}
		rec, _ := org.Get("Opportunity", id)
		if rec["IsWon"] != tt.isWon || rec["IsClosed"] != tt.isClosed || rec["Probability"] != tt.probability || rec["ForecastCategoryName"] != tt.forecastCategory {
			t.Errorf("%s: IsWon %v IsClosed %v Probability %v Forecast %v", tt.stage, rec["IsWon"], rec["IsClosed"], rec["Probability"], rec["ForecastCategoryName"])
		}
	}
	// A probability given with the stage wins over the stage's default.
	if err := org.Update("Opportunity", id, map[string]any{"StageName": "Qualification", "Probability": 33}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if rec, _ := org.Get("Opportunity", id); rec["Probability"] != 33.0 || rec["IsClosed"] != false {
		t.Errorf("explicit probability: %v", rec["Probability"])
	}
}

func TestLineItemsDeriveTotals(t *testing.T) {
	org := startOrg(t, Config{})
	opp := newDeal(t, org)
	entries, err := org.Query("SELECT Id, UnitPrice, Product2Id, Product2.ProductCode FROM PricebookEntry WHERE CurrencyIsoCode = 'USD' ORDER BY Product2.ProductCode LIMIT 2")
	if err != nil {
		t.Fatal(err)
	}
	line1, err := org.Create("OpportunityLineItem", map[string]any{"OpportunityId": opp, "PricebookEntryId": entries[0]["Id"],
		"Quantity": 3, "UnitPrice": 100, "Discount": 10}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	// A line may name the product instead of the entry: the entry is found
	// in the opportunity's price book and currency.
	_, err = org.Create("OpportunityLineItem", map[string]any{"OpportunityId": opp, "Product2Id": entries[1]["Product2Id"],
		"Quantity": 2, "UnitPrice": 25.5}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	l1, _ := org.Get("OpportunityLineItem", line1)
	if l1["TotalPrice"] != 270.0 || l1["ListPrice"] != entries[0]["UnitPrice"] || l1["Product2Id"] != entries[0]["Product2Id"] ||
		l1["CurrencyIsoCode"] != "USD" || l1["ProductCode"] != "SKU-0001" {
		t.Fatalf("line 1 %v", l1)
	}
	deal, _ := org.Get("Opportunity", opp)
	if deal["Amount"] != 321.0 || deal["HasOpportunityLineItem"] != true || deal["Pricebook2Id"] == nil {
		t.Fatalf("opportunity after lines: Amount %v Has %v Pricebook %v", deal["Amount"], deal["HasOpportunityLineItem"], deal["Pricebook2Id"])
	}
	if err := org.Update("OpportunityLineItem", line1, map[string]any{"Quantity": 1}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if deal, _ = org.Get("Opportunity", opp); deal["Amount"] != 141.0 {
		t.Fatalf("Amount after changing a line: %v", deal["Amount"])
	}
	if err := org.Update("Opportunity", opp, map[string]any{"Amount": 5}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if deal, _ = org.Get("Opportunity", opp); deal["Amount"] != 141.0 {
		t.Fatalf("Amount of an opportunity with lines must stay the sum of the lines: %v", deal["Amount"])
	}
	if err := org.Delete("OpportunityLineItem", line1, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if deal, _ = org.Get("Opportunity", opp); deal["Amount"] != 51.0 {
		t.Fatalf("Amount after deleting a line: %v", deal["Amount"])
	}
}

func TestPriceBookRules(t *testing.T) {
	org := startOrg(t, Config{})
	sales := org.SalesUser()
	product, err := org.Create("Product2", map[string]any{"Name": "New thing", "IsActive": true}, sales)
	if err != nil {
		t.Fatal(err)
	}
	custom, err := org.Create("Pricebook2", map[string]any{"Name": "Partners", "IsActive": true}, sales)
	if err != nil {
		t.Fatal(err)
	}
	_, err = org.Create("PricebookEntry", map[string]any{"Pricebook2Id": custom, "Product2Id": product, "UnitPrice": 9, "IsActive": true}, sales)
	wantCode(t, err, "STANDARD_PRICE_NOT_DEFINED")

	standard := org.firstID(t, "SELECT Id FROM Pricebook2 WHERE IsStandard = true")
	if _, err := org.Create("PricebookEntry", map[string]any{"Pricebook2Id": standard, "Product2Id": product, "UnitPrice": 10, "IsActive": true}, sales); err != nil {
		t.Fatal(err)
	}
	_, err = org.Create("PricebookEntry", map[string]any{"Pricebook2Id": standard, "Product2Id": product, "UnitPrice": 11, "IsActive": true}, sales)
	wantCode(t, err, "DUPLICATE_VALUE")
	entry, err := org.Create("PricebookEntry", map[string]any{"Pricebook2Id": custom, "Product2Id": product, "UseStandardPrice": true, "IsActive": true}, sales)
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := org.Get("PricebookEntry", entry); e["UnitPrice"] != 10.0 || e["Name"] != "New thing" {
		t.Fatalf("custom entry using the standard price: %v", e)
	}
	eur := org.firstID(t, "SELECT Id FROM PricebookEntry WHERE CurrencyIsoCode = 'EUR' LIMIT 1")
	_, err = org.Create("OpportunityLineItem", map[string]any{"OpportunityId": newDeal(t, org), "PricebookEntryId": eur, "Quantity": 1, "UnitPrice": 1}, sales)
	wantCode(t, err, "FIELD_INTEGRITY_EXCEPTION")
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}
