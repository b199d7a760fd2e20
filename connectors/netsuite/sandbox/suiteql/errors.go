package suiteql

import "fmt"

// DetailPrefix starts every SuiteQL error detail NetSuite returns.
const DetailPrefix = "Invalid search query. Detailed unprocessed description follows. "

// unsupportedSearch is NetSuite's catch-all wording for a query it cannot
// parse or run; the precise reason is only in Error.Reason.
const unsupportedSearch = "Search error occurred: Invalid or unsupported search."

// Error is a query NetSuite would refuse with 400 INVALID_PARAMETER.
// Detail is NetSuite's wording (after DetailPrefix); Reason says precisely
// what was wrong, for logs and tests.
type Error struct {
	Detail string
	Reason string
}

func (e *Error) Error() string {
	if e.Reason == "" || e.Reason == e.Detail {
		return DetailPrefix + e.Detail
	}
	return DetailPrefix + e.Detail + " (" + e.Reason + ")"
}

func syntaxErrorf(format string, args ...any) *Error {
	return &Error{Detail: unsupportedSearch, Reason: fmt.Sprintf(format, args...)}
}

func unknownTable(name string) *Error {
	return &Error{Detail: fmt.Sprintf("Invalid search type: %s.", name), Reason: "unknown table " + name}
}

// unknownIdentifier lists the query's tables as alias=table pairs.
func unknownIdentifier(ident, available string) *Error {
	return &Error{
		Detail: fmt.Sprintf("Search error occurred: Unknown identifier '%s'. Available identifiers are: {%s}.", ident, available),
		Reason: "unknown column " + ident,
	}
}

// ambiguousColumn is an unqualified column that more than one joined
// table has. NetSuite's own wording for it was not found (Oracle says
// ORA-00918 "column ambiguously defined"), so the sandbox gives its
// catch-all refusal with Oracle's reason.
func ambiguousColumn(name string) *Error {
	return &Error{Detail: unsupportedSearch, Reason: "ORA-00918: column ambiguously defined: " + name}
}
