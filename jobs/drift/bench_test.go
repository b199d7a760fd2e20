package drift

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/jobs/accountsync"
)

// BenchmarkDriftAudit audits 1,000 linked account pairs and 1,000 contact
// pairs (synced by the flow first), one of them drifted in NetSuite, and
// reports pairs compared per second, API calls per 1,000 pairs on each
// side and the heap in use after the run.
func BenchmarkDriftAudit(b *testing.B) {
	const n = 1000
	o := newOrgs(b)
	ids := o.linkedCustomers(b, n)
	if err := o.ns.PutFields("customer", ids[n/2], map[string]any{"url": "https://moved.example"}); err != nil {
		b.Fatal(err)
	}
	a := o.auditor(b, false)
	ctx := context.Background()
	var pairs, sfCalls, nsCalls int
	var elapsed time.Duration
	b.ResetTimer()
	for range b.N {
		sfBefore, _ := o.sf.APIUsage()
		nsBefore := o.ns.Stats().Requests
		start := time.Now()
		r, err := a.Run(ctx)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if c := r.Counts(accountsync.PairAccountCustomer); c.Compared != n || c.Differing != 1 {
			b.Fatalf("accounts: %+v, want %d compared, 1 differing", c, n)
		}
		if c := r.Counts(accountsync.PairContact); c.Compared != n || c.Differing != 0 {
			b.Fatalf("contacts: %+v, want %d compared, none differing", c, n)
		}
		sfAfter, _ := o.sf.APIUsage()
		sfCalls += sfAfter - sfBefore
		nsCalls += o.ns.Stats().Requests - nsBefore
		pairs += 2 * n
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(pairs)/elapsed.Seconds(), "pairs/s")
	b.ReportMetric(float64(sfCalls)*1000/float64(pairs), "sf_calls/1000pairs")
	b.ReportMetric(float64(nsCalls)*1000/float64(pairs), "ns_calls/1000pairs")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap_MiB")
}
