package jobs

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce"
)

// SalesOrderMapping turns a won opportunity into NetSuite payloads.
type SalesOrderMapping struct {
	SubsidiaryID string            // subsidiary of customers Tandem creates
	Currencies   map[string]string // ISO code → NetSuite currency internal id
}

// DefaultSalesOrderMapping matches a fresh NetSuite account (and the
// sandbox): subsidiary 1, currencies USD 1, GBP 2, CAD 3, EUR 4.
func DefaultSalesOrderMapping() SalesOrderMapping {
	return SalesOrderMapping{SubsidiaryID: "1", Currencies: map[string]string{"USD": "1", "GBP": "2", "CAD": "3", "EUR": "4"}}
}

// opportunitySOQL reads everything F1 needs in one call: the opportunity,
// its account and its lines with their products.
func opportunitySOQL(id string) string {
	return "SELECT Id, Name, StageName, IsWon, CloseDate, CurrencyIsoCode, AccountId, " +
		"NetSuite_Sales_Order_Id__c, NetSuite_Sales_Order_Number__c, " +
		"Account.Name, Account.Phone, Account.Website, Account.CurrencyIsoCode, Account.NetSuite_Id__c, " +
		"(SELECT Id, Quantity, UnitPrice, Discount, Description, SortOrder, Product2Id, Product2.Name, Product2.NetSuite_Item_Id__c FROM OpportunityLineItems) " +
		"FROM Opportunity WHERE Id = '" + salesforce.EscapeSOQL(id) + "'"
}

// OrderLine is one sales order line.
type OrderLine struct {
	ItemID      string
	Quantity    float64
	Rate        float64
	Description string
	sortKey     float64
	lineID      string
}

// Lines maps the opportunity's line items. Every product must name its
// NetSuite item; otherwise the job fails for good, naming each product,
// and nothing is written.
func (m SalesOrderMapping) Lines(opp salesforce.Record) ([]OrderLine, error) {
	items := opp.Children("OpportunityLineItems")
	if len(items) == 0 {
		return nil, &PermanentError{Msg: fmt.Sprintf("opportunity %s has no line items; a sales order needs at least one", opp.String("Id"))}
	}
	var lines []OrderLine
	var unmapped []string
	for _, li := range items {
		itemID := li.String("Product2.NetSuite_Item_Id__c")
		if itemID == "" {
			unmapped = append(unmapped, fmt.Sprintf("%q (%s)", li.String("Product2.Name"), li.String("Product2Id")))
			continue
		}
		qty, _ := li.Float("Quantity")
		price, _ := li.Float("UnitPrice")
		discount, _ := li.Float("Discount")
		sortOrder, ok := li.Float("SortOrder")
		if !ok {
			sortOrder = math.MaxFloat64
		}
		lines = append(lines, OrderLine{
			ItemID: itemID, Quantity: qty, Rate: round2(price * (1 - discount/100)),
			Description: li.String("Description"), sortKey: sortOrder, lineID: li.String("Id"),
		})
	}
	if len(unmapped) > 0 {
		return nil, &PermanentError{Msg: fmt.Sprintf("opportunity %s: no NetSuite item for product %s (set Product2.NetSuite_Item_Id__c)",
			opp.String("Id"), strings.Join(unmapped, ", "))}
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].sortKey != lines[j].sortKey {
			return lines[i].sortKey < lines[j].sortKey
		}
		return lines[i].lineID < lines[j].lineID
	})
	return lines, nil
}

// Customer is the NetSuite customer for the opportunity's account.
func (m SalesOrderMapping) Customer(opp salesforce.Record) map[string]any {
	c := map[string]any{
		"companyName": opp.String("Account.Name"),
		"isPerson":    false,
		"subsidiary":  map[string]any{"id": m.SubsidiaryID},
	}
	if v := opp.String("Account.Phone"); v != "" {
		c["phone"] = v
	}
	if v := opp.String("Account.Website"); v != "" {
		c["url"] = v
	}
	if id, ok := m.Currencies[opp.String("Account.CurrencyIsoCode")]; ok {
		c["currency"] = map[string]any{"id": id}
	}
	return c
}

// SalesOrder is the NetSuite sales order for the opportunity.
func (m SalesOrderMapping) SalesOrder(opp salesforce.Record, customerID string, lines []OrderLine) map[string]any {
	items := make([]any, 0, len(lines))
	for _, l := range lines {
		line := map[string]any{"item": map[string]any{"id": l.ItemID}, "quantity": l.Quantity, "rate": l.Rate}
		if l.Description != "" {
			line["description"] = l.Description
		}
		items = append(items, line)
	}
	so := map[string]any{
		"entity":      map[string]any{"id": customerID},
		"tranDate":    opp.String("CloseDate"),
		"memo":        opp.String("Name"),
		"otherRefNum": opp.String("Id"),
		"item":        map[string]any{"items": items},
	}
	if id, ok := m.Currencies[opp.String("CurrencyIsoCode")]; ok {
		so["currency"] = map[string]any{"id": id}
	}
	return so
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
