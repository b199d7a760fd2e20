package sandbox

// Lists: subsidiary, currency, priceLevel. Each numbers its ids on its own.

const basePriceLevel = "1" // "Base Price", the level item rates are

func init() {
	register(&recordType{name: "subsidiary", family: familyList, created: "createdDate",
		refName: nameRefName, complete: completeNamed},
		str("name"), str("legalName"), ref("currency", "currency"), str("country"), str("state"),
		ref("parent", "subsidiary"), str("url"), str("email"), boolean("isInactive"), boolean("isElimination"),
	)
	register(&recordType{name: "currency", family: familyList, created: "createdDate",
		refName: nameRefName, complete: completeNamed},
		str("name"), str("symbol"), str("displaySymbol"), boolean("isBaseCurrency"), num("exchangeRate"),
		integer("currencyPrecision"), boolean("isInactive"),
	)
	register(&recordType{name: "priceLevel", family: familyList, created: "createdDate",
		refName: nameRefName, complete: completeNamed},
		str("name"), num("discountPct"), boolean("isInactive"), boolean("isOnline"),
	)
}

func nameRefName(r *record) string { return r.string("name") }

func completeNamed(_ *txn, r *record) *apiError {
	r.setDefault("isInactive", false)
	return require(r, requirement{"name", "Name"})
}
