package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/internal/metrics"
)

// BenchmarkF3Invoices invoices won deals' sales orders in NetSuite and
// reports invoices synced to Salesforce per second with the Salesforce
// sandbox answering each API request after 150 ms (a realistic round trip
// for a single-record write to a real org), and Salesforce calls per
// invoice beside the naive count: a flow that queried the account and the
// opportunity before writing would make two more calls for each (calls+2;
// it would also write each balance change on its own, which Tandem sends
// in the invoice's Composite request: 0.5 more per invoice here).
func BenchmarkF3Invoices(b *testing.B) {
	const (
		invoices  = 40
		sfLatency = 150 * time.Millisecond
	)
	h := startTandem(b, "TANDEM_SANDBOX_SF_LATENCY", sfLatency.String(), "TANDEM_SF_RATE_LIMIT", "2000",
		"TANDEM_WORKER_CONCURRENCY", "20", "TANDEM_LOG_LEVEL", "info")
	ns := h.nsREST()
	var rate, calls float64
	for i := 0; i < b.N; i++ {
		orders := h.wonOrders(invoices)
		before := h.metricSum(metrics.RemoteCallsTotal, map[string]string{"system": "salesforce"})
		start := time.Now()
		var ids []string
		for _, so := range orders {
			id, err := ns.Transform(b.Context(), "salesOrder", so, "invoice", nil)
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		for _, id := range ids {
			h.waitFor("invoice "+id+" in Salesforce", func() bool { return h.sfInvoice(id) != nil })
		}
		rate = float64(invoices) / time.Since(start).Seconds()
		h.settle()
		calls = (h.metricSum(metrics.RemoteCallsTotal, map[string]string{"system": "salesforce"}) - before) / invoices
	}
	b.ReportMetric(rate, "invoices/s")
	b.ReportMetric(calls, "sf_calls/invoice")
	b.ReportMetric(calls+2, "naive_sf_calls/invoice")
}

// wonOrders closes n deals on accounts with linked customers and returns
// their sales orders' internal ids, once F1 has written them all.
func (h *harness) wonOrders(n int) []string {
	h.t.Helper()
	sf := h.p.sandboxes.sf
	opps := h.newDealsWithLinkedCustomers(n)
	for _, id := range opps {
		h.closeWon(id)
	}
	orders := make([]string, 0, n)
	for _, id := range opps {
		var so string
		h.waitFor(fmt.Sprintf("sales order of %s", id), func() bool {
			o, _ := sf.Get("Opportunity", id)
			so = str(o, "NetSuite_Sales_Order_Id__c")
			return so != ""
		})
		orders = append(orders, so)
	}
	h.settle()
	return orders
}
