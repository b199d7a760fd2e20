package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// seedTime stamps every seeded record, so the same Seed gives the same data.
var seedTime = time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)

// seedCustomerNames name the first seeded customers; more are "Customer NNN".
var seedCustomerNames = []string{"Acme Corporation", "Globex Ltd", "Initech", "Umbrella Corporation",
	"Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay Industries"}

// seed creates the demo account: currencies 1 USD, 2 GBP, 3 CAD, 4 EUR;
// subsidiaries 1 US, 2 UK, 3 DE; price level 1 "Base Price"; two
// employees; inventory items 1001… (itemId SKU-0001…), the ids the
// Salesforce sandbox puts in Product2.NetSuite_Item_Id__c; and a few
// customers without an external id.
func seed(st *store, size Seed) error {
	sd := seeder{tx: &txn{s: st, now: seedTime}}
	for _, c := range []struct {
		code, name, symbol string
		base               bool
		rate               float64
	}{{"USD", "US Dollar", "$", true, 1}, {"GBP", "British Pound", "£", false, 1.27},
		{"CAD", "Canadian Dollar", "CA$", false, 0.74}, {"EUR", "Euro", "€", false, 1.09}} {
		sd.add("currency", map[string]any{"name": c.name, "symbol": c.code, "displaySymbol": c.symbol,
			"isBaseCurrency": c.base, "exchangeRate": c.rate, "currencyPrecision": 2.0})
	}
	for _, sub := range []struct{ name, legal, currency, country string }{
		{"Tandem Inc. (US)", "Tandem Inc.", "1", "US"}, {"Tandem Ltd (UK)", "Tandem Ltd", "2", "GB"},
		{"Tandem GmbH (DE)", "Tandem GmbH", "4", "DE"}} {
		body := map[string]any{"name": sub.name, "legalName": sub.legal, "currency": idRef(sub.currency), "country": sub.country}
		if sub.country != "US" {
			body["parent"] = idRef("1")
		}
		sd.add("subsidiary", body)
	}
	sd.add("priceLevel", map[string]any{"name": "Base Price"})
	sd.add("priceLevel", map[string]any{"name": "Wholesale", "discountPct": -20.0})
	sd.add("priceLevel", map[string]any{"name": "Partner", "discountPct": -30.0})
	sd.seedCustomerStatuses()
	sd.add("employee", map[string]any{"firstName": "Alex", "lastName": "Morgan", "email": "alex.morgan@tandem.example",
		"isSalesRep": true, "subsidiary": idRef("1")})
	// Sam Sales is also the Salesforce sandbox's sales user (same email), so
	// the sales rep travels between the two by email.
	sd.add("employee", map[string]any{"firstName": "Sam", "lastName": "Sales", "email": "sam.sales@tandem.sandbox",
		"isSalesRep": true, "subsidiary": idRef("2")})
	for i := 1; i <= size.Items; i++ {
		sd.add("inventoryItem", seedItem(i))
	}
	for i := 1; i <= size.CatalogItems; i++ {
		sd.add(CatalogItem(i))
	}
	for i := 1; i <= size.Customers; i++ {
		sd.add("customer", seedCustomer(i))
	}
	return sd.err
}

type seeder struct {
	tx  *txn
	err error
}

func (sd *seeder) add(typeName string, body map[string]any) {
	if sd.err != nil {
		return
	}
	r, err := sd.tx.create(recordTypes[strings.ToLower(typeName)], body, writeOptions{asUser: true})
	if err != nil {
		sd.err = fmt.Errorf("%s: %w", typeName, err)
		return
	}
	sd.tx.s.put(r)
}

func idRef(id string) map[string]any { return map[string]any{"id": id} }

func seedItem(i int) map[string]any {
	rate := round2(float64(i)*10 + 9.99)
	return map[string]any{
		"itemId": fmt.Sprintf("SKU-%04d", i), "displayName": fmt.Sprintf("Product %03d", i),
		"description": fmt.Sprintf("Product %03d", i), "rate": rate, "subsidiary": idRef("1"),
		"price": map[string]any{"items": []any{map[string]any{
			"currencyPage": idRef("1"), "priceLevel": idRef(basePriceLevel), "price": rate,
			"quantity": map[string]any{"value": 0.0}}}},
	}
}

func seedCustomer(i int) map[string]any {
	name := fmt.Sprintf("Customer %03d", i)
	if i <= len(seedCustomerNames) {
		name = seedCustomerNames[i-1]
	}
	slug := strings.ToLower(strings.Fields(name)[0])
	sub, addr := "1", map[string]any{"addressee": name, "addr1": fmt.Sprintf("%d Market Street", 100+i),
		"city": "San Francisco", "state": "CA", "zip": "94105", "country": map[string]any{"id": "US"}}
	if i%4 == 2 { // every fourth customer, starting with the second, is British
		sub, addr = "2", map[string]any{"addressee": name, "addr1": fmt.Sprintf("%d Baker Street", 200+i),
			"city": "London", "zip": "NW1 6XE", "country": map[string]any{"id": "GB"}}
	}
	return map[string]any{
		"companyName": name, "email": "ap@" + slug + ".example", "phone": fmt.Sprintf("+1 555 01%02d", i),
		"subsidiary": idRef(sub), "salesRep": idRef("100"), "creditLimit": 50000.0,
		"addressBook": map[string]any{"items": []any{map[string]any{
			"defaultBilling": true, "defaultShipping": true, "label": "Main", "addressBookAddress": addr}}},
	}
}
