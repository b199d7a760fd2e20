package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkF1SalesOrders closes deals in the Salesforce sandbox against a
// NetSuite sandbox with a concurrency limit of 5 and 100 ms latency per
// request, customers already linked, and reports sales orders per second
// beside the ceiling that limit allows (5 slots / (0.1 s x 2 calls) = 25/s:
// the upsert and the read-back of the order number), the 429s Tandem
// provoked and the NetSuite calls per sales order.
func BenchmarkF1SalesOrders(b *testing.B) {
	const (
		deals        = 300
		nsLimit      = 5
		nsLatency    = 100 * time.Millisecond
		minimalCalls = 2
	)
	h := startTandem(b,
		"TANDEM_SANDBOX_NS_LATENCY", nsLatency.String(), "TANDEM_SANDBOX_NS_CONCURRENCY", fmt.Sprint(nsLimit),
		"TANDEM_NS_CONCURRENCY", fmt.Sprint(nsLimit), "TANDEM_SF_RATE_LIMIT", "2000",
		"TANDEM_WORKER_CONCURRENCY", "20", "TANDEM_LOG_LEVEL", "info")
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	var rate, calls float64
	var provoked int
	for i := 0; i < b.N; i++ {
		opps := h.newDealsWithLinkedCustomers(deals)
		h.settle()
		ns.ResetStats()
		start := time.Now()
		for _, id := range opps {
			h.closeWon(id)
		}
		closed := time.Since(start)
		for _, id := range opps {
			h.waitFor("sales order of "+id, func() bool {
				o, _ := sf.Get("Opportunity", id)
				return str(o, "NetSuite_Sales_Order_Id__c") != ""
			})
		}
		elapsed := time.Since(start)
		st := ns.Stats()
		rate = float64(deals) / elapsed.Seconds()
		calls = float64(st.Requests) / deals
		provoked = st.Rejected429
		h.settle()
		if testing.Verbose() {
			b.Logf("first close %s, all closed after %s; timeline of writes:\n%s", start.Format(time.StampMilli), closed, writeTimeline(h.logs.String()))
		}
	}
	ceiling := float64(nsLimit) / (nsLatency.Seconds() * minimalCalls)
	b.ReportMetric(rate, "sales_orders/s")
	b.ReportMetric(ceiling, "ceiling/s")
	b.ReportMetric(rate/ceiling, "of_ceiling")
	b.ReportMetric(float64(provoked), "429s")
	b.ReportMetric(calls, "ns_calls/order")
}

// newDealsWithLinkedCustomers creates n open opportunities with two mapped
// lines each, on accounts whose NetSuite customers already exist.
func (h *harness) newDealsWithLinkedCustomers(n int) []string {
	h.t.Helper()
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	accounts, err := sf.Query("SELECT Id, Name, NetSuite_Id__c FROM Account ORDER BY Name")
	if err != nil {
		h.t.Fatal(err)
	}
	for _, a := range accounts {
		if str(a, "NetSuite_Id__c") != "" {
			continue
		}
		id, err := ns.Put("customer", map[string]any{"companyName": str(a, "Name"), "externalId": str(a, "Id"), "subsidiary": map[string]any{"id": "1"}})
		if err != nil {
			h.t.Fatal(err)
		}
		if err := sf.Update("Account", str(a, "Id"), map[string]any{"NetSuite_Id__c": id}, sf.IntegrationUser()); err != nil {
			h.t.Fatal(err)
		}
	}
	entries, err := sf.Query("SELECT Id, Product2Id FROM PricebookEntry WHERE CurrencyIsoCode = 'USD' AND Product2.NetSuite_Item_Id__c != null AND Pricebook2.IsStandard = true")
	if err != nil || len(entries) < 2 {
		h.t.Fatalf("price book entries: %d, %v", len(entries), err)
	}
	std, err := sf.Query("SELECT Id FROM Pricebook2 WHERE IsStandard = true")
	if err != nil || len(std) != 1 {
		h.t.Fatalf("standard price book: %v", err)
	}
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		acct := accounts[i%len(accounts)]
		id, err := sf.Create("Opportunity", map[string]any{
			"Name": fmt.Sprintf("%s bench deal %d", str(acct, "Name"), i), "StageName": "Negotiation/Review", "CloseDate": "2026-12-15",
			"AccountId": str(acct, "Id"), "CurrencyIsoCode": "USD", "Pricebook2Id": str(std[0], "Id"),
		}, sf.SalesUser())
		if err != nil {
			h.t.Fatal(err)
		}
		for j := 0; j < 2; j++ {
			e := entries[(i+j)%len(entries)]
			if _, err := sf.Create("OpportunityLineItem", map[string]any{"OpportunityId": id, "PricebookEntryId": str(e, "Id"), "Quantity": 1 + j, "UnitPrice": 100}, sf.SalesUser()); err != nil {
				h.t.Fatal(err)
			}
		}
		ids = append(ids, id)
	}
	return ids
}

// writeTimeline summarises when sales orders were written, from the logs.
func writeTimeline(logs string) string {
	var times []time.Time
	var accepted strings.Builder
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, "throttled") {
			fmt.Fprintf(&accepted, "\n%.300s", line)
		}
		if strings.Contains(line, `"outbound message accepted"`) && len(times) == 0 {
			fmt.Fprintf(&accepted, "%s; ", line[9:40])
		}
		if !strings.Contains(line, `"sales order written"`) {
			continue
		}
		var rec struct{ Time time.Time }
		if json.Unmarshal([]byte(line), &rec) == nil {
			times = append(times, rec.Time)
		}
	}
	if len(times) < 20 {
		return fmt.Sprintf("%d writes", len(times))
	}
	n := len(times)
	steady := times[n-11].Sub(times[10]).Seconds()
	return fmt.Sprintf("accepted before the first write: %s\n%d writes; first %s last %s; steady state (11th..%dth) %.1f/s",
		accepted.String(), n, times[0].Format(time.StampMilli), times[n-1].Format(time.StampMilli), n-10, float64(n-21)/steady)
}
