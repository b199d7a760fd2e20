package main

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkOnboarding onboards new, linked, confirmed customers with the
// Salesforce sandbox answering each API request after 150 ms (as F3's
// benchmark) and reports onboardings per second and Salesforce calls per
// onboarding (account, existing record, won opportunity, the upsert and
// one Composite call for the five Tasks and the status; the managers'
// users are read once a minute).
func BenchmarkOnboarding(b *testing.B) {
	const (
		customers = 40
		sfLatency = 150 * time.Millisecond
	)
	h := startTandem(b, "TANDEM_SANDBOX_SF_LATENCY", sfLatency.String(), "TANDEM_SF_RATE_LIMIT", "2000",
		"TANDEM_WORKER_CONCURRENCY", "20", "TANDEM_LOG_LEVEL", "info")
	var rate, sfCalls, nsCalls float64
	for i := 0; i < b.N; i++ {
		ids, incoming := h.linkedConfirmedCustomers(fmt.Sprintf("Bench %d", i), customers)
		took, sf, ns := h.onboardAll(ids, incoming)
		rate, sfCalls, nsCalls = customers/took.Seconds(), sf, ns
	}
	b.ReportMetric(rate, "onboardings/s")
	b.ReportMetric(sfCalls, "sf_calls/onboarding")
	b.ReportMetric(nsCalls, "ns_calls/onboarding")
}
