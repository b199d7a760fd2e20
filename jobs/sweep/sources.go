package sweep

import "strings"

// DefaultRecordTypes are the record types swept when none are configured:
// those the SuiteScript webhook covers for NetSuite -> Salesforce flows.
var DefaultRecordTypes = []string{"customer", "contact", "invoice", "customerpayment", "creditmemo", "customerrefund",
	"inventoryitem", "noninventoryitem", "serviceitem"}

// source is where SuiteQL finds a record type's rows: its table and, for
// the transaction table that unites several types, the type filter.
type source struct {
	table  string
	filter string // "" or a condition ANDed to the watermark condition
}

// sources are the SuiteQL tables of the record types (lower case, as the
// webhook names them). Transactions share one table told apart by type.
var sources = map[string]source{
	"customer":        {table: "customer"},
	"contact":         {table: "contact"},
	"invoice":         {table: "transaction", filter: "type = 'CustInvc'"},
	"customerpayment": {table: "transaction", filter: "type = 'CustPymt'"},
	"creditmemo":      {table: "transaction", filter: "type = 'CustCred'"},
	"salesorder":      {table: "transaction", filter: "type = 'SalesOrd'"},
	"customerrefund":  {table: "transaction", filter: "type = 'CustRfnd'"},
	// Items share one table told apart by itemtype (a price change saves the item).
	"inventoryitem":    {table: "item", filter: "itemtype = 'InvtPart'"},
	"noninventoryitem": {table: "item", filter: "itemtype = 'NonInvtPart'"},
	"serviceitem":      {table: "item", filter: "itemtype = 'Service'"},
}

// sourceOf is the SuiteQL source of a record type; false when the sweep
// does not know how to query it.
func sourceOf(recordType string) (source, bool) {
	s, ok := sources[strings.ToLower(recordType)]
	return s, ok
}

// timestampFormat renders and reads lastmodifieddate to the second, in the
// session's time zone (UTC in the sandbox): SuiteQL prints dates without
// their time otherwise.
const timestampFormat = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`

// firstPage is the query for a run's first page: every row modified in or
// after the watermark's second. Re-reading that second catches a record
// saved in it after the last run read it; its re-sent jobs are duplicates.
func (s source) firstPage() string {
	return s.query("lastmodifieddate >= TO_TIMESTAMP(?, " + timestampFormat + ")")
}

// nextPage is the keyset query for the page after (modified, id): never
// deep offsets (netsuite.md §10). The id is bound as text: NetSuite (and
// the sandbox) compare it with the numeric id column as a number.
func (s source) nextPage() string {
	return s.query("(lastmodifieddate > TO_TIMESTAMP(?, " + timestampFormat + ") OR (lastmodifieddate = TO_TIMESTAMP(?, " +
		timestampFormat + ") AND id > ?))")
}

func (s source) query(cond string) string {
	if s.filter != "" {
		cond = s.filter + " AND " + cond
	}
	return "SELECT id, TO_CHAR(lastmodifieddate, " + timestampFormat + ") AS modified FROM " + s.table +
		" WHERE " + cond + " ORDER BY lastmodifieddate, id"
}
