package sandbox

import (
	"fmt"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"
)

// The catalog: price levels after Base Price, the SuiteQL pricing table
// (one row per line of an item's price sublist) and a deterministic
// generator of catalog items of the three sale item types.

// Price levels seeded after Base Price (1).
const (
	WholesalePriceLevel = "2"
	PartnerPriceLevel   = "3"
)

// CatalogItemType is the record type of the i-th generated item.
func CatalogItemType(i int) string {
	switch i % 10 {
	case 6, 7:
		return "nonInventorySaleItem"
	case 8, 9:
		return "serviceSaleItem"
	}
	return "inventoryItem"
}

// CatalogItem is the i-th (from 1) generated catalog item: its REST record
// type and body. Every item has a USD price at levels 1 (Base), 2
// (Wholesale) and 3 (Partner); every 5th also has EUR prices at levels 1
// and 2; every 7th has quantity tiers at 10 and 100 units on its USD base
// price. The same i always gives the same item.
func CatalogItem(i int) (recordType string, body map[string]any) {
	base := round2(float64(i%500)*3 + 19.99)
	row := func(currency, level string, qty, price float64) any {
		return PriceLine(currency, level, qty, round2(price))
	}
	rows := []any{row("1", basePriceLevel, 0, base), row("1", WholesalePriceLevel, 0, base*0.8),
		row("1", PartnerPriceLevel, 0, base*0.7)}
	if i%7 == 0 {
		rows = append(rows, row("1", basePriceLevel, 10, base*0.95), row("1", basePriceLevel, 100, base*0.9))
	}
	if i%5 == 0 {
		rows = append(rows, row("4", basePriceLevel, 0, base*0.92), row("4", WholesalePriceLevel, 0, base*0.92*0.8))
	}
	return CatalogItemType(i), map[string]any{
		"itemId": fmt.Sprintf("CAT-%05d", i), "displayName": fmt.Sprintf("Catalog Item %05d", i),
		"description": fmt.Sprintf("Catalog item number %d", i), "rate": base, "subsidiary": idRef("1"),
		"price": map[string]any{"items": rows},
	}
}

// pricingColumns are the SuiteQL pricing table's columns (netsuite.md §9).
var pricingColumns = []string{"item", "pricelevel", "currency", "quantity", "unitprice"}

// pricingTable is SuiteQL's pricing table: a row per price sublist line
// of every item; quantity is the tier's lower bound (0 for the first).
func (s *store) pricingTable() *suiteql.Table {
	t := &suiteql.Table{Name: "pricing", Columns: pricingColumns, Custom: func(string) bool { return false }}
	for _, typeName := range itemTypes {
		rt, _ := lookupType(typeName)
		for _, r := range s.all(rt) {
			ls := r.sublists["price"]
			if ls == nil {
				continue
			}
			for _, l := range ls.lines {
				row := map[string]suiteql.Value{"item": suiteql.Ref{ID: r.id, Name: r.string("itemId")}}
				for col, name := range map[string]string{"pricelevel": "priceLevel", "currency": "currencyPage"} {
					if c := s.cell(l.fields[name]); c != nil {
						row[col] = c
					}
				}
				row["quantity"] = quantityOf(l.fields["quantity"])
				if p, ok := l.fields["price"].(float64); ok {
					row["unitprice"] = p
				}
				t.Rows = append(t.Rows, row)
			}
		}
	}
	return t
}

// quantityOf reads a price line's quantity, written as {"value": n} or n.
func quantityOf(v any) float64 {
	switch q := v.(type) {
	case float64:
		return q
	case map[string]any:
		n, _ := q["value"].(float64)
		return n
	}
	return 0
}

// SetPrices replaces an item's price matrix as a user saving the item's
// Pricing subtab in the NetSuite UI does: lines are price sublist lines
// (currencyPage, priceLevel, quantity, price); a level or currency left
// out has no price any more. The webhook reports it like any UI edit.
func (s *Server) SetPrices(recordType, id string, lines []map[string]any) error {
	rt, ok := lookupType(recordType)
	if !ok {
		return fmt.Errorf("netsuite sandbox: set prices: unknown record type %q", recordType)
	}
	items := make([]any, len(lines))
	for i, l := range lines {
		items[i] = l
	}
	body, err := asRequestJSON(map[string]any{"price": map[string]any{"items": items}})
	if err != nil {
		return fmt.Errorf("netsuite sandbox: set prices of %s %s: %w", rt.name, id, err)
	}
	opt := writeOptions{asUser: true, replace: map[string]bool{"price": true}}
	if _, aerr := s.updateRecord(rt, id, body, opt, uiSource); aerr != nil {
		return fmt.Errorf("netsuite sandbox: set prices of %s %s: %w", rt.name, id, aerr)
	}
	return nil
}

// PriceLine is one price sublist line for SetPrices.
func PriceLine(currency, level string, quantity, price float64) map[string]any {
	return map[string]any{"currencyPage": idRef(currency), "priceLevel": idRef(level),
		"quantity": map[string]any{"value": quantity}, "price": price}
}
