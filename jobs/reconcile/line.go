package reconcile

// Kinds of report line.
const (
	KindMatched       = "matched"        // a closed-won opportunity and its sales order
	KindNoOrder       = "no-order"       // a closed-won opportunity NetSuite has no sales order for
	KindNoOpportunity = "no-opportunity" // a sales order of the period with no closed-won opportunity in it
)

// NoOpportunityCategory is the forecast category totals file orders
// without an opportunity under.
const NoOpportunityCategory = "No opportunity"

// Figures are one line's amounts in one currency. Recognised is nil where
// the customer has no revenue recognition (or there is no order).
type Figures struct {
	Booked     float64  `json:"booked"`
	Ordered    float64  `json:"ordered"`
	Billed     float64  `json:"billed"`
	Paid       float64  `json:"paid"`
	Recognised *float64 `json:"recognised,omitempty"`
	// BookingGap is booked less billed: what is yet to be invoiced.
	BookingGap float64 `json:"booking_gap"`
	// OrderGap is booked less ordered: a deal the order does not match.
	OrderGap float64 `json:"order_gap"`
	// Unpaid is billed less paid.
	Unpaid float64 `json:"unpaid"`
}

// withGaps fills the gaps from the amounts.
func (f Figures) withGaps() Figures {
	f.BookingGap = round2(f.Booked - f.Billed)
	f.OrderGap = round2(f.Booked - f.Ordered)
	f.Unpaid = round2(f.Billed - f.Paid)
	return f
}

// scaled converts f at rate (units of the target per unit), to the cent.
func (f Figures) scaled(rate float64) Figures {
	out := Figures{Booked: round2(f.Booked * rate), Ordered: round2(f.Ordered * rate),
		Billed: round2(f.Billed * rate), Paid: round2(f.Paid * rate)}
	if f.Recognised != nil {
		r := round2(*f.Recognised * rate)
		out.Recognised = &r
	}
	return out.withGaps()
}

// Line is one opportunity, or one sales order without an opportunity.
type Line struct {
	Kind             string  `json:"kind"`
	OpportunityID    string  `json:"opportunity_id,omitempty"`
	OpportunityName  string  `json:"opportunity_name,omitempty"`
	OwnerID          string  `json:"owner_id,omitempty"`
	Owner            string  `json:"owner,omitempty"`
	ForecastCategory string  `json:"forecast_category"`
	Date             string  `json:"date"` // CloseDate, or the order's date without an opportunity
	SalesOrderID     string  `json:"sales_order_id,omitempty"`
	SalesOrder       string  `json:"sales_order,omitempty"` // tranid
	Cancelled        bool    `json:"cancelled,omitempty"`
	Currency         string  `json:"currency"`
	Deal             Figures `json:"amounts"`           // in Currency
	Reporting        Figures `json:"reporting_amounts"` // in the reporting currency
}

// Month is the calendar month the line counts in, "2026-11".
func (l Line) Month() string {
	if len(l.Date) < 7 {
		return ""
	}
	return l.Date[:7]
}
