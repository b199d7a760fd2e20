package reconcile

import (
	"context"
	"strings"
	"testing"
	"time"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/jobs/reconcile/reconciletest"
)

// TestBookingsVsBillingsAgainstTheSandboxes reconciles a quarter across
// both live sandboxes: a partly billed deal, a fully paid one, one whose
// order was cancelled, a EUR deal reported in USD, a deal without a sales
// order and an order without a deal. It checks every figure of the lines,
// the totals and the fields written back, and that a second run writes
// nothing.
func TestBookingsVsBillingsAgainstTheSandboxes(t *testing.T) {
	sf, ns := reconciletest.StartSalesforce(t), newNSBench(t, nssandbox.Seed{})

	partly := sf.Deal(t, "Partly billed", "Closed Won", "2026-10-05", "USD", 1000)
	ns.transform(t, "salesOrder", ns.order(t, "SFOPP-"+partly, "102", "2026-10-05", 10, 100, nil), "invoice",
		map[string]any{"item": lines(map[string]any{"orderLine": 1, "quantity": 4})}) // 400 of 1,000

	paid := sf.Deal(t, "Fully paid", "Closed Won", "2026-10-06", "USD", 1000)
	inv := ns.transform(t, "salesOrder", ns.order(t, "SFOPP-"+paid, "102", "2026-10-06", 5, 200, nil), "invoice", nil)
	ns.transform(t, "invoice", inv, "customerPayment", map[string]any{"payment": 1000})

	cancelled := sf.Deal(t, "Cancelled", "Closed Won", "2026-11-02", "USD", 300)
	ns.order(t, "SFOPP-"+cancelled, "102", "2026-11-02", 1, 300, map[string]any{"orderStatus": ref("C")})

	euros := sf.Deal(t, "Euro deal", "Closed Won", "2026-11-03", "EUR", 500)
	inv = ns.transform(t, "salesOrder", ns.order(t, "SFOPP-"+euros, "102", "2026-11-03", 5, 100,
		map[string]any{"currency": ref("4")}), "invoice", nil)
	ns.transform(t, "invoice", inv, "customerPayment", map[string]any{"payment": 200})

	noOrder := sf.Deal(t, "No order yet", "Closed Won", "2026-12-01", "USD", 250)
	orphan := ns.order(t, "", "102", "2026-12-02", 1, 70, nil)

	sf.Deal(t, "Lost", "Closed Lost", "2026-10-10", "USD", 999)            // not won
	sf.Deal(t, "Last quarter", "Closed Won", "2026-09-30", "USD", 999)     // another period
	sf.Deal(t, "Still open", "Negotiation/Review", "2026-12-10", "USD", 9) // not closed

	p, err := ParsePeriod("2026-Q4", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckFiscalYear(context.Background(), sf.Client, 1); err != nil {
		t.Errorf("the org's fiscal year starts in January: %v", err)
	}
	if err := CheckFiscalYear(context.Background(), sf.Client, 4); err == nil || !strings.Contains(err.Error(), "starts in month 1") {
		t.Errorf("an April start against the org's January: %v", err)
	}
	r := reconcilerOf(sf, ns.client)
	r.Now = func() time.Time { return today }
	s, got := runAll(t, r, p, true)

	const eur = 1.1009 // NetSuite's EUR→USD rate on 2026-11-15 (the reader's test)
	usd := func(f Figures) Figures { return f.withGaps() }
	want := map[string]Line{
		partly: {Kind: KindMatched, Currency: "USD", ForecastCategory: "Closed", Date: "2026-10-05",
			Deal: usd(Figures{Booked: 1000, Ordered: 1000, Billed: 400})},
		paid: {Kind: KindMatched, Currency: "USD", ForecastCategory: "Closed", Date: "2026-10-06",
			Deal: usd(Figures{Booked: 1000, Ordered: 1000, Billed: 1000, Paid: 1000})},
		cancelled: {Kind: KindMatched, Currency: "USD", ForecastCategory: "Closed", Date: "2026-11-02", Cancelled: true,
			Deal: usd(Figures{Booked: 300})},
		euros: {Kind: KindMatched, Currency: "EUR", ForecastCategory: "Closed", Date: "2026-11-03",
			Deal: usd(Figures{Booked: 500, Ordered: 500, Billed: 500, Paid: 200})},
		noOrder: {Kind: KindNoOrder, Currency: "USD", ForecastCategory: "Closed", Date: "2026-12-01",
			Deal: usd(Figures{Booked: 250})},
		"SO " + orphan: {Kind: KindNoOpportunity, Currency: "USD", ForecastCategory: NoOpportunityCategory, Date: "2026-12-02",
			Deal: usd(Figures{Ordered: 70})},
	}
	if len(got) != len(want) {
		t.Errorf("%d lines, want %d: %+v", len(got), len(want), got)
	}
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			t.Errorf("no line for %s", key)
			continue
		}
		if g.Kind != w.Kind || g.Currency != w.Currency || g.ForecastCategory != w.ForecastCategory || g.Date != w.Date ||
			g.Cancelled != w.Cancelled || g.Deal != w.Deal {
			t.Errorf("%s:\n got %s %s %s %s cancelled=%v %+v\nwant %s %s %s %s cancelled=%v %+v", key,
				g.Kind, g.Currency, g.ForecastCategory, g.Date, g.Cancelled, g.Deal, w.Kind, w.Currency, w.ForecastCategory, w.Date, w.Cancelled, w.Deal)
		}
		rate := 1.0
		if w.Currency == "EUR" {
			rate = eur
		}
		if wr := w.Deal.scaled(rate); g.Reporting != wr {
			t.Errorf("%s in USD: %+v, want %+v", key, g.Reporting, wr)
		}
	}
	if e := got[euros].Reporting; e.Booked != 550.45 || e.Paid != 220.18 {
		t.Errorf("the EUR deal in USD: %+v, want booked 550.45, paid 220.18", e)
	}

	// totals, in USD: 1,000 + 1,000 + 300 + 550.45 + 250 booked
	wantTotal := Totals{Lines: 6, Booked: 3100.45, Ordered: 2620.45, Billed: 1950.45, Paid: 1220.18,
		BookingGap: 1150, OrderGap: 480, Unpaid: 730.27}
	if s.Total != wantTotal {
		t.Errorf("total %+v\n want %+v", s.Total, wantTotal)
	}
	if s.Opportunities != 5 || s.WithoutOrder != 1 || s.OrdersWithoutOpp != 1 {
		t.Errorf("counts: %d opportunities, %d without order, %d orders without one", s.Opportunities, s.WithoutOrder, s.OrdersWithoutOpp)
	}
	if c := s.ByCategory["Closed"]; c == nil || c.Lines != 5 || c.Booked != 3100.45 {
		t.Errorf("Closed category %+v", c)
	}
	if c := s.ByCurrency["EUR"]; c == nil || c.Lines != 1 || c.Billed != 550.45 {
		t.Errorf("EUR currency %+v", c)
	}
	if o := s.ByOwner[sf.Org.SalesUser().Name]; o == nil || o.Lines != 5 {
		t.Errorf("owner totals %+v", s.ByOwner)
	}
	months := s.MonthTotals(p)
	if len(months) != 3 || months[0].Booked["Closed"] != 2000 || months[0].Billed["Closed"] != 1400 ||
		months[1].Booked["Closed"] != 850.45 || months[2].Billed[NoOpportunityCategory] != 0 || months[2].Booked["Closed"] != 250 {
		t.Errorf("month totals %+v", months)
	}

	// written back: every won opportunity of the quarter, in its currency
	if w := s.Write; w == nil || w.Changed != 5 || w.Written != 5 || w.Failed != 0 || w.Calls != 1 {
		t.Errorf("write: %+v", s.Write)
	}
	fields := map[string]map[string]any{
		partly:    {FieldOrdered: 1000.0, FieldBilled: 400.0, FieldPaid: 0.0, FieldGap: 600.0, FieldRecognised: nil},
		paid:      {FieldOrdered: 1000.0, FieldBilled: 1000.0, FieldPaid: 1000.0, FieldGap: 0.0},
		cancelled: {FieldOrdered: 0.0, FieldBilled: 0.0, FieldPaid: 0.0, FieldGap: 300.0},
		euros:     {FieldOrdered: 500.0, FieldBilled: 500.0, FieldPaid: 200.0, FieldGap: 0.0},
		noOrder:   {FieldOrdered: nil, FieldBilled: nil, FieldPaid: nil, FieldGap: 250.0},
	}
	for id, want := range fields {
		rec, ok := sf.Org.Get("Opportunity", id)
		if !ok {
			t.Fatalf("opportunity %s gone", id)
		}
		for f, w := range want {
			if g := rec[f]; !sameNumber(g, w) {
				t.Errorf("opportunity %s %s = %v, want %v", id, f, g, w)
			}
		}
		if rec[FieldLastReconciled] == nil {
			t.Errorf("opportunity %s: no %s", id, FieldLastReconciled)
		}
	}

	// nothing changed: a second run reads and writes nothing
	s, _ = runAll(t, r, p, true)
	if w := s.Write; w == nil || w.Changed != 0 || w.Calls != 0 {
		t.Errorf("second run wrote: %+v", s.Write)
	}
	if s.Total != wantTotal {
		t.Errorf("second run total %+v", s.Total)
	}
}

// sameNumber compares a sandbox field (float64, int or nil) with want.
func sameNumber(got, want any) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	var g float64
	switch v := got.(type) {
	case float64:
		g = v
	case int:
		g = float64(v)
	default:
		return false
	}
	return g == want.(float64)
}

// TestBookingsVsBillingsSingleCurrencyOrg: in an org without multi-currency
// (no CurrencyIsoCode anywhere) the SOQL names no currency and a deal is
// taken to be in its order's currency.
func TestBookingsVsBillingsSingleCurrencyOrg(t *testing.T) {
	sf := reconciletest.StartSalesforceWith(t, sfsandbox.Config{SingleCurrency: true})
	ns := newNSBench(t, nssandbox.Seed{})
	deal := sf.Deal(t, "Single currency", "Closed Won", "2026-10-05", "", 800)
	ns.transform(t, "salesOrder", ns.order(t, "SFOPP-"+deal, "102", "2026-10-05", 8, 100, nil), "invoice", nil)
	p, _ := ParsePeriod("2026-Q4", 1)
	r := reconcilerOf(sf, ns.client)
	r.Now = func() time.Time { return today }
	s, got := runAll(t, r, p, true)
	l := got[deal]
	if l.Kind != KindMatched || l.Currency != "USD" || l.Deal.Booked != 800 || l.Deal.Billed != 800 || l.Deal.BookingGap != 0 {
		t.Errorf("the deal's line: %+v", l)
	}
	if s.Write == nil || s.Write.Written != 1 {
		t.Errorf("write: %+v", s.Write)
	}
	if rec, _ := sf.Org.Get("Opportunity", deal); rec[FieldBilled] != 800.0 {
		t.Errorf("NetSuite_Billed__c = %v, want 800", rec[FieldBilled])
	}
}
