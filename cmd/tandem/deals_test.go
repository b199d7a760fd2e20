package main

import (
	"fmt"
	"maps"
	"time"

	"github.com/tandem-sync/tandem/jobs/salesorder"
)

// A deal is an opportunity a test closes, with the NetSuite items its
// sales order must carry (item id → number of lines).
type deal struct {
	id    string
	items map[string]int
}

// createDeals creates n open opportunities as the sales user, each a copy
// of a seeded deal whose products all have NetSuite items, so that each
// closes cleanly into one sales order.
func (r *remoteSandboxes) createDeals(n int) []deal {
	r.t.Helper()
	templates := r.query("SELECT Id, AccountId, CurrencyIsoCode, Pricebook2Id, " +
		"(SELECT PricebookEntryId, Quantity, UnitPrice, Product2.NetSuite_Item_Id__c FROM OpportunityLineItems) " +
		"FROM Opportunity WHERE IsClosed = false ORDER BY Name")
	templates = withMappedLines(templates)
	if len(templates) == 0 {
		r.t.Fatal("the seed has no open opportunity whose products all have NetSuite items")
	}
	closeDate := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	deals := make([]deal, n)
	for i := range deals {
		tpl := templates[i%len(templates)]
		id := r.sfCreate("Opportunity", map[string]any{"Name": fmt.Sprintf("Test deal %d", i+1), "AccountId": tpl["AccountId"],
			"StageName": "Prospecting", "CloseDate": closeDate, "CurrencyIsoCode": tpl["CurrencyIsoCode"], "Pricebook2Id": tpl["Pricebook2Id"]})
		deals[i] = deal{id: id, items: map[string]int{}}
		for _, l := range lineItems(tpl) {
			r.sfCreate("OpportunityLineItem", map[string]any{"OpportunityId": id, "PricebookEntryId": l["PricebookEntryId"],
				"Quantity": l["Quantity"], "UnitPrice": l["UnitPrice"]})
			deals[i].items[str(l, "Product2.NetSuite_Item_Id__c")]++
		}
	}
	return deals
}

// withMappedLines keeps the opportunities that have lines, all of
// products with a NetSuite item.
func withMappedLines(opps []map[string]any) []map[string]any {
	var out []map[string]any
	for _, o := range opps {
		lines := lineItems(o)
		mapped := len(lines) > 0
		for _, l := range lines {
			mapped = mapped && str(l, "Product2.NetSuite_Item_Id__c") != ""
		}
		if mapped {
			out = append(out, o)
		}
	}
	return out
}

// lineItems reads a child relationship, as the Go API or JSON gives it.
func lineItems(opp map[string]any) []map[string]any {
	switch recs := opp["OpportunityLineItems"].(type) {
	case []map[string]any:
		return recs
	case []any:
		out := make([]map[string]any, 0, len(recs))
		for _, r := range recs {
			if m, ok := r.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// closeWon wins a deal as the sales user.
func (r *remoteSandboxes) closeWon(oppID string) {
	r.t.Helper()
	r.sfUpdate("Opportunity", oppID, map[string]any{"StageName": "Closed Won"})
}

// salesOrderCheck is what became of closed deals in NetSuite.
type salesOrderCheck struct {
	found, duplicates int
	missing           []string // deals without a sales order
	wrong             []string // sales orders whose lines differ from the deal's
}

// checkSalesOrders compares the sales orders in NetSuite with the deals:
// each must have exactly one, with the deal's items.
func checkSalesOrders(orders []map[string]any, deals []deal) salesOrderCheck {
	byExt := map[string][]map[string]any{}
	for _, so := range orders {
		ext := str(so, "externalId")
		byExt[ext] = append(byExt[ext], so)
	}
	var c salesOrderCheck
	for _, d := range deals {
		got := byExt[salesorder.ExternalID(d.id)]
		switch {
		case len(got) == 0:
			c.missing = append(c.missing, d.id)
			continue
		case len(got) > 1:
			c.duplicates += len(got) - 1
		}
		items := map[string]int{}
		for _, l := range sublist(got[0], "item") {
			items[str(l, "item.id")]++
		}
		if !maps.Equal(items, d.items) {
			c.wrong = append(c.wrong, fmt.Sprintf("%s: items %v, want %v", d.id, items, d.items))
			continue
		}
		c.found++
	}
	return c
}
