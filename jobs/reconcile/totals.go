package reconcile

import (
	"maps"
	"slices"
)

// Totals add lines' amounts in the reporting currency.
type Totals struct {
	Lines      int     `json:"lines"`
	Booked     float64 `json:"booked"`
	Ordered    float64 `json:"ordered"`
	Billed     float64 `json:"billed"`
	Paid       float64 `json:"paid"`
	Recognised float64 `json:"recognised"`
	BookingGap float64 `json:"booking_gap"`
	OrderGap   float64 `json:"order_gap"`
	Unpaid     float64 `json:"unpaid"`
}

func (t *Totals) add(f Figures) {
	t.Lines++
	t.Booked = round2(t.Booked + f.Booked)
	t.Ordered = round2(t.Ordered + f.Ordered)
	t.Billed = round2(t.Billed + f.Billed)
	t.Paid = round2(t.Paid + f.Paid)
	if f.Recognised != nil {
		t.Recognised = round2(t.Recognised + *f.Recognised)
	}
	t.BookingGap = round2(t.BookingGap + f.BookingGap)
	t.OrderGap = round2(t.OrderGap + f.OrderGap)
	t.Unpaid = round2(t.Unpaid + f.Unpaid)
}

// Summary is a whole run: totals in the reporting currency per period,
// forecast category, owner, deal currency and month, and what was
// written. Its size grows with owners and categories, not with lines.
type Summary struct {
	Period            string                        `json:"period"`
	Start             string                        `json:"start"`
	End               string                        `json:"end"` // exclusive
	ReportingCurrency string                        `json:"reporting_currency"`
	RatesDate         string                        `json:"rates_date"`
	Rates             map[string]float64            `json:"rates"` // units of the reporting currency per unit
	Total             Totals                        `json:"total"`
	ByCategory        map[string]*Totals            `json:"by_forecast_category"`
	ByOwner           map[string]*Totals            `json:"by_owner"` // owner name (id when it has none); orders without an opportunity have none
	ByCurrency        map[string]*Totals            `json:"by_currency"`
	ByMonth           map[string]map[string]*Totals `json:"by_month"` // month → forecast category
	Opportunities     int                           `json:"opportunities"`
	WithoutOrder      int                           `json:"opportunities_without_order"`
	OrdersWithoutOpp  int                           `json:"orders_without_opportunity"`
	Write             *WriteSummary                 `json:"write,omitempty"`
}

func newSummary(p Period, reporting string) *Summary {
	return &Summary{Period: p.Name, Start: p.Start.Format("2006-01-02"), End: p.End.Format("2006-01-02"),
		ReportingCurrency: reporting, ByCategory: map[string]*Totals{}, ByOwner: map[string]*Totals{},
		ByCurrency: map[string]*Totals{}, ByMonth: map[string]map[string]*Totals{}}
}

func bucket(m map[string]*Totals, key string) *Totals {
	t := m[key]
	if t == nil {
		t = &Totals{}
		m[key] = t
	}
	return t
}

// add counts l in every total.
func (s *Summary) add(l Line) {
	f := l.Reporting
	s.Total.add(f)
	category := l.ForecastCategory
	bucket(s.ByCategory, category).add(f)
	owner := l.Owner
	if owner == "" {
		owner = l.OwnerID
	}
	if owner != "" {
		bucket(s.ByOwner, owner).add(f)
	}
	bucket(s.ByCurrency, l.Currency).add(f)
	if s.ByMonth[l.Month()] == nil {
		s.ByMonth[l.Month()] = map[string]*Totals{}
	}
	bucket(s.ByMonth[l.Month()], category).add(f)
	switch l.Kind {
	case KindMatched:
		s.Opportunities++
	case KindNoOrder:
		s.Opportunities++
		s.WithoutOrder++
	case KindNoOpportunity:
		s.OrdersWithoutOpp++
	}
}

// MonthTotals lists every month of the period, in order, empty months
// included, for the chart (ChartSVG).
func (s *Summary) MonthTotals(p Period) []MonthTotals {
	months := p.Months()
	for _, m := range slices.Sorted(maps.Keys(s.ByMonth)) { // none should fall outside; keep them if they do
		if !slices.Contains(months, m) {
			months = append(months, m)
		}
	}
	out := make([]MonthTotals, 0, len(months))
	for _, m := range months {
		mt := MonthTotals{Month: m, Booked: map[string]float64{}, Billed: map[string]float64{}}
		for category, t := range s.ByMonth[m] {
			mt.Booked[category], mt.Billed[category] = t.Booked, t.Billed
		}
		out = append(out, mt)
	}
	return out
}
