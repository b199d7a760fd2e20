package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
)

// chaosCatalogItems are the items the catalog source edits: made for the
// stream, so no deal's line refers to them.
const chaosCatalogItems = 6

// catalogSource is F4's part: item prices changed and items inactivated
// or reactivated in the NetSuite UI. Each item's product must end active
// as the item is, with one standard price book entry in USD at its last
// price, active with it.
type catalogSource struct {
	ids   []string
	types map[string]string
	model map[string]*catalogItem
}

type catalogItem struct {
	price    float64
	inactive bool
}

// newCatalogSource makes the items in NetSuite (their webhooks create the
// products).
func newCatalogSource(sb *remoteSandboxes) *catalogSource {
	s := &catalogSource{types: map[string]string{}, model: map[string]*catalogItem{}}
	for i := range chaosCatalogItems {
		typ := []string{"inventoryItem", "serviceSaleItem"}[i%2]
		price := float64(10 * (i + 1))
		id := sb.nsPut(typ, map[string]any{"itemId": fmt.Sprintf("CHAOS-%02d", i), "displayName": fmt.Sprintf("Chaos item %d", i),
			"subsidiary": map[string]any{"id": "1"}, "price": map[string]any{"items": []any{nssandbox.PriceLine("1", "1", 0, price)}}})
		s.ids = append(s.ids, id)
		s.types[id] = typ
		s.model[id] = &catalogItem{price: price}
	}
	return s
}

func (s *catalogSource) newRound(*rand.Rand) {}

func (s *catalogSource) send(sb *remoteSandboxes, rng *rand.Rand, change int) (string, bool) {
	id := s.ids[rng.IntN(len(s.ids))]
	m := s.model[id]
	if rng.IntN(3) == 0 {
		m.inactive = !m.inactive
		sb.nsPut(s.types[id], map[string]any{"id": id, "isInactive": m.inactive})
		return "item (in)activated in NetSuite", true
	}
	m.price = round2(float64(change%997) + 0.99)
	sb.must(http.MethodPut, controlNetSuitePath+"/records/"+s.types[id]+"/"+id+"/price",
		[]map[string]any{nssandbox.PriceLine("1", "1", 0, m.price)}, nil)
	return "item price changed in NetSuite", true
}

// check: a product per item, active as the item; one USD standard entry
// at the last price, active as the item (missing otherwise); a second
// product or entry is a duplicate.
func (s *catalogSource) check(sb *remoteSandboxes) sourceCheck {
	in := "'" + strings.Join(s.ids, "','") + "'"
	products := byField(sb.query("SELECT Id, NetSuite_Item_Id__c, IsActive FROM Product2 WHERE NetSuite_Item_Id__c IN ("+in+")"), "NetSuite_Item_Id__c")
	entries := byField(sb.query("SELECT Id, Product2.NetSuite_Item_Id__c, UnitPrice, IsActive FROM PricebookEntry "+
		"WHERE Pricebook2.IsStandard = true AND CurrencyIsoCode = 'USD' AND Product2.NetSuite_Item_Id__c IN ("+in+")"), "Product2.NetSuite_Item_Id__c")
	c := sourceCheck{expected: len(s.ids), duplicates: beyondFirst(products) + beyondFirst(entries)}
	for _, id := range s.ids {
		m, p, e := s.model[id], products[id], entries[id]
		active := fmt.Sprint(!m.inactive)
		switch {
		case len(p) == 0 || len(e) == 0:
			c.missing = append(c.missing, fmt.Sprintf("item %s: %d products, %d standard USD entries", id, len(p), len(e)))
		case str(p[0], "IsActive") != active || str(e[0], "IsActive") != active || e[0]["UnitPrice"] != m.price:
			c.missing = append(c.missing, fmt.Sprintf("item %s (price %v, inactive %v): product active %s, entry %v active %s",
				id, m.price, m.inactive, str(p[0], "IsActive"), e[0]["UnitPrice"], str(e[0], "IsActive")))
		default:
			c.found++
		}
	}
	return c
}
