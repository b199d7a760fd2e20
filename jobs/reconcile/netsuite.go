package reconcile

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite"
)

// NetSuite's side: sales orders with what was billed, paid and recognised
// against them, read with SuiteQL joins, aggregated per order by NetSuite.
//
// A page is one query for the orders and their invoices (and the revenue
// recognised on those), and, only when something was applied to those
// invoices, a second for the credit memos among what was applied (per
// invoice, several payments and credits would multiply the invoice rows if
// joined in the first). So Billed = invoiced − credited and Paid = applied
// (invoice.foreignamountpaid: payments and credits) − credited. Orders
// first lists a page of the period's order ids (a query without joins), so
// the joined query reads those 1,000 orders, not every order left.

// PageSize is the opportunities (or orders) of one NetSuite page: the most
// SuiteQL returns in one page.
const PageSize = netsuite.MaxSuiteQLPage

// externalIDPrefix starts the external id of a sales order made from an
// opportunity.
const externalIDPrefix = "SFOPP-"

// RevenueRecognitionColumn is the customer column that says its revenue is
// recognised over time: the NetSuite sandbox's stand-in for revenue
// recognition set-up (a custom checkbox on the customer).
const RevenueRecognitionColumn = "custentity_revenue_recognition"

// SuiteQLer is what the reader needs of NetSuite; *netsuite.Client
// implements it.
type SuiteQLer interface {
	SuiteQL(ctx context.Context, query string, params []any, fn func(netsuite.Row) error) error
}

type netSuiteReader struct{ ns SuiteQLer }

// NewNetSuiteReader reads NetSuite's actuals through ns.
func NewNetSuiteReader(ns SuiteQLer) NetSuiteReader { return &netSuiteReader{ns: ns} }

// ordersQuery selects sales orders (so) matching where, one row each.
func ordersQuery(where string) string {
	return "SELECT so.id, so.tranid, so.externalid, so.entity, cur.symbol AS currency, " +
		"TO_CHAR(so.trandate, 'YYYY-MM-DD') AS trandate, so.status, so.foreigntotal AS ordered, " +
		"c." + RevenueRecognitionColumn + " AS revrec, " +
		"NVL(SUM(inv.foreigntotal), 0) AS invoiced, NVL(SUM(inv.foreignamountpaid), 0) AS applied, " +
		"NVL(SUM(rp.totalrecognized), 0) AS recognised " +
		"FROM transaction so " +
		"INNER JOIN currency cur ON cur.id = so.currency " +
		"INNER JOIN customer c ON c.id = so.entity " +
		"LEFT OUTER JOIN transaction inv ON inv.createdfrom = so.id AND inv.type = 'CustInvc' " +
		"LEFT OUTER JOIN revenueplan rp ON rp.createdfrom = inv.id AND rp.revenueplantype = 'ACTUAL' " +
		"WHERE so.type = 'SalesOrd' AND " + where + " " +
		"GROUP BY so.id, so.tranid, so.externalid, so.entity, cur.symbol, so.trandate, so.status, so.foreigntotal, " +
		"c." + RevenueRecognitionColumn + " ORDER BY so.id"
}

// creditsQuery sums the credit memos applied to the invoices of the orders
// whose ids fill the IN list.
func creditsQuery(n int) string {
	return "SELECT so.id, SUM(l.foreignamount) AS credited " +
		"FROM transaction so " +
		"INNER JOIN transaction inv ON inv.createdfrom = so.id AND inv.type = 'CustInvc' " +
		"INNER JOIN nexttransactionlinelink l ON l.previousdoc = inv.id AND l.linktype = 'Payment' AND l.nexttype = 'CustCred' " +
		"WHERE so.type = 'SalesOrd' AND so.id IN (" + marks(n) + ") GROUP BY so.id"
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func (r *netSuiteReader) ForOpportunities(ctx context.Context, opportunityIDs []string) (map[string]Actuals, error) {
	if len(opportunityIDs) == 0 {
		return map[string]Actuals{}, nil
	}
	if len(opportunityIDs) > PageSize {
		return nil, fmt.Errorf("reading NetSuite orders of %d opportunities: at most %d a call", len(opportunityIDs), PageSize)
	}
	params := make([]any, len(opportunityIDs))
	for i, id := range opportunityIDs {
		params[i] = externalIDPrefix + id
	}
	orders, err := r.page(ctx, ordersQuery("so.externalid IN ("+marks(len(params))+")"), params)
	if err != nil {
		return nil, fmt.Errorf("reading the NetSuite orders of %d opportunities: %w", len(opportunityIDs), err)
	}
	out := make(map[string]Actuals, len(orders))
	for _, a := range orders {
		if a.OpportunityID != "" {
			out[a.OpportunityID] = a
		}
	}
	return out, nil
}

// periodIDsQuery lists the ids of a period's orders after an id: cheap
// (no joins), so each page's joined query is over its 1,000 orders only,
// not over every order left in the period.
const periodIDsQuery = "SELECT so.id FROM transaction so WHERE so.type = 'SalesOrd' " +
	"AND so.trandate >= TO_DATE(?, 'YYYY-MM-DD') AND so.trandate < TO_DATE(?, 'YYYY-MM-DD') AND so.id > ? ORDER BY so.id"

func (r *netSuiteReader) Orders(ctx context.Context, p Period, fn func(Actuals) error) error {
	last := 0 // keyset: the orders after the last id read, never deep offsets
	for {
		var ids []any
		err := r.ns.SuiteQL(ctx, periodIDsQuery, []any{p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly), last},
			func(row netsuite.Row) error {
				id, err := strconv.Atoi(row.String("id"))
				if err != nil {
					return fmt.Errorf("order id %q is not a number", row.String("id"))
				}
				ids, last = append(ids, id), id
				if len(ids) == PageSize {
					return errPageFull
				}
				return nil
			})
		if err != nil && !errors.Is(err, errPageFull) {
			return fmt.Errorf("listing the NetSuite orders of %s: %w", p.Name, err)
		}
		if len(ids) == 0 {
			return nil
		}
		orders, err := r.page(ctx, ordersQuery("so.id IN ("+marks(len(ids))+")"), ids)
		if err != nil {
			return fmt.Errorf("reading %d NetSuite orders of %s: %w", len(ids), p.Name, err)
		}
		for _, a := range orders {
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(ids) < PageSize {
			return nil
		}
	}
}

// errPageFull stops the client before it asks for the next offset page:
// a keyset page is the first PageSize rows of its query.
var errPageFull = errors.New("page full")

// page reads up to PageSize orders and the credits against them.
func (r *netSuiteReader) page(ctx context.Context, query string, params []any) ([]Actuals, error) {
	var orders []Actuals
	var applied []any // ids of the orders with something applied to their invoices
	err := r.ns.SuiteQL(ctx, query, params, func(row netsuite.Row) error {
		a := actualsOf(row)
		if row.Float("applied") != 0 {
			applied = append(applied, a.SalesOrderID)
		}
		orders = append(orders, a)
		if len(orders) == PageSize {
			return errPageFull
		}
		return nil
	})
	if err != nil && !errors.Is(err, errPageFull) {
		return nil, err
	}
	if len(applied) == 0 {
		return orders, nil
	}
	credited := map[string]float64{}
	err = r.ns.SuiteQL(ctx, creditsQuery(len(applied)), applied, func(row netsuite.Row) error {
		credited[row.String("id")] = row.Float("credited")
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the credit memos of %d orders: %w", len(applied), err)
	}
	for i := range orders {
		c := credited[orders[i].SalesOrderID]
		orders[i].Billed = round2(orders[i].Billed - c)
		orders[i].Paid = round2(orders[i].Paid - c)
	}
	return orders, nil
}

// actualsOf reads an order row; Billed and Paid still include credits.
func actualsOf(row netsuite.Row) Actuals {
	a := Actuals{
		SalesOrderID: row.String("id"), TranID: row.String("tranid"), CustomerID: row.String("entity"),
		Currency: row.String("currency"), Ordered: row.Float("ordered"), Billed: row.Float("invoiced"),
		Paid: row.Float("applied"),
	}
	if id, ok := strings.CutPrefix(row.String("externalid"), externalIDPrefix); ok {
		a.OpportunityID = id
	}
	a.Date, _ = time.Parse(time.DateOnly, row.String("trandate"))
	switch row.String("status") {
	case "C", "H": // SalesOrd:C Cancelled, SalesOrd:H Closed
		a.Cancelled = true
	}
	if row.String("revrec") == "T" {
		recognised := row.Float("recognised")
		a.Recognised = &recognised
	}
	return a
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// ratesQuery lists every exchange rate in effect on or before a day,
// latest first for each pair.
const ratesQuery = "SELECT b.symbol AS base, t.symbol AS currency, r.exchangerate " +
	"FROM currencyrate r INNER JOIN currency b ON b.id = r.basecurrency INNER JOIN currency t ON t.id = r.transactioncurrency " +
	"WHERE r.effectivedate <= TO_DATE(?, 'YYYY-MM-DD') ORDER BY b.symbol, t.symbol, r.effectivedate DESC"

func (r *netSuiteReader) Rates(ctx context.Context, reporting string, on time.Time) (map[string]float64, error) {
	latest := map[string]map[string]float64{} // base → currency → units of base per unit
	err := r.ns.SuiteQL(ctx, ratesQuery, []any{on.Format(time.DateOnly)}, func(row netsuite.Row) error {
		base, cur := row.String("base"), row.String("currency")
		if latest[base] == nil {
			latest[base] = map[string]float64{}
		}
		if _, seen := latest[base][cur]; !seen {
			latest[base][cur] = row.Float("exchangerate")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading NetSuite's exchange rates on %s: %w", on.Format(time.DateOnly), err)
	}
	return crossRates(latest, reporting, on)
}

// crossRates gives each currency's worth in the reporting currency: the
// rates against it when it is a base currency, else through a base
// currency that has a rate for it.
func crossRates(latest map[string]map[string]float64, reporting string, on time.Time) (map[string]float64, error) {
	if direct, ok := latest[reporting]; ok {
		out := map[string]float64{reporting: 1}
		for cur, rate := range direct {
			out[cur] = rate
		}
		return out, nil
	}
	for _, base := range slices.Sorted(maps.Keys(latest)) { // the same base each time
		rates := latest[base]
		via := rates[reporting] // units of base per unit of the reporting currency
		if via == 0 {
			continue
		}
		out := map[string]float64{reporting: 1, base: 1 / via}
		for cur, rate := range rates {
			if cur != reporting {
				out[cur] = rate / via
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("NetSuite has no exchange rate for %s on or before %s", reporting, on.Format(time.DateOnly))
}
