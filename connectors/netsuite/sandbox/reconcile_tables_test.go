package sandbox

import (
	"net/http"
	"testing"
	"time"
)

// rows runs a SuiteQL query and returns its items.
func (l *ledger) rows(q string, params ...any) []map[string]any {
	l.t.Helper()
	res := l.do(http.MethodPost, suiteqlPath, query(q, params...))
	if res.status != http.StatusOK {
		l.t.Fatalf("%s: %d %s", q, res.status, res.raw)
	}
	var out []map[string]any
	for _, it := range res.body["items"].([]any) {
		m := it.(map[string]any)
		delete(m, "links")
		out = append(out, m)
	}
	return out
}

// TestSuiteQLJoinsOrdersToBillingAndPayments joins a sales order with its
// invoices and what is applied to them over HTTP, as a reconciliation does.
func TestSuiteQLJoinsOrdersToBillingAndPayments(t *testing.T) {
	l := newLedger(t, Config{})
	so := l.order() // 1,100
	l.patch("salesOrder", so, map[string]any{"externalId": "SFOPP-006A"})
	first := l.transform("salesOrder", so, "invoice", map[string]any{"item": items(
		map[string]any{"orderLine": 1, "quantity": 4}, map[string]any{"orderLine": 2, "quantity": 0})}) // 400
	second := l.transform("salesOrder", so, "invoice", nil) // the rest: 6 × 100 + 2 × 50 = 700
	pay := l.transform("invoice", first, "customerPayment", map[string]any{"payment": 250})
	credit := l.transform("invoice", second, "creditMemo", map[string]any{"item": items(
		map[string]any{"item": ref1("1002"), "quantity": 1, "rate": 50})})
	other := l.order() // no external id, not billed

	// the links, each as NetSuite's tables show them
	links := l.rows("SELECT previousdoc, previoustype, previousline, nextdoc, nexttype, linktype, foreignamount " +
		"FROM nexttransactionlinelink ORDER BY nextdoc, nextline")
	want := []map[string]any{
		{"previousdoc": so, "previoustype": "SalesOrd", "previousline": "1", "nextdoc": first, "nexttype": "CustInvc", "linktype": "OrdBill", "foreignamount": "400"},
		{"previousdoc": so, "previoustype": "SalesOrd", "previousline": "1", "nextdoc": second, "nexttype": "CustInvc", "linktype": "OrdBill", "foreignamount": "600"},
		{"previousdoc": so, "previoustype": "SalesOrd", "previousline": "2", "nextdoc": second, "nexttype": "CustInvc", "linktype": "OrdBill", "foreignamount": "100"},
		{"previousdoc": first, "previoustype": "CustInvc", "previousline": "0", "nextdoc": pay, "nexttype": "CustPymt", "linktype": "Payment", "foreignamount": "250"},
		{"previousdoc": second, "previoustype": "CustInvc", "previousline": "0", "nextdoc": credit, "nexttype": "CustCred", "linktype": "Payment", "foreignamount": "50"},
	}
	assertRows(t, "links", links, want)
	if back := l.rows("SELECT COUNT(*) AS n FROM previoustransactionlinelink"); back[0]["n"] != "5" {
		t.Errorf("previoustransactionlinelink has %v links, want the same 5", back[0]["n"])
	}

	// per order: ordered, invoiced, applied, in one joined query
	got := l.rows("SELECT so.id, so.externalid, cur.symbol AS currency, so.foreigntotal AS ordered, " +
		"NVL(SUM(inv.foreigntotal), 0) AS invoiced, NVL(SUM(inv.foreignamountpaid), 0) AS applied, COUNT(inv.id) AS invoices " +
		"FROM transaction so JOIN currency cur ON cur.id = so.currency " +
		"LEFT JOIN transaction inv ON inv.createdfrom = so.id AND inv.type = 'CustInvc' " +
		"WHERE so.type = 'SalesOrd' GROUP BY so.id, so.externalid, cur.symbol, so.foreigntotal ORDER BY so.id")
	assertRows(t, "orders", got, []map[string]any{
		{"id": so, "externalid": "SFOPP-006A", "currency": "USD", "ordered": "1100", "invoiced": "1100", "applied": "300", "invoices": "2"},
		{"id": other, "currency": "USD", "ordered": "1100", "invoiced": "0", "applied": "0", "invoices": "0"},
	})

	// credits per order through the links, with a pivot by CASE
	got = l.rows("SELECT so.id, SUM(CASE WHEN l.nexttype = 'CustCred' THEN l.foreignamount ELSE 0 END) AS credited, "+
		"SUM(CASE WHEN l.nexttype = 'CustPymt' THEN l.foreignamount ELSE 0 END) AS paid "+
		"FROM transaction so INNER JOIN transaction inv ON inv.createdfrom = so.id "+
		"INNER JOIN nexttransactionlinelink l ON l.previousdoc = inv.id AND l.linktype = 'Payment' "+
		"WHERE so.externalid IN (?, ?) GROUP BY so.id", "SFOPP-006A", "SFOPP-none")
	assertRows(t, "credits", got, []map[string]any{{"id": so, "credited": "50", "paid": "250"}})

	// an unqualified column both tables have is refused, as Oracle does
	res := l.do(http.MethodPost, suiteqlPath, query("SELECT id FROM transaction so JOIN transactionline tl ON tl.transaction = so.id"))
	if res.status != http.StatusBadRequest || errorCode(res.body) != codeInvalidParameter {
		t.Errorf("ambiguous column: %d %s", res.status, res.raw)
	}
}

// TestCancelledOrderStatus: a sales order can be cancelled or closed, and
// SuiteQL shows it (SalesOrd:C, SalesOrd:H).
func TestCancelledOrderStatus(t *testing.T) {
	l := newLedger(t, Config{})
	so := l.order()
	l.patch("salesOrder", so, map[string]any{"orderStatus": map[string]any{"id": "C"}})
	got := l.rows("SELECT status, BUILTIN.DF(status) AS label FROM transaction WHERE id = ? AND status = 'SalesOrd:C'", so)
	assertRows(t, "cancelled", got, []map[string]any{{"status": "C", "label": "Sales Order : Cancelled"}})
	res := l.do(http.MethodPost, recordPath+"salesOrder/"+so+"/!transform/invoice", nil)
	if res.status != http.StatusBadRequest {
		t.Errorf("billing a cancelled order: %d %s", res.status, res.raw)
	}
}

// TestCurrencyRatesAndRevenueStandIn reads currencyrate and the revenue
// recognition stand-in (revenueplan) over SuiteQL.
func TestCurrencyRatesAndRevenueStandIn(t *testing.T) {
	l := newLedger(t, Config{}) // today: 2026-03-10
	got := l.rows("SELECT t.symbol AS cur, r.exchangerate, TO_CHAR(r.effectivedate, 'YYYY-MM-DD') AS day FROM currencyrate r " +
		"JOIN currency b ON b.id = r.basecurrency JOIN currency t ON t.id = r.transactioncurrency " +
		"WHERE b.symbol = 'USD' AND r.effectivedate <= TO_DATE('2026-03-10', 'YYYY-MM-DD') AND r.effectivedate >= TO_DATE('2026-03-01', 'YYYY-MM-DD') " +
		"ORDER BY t.symbol")
	// March 2026 is month 26: drift 1 + 0.005 × (26 mod 5 − 2) = 0.995
	assertRows(t, "rates", got, []map[string]any{
		{"cur": "CAD", "exchangerate": "0.7363", "day": "2026-03-01"},
		{"cur": "EUR", "exchangerate": "1.08455", "day": "2026-03-01"},
		{"cur": "GBP", "exchangerate": "1.26365", "day": "2026-03-01"},
	})

	l.patch("customer", "102", map[string]any{RevenueRecognitionField: true})
	so := l.order()
	// a year's service from 2026-01-01: by 2026-03-10, 69 of 365 days
	l.patch("salesOrder", so, map[string]any{"startDate": "2026-01-01", "endDate": "2026-12-31"})
	inv := l.transform("salesOrder", so, "invoice", nil)
	plain := l.transform("salesOrder", l.created("salesOrder", map[string]any{"entity": ref1("103"),
		"item": items(map[string]any{"item": ref1("1001"), "quantity": 1, "rate": 10})}), "invoice", nil)
	got = l.rows("SELECT createdfrom, salesorder, amount, totalrecognized, remainingdeferredbalance, status FROM revenueplan")
	assertRows(t, "plans", got, []map[string]any{{"createdfrom": inv, "salesorder": so, "amount": "1100",
		"totalrecognized": "207.95", "remainingdeferredbalance": "892.05", "status": "INPROGRESS"}})
	_ = plain // customer 103 has no revenue recognition: no plan

	l.clock.Advance(365 * 24 * time.Hour)
	if got := l.rows("SELECT totalrecognized, status FROM revenueplan"); got[0]["totalrecognized"] != "1100" || got[0]["status"] != "COMPLETED" {
		t.Errorf("a year on: %v", got)
	}
}

func assertRows(t *testing.T, what string, got, want []map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows %v, want %d %v", what, len(got), got, len(want), want)
	}
	for i := range want {
		for k, v := range want[i] {
			if got[i][k] != v {
				t.Errorf("%s row %d: %s = %v, want %v (row %v)", what, i, k, got[i][k], v, got[i])
			}
		}
		if len(got[i]) != len(want[i]) {
			t.Errorf("%s row %d: columns %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestLoadOrders: the bulk loader makes the same orders, invoices and
// payments the REST flows do, as SuiteQL reads them.
func TestLoadOrders(t *testing.T) {
	l := newLedger(t, Config{})
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	ids, err := l.srv.LoadOrders([]OrderSpec{
		{ExternalID: "SFOPP-1", Customer: "102", Date: day, Amount: 100, Billed: 100, Paid: 40},
		{ExternalID: "SFOPP-2", Customer: "102", Currency: "2", Date: day, Amount: 50, Status: "H"},
	})
	if err != nil || len(ids) != 2 {
		t.Fatalf("LoadOrders: %v %v", ids, err)
	}
	got := l.rows("SELECT so.externalid, so.status, so.currency, so.foreigntotal, inv.foreigntotal AS billed, "+
		"inv.foreignamountpaid AS paid, inv.status AS invstatus FROM transaction so "+
		"LEFT JOIN transaction inv ON inv.createdfrom = so.id WHERE so.id IN (?, ?) ORDER BY so.id", ids[0], ids[1])
	assertRows(t, "loaded", got, []map[string]any{
		{"externalid": "SFOPP-1", "status": "B", "currency": "1", "foreigntotal": "100", "billed": "100", "paid": "40", "invstatus": "A"},
		{"externalid": "SFOPP-2", "status": "H", "currency": "2", "foreigntotal": "50"},
	})
	if _, err := l.srv.LoadOrders([]OrderSpec{{Customer: "999", Date: day, Amount: 1}}); err == nil {
		t.Error("an order for a customer that does not exist: no error")
	}
}
