package sandbox

// Items: inventoryItem, nonInventorySaleItem, serviceSaleItem and
// otherChargeSaleItem share the item id series, so an "item" reference on a transaction line is
// unambiguous.

var itemTypeNames = map[string]string{"InvtPart": "Inventory Item", "NonInvtPart": "Non-inventory Item", "Service": "Service",
	"OthCharge": "Other Charge"}

func itemFields() []*field {
	return []*field{
		str("itemId"), str("displayName"), str("description"), num("rate"), boolean("isInactive"),
		readOnly(enum("itemType", itemTypeNames)), ref("subsidiary", "subsidiary"), str("upcCode"),
		ref("incomeAccount", "account"), ref("taxSchedule", "taxSchedule"),
		sublist("price", "",
			ref("currencyPage", "currency"), ref("priceLevel", "priceLevel"), num("price"), anyValue("quantity")),
	}
}

func init() {
	register(&recordType{name: "inventoryItem", family: familyItem, created: "createdDate",
		refName: itemRefName, complete: completeItem("InvtPart")}, itemFields()...)
	register(&recordType{name: "nonInventorySaleItem", family: familyItem, created: "createdDate",
		refName: itemRefName, complete: completeItem("NonInvtPart")}, itemFields()...)
	register(&recordType{name: "serviceSaleItem", family: familyItem, created: "createdDate",
		refName: itemRefName, complete: completeItem("Service")}, itemFields()...)
	register(&recordType{name: "otherChargeSaleItem", family: familyItem, created: "createdDate",
		refName: itemRefName, complete: completeItem("OthCharge")}, itemFields()...)
}

func itemRefName(r *record) string { return r.string("itemId") }

func completeItem(itemType string) func(*txn, *record) *apiError {
	return func(_ *txn, r *record) *apiError {
		r.fields["itemType"] = enumValue(itemType)
		r.setDefault("isInactive", false)
		return require(r, requirement{"itemId", "Item Name/Number"})
	}
}
