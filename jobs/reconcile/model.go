package reconcile

import (
	"context"
	"time"
)

// Period is a fiscal month or quarter: [Start, End) in the org's time.
// Its Name is what users type and reports show: "2026-Q4", "2026-11".
type Period struct {
	Name       string
	Start, End time.Time
}

// Actuals are NetSuite's figures for one sales order, in the order's
// currency.
type Actuals struct {
	OpportunityID string // from the external id SFOPP-<id>; "" when the order names none
	SalesOrderID  string // NetSuite internal id
	TranID        string // the order's number, for people
	CustomerID    string
	Currency      string // ISO code
	Date          time.Time
	Cancelled     bool // the order was cancelled or closed without billing
	Ordered       float64
	Billed        float64  // invoiced, less credit memos drawn against those invoices
	Paid          float64  // payments applied to those invoices (credits are taken off Billed, not counted twice)
	Recognised    *float64 // nil where the customer has no revenue recognition
}

// NetSuiteReader reads NetSuite's side a page at a time.
type NetSuiteReader interface {
	// ForOpportunities returns the actuals of the sales orders whose
	// external ids are SFOPP-<id> for the given opportunity ids (at most
	// 1,000 a call), keyed by opportunity id; an id with no order is absent.
	ForOpportunities(ctx context.Context, opportunityIDs []string) (map[string]Actuals, error)
	// Orders calls fn for every sales order dated in the period, a page
	// at a time, in a stable order; the caller finds those without an
	// opportunity among them.
	Orders(ctx context.Context, p Period, fn func(Actuals) error) error
	// Rates returns how many units of the reporting currency one unit of
	// each currency is worth on the day, keyed by ISO code.
	Rates(ctx context.Context, reporting string, on time.Time) (map[string]float64, error)
}
