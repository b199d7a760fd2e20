package sandbox

import (
	"net/http"
	"testing"
)

// TestCatalogPricingTable: SuiteQL reads generated catalog items and
// their price sublist lines as the pricing table, paged by item id.
func TestCatalogPricingTable(t *testing.T) {
	a := newTestAccount(t, Config{Seed: Seed{Items: -1, Customers: -1, CatalogItems: 14}})
	res := a.do(http.MethodPost, suiteqlPath, query(
		"SELECT id, itemid, itemtype, isinactive FROM item WHERE itemtype IN ('InvtPart', 'NonInvtPart', 'Service') AND id > ? ORDER BY id", "0"))
	if res.status != http.StatusOK {
		t.Fatalf("%d %s", res.status, res.raw)
	}
	items := res.body["items"].([]any)
	if len(items) != 14 || at(items[0], "itemid") != "CAT-00001" || at(items[7], "itemtype") != "Service" || at(items[6], "itemtype") != "NonInvtPart" {
		t.Fatalf("items: %s", res.raw)
	}
	first, last := at(items[0], "id").(string), at(items[13], "id").(string)
	res = a.do(http.MethodPost, suiteqlPath, query(
		"SELECT item, pricelevel, currency, quantity, unitprice FROM pricing WHERE item BETWEEN ? AND ? ORDER BY item, pricelevel, currency, quantity", first, last))
	if res.status != http.StatusOK {
		t.Fatalf("%d %s", res.status, res.raw)
	}
	rows := res.body["items"].([]any)
	// 14 items x 3 USD levels, items 7 and 14 two more tiers, items 5 and 10 two EUR rows
	if len(rows) != 14*3+2*2+2*2 {
		t.Fatalf("%d pricing rows: %s", len(rows), res.raw)
	}
	if r := rows[0]; at(r, "item") != first || at(r, "pricelevel") != "1" || at(r, "currency") != "1" || at(r, "quantity") != "0" || at(r, "unitprice") != "22.99" {
		t.Errorf("first row %v", r)
	}
}
