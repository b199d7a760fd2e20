package sandbox

import (
	"math"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"
)

// currencyrate: SuiteQL's exchange rate table (basecurrency,
// transactioncurrency, exchangerate = units of the base currency one unit
// of the transaction currency is worth, effectivedate). The sandbox's rates
// are deterministic: for every subsidiary's currency as base and every
// other currency, one rate on the first of each month of 2024-2027, the
// seeded currency rates' cross rate moved by at most ±1% in a five-month
// cycle. Transactions keep taking their currency's own rate (exchangeRate)
// when created, as they did.
var currencyRateColumns = []string{"id", "basecurrency", "transactioncurrency", "exchangerate", "effectivedate"}

// currencyrate has a rate for each of rateMonthCount months from firstRateMonth.
var firstRateMonth = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

const rateMonthCount = 48

// RateDrift is how much the sandbox moves a cross rate in month m
// (0 = January 2024): 0.99, 0.995, 1, 1.005, 1.01, then again.
func RateDrift(m int) float64 { return 1 + 0.005*float64(m%5-2) }

func (s *store) currencyRateTable() *suiteql.Table {
	t := &suiteql.Table{Name: "currencyrate", Columns: currencyRateColumns}
	currencies := s.all(recordTypes["currency"])
	bases := map[string]bool{}
	for _, sub := range s.all(recordTypes["subsidiary"]) {
		if c, ok := sub.ref("currency"); ok {
			bases[c.id] = true
		}
	}
	for _, base := range currencies {
		if !bases[base.id] {
			continue
		}
		for _, cur := range currencies {
			if cur.id == base.id {
				continue
			}
			for m := range rateMonthCount {
				rate := cur.number("exchangeRate") / base.number("exchangeRate") * RateDrift(m)
				t.Rows = append(t.Rows, map[string]suiteql.Value{"id": float64(len(t.Rows) + 1),
					"basecurrency":        s.cell(refValue{typ: "currency", id: base.id}),
					"transactioncurrency": s.cell(refValue{typ: "currency", id: cur.id}),
					"exchangerate":        math.Round(rate*1e6) / 1e6, "effectivedate": firstRateMonth.AddDate(0, m, 0)})
			}
		}
	}
	return t
}

// RevenueRecognitionField is the sandbox's stand-in for NetSuite's revenue
// recognition set-up: a customer checkbox (a custom field, so it is set
// like any other) that says the customer's invoices are recognised over
// time. Real NetSuite builds revenue arrangements, elements and plans from
// items' revenue rules (Advanced Revenue Management); the sandbox does not.
const RevenueRecognitionField = "custentity_revenue_recognition"

// revenueplan is a STAND-IN, not NetSuite's table of that name: one
// 'ACTUAL' plan per invoice of a customer with RevenueRecognitionField
// set, recognising the invoice's total straight-line by day over its sales
// order's startdate…enddate (all on the invoice's date when the order has
// none), up to the account's today. Columns: id, revenueplantype, status
// (NOTSTARTED, INPROGRESS, COMPLETED), createdfrom (the invoice; in
// NetSuite a revenue element), salesorder (stand-in), amount,
// totalrecognized, remainingdeferredbalance, revrecstartdate,
// revrecenddate, currency.
var revenuePlanColumns = []string{"id", "revenueplantype", "status", "createdfrom", "salesorder", "amount",
	"totalrecognized", "remainingdeferredbalance", "revrecstartdate", "revrecenddate", "currency"}

func (s *store) revenuePlanTable() *suiteql.Table {
	t := &suiteql.Table{Name: "revenueplan", Columns: revenuePlanColumns}
	today, _ := time.Parse(time.DateOnly, s.today())
	for _, inv := range s.all(recordTypes["invoice"]) {
		if !s.recognisesRevenue(inv) {
			continue
		}
		start, end := s.revRecDates(inv)
		amount := inv.number("total")
		recognised := round2(amount * recognisedShare(start, end, today))
		status := "INPROGRESS"
		switch recognised {
		case 0:
			status = "NOTSTARTED"
		case amount:
			status = "COMPLETED"
		}
		row := map[string]suiteql.Value{"id": float64(len(t.Rows) + 1), "revenueplantype": "ACTUAL", "status": status,
			"createdfrom": s.cell(refValue{typ: "invoice", id: inv.id}), "salesorder": s.cell(inv.fields["createdFrom"]),
			"amount": amount, "totalrecognized": recognised, "remainingdeferredbalance": round2(amount - recognised),
			"revrecstartdate": start, "revrecenddate": end, "currency": s.cell(inv.fields["currency"])}
		t.Rows = append(t.Rows, dropNulls(row))
	}
	return t
}

func (s *store) recognisesRevenue(inv *record) bool {
	c, ok := inv.ref("entity")
	if !ok {
		return false
	}
	customer, ok := s.get(recordTypes["customer"], c.id)
	if !ok {
		return false
	}
	v := customer.fields[RevenueRecognitionField]
	return v == true || v == "T"
}

// revRecDates are the order's service dates, else the invoice's date.
func (s *store) revRecDates(inv *record) (start, end time.Time) {
	start, _ = time.Parse(time.DateOnly, inv.string("tranDate"))
	end = start
	from, ok := inv.ref("createdFrom")
	if !ok {
		return start, end
	}
	order, ok := s.get(recordTypes["salesorder"], from.id)
	if !ok {
		return start, end
	}
	if d, err := time.Parse(time.DateOnly, order.string("startDate")); err == nil {
		start, end = d, d
	}
	if d, err := time.Parse(time.DateOnly, order.string("endDate")); err == nil && !d.Before(start) {
		end = d
	}
	return start, end
}

// recognisedShare is the share of start…end (whole days, inclusive) that
// has passed by today, inclusive.
func recognisedShare(start, end, today time.Time) float64 {
	days := end.Sub(start).Hours()/24 + 1
	passed := today.Sub(start).Hours()/24 + 1
	return math.Max(0, math.Min(1, passed/days))
}
