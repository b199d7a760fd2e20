package reconcile

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultPageSize is the opportunities reconciled at a time: the most
// NetSuiteReader.ForOpportunities takes in one call.
const DefaultPageSize = 1000

// Reconciler reconciles a period's closed-won opportunities with NetSuite.
type Reconciler struct {
	Salesforce SalesforceAPI
	NetSuite   NetSuiteReader
	Reporting  string // ISO code of the reporting currency
	PageSize   int    // opportunities a page, at most DefaultPageSize; default DefaultPageSize
	// BulkThreshold: changed opportunities of one page above which the
	// write goes through Bulk API 2.0 instead of Collections calls of 200.
	BulkThreshold int
	Now           func() time.Time
}

// Options are one run's choices.
type Options struct {
	Write bool // write changed NetSuite figures back to the opportunities
	// Progress, when set, is told the opportunities read so far after
	// each page, and the orders without an opportunity found so far.
	Progress func(opportunities, orphanOrders int)
}

// Run reconciles p: it calls line for every line (opportunities in Id
// order, then sales orders without an opportunity) and returns the
// totals. Memory is bounded by the page size: lines are not kept, only
// the matched opportunity ids (to tell orders without one).
func (r *Reconciler) Run(ctx context.Context, p Period, o Options, line func(Line) error) (*Summary, error) {
	pageSize := r.PageSize
	if pageSize <= 0 || pageSize > DefaultPageSize {
		pageSize = DefaultPageSize
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	s := newSummary(p, r.Reporting)
	day := p.ratesDay(now())
	rates, err := r.NetSuite.Rates(ctx, r.Reporting, day)
	if err != nil {
		return nil, err
	}
	s.RatesDate, s.Rates = day.Format(time.DateOnly), rates
	if o.Write {
		s.Write = &WriteSummary{}
	}
	run := &run{Reconciler: r, summary: s, rates: rates, line: line, write: o.Write, now: now().UTC(), matched: map[string]struct{}{}}
	page := make([]Opportunity, 0, pageSize)
	err = eachOpportunity(ctx, r.Salesforce, p, pageSize, func(opp Opportunity) error {
		if page = append(page, opp); len(page) < pageSize {
			return nil
		}
		err := run.page(ctx, page)
		page = page[:0]
		if err == nil && o.Progress != nil {
			o.Progress(s.Opportunities, 0)
		}
		return err
	})
	if err == nil && len(page) > 0 {
		err = run.page(ctx, page)
	}
	if err != nil {
		return nil, err
	}
	if o.Progress != nil {
		o.Progress(s.Opportunities, 0)
	}
	err = r.NetSuite.Orders(ctx, p, func(a Actuals) error {
		if _, ok := run.matched[a.OpportunityID]; ok && a.OpportunityID != "" {
			return nil
		}
		l, err := run.orphan(a)
		if err == nil {
			err = run.emit(l)
		}
		if err == nil && o.Progress != nil && s.OrdersWithoutOpp%DefaultPageSize == 0 {
			o.Progress(s.Opportunities, s.OrdersWithoutOpp)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("finding the NetSuite orders of %s without an opportunity: %w", p.Name, err)
	}
	if o.Progress != nil {
		o.Progress(s.Opportunities, s.OrdersWithoutOpp)
	}
	return s, nil
}

// run is one Run's state.
type run struct {
	*Reconciler
	summary *Summary
	rates   map[string]float64
	line    func(Line) error
	write   bool
	now     time.Time
	matched map[string]struct{} // opportunities with an order: the only state that grows with the period
}

// page reconciles one page of opportunities and writes back what changed.
func (r *run) page(ctx context.Context, opps []Opportunity) error {
	ids := make([]string, len(opps))
	for i, o := range opps {
		ids[i] = o.ID
	}
	actuals, err := r.NetSuite.ForOpportunities(ctx, ids)
	if err != nil {
		return err
	}
	var changes []map[string]any
	for _, o := range opps {
		a, found := actuals[o.ID]
		if found {
			r.matched[o.ID] = struct{}{}
		}
		l, err := r.lineOf(o, a, found)
		if err != nil {
			return err
		}
		if err := r.emit(l); err != nil {
			return err
		}
		if c := changed(o, l, found, r.now); c != nil {
			changes = append(changes, c)
		}
	}
	if !r.write {
		return nil
	}
	return r.writeBack(ctx, changes, r.summary.Write)
}

// emit totals l and hands it on.
func (r *run) emit(l Line) error {
	r.summary.add(l)
	if r.line == nil {
		return nil
	}
	return r.line(l)
}

// errNoRate says NetSuite has no exchange rate a line needs.
var errNoRate = errors.New("no NetSuite exchange rate")

// rate is units of the reporting currency per unit of cur.
func (r *run) rate(cur string) (float64, error) {
	if rate, ok := r.rates[cur]; ok && rate > 0 {
		return rate, nil
	}
	return 0, fmt.Errorf("%w from %s to %s on %s", errNoRate, cur, r.Reporting, r.summary.RatesDate)
}

// lineOf reconciles one opportunity with its order's actuals (found
// false: it has none). NetSuite's figures are in the order's currency;
// when that differs from the deal's they are converted through the
// reporting currency. A single-currency org's deals are taken to be in
// their order's currency, or the reporting currency without an order.
func (r *run) lineOf(o Opportunity, a Actuals, found bool) (Line, error) {
	l := Line{Kind: KindNoOrder, OpportunityID: o.ID, OpportunityName: o.Name, OwnerID: o.OwnerID, Owner: o.Owner,
		ForecastCategory: o.ForecastCategory, Date: o.CloseDate.Format(time.DateOnly), Currency: o.Currency}
	if l.Currency == "" {
		l.Currency = a.Currency
	}
	if l.Currency == "" {
		l.Currency = r.Reporting
	}
	f := Figures{Booked: round2(o.Amount)}
	if found {
		l.Kind, l.SalesOrderID, l.SalesOrder, l.Cancelled = KindMatched, a.SalesOrderID, a.TranID, a.Cancelled
		toDeal := 1.0
		if a.Currency != "" && a.Currency != l.Currency {
			from, err := r.rate(a.Currency)
			if err != nil {
				return Line{}, fmt.Errorf("opportunity %s: %w", o.ID, err)
			}
			to, err := r.rate(l.Currency)
			if err != nil {
				return Line{}, fmt.Errorf("opportunity %s: %w", o.ID, err)
			}
			toDeal = from / to
		}
		n := netSuiteFigures(a).scaled(toDeal)
		f.Ordered, f.Billed, f.Paid, f.Recognised = n.Ordered, n.Billed, n.Paid, n.Recognised
	}
	return r.convert(l, f)
}

// orphan is the line of a sales order without a closed-won opportunity
// in the period.
func (r *run) orphan(a Actuals) (Line, error) {
	l := Line{Kind: KindNoOpportunity, OpportunityID: a.OpportunityID, ForecastCategory: NoOpportunityCategory,
		Date: a.Date.Format(time.DateOnly), SalesOrderID: a.SalesOrderID, SalesOrder: a.TranID,
		Cancelled: a.Cancelled, Currency: a.Currency}
	return r.convert(l, netSuiteFigures(a))
}

// netSuiteFigures are an order's amounts; a cancelled order orders nothing.
func netSuiteFigures(a Actuals) Figures {
	f := Figures{Ordered: a.Ordered, Billed: a.Billed, Paid: a.Paid, Recognised: a.Recognised}
	if a.Cancelled {
		f.Ordered = 0
	}
	return f
}

// convert sets the line's figures in its currency and the reporting one.
func (r *run) convert(l Line, f Figures) (Line, error) {
	l.Deal = f.scaled(1)
	rate, err := r.rate(l.Currency)
	if err != nil {
		return Line{}, fmt.Errorf("%s %s: %w", l.Kind, l.OpportunityID+l.SalesOrderID, err)
	}
	l.Reporting = f.scaled(rate)
	return l, nil
}
