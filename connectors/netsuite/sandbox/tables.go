package sandbox

import (
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"
)

// SuiteQL sees records through tables whose columns are the lower-case
// field names; transaction and item each unite several record types.

// column is one SuiteQL column and how a record fills it.
type column struct {
	name  string
	value func(s *store, r *record) suiteql.Value
}

// tableSpec is one SuiteQL table.
type tableSpec struct {
	types        []string // record types whose records are the rows
	columns      []column
	customPrefix string // custom fields the table exposes: custentity, custbody, custitem
}

// fieldColumn reads a body field as its lower-cased name.
func fieldColumn(fieldName string) column {
	return column{name: strings.ToLower(fieldName), value: func(s *store, r *record) suiteql.Value {
		return s.fieldCell(r, fieldName)
	}}
}

// firstOf reads the first of several fields that has a value (a column
// transaction types spell differently).
func firstOf(name string, fieldNames ...string) column {
	return column{name: name, value: func(s *store, r *record) suiteql.Value {
		for _, f := range fieldNames {
			if _, ok := r.fields[f]; ok {
				return s.fieldCell(r, f)
			}
		}
		return nil
	}}
}

func fieldColumns(names ...string) []column {
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = fieldColumn(n)
	}
	return cols
}

var (
	// idColumn is a number, as NetSuite's internal ids are: ORDER BY id
	// and id > ? go by number, not text (id 10000 after 9999).
	idColumn = column{"id", func(_ *store, r *record) suiteql.Value {
		if n, err := strconv.Atoi(r.id); err == nil {
			return float64(n)
		}
		return r.id
	}}
	createdColumn = func(name string) column {
		return column{name, func(_ *store, r *record) suiteql.Value { return r.created }}
	}
	modifiedColumn = column{"lastmodifieddate", func(_ *store, r *record) suiteql.Value { return r.modified }}
)

// transactionTypes are SuiteQL's transaction.type values.
var transactionTypes = map[string]string{"salesOrder": "SalesOrd", "invoice": "CustInvc", "customerPayment": "CustPymt",
	"creditMemo": "CustCred", "customerRefund": "CustRfnd"}

var suiteqlTables = map[string]tableSpec{
	"customer": {types: []string{"customer"}, customPrefix: "custentity", columns: concat(
		[]column{idColumn}, fieldColumns("entityId", "companyName", "firstName", "lastName", "isPerson", "email",
			"phone", "url", "subsidiary", "currency", "terms", "salesRep", "externalId", "isInactive", "creditLimit",
			"creditHoldOverride", "balance", "overdueBalance", "daysOverdue", "parent", "entityStatus", "searchStage"),
		[]column{defaultAddressColumn("defaultbillingaddress", "defaultBilling"),
			defaultAddressColumn("defaultshippingaddress", "defaultShipping"), createdColumn("datecreated"), modifiedColumn})},
	"contact": {types: []string{"contact"}, customPrefix: "custentity", columns: concat(
		[]column{idColumn}, fieldColumns("entityId", "firstName", "lastName", "email", "phone", "company",
			"subsidiary", "externalId", "isInactive"),
		[]column{createdColumn("datecreated"), modifiedColumn})},
	"employee": {types: []string{"employee"}, customPrefix: "custentity", columns: concat(
		[]column{idColumn}, fieldColumns("entityId", "firstName", "lastName", "email", "subsidiary", "externalId", "isInactive"),
		[]column{createdColumn("datecreated"), modifiedColumn})},
	"transaction": {types: transactionTableTypes, customPrefix: "custbody", columns: concat(
		[]column{idColumn, {"type", func(_ *store, r *record) suiteql.Value { return transactionTypes[r.typ.name] }}},
		fieldColumns("tranId", "tranDate", "externalId", "memo", "otherRefNum", "currency", "subsidiary",
			"exchangeRate", "dueDate", "createdFrom"),
		[]column{firstOf("entity", "entity", "customer"), statusColumn,
			firstOf("foreigntotal", "total"), firstOf("foreignamountpaid", "amountPaid"),
			firstOf("foreignamountunpaid", "amountRemaining"), firstOf("foreignpaymentamountunused", "unapplied"),
			firstOf("foreignpaymentamountused", "applied"),
			createdColumn("createddate"), modifiedColumn})},
	"item": {types: itemTypes, customPrefix: "custitem", columns: concat(
		[]column{idColumn}, fieldColumns("itemId", "displayName", "description", "itemType", "externalId",
			"isInactive", "subsidiary"),
		[]column{createdColumn("createddate"), modifiedColumn})},
	"currency": {types: []string{"currency"}, columns: concat([]column{idColumn},
		fieldColumns("name", "symbol", "displaySymbol", "isBaseCurrency", "exchangeRate", "isInactive"))},
	"subsidiary": {types: []string{"subsidiary"}, columns: concat([]column{idColumn},
		fieldColumns("name", "legalName", "currency", "country", "parent", "isInactive"))},
	"pricelevel": {types: []string{"priceLevel"}, columns: concat([]column{idColumn},
		fieldColumns("name", "discountPct", "isInactive"))},
}

func concat(parts ...[]column) []column {
	var out []column
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// suiteqlTable builds a table's rows from the current records (under the store lock).
func (s *store) suiteqlTable(name string) (*suiteql.Table, bool) {
	if build, ok := cachedTables[name]; ok {
		return s.cachedTable(name, build), true
	}
	return s.buildTable(name)
}

// cachedTables are the tables big enough that a query must not rebuild
// them (a reconciliation joins 100,000 orders with their invoices): they
// are built once per store version and day (customers' overdue figures
// and revenue recognised so far follow the day) and shared, read-only, by
// the queries that follow.
var cachedTables = map[string]func(s *store) *suiteql.Table{
	"transaction":                 func(s *store) *suiteql.Table { t, _ := s.buildTable("transaction"); return t },
	"customer":                    func(s *store) *suiteql.Table { t, _ := s.buildTable("customer"); return t },
	"transactionline":             (*store).transactionLineTable,
	"nexttransactionlinelink":     func(s *store) *suiteql.Table { return s.linkTable("nexttransactionlinelink") },
	"previoustransactionlinelink": func(s *store) *suiteql.Table { return s.linkTable("previoustransactionlinelink") },
	"currencyrate":                (*store).currencyRateTable,
	"revenueplan":                 (*store).revenuePlanTable,
}

// cachedTable is a table as it was at a store version on a day.
type cachedTable struct {
	version uint64
	day     string
	table   *suiteql.Table
}

func (s *store) cachedTable(name string, build func(*store) *suiteql.Table) *suiteql.Table {
	day := s.today()
	if c, ok := s.tables[name]; ok && c.version == s.version && c.day == day {
		return c.table
	}
	if s.tables == nil {
		s.tables = map[string]cachedTable{}
	}
	t := build(s)
	s.tables[name] = cachedTable{version: s.version, day: day, table: t}
	return t
}

// buildTable builds a table that is not cached.
func (s *store) buildTable(name string) (*suiteql.Table, bool) {
	if cols, ok := addressTables[name]; ok {
		return s.addressTable(name, cols), true
	}
	if name == "transactionline" {
		return s.transactionLineTable(), true
	}
	if name == "pricing" {
		return s.pricingTable(), true
	}
	spec, ok := suiteqlTables[name]
	if !ok {
		return nil, false
	}
	t := &suiteql.Table{Name: name, Custom: func(c string) bool {
		return spec.customPrefix != "" && strings.HasPrefix(c, spec.customPrefix)
	}}
	for _, c := range spec.columns {
		t.Columns = append(t.Columns, c.name)
	}
	var figures map[string]*arFigures
	if name == "customer" {
		figures = s.arByCustomer()
	}
	for _, typeName := range spec.types {
		rt, _ := lookupType(typeName)
		for _, r := range s.all(rt) {
			row := s.row(spec, r)
			figureColumns(row, figures[r.id])
			t.Rows = append(t.Rows, row)
		}
	}
	return t, true
}

func (s *store) row(spec tableSpec, r *record) map[string]suiteql.Value {
	row := make(map[string]suiteql.Value, len(spec.columns))
	for _, c := range spec.columns {
		if v := c.value(s, r); v != nil {
			row[c.name] = v
		}
	}
	for name, v := range r.fields {
		if spec.customPrefix != "" && strings.HasPrefix(name, spec.customPrefix) {
			if cell := s.cell(v); cell != nil {
				row[name] = cell
			}
		}
	}
	return row
}

// fieldCell reads a body field as SuiteQL returns it; date fields are dates.
func (s *store) fieldCell(r *record, name string) suiteql.Value {
	if f, ok := r.typ.fields.lookup(name); ok && f.kind == kindDate {
		if t, err := time.Parse(time.DateOnly, r.string(name)); err == nil {
			return t
		}
	}
	return s.cell(r.fields[name])
}

// cell converts a stored value to what SuiteQL returns: booleans as T/F,
// references with their display name.
func (s *store) cell(v any) suiteql.Value {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
		return x
	case bool:
		if x {
			return "T"
		}
		return "F"
	case float64, time.Time:
		return x
	case enumValue:
		return string(x)
	case refValue:
		out := suiteql.Ref{ID: x.id}
		if rt, ok := lookupType(x.typ); ok {
			if target, ok := s.get(rt, x.id); ok {
				out.Name = rt.refName(target)
			}
		}
		return out
	}
	return nil
}
