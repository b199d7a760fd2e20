package soql

import (
	"fmt"
	"strings"
)

// Error codes the REST API reports for query errors.
const (
	codeMalformed      = "MALFORMED_QUERY"
	codeInvalidField   = "INVALID_FIELD"
	codeInvalidType    = "INVALID_TYPE"
	codeFilterOperator = "INVALID_QUERY_FILTER_OPERATOR"
	codeOutOfRange     = "NUMBER_OUTSIDE_VALID_RANGE"
)

// Error is a query error as Salesforce reports it: an error code and a
// message which, for errors tied to a place in the query, shows the row of
// the query with a caret under the place:
//
//	\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'. …
type Error struct {
	Code string
	// Detail is the message without the position block.
	Detail string
	// Row and Column are 1-based; 0 when the error has no position.
	Row, Column int
	line        string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message() }

// Message is the message the REST API returns.
func (e *Error) Message() string {
	if e.Row == 0 {
		return e.Detail
	}
	caret := strings.Repeat(" ", e.Column-1) + "^"
	return fmt.Sprintf("\n%s\n%s\nERROR at Row:%d:Column:%d\n%s", e.line, caret, e.Row, e.Column, e.Detail)
}

// errAt makes an error positioned at byte offset pos of src.
func errAt(src string, pos int, code, detail string) *Error {
	pos = max(0, min(pos, len(src)))
	row := strings.Count(src[:pos], "\n") + 1
	lineStart := strings.LastIndexByte(src[:pos], '\n') + 1
	lineEnd := len(src)
	if n := strings.IndexByte(src[pos:], '\n'); n >= 0 {
		lineEnd = pos + n
	}
	return &Error{Code: code, Detail: detail, Row: row, Column: pos - lineStart + 1, line: src[lineStart:lineEnd]}
}

func noSuchColumn(field, object string) string {
	return fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", field, object)
}

func unsupportedType(object string) string {
	return fmt.Sprintf("sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.", object)
}

func unknownParent(rel string) string {
	return fmt.Sprintf("Didn't understand relationship '%s' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.", rel)
}

func unknownChild(rel string) string {
	return fmt.Sprintf("Didn't understand relationship '%s' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.", rel)
}

// NoSuchColumn is the INVALID_FIELD message for an unknown field, for
// callers outside a query (GET ?fields=).
func NoSuchColumn(field, object string) string { return noSuchColumn(field, object) }
