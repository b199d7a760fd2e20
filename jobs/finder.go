package jobs

import (
	"context"
	"fmt"
	"regexp"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/mapping"
)

// identifier guards the names a mapping's lookup() puts into a query:
// values are bound or escaped, names cannot be, so they must be plain.
var identifier = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}$`)

// ConnectorFinder answers mapping lookups by reading the other system:
// SuiteQL for NetSuite (the record type is the SuiteQL table, e.g. item),
// SOQL for Salesforce.
type ConnectorFinder struct {
	Salesforce SalesforceAPI
	NetSuite   interface {
		SuiteQLAll(ctx context.Context, query string, params []any) ([]netsuite.Row, error)
	}
}

// Find implements mapping.Finder.
func (f ConnectorFinder) Find(ctx context.Context, q mapping.Query) ([]string, error) {
	if !identifier.MatchString(q.RecordType) || !identifier.MatchString(q.Field) {
		return nil, &PermanentError{Msg: fmt.Sprintf("lookup %s: record type and field must be plain names", q)}
	}
	switch q.System {
	case "netsuite":
		rows, err := f.NetSuite.SuiteQLAll(ctx, "SELECT id FROM "+q.RecordType+" WHERE "+q.Field+" = ?", []any{q.Value})
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.String("id"))
		}
		return ids, nil
	case "salesforce":
		return SalesforceIDs(ctx, f.Salesforce, q.RecordType, q.Field, q.Value)
	}
	return nil, &PermanentError{Msg: fmt.Sprintf("lookup %s: unknown system %q", q, q.System)}
}
