package sandbox

import "github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"

// SuiteQL's address book model: customeraddressbook has a row per line of
// a customer's address book, entityaddress (and its alias
// customeraddressbookentityaddress) a row per address, where nkey =
// customeraddressbook.addressbookaddress; customer.defaultbillingaddress
// and defaultshippingaddress hold the default lines' nkey. A client
// may join them or read them one after the other.

// addressColumn is a column of an address table and how a customer's
// address book line fills it.
type addressColumn struct {
	name  string
	value func(s *store, customer *record, l *line, addr map[string]any) suiteql.Value
}

// lineCell reads a field of the address book line.
func lineCell(name, field string) addressColumn {
	return addressColumn{name, func(s *store, _ *record, l *line, _ map[string]any) suiteql.Value { return s.cell(l.fields[field]) }}
}

// addressCell reads a field of the address subrecord.
func addressCell(name, field string) addressColumn {
	return addressColumn{name, func(s *store, _ *record, _ *line, addr map[string]any) suiteql.Value { return s.cell(addr[field]) }}
}

var (
	ownerColumn = func(name string) addressColumn {
		return addressColumn{name, func(s *store, c *record, _ *line, _ map[string]any) suiteql.Value {
			return s.cell(refValue{typ: c.typ.name, id: c.id})
		}}
	}
	entityAddressColumns = []addressColumn{
		lineCell("nkey", "addressId"), addressCell("addr1", "addr1"), addressCell("addr2", "addr2"),
		addressCell("addr3", "addr3"), addressCell("addressee", "addressee"), addressCell("attention", "attention"),
		addressCell("addrphone", "addrPhone"), addressCell("city", "city"), addressCell("state", "state"),
		addressCell("zip", "zip"), addressCell("country", "country"), addressCell("addrtext", "addrText"),
		addressCell("override", "override"), ownerColumn("recordowner"),
	}
	addressTables = map[string][]addressColumn{
		"customeraddressbook": {
			ownerColumn("entity"),
			{"internalid", func(_ *store, _ *record, l *line, _ map[string]any) suiteql.Value { return float64(l.key) }},
			lineCell("label", "label"), lineCell("defaultbilling", "defaultBilling"),
			lineCell("defaultshipping", "defaultShipping"), lineCell("isresidential", "isResidential"),
			{"addressbookaddress", func(_ *store, _ *record, l *line, _ map[string]any) suiteql.Value { return addressRef(l) }},
		},
		"entityaddress":                    entityAddressColumns,
		"customeraddressbookentityaddress": entityAddressColumns,
	}
)

// addressRef is an address as a reference: its nkey, shown as its text.
func addressRef(l *line) suiteql.Value {
	id, _ := l.fields["addressId"].(string)
	text, _ := l.fields["addressBookAddress_text"].(string)
	return suiteql.Ref{ID: id, Name: text}
}

// defaultAddressColumn is customer.defaultbillingaddress or
// defaultshippingaddress: the nkey of the line flagged flag.
func defaultAddressColumn(name, flag string) column {
	return column{name, func(_ *store, r *record) suiteql.Value {
		for _, l := range r.linesOf("addressBook") {
			if l.fields[flag] == true {
				return addressRef(l)
			}
		}
		return nil
	}}
}

// addressTable builds an address table from every customer's address book.
func (s *store) addressTable(name string, cols []addressColumn) *suiteql.Table {
	t := &suiteql.Table{Name: name}
	for _, c := range cols {
		t.Columns = append(t.Columns, c.name)
	}
	for _, customer := range s.all(recordTypes["customer"]) {
		for _, l := range customer.linesOf("addressBook") {
			addr, _ := l.fields["addressBookAddress"].(map[string]any)
			row := map[string]suiteql.Value{}
			for _, c := range cols {
				if v := c.value(s, customer, l, addr); v != nil {
					row[c.name] = v
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}
