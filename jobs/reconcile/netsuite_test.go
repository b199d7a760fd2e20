package reconcile

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/internal/nstest"
)

// nsBench is a NetSuite sandbox served over HTTP and a client of it.
type nsBench struct {
	ns     *nssandbox.Server
	client *netsuite.Client
}

// today is the NetSuite account's date in these tests: revenue is
// recognised up to it.
var today = time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)

func newNSBench(tb testing.TB, seed nssandbox.Seed) *nsBench {
	tb.Helper()
	ns, client := nstest.Start(tb, nssandbox.Config{Seed: seed, Today: func() time.Time { return today }})
	return &nsBench{ns: ns, client: client}
}

func (b *nsBench) put(t *testing.T, typ string, rec map[string]any) string {
	t.Helper()
	id, err := b.ns.Put(typ, rec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (b *nsBench) transform(t *testing.T, from, id, to string, body map[string]any) string {
	t.Helper()
	out, err := b.ns.Transform(from, id, to, body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ref(id string) map[string]any { return map[string]any{"id": id} }

func lines(ls ...map[string]any) map[string]any {
	items := make([]any, len(ls))
	for i, l := range ls {
		items[i] = l
	}
	return map[string]any{"items": items}
}

// order puts a sales order of quantity × rate of item 1001.
func (b *nsBench) order(t *testing.T, ext, customer, day string, quantity, rate float64, extra map[string]any) string {
	t.Helper()
	rec := map[string]any{"entity": ref(customer), "tranDate": day,
		"item": lines(map[string]any{"item": ref("1001"), "quantity": quantity, "rate": rate})}
	if ext != "" {
		rec["externalId"] = ext
	}
	for k, v := range extra {
		rec[k] = v
	}
	return b.put(t, "salesOrder", rec)
}

func float(f float64) *float64 { return &f }

// TestNetSuiteReaderAgainstTheSandbox reads a quarter's orders through
// SuiteQL from the live sandbox: partly billed, fully paid, credited,
// cancelled, in pounds, with revenue recognition, and one without an
// opportunity.
func TestNetSuiteReaderAgainstTheSandbox(t *testing.T) {
	b := newNSBench(t, nssandbox.Seed{})
	ctx := context.Background()
	// customer 103 recognises revenue (the sandbox's stand-in)
	b.put(t, "customer", map[string]any{"id": "103", RevenueRecognitionColumn: true})

	partly := b.order(t, "SFOPP-OPPA", "102", "2026-10-05", 10, 100, nil) // 1,000: 400 billed
	b.transform(t, "salesOrder", partly, "invoice", map[string]any{"item": lines(map[string]any{"orderLine": 1, "quantity": 4})})

	paid := b.order(t, "SFOPP-OPPB", "102", "2026-10-06", 5, 200, nil) // 1,000 billed and paid
	inv := b.transform(t, "salesOrder", paid, "invoice", nil)
	b.transform(t, "invoice", inv, "customerPayment", map[string]any{"payment": 1000})

	credited := b.order(t, "SFOPP-OPPC", "102", "2026-10-07", 5, 100, nil) // 500 billed, 100 credited, 400 paid
	inv = b.transform(t, "salesOrder", credited, "invoice", nil)
	b.transform(t, "invoice", inv, "creditMemo", map[string]any{"item": lines(map[string]any{"item": ref("1001"), "quantity": 1, "rate": 100})})
	b.transform(t, "invoice", inv, "customerPayment", map[string]any{"payment": 400})

	cancelled := b.order(t, "SFOPP-OPPD", "102", "2026-10-08", 1, 300, map[string]any{"orderStatus": ref("C")})

	pounds := b.order(t, "SFOPP-OPPE", "102", "2026-11-01", 2, 100, map[string]any{"currency": ref("2")}) // £200, £50 paid
	inv = b.transform(t, "salesOrder", pounds, "invoice", nil)
	b.transform(t, "invoice", inv, "customerPayment", map[string]any{"payment": 50})

	// a year's service from 2026-11-01, billed up front: 15 of 365 days recognised by 2026-11-15
	recognised := b.order(t, "SFOPP-OPPF", "103", "2026-11-02", 1, 3650,
		map[string]any{"startDate": "2026-11-01", "endDate": "2027-10-31"})
	b.transform(t, "salesOrder", recognised, "invoice", nil)

	orphan := b.order(t, "", "102", "2026-12-01", 1, 70, nil)         // no opportunity
	b.order(t, "SFOPP-OPPG", "102", "2026-09-30", 1, 10, nil)         // the quarter before
	legacy := b.order(t, "LEGACY-9", "103", "2026-12-02", 1, 80, nil) // another system's external id

	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	want := map[string]Actuals{
		"OPPA": {OpportunityID: "OPPA", SalesOrderID: partly, CustomerID: "102", Currency: "USD", Date: d("2026-10-05"), Ordered: 1000, Billed: 400},
		"OPPB": {OpportunityID: "OPPB", SalesOrderID: paid, CustomerID: "102", Currency: "USD", Date: d("2026-10-06"), Ordered: 1000, Billed: 1000, Paid: 1000},
		"OPPC": {OpportunityID: "OPPC", SalesOrderID: credited, CustomerID: "102", Currency: "USD", Date: d("2026-10-07"), Ordered: 500, Billed: 400, Paid: 400},
		"OPPD": {OpportunityID: "OPPD", SalesOrderID: cancelled, CustomerID: "102", Currency: "USD", Date: d("2026-10-08"), Cancelled: true, Ordered: 300},
		"OPPE": {OpportunityID: "OPPE", SalesOrderID: pounds, CustomerID: "102", Currency: "GBP", Date: d("2026-11-01"), Ordered: 200, Billed: 200, Paid: 50},
		"OPPF": {OpportunityID: "OPPF", SalesOrderID: recognised, CustomerID: "103", Currency: "GBP", // the customer's
			Date: d("2026-11-02"), Ordered: 3650, Billed: 3650, Recognised: float(150)},
	}
	r := NewNetSuiteReader(b.client)
	b.ns.ResetStats()
	got, err := r.ForOpportunities(ctx, []string{"OPPA", "OPPB", "OPPC", "OPPD", "OPPE", "OPPF", "OPPX"})
	if err != nil {
		t.Fatal(err)
	}
	if calls := b.ns.Stats().Requests; calls != 2 {
		t.Errorf("ForOpportunities made %d NetSuite calls, want 2 (orders, then credits)", calls)
	}
	if len(got) != len(want) {
		t.Errorf("ForOpportunities gave %d orders, want %d: %v", len(got), len(want), got)
	}
	for opp, w := range want {
		g := got[opp]
		w.TranID = g.TranID // the sandbox numbers them SO1…
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %+v (recognised %v)\nwant %+v (recognised %v)", opp, g, deref(g.Recognised), w, deref(w.Recognised))
		}
	}
	if g := got["OPPA"]; g.TranID == "" {
		t.Errorf("OPPA has no tranid: %+v", g)
	}

	// the quarter's orders, those without an opportunity among them
	var ids []string
	var orphans []Actuals
	q4 := Period{Name: "2026-Q4", Start: d("2026-10-01"), End: d("2027-01-01")}
	if err := r.Orders(ctx, q4, func(a Actuals) error {
		ids = append(ids, a.SalesOrderID)
		if a.OpportunityID == "" {
			orphans = append(orphans, a)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantIDs := []string{partly, paid, credited, cancelled, pounds, recognised, orphan, legacy}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("Q4 orders %v, want %v", ids, wantIDs)
	}
	if len(orphans) != 2 || orphans[0].SalesOrderID != orphan || orphans[0].Ordered != 70 ||
		orphans[1].SalesOrderID != legacy || orphans[1].Recognised == nil || *orphans[1].Recognised != 0 {
		t.Errorf("orders without an opportunity: %+v", orphans)
	}

	rates, err := r.Rates(ctx, "USD", today)
	if err != nil {
		t.Fatal(err)
	}
	// November 2026 is the sandbox's month 34: seeded rates × 1.01
	assertRates(t, "USD", rates, map[string]float64{"USD": 1, "GBP": 1.2827, "CAD": 0.7474, "EUR": 1.1009})
	rates, err = r.Rates(ctx, "CAD", today) // not a base currency: crossed through one
	if err != nil {
		t.Fatal(err)
	}
	// crossed through EUR, the first base currency by code: its own rate
	// to CAD carries that month's drift, the others' cancels out
	assertRates(t, "CAD", rates, map[string]float64{"CAD": 1, "USD": 1 / 0.74, "GBP": 1.27 / 0.74, "EUR": 1.09 / (0.74 * 1.01)})
	if _, err := r.Rates(ctx, "JPY", today); err == nil {
		t.Error("rates for JPY, which NetSuite does not have: no error")
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func assertRates(t *testing.T, reporting string, got, want map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s rates %v, want %v", reporting, got, want)
	}
	for cur, w := range want {
		if math.Abs(got[cur]-w) > 1e-5 { // rates have six decimals
			t.Errorf("%s rate of %s = %v, want %v", reporting, cur, got[cur], w)
		}
	}
}

func TestNetSuiteReaderRefusesMoreThanAPage(t *testing.T) {
	ids := make([]string, PageSize+1)
	if _, err := NewNetSuiteReader(nil).ForOpportunities(context.Background(), ids); err == nil {
		t.Fatal("1,001 opportunities in one call: no error")
	}
}

// BenchmarkNetSuiteReader reads 10,000 opportunities' orders (nine in ten
// billed, two in three of those paid) a page of 1,000 at a time, then the
// same orders by period, and reports NetSuite calls per 1,000.
func BenchmarkNetSuiteReader(b *testing.B) {
	const n = 10_000
	nb := newNSBench(b, nssandbox.Seed{Customers: 20})
	specs := make([]nssandbox.OrderSpec, n)
	opps := make([]string, n)
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := range specs {
		opps[i] = fmt.Sprintf("OPP%06d", i+1)
		amount := float64(1000 + i%500)
		specs[i] = nssandbox.OrderSpec{ExternalID: "SFOPP-" + opps[i], Customer: fmt.Sprint(102 + i%20), Date: day.AddDate(0, 0, i%90), Amount: amount}
		if i%10 != 0 {
			specs[i].Billed = amount
			if i%3 != 0 {
				specs[i].Paid = amount / 2
			}
		}
	}
	if _, err := nb.ns.LoadOrders(specs); err != nil {
		b.Fatal(err)
	}
	r := NewNetSuiteReader(nb.client)
	ctx := context.Background()
	b.Run("ForOpportunities", func(b *testing.B) {
		nb.ns.ResetStats()
		for b.Loop() {
			for from := 0; from < n; from += PageSize {
				got, err := r.ForOpportunities(ctx, opps[from:from+PageSize])
				if err != nil {
					b.Fatal(err)
				}
				if len(got) != PageSize {
					b.Fatalf("a page of %d opportunities found %d orders", PageSize, len(got))
				}
			}
		}
		b.ReportMetric(float64(nb.ns.Stats().Requests)/float64(b.N)/(n/1000), "calls/1000opps")
	})
	b.Run("Orders", func(b *testing.B) {
		nb.ns.ResetStats()
		q4 := Period{Name: "2026-Q4", Start: day, End: day.AddDate(0, 3, 0)}
		for b.Loop() {
			count := 0
			if err := r.Orders(ctx, q4, func(Actuals) error { count++; return nil }); err != nil {
				b.Fatal(err)
			}
			if count != n {
				b.Fatalf("Orders read %d orders, want %d", count, n)
			}
		}
		b.ReportMetric(float64(nb.ns.Stats().Requests)/float64(b.N)/(n/1000), "calls/1000orders")
	})
}
