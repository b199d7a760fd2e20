package sandbox

import "strings"

// fieldKind says how a field is written and read.
type fieldKind int

const (
	kindString    fieldKind = iota
	kindNumber              // JSON number
	kindInteger             // JSON number without fraction
	kindBool                // JSON boolean
	kindDate                // "YYYY-MM-DD"
	kindDateTime            // ISO-8601 UTC, "2024-01-15T10:00:00Z"
	kindRef                 // another record: {"id"} or {"externalId"} in, {"links","id","refName"} out
	kindEnum                // a select value: {"id","refName"}
	kindSubrecord           // a nested object with its own fields (an address)
	kindSublist             // {"items":[lines]}
	kindAny                 // stored as given
)

// field describes one body, line or subrecord field.
type field struct {
	name     string            // NetSuite's casing
	kind     fieldKind         //
	target   string            // kindRef: record type, or "item" for any item type
	enum     map[string]string // kindEnum: id → refName
	openEnum bool              // kindEnum: ids outside enum are accepted too (countries)
	fields   *fieldSet         // kindSubrecord and kindSublist: the nested (line) fields
	key      string            // kindSublist: the field that identifies a line; "" = lines only append
	readOnly bool              // set by NetSuite; REST writes to it are ignored
	// derive gives a kindSublist's lines when NetSuite shows other records there.
	derive func(s *store, r *record) *lineSet
}

// fieldSet finds fields by name the way NetSuite does: ignoring case.
type fieldSet struct {
	byLower map[string]*field
	order   []*field
}

func newFieldSet(fs ...*field) *fieldSet {
	s := &fieldSet{byLower: map[string]*field{}}
	for _, f := range fs {
		s.byLower[strings.ToLower(f.name)] = f
		s.order = append(s.order, f)
	}
	return s
}

func (s *fieldSet) lookup(name string) (*field, bool) {
	f, ok := s.byLower[strings.ToLower(name)]
	return f, ok
}

func str(name string) *field         { return &field{name: name, kind: kindString} }
func num(name string) *field         { return &field{name: name, kind: kindNumber} }
func integer(name string) *field     { return &field{name: name, kind: kindInteger} }
func boolean(name string) *field     { return &field{name: name, kind: kindBool} }
func date(name string) *field        { return &field{name: name, kind: kindDate} }
func ref(name, target string) *field { return &field{name: name, kind: kindRef, target: target} }
func anyValue(name string) *field    { return &field{name: name, kind: kindAny} }
func readOnly(f *field) *field       { f.readOnly = true; return f }
func enum(name string, values map[string]string) *field {
	return &field{name: name, kind: kindEnum, enum: values}
}
func subrecord(name string, fs ...*field) *field {
	return &field{name: name, kind: kindSubrecord, fields: newFieldSet(fs...)}
}
func sublist(name, key string, fs ...*field) *field {
	return &field{name: name, kind: kindSublist, key: key, fields: newFieldSet(fs...)}
}

// family is the id sequence a record type draws internal ids from:
// NetSuite numbers entities, transactions and items each in one series.
type family string

const (
	familyEntity      family = "entity"
	familyTransaction family = "transaction"
	familyItem        family = "item"
	familyList        family = "list" // each list type counts on its own
)

// recordType is one record type of the REST record service.
type recordType struct {
	name       string // NetSuite's casing, used in links
	family     family
	created    string // the creation timestamp's field name (entities say dateCreated)
	tranPrefix string // transactions: tranId is this prefix and a running number
	fields     *fieldSet
	refName    func(r *record) string
	complete   func(tx *txn, r *record) *apiError // defaults, computed fields, mandatory fields
	// settle updates the records a committed change moves as a side
	// effect (the invoices a payment applies to); nil = none.
	settle func(tx *txn, before, after *record)
	// deletable refuses a delete NetSuite refuses; nil = always allowed.
	deletable func(tx *txn, r *record) *apiError
}

// recordTypes are the types the sandbox serves, keyed by lower-case name.
var recordTypes = map[string]*recordType{}

func register(rt *recordType, fs ...*field) {
	common := []*field{
		readOnly(str("id")),
		str("externalId"),
		readOnly(&field{name: rt.created, kind: kindDateTime}),
		readOnly(&field{name: "lastModifiedDate", kind: kindDateTime}),
	}
	rt.fields = newFieldSet(append(common, fs...)...)
	recordTypes[strings.ToLower(rt.name)] = rt
}

func lookupType(name string) (*recordType, bool) {
	rt, ok := recordTypes[strings.ToLower(name)]
	return rt, ok
}

// itemTypes are the types an "item" reference may point to.
var itemTypes = []string{"inventoryItem", "nonInventorySaleItem", "serviceSaleItem", "otherChargeSaleItem"}

// isCustomField reports a custom field id (custentity…, custbody…, custcol…, custitem…).
func isCustomField(name string) bool { return strings.HasPrefix(strings.ToLower(name), "cust") }

// countries names the countries the seed data and tests use; other ISO
// codes are accepted and named by their code.
var countries = map[string]string{
	"US": "United States", "GB": "United Kingdom", "DE": "Germany", "CA": "Canada",
	"FR": "France", "IE": "Ireland", "NL": "Netherlands", "AU": "Australia",
}

func addressFields() []*field {
	country := enum("country", countries)
	country.openEnum = true
	return []*field{
		str("addr1"), str("addr2"), str("addr3"), str("addressee"), str("attention"),
		str("addrPhone"), str("city"), str("state"), str("zip"), country,
		boolean("override"), readOnly(str("addrText")),
	}
}
