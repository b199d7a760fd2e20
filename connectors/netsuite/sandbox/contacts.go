package sandbox

// A contact belongs to a customer through its company field. The
// customer's contactRoles sublist lists those contacts; NetSuite fills it
// (REST cannot create its lines: "The create operation is not supported
// for the contactroles element"), so writes to it are ignored.
func contactRoles() *field {
	f := readOnly(sublist("contactRoles", "contact",
		ref("contact", "contact"), str("contactName"), str("email"), boolean("giveAccess"), ref("role", "contactRole")))
	f.derive = companyContacts
	return f
}

// companyContacts are the lines of a customer's contactRoles: its
// contacts in id order.
func companyContacts(s *store, customer *record) *lineSet {
	ls := &lineSet{}
	for _, c := range s.all(recordTypes["contact"]) {
		if company, ok := c.ref("company"); !ok || company.id != customer.id {
			continue
		}
		ls.lastKey++
		fields := map[string]any{"contact": refValue{typ: "contact", id: c.id}, "contactName": c.string("entityId"), "giveAccess": false}
		setOrClear(fields, "email", nilIfEmpty(c.string("email")))
		ls.lines = append(ls.lines, &line{key: ls.lastKey, fields: fields})
	}
	return ls
}
