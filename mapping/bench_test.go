package mapping

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// benchOpportunity is a won opportunity with n line items, decoded from
// JSON as the Salesforce client returns it.
func benchOpportunity(tb testing.TB, n int) map[string]any {
	tb.Helper()
	lines := make([]any, n)
	for i := range lines {
		lines[i] = map[string]any{
			"attributes": map[string]any{"type": "OpportunityLineItem", "url": "/services/data/v62.0/sobjects/OpportunityLineItem/00k" + fmt.Sprint(i)},
			"Id":         fmt.Sprintf("00k00000000%04dAAA", n-i), "Quantity": float64(i + 1), "UnitPrice": 99.95, "Discount": 12.5,
			"Description": nil, "SortOrder": float64(n - i), "Product2Id": fmt.Sprintf("01t00000000%04dAAA", i),
			"Product2": map[string]any{"attributes": map[string]any{"type": "Product2"}, "Name": fmt.Sprintf("Widget %d", i), "NetSuite_Item_Id__c": fmt.Sprint(100 + i)},
		}
	}
	data, err := json.Marshal(map[string]any{
		"attributes": map[string]any{"type": "Opportunity", "url": "/services/data/v62.0/sobjects/Opportunity/006000000000001AAA"},
		"Id":         "006000000000001AAA", "Name": "Acme - 10 widgets", "StageName": "Closed Won", "IsWon": true,
		"CloseDate": "2026-01-15", "CurrencyIsoCode": "EUR", "AccountId": "001000000000001AAA",
		"NetSuite_Sales_Order_Id__c": nil, "NetSuite_Sales_Order_Number__c": nil,
		"Account":              map[string]any{"attributes": map[string]any{"type": "Account"}, "Name": "Acme", "Phone": "+1 415 555 0100", "Website": "acme.example", "CurrencyIsoCode": "EUR", "NetSuite_Id__c": "42"},
		"OpportunityLineItems": map[string]any{"totalSize": n, "done": true, "records": lines},
	})
	if err != nil {
		tb.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		tb.Fatal(err)
	}
	return rec
}

// BenchmarkF1Mapping maps a won opportunity with 10 lines to a sales order
// with the shipped F1 mapping. Run it with -cpu 1; it reports records/s.
func BenchmarkF1Mapping(b *testing.B) {
	set, err := Load(Config{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := set.Mapping("opportunity_to_salesorder")
	if err != nil {
		b.Fatal(err)
	}
	rec := benchOpportunity(b, 10)
	vars := map[string]any{"customerId": "42"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Apply(ctx, nil, rec, vars); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
