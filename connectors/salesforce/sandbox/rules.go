package sandbox

import (
	"math"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// objectRule is what Salesforce does for one object on a write: before
// derives fields and validates the record; after updates other records
// (roll-ups). prev is nil on insert.
type objectRule struct {
	before func(tx *txn, row, prev map[string]any, in input) *APIError
	after  func(tx *txn, row, prev map[string]any) *APIError
}

var rules = map[string]objectRule{
	"Contact":             {before: deriveFullName},
	"User":                {before: deriveFullName},
	"Opportunity":         {before: opportunityBefore},
	"OpportunityLineItem": {before: lineItemBefore, after: lineItemAfter},
	"PricebookEntry":      {before: pricebookEntryBefore},
	"Task":                {before: taskBefore},
}

func deriveFullName(_ *txn, row, _ map[string]any, _ input) *APIError {
	first, _ := row["FirstName"].(string)
	last, _ := row["LastName"].(string)
	row["Name"] = strings.TrimSpace(first + " " + last)
	return nil
}

// opportunityBefore derives IsWon, IsClosed and, unless given, Probability
// and ForecastCategoryName from the stage; Amount is the sum of the lines
// while there are lines.
func opportunityBefore(_ *txn, row, prev map[string]any, in input) *APIError {
	if prev == nil || prev["StageName"] != row["StageName"] {
		stage, _ := schema.StageNamed(row["StageName"].(string))
		row["IsWon"], row["IsClosed"] = stage.IsWon, stage.IsClosed
		if _, given := in["Probability"]; !given {
			row["Probability"] = stage.DefaultProbability
		}
		if _, given := in["ForecastCategoryName"]; !given {
			row["ForecastCategoryName"] = stage.ForecastCategoryName
		}
	}
	if prev == nil {
		row["HasOpportunityLineItem"] = false
		return nil
	}
	if prev["HasOpportunityLineItem"] == true {
		if row["Pricebook2Id"] != prev["Pricebook2Id"] {
			return errIntegrity("Pricebook2Id (cannot change pricebook on opportunity with line items)")
		}
		if row["CurrencyIsoCode"] != prev["CurrencyIsoCode"] {
			return errIntegrity("CurrencyIsoCode (cannot change currency on opportunity with line items)")
		}
		row["Amount"] = prev["Amount"]
	}
	return nil
}

// lineItemBefore ties a new line to its price book entry (given, or found
// from Product2Id in the opportunity's price book and currency) and
// derives Product2Id, ListPrice, the currency and TotalPrice.
func lineItemBefore(tx *txn, row, prev map[string]any, _ input) *APIError {
	if prev == nil {
		if err := tx.bindPricebookEntry(row); err != nil {
			return err
		}
	}
	quantity, _ := row["Quantity"].(float64)
	unitPrice, hasPrice := row["UnitPrice"].(float64)
	discount, _ := row["Discount"].(float64)
	switch {
	case !hasPrice:
		return errRequiredMissing([]string{"UnitPrice"})
	case quantity == 0:
		return errIntegrity("Quantity (quantity must be nonzero)")
	}
	row["TotalPrice"] = roundCents(quantity * unitPrice * (1 - discount/100))
	return nil
}

func (tx *txn) bindPricebookEntry(row map[string]any) *APIError {
	opp := tx.st.rows[row["OpportunityId"].(string)]
	entryID, _ := row["PricebookEntryId"].(string)
	productID, _ := row["Product2Id"].(string)
	if entryID == "" {
		if productID == "" {
			return errIntegrity("PricebookEntryId, unknown (versions 3.0 and higher must specify pricebook entry id, others must specify product id)")
		}
		entryID = tx.findEntry(opp, productID)
		if entryID == "" {
			return errIntegrity("PricebookEntryId (no active price book entry for this product in the opportunity's price book and currency)")
		}
	}
	entry := tx.st.rows[entryID]
	switch {
	case productID != "" && productID != entry["Product2Id"]:
		return errIntegrity("Product2Id (product does not match the price book entry)")
	case entry["IsActive"] != true:
		return errIntegrity("PricebookEntryId (pricebook entry is inactive)")
	case entry["CurrencyIsoCode"] != opp["CurrencyIsoCode"]:
		return errIntegrity("PricebookEntryId (pricebook entry currency code does not match opportunity currency code)")
	case opp["Pricebook2Id"] != nil && opp["Pricebook2Id"] != entry["Pricebook2Id"]:
		return errIntegrity("PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the opportunity)")
	}
	product := tx.st.rows[entry["Product2Id"].(string)]
	row["PricebookEntryId"], row["Product2Id"] = entryID, entry["Product2Id"]
	row["ListPrice"], row["ProductCode"] = entry["UnitPrice"], product["ProductCode"]
	row["Name"] = opp["Name"].(string) + " " + product["Name"].(string)
	row["CurrencyIsoCode"] = opp["CurrencyIsoCode"]
	return nil
}

// findEntry finds the active entry of a product in the opportunity's price
// book (the standard one if it has none) and currency.
func (tx *txn) findEntry(opp map[string]any, productID string) string {
	book := opp["Pricebook2Id"]
	if book == nil {
		book = tx.s.standardPricebookID
	}
	for _, e := range tx.st.Records("PricebookEntry") {
		if e["IsDeleted"] != true && e["IsActive"] == true && e["Product2Id"] == productID &&
			e["Pricebook2Id"] == book && e["CurrencyIsoCode"] == opp["CurrencyIsoCode"] {
			return e["Id"].(string)
		}
	}
	return ""
}

func lineItemAfter(tx *txn, row, _ map[string]any) *APIError {
	tx.rollUpLines(row["OpportunityId"].(string))
	return nil
}

// rollUpLines recomputes an opportunity's HasOpportunityLineItem and
// Amount (the sum of TotalPrice) and adopts the lines' price book.
func (tx *txn) rollUpLines(oppID string) {
	opp, ok := tx.st.live(oppID)
	if !ok {
		return
	}
	o, _ := tx.st.schema.Object("Opportunity")
	rel, _ := o.Child("OpportunityLineItems")
	lines := tx.st.children(rel, oppID)
	row := copyRow(opp)
	row["HasOpportunityLineItem"] = len(lines) > 0
	if len(lines) > 0 {
		total := 0.0
		for _, l := range lines {
			total += l["TotalPrice"].(float64)
		}
		row["Amount"] = roundCents(total)
		if row["Pricebook2Id"] == nil {
			entry := tx.st.rows[lines[0]["PricebookEntryId"].(string)]
			row["Pricebook2Id"] = entry["Pricebook2Id"]
		}
	}
	tx.touch(o, row)
}

// pricebookEntryBefore derives the product's name and code and enforces
// the price book rules: a custom price book entry needs a standard price
// for the same product and currency first, and one entry per product,
// book and currency.
func pricebookEntryBefore(tx *txn, row, _ map[string]any, _ input) *APIError {
	product := tx.st.rows[row["Product2Id"].(string)]
	row["Name"], row["ProductCode"] = product["Name"], product["ProductCode"]
	var standard map[string]any
	o, _ := tx.st.schema.Object("PricebookEntry")
	byProduct, _ := o.Field("Product2Id")
	for _, e := range tx.st.find("PricebookEntry", byProduct, row["Product2Id"]) {
		if e["IsDeleted"] == true || e["Id"] == row["Id"] || e["Product2Id"] != row["Product2Id"] || e["CurrencyIsoCode"] != row["CurrencyIsoCode"] {
			continue
		}
		if e["Pricebook2Id"] == row["Pricebook2Id"] {
			return dmlErr("DUPLICATE_VALUE", "This price definition already exists in this price book")
		}
		if e["Pricebook2Id"] == tx.s.standardPricebookID {
			standard = e
		}
	}
	if row["Pricebook2Id"] != tx.s.standardPricebookID {
		if standard == nil {
			return dmlErr("STANDARD_PRICE_NOT_DEFINED", "No standard price defined for this product")
		}
		if row["UseStandardPrice"] == true {
			row["UnitPrice"] = standard["UnitPrice"]
		}
	}
	if row["UnitPrice"] == nil {
		return errRequiredMissing([]string{"UnitPrice"})
	}
	return nil
}

// taskBefore derives AccountId from WhatId (an account, or an
// opportunity's account) or else WhoId's account, and IsClosed.
func taskBefore(tx *txn, row, _ map[string]any, _ input) *APIError {
	if err := inactiveOwner(tx, row, "Task"); err != nil {
		return err
	}
	row["AccountId"] = nil
	for _, ref := range []string{"WhatId", "WhoId"} {
		id, _ := row[ref].(string)
		if id == "" {
			continue
		}
		if strings.HasPrefix(id, schema.AccountPrefix) {
			row["AccountId"] = id
		} else {
			row["AccountId"] = tx.st.rows[id]["AccountId"]
		}
		if row["AccountId"] != nil {
			break
		}
	}
	row["IsClosed"] = row["Status"] == "Completed"
	return nil
}

func roundCents(v float64) float64 { return math.Round(v*100) / 100 }
