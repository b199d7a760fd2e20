package sandbox

import "strings"

// Entities: customer, contact, employee. They share the entity id series
// and say dateCreated where transactions say createdDate.

var creditHoldOverrides = map[string]string{"AUTO": "Auto", "ON": "On", "OFF": "Off"}

func init() {
	register(&recordType{name: "customer", family: familyEntity, created: "dateCreated",
		refName: entityRefName, complete: completeCustomer},
		str("entityId"), str("companyName"), boolean("isPerson"), str("firstName"), str("middleName"),
		str("lastName"), str("email"), str("phone"), str("altPhone"), str("fax"), str("url"), str("comments"),
		ref("subsidiary", "subsidiary"), ref("currency", "currency"), ref("terms", "term"),
		ref("salesRep", "employee"), ref("priceLevel", "priceLevel"), ref("parent", "customer"),
		ref("entityStatus", "customerStatus"), readOnly(str("searchStage")), ref("category", "customerCategory"),
		boolean("isInactive"), num("creditLimit"), enum("creditHoldOverride", creditHoldOverrides),
		readOnly(num("balance")), readOnly(num("overdueBalance")), readOnly(integer("daysOverdue")),
		readOnly(num("unbilledOrders")), readOnly(num("depositBalance")),
		sublist("addressBook", "id",
			integer("id"), boolean("defaultBilling"), boolean("defaultShipping"), boolean("isResidential"),
			str("label"), subrecord("addressBookAddress", addressFields()...), readOnly(str("addressBookAddress_text")),
			readOnly(str("addressId"))),
		contactRoles(),
	)
	register(&recordType{name: "contact", family: familyEntity, created: "dateCreated",
		refName: entityRefName, complete: completeContact},
		str("entityId"), str("salutation"), str("firstName"), str("middleName"), str("lastName"), str("title"),
		str("email"), str("phone"), str("mobilePhone"), str("officePhone"), ref("company", "customer"),
		ref("subsidiary", "subsidiary"), boolean("isInactive"), boolean("isPrivate"),
	)
	register(&recordType{name: "employee", family: familyEntity, created: "dateCreated",
		refName: entityRefName, complete: completeEmployee},
		str("entityId"), str("firstName"), str("middleName"), str("lastName"), str("title"), str("email"),
		str("phone"), ref("subsidiary", "subsidiary"), ref("supervisor", "employee"),
		boolean("isSalesRep"), boolean("isInactive"),
	)
}

func entityRefName(r *record) string { return r.string("entityId") }

// requirement is a mandatory field and the label NetSuite names it by.
type requirement struct{ field, label string }

// require answers NetSuite's "Please enter value(s) for: …" naming every
// mandatory field left empty.
func require(r *record, reqs ...requirement) *apiError {
	var missing []string
	for _, q := range reqs {
		if v, ok := r.fields[q.field]; !ok || v == "" {
			missing = append(missing, q.label)
		}
	}
	if len(missing) > 0 {
		return missingValues(missing...)
	}
	return nil
}

func personName(r *record) string {
	return strings.Join(strings.Fields(r.string("firstName")+" "+r.string("middleName")+" "+r.string("lastName")), " ")
}

func completeCustomer(tx *txn, r *record) *apiError {
	r.setDefault("isPerson", false)
	reqs := []requirement{{"companyName", "Company Name"}}
	name := r.string("companyName")
	if r.bool("isPerson") {
		reqs = []requirement{{"firstName", "First Name"}, {"lastName", "Last Name"}}
		name = personName(r)
	}
	if err := require(r, append(reqs, requirement{"subsidiary", "Subsidiary"})...); err != nil {
		return err
	}
	if r.string("entityId") == "" {
		r.fields["entityId"] = name
	}
	if sub, ok := tx.target(r, "subsidiary"); ok {
		if cur, ok := sub.ref("currency"); ok {
			r.setDefault("currency", cur)
		}
	}
	for name, v := range map[string]any{"isInactive": false, "creditHoldOverride": enumValue("AUTO"),
		"balance": 0.0, "overdueBalance": 0.0, "daysOverdue": 0.0, "unbilledOrders": 0.0, "depositBalance": 0.0} {
		r.setDefault(name, v)
	}
	completeAddressBook(tx, r.sublist("addressBook"))
	deriveStage(tx, r)
	return nil
}

// completeAddressBook numbers new addresses, fills the address texts and
// keeps one default billing and one default shipping address, the last
// one marked winning.
func completeAddressBook(tx *txn, ls *lineSet) {
	lastBilling, lastShipping := -1, -1
	for i, l := range ls.lines {
		if l.fields["defaultBilling"] == true {
			lastBilling = i
		}
		if l.fields["defaultShipping"] == true {
			lastShipping = i
		}
		if l.fields["addressId"] == nil {
			l.fields["addressId"] = tx.s.newAddressID()
		}
		addr, _ := l.fields["addressBookAddress"].(map[string]any)
		if addr != nil {
			addr["addrText"] = addressText(addr)
			l.fields["addressBookAddress_text"] = addr["addrText"]
		}
	}
	for i, l := range ls.lines {
		l.fields["defaultBilling"] = i == lastBilling
		l.fields["defaultShipping"] = i == lastShipping
	}
}

// addressText renders an address the way NetSuite's addrText does.
func addressText(a map[string]any) string {
	get := func(k string) string { s, _ := a[k].(string); return s }
	cityLine := strings.Join(strings.Fields(get("city")+" "+get("state")+" "+get("zip")), " ")
	country := ""
	if c, ok := a["country"].(enumValue); ok {
		country = countryName(string(c))
	}
	var lines []string
	for _, s := range []string{get("attention"), get("addressee"), get("addr1"), get("addr2"), get("addr3"), cityLine, country} {
		if s != "" {
			lines = append(lines, s)
		}
	}
	return strings.Join(lines, "\n")
}

func countryName(code string) string {
	if name, ok := countries[code]; ok {
		return name
	}
	return code
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func completeContact(tx *txn, r *record) *apiError {
	if r.string("entityId") == "" {
		setOrClear(r.fields, "entityId", nilIfEmpty(personName(r)))
	}
	if company, ok := tx.target(r, "company"); ok {
		if sub, ok := company.ref("subsidiary"); ok {
			r.setDefault("subsidiary", sub)
		}
	}
	r.setDefault("isInactive", false)
	return require(r, requirement{"entityId", "Contact"}, requirement{"subsidiary", "Subsidiary"})
}

func completeEmployee(tx *txn, r *record) *apiError {
	if err := require(r, requirement{"firstName", "First Name"}, requirement{"lastName", "Last Name"},
		requirement{"subsidiary", "Subsidiary"}); err != nil {
		return err
	}
	if r.string("entityId") == "" {
		r.fields["entityId"] = personName(r)
	}
	r.setDefault("isInactive", false)
	return nil
}

// target follows a reference field of r to the record it names.
func (tx *txn) target(r *record, field string) (*record, bool) {
	v, ok := r.ref(field)
	if !ok {
		return nil, false
	}
	rt, ok := lookupType(v.typ)
	if !ok {
		return nil, false
	}
	return tx.s.get(rt, v.id)
}
