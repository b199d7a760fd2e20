package drift

import (
	"context"
	"runtime"
	"slices"
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
	benchAudit(b, o, 2*n, a.Run, func(r *Report) {
		if c := r.Counts(accountsync.PairAccountCustomer); c.Compared != n || c.Differing != 1 {
			b.Fatalf("accounts: %+v, want %d compared, 1 differing", c, n)
		}
		if c := r.Counts(accountsync.PairContact); c.Compared != n || c.Differing != 0 {
			b.Fatalf("contacts: %+v, want %d compared, none differing", c, n)
		}
	})
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap_MiB")
}

// BenchmarkDriftAuditInvoices audits 300 invoice pairs (synced by the
// invoice job first), read as the invoice job reads them, and reports
// invoice pairs compared per second and API calls per 1,000 of them.
func BenchmarkDriftAuditInvoices(b *testing.B) {
	const n = 300
	o := newOrgs(b)
	cust := o.linkedCustomers(b, 1)[0]
	for range n {
		o.linkedInvoice(b, cust)
	}
	a := o.auditor(b, false)
	audit := func(ctx context.Context) (*Report, error) { return a.auditPairs(ctx, PairInvoice) }
	benchAudit(b, o, n, audit, func(r *Report) {
		if c := r.Counts(PairInvoice); c.Compared != n || c.Differing != 0 {
			b.Fatalf("invoices: %+v, want %d compared, none differing", c, n)
		}
	})
}

// benchAudit runs audit b.N times, checks each report, and reports pairs
// compared per second (pairs per run) and each side's API calls per 1,000.
func benchAudit(b *testing.B, o *orgs, pairsPerRun int, audit func(context.Context) (*Report, error), check func(*Report)) {
	ctx := context.Background()
	var pairs, sfCalls, nsCalls int
	var elapsed time.Duration
	b.ResetTimer()
	for range b.N {
		sfBefore, _ := o.sf.APIUsage()
		nsBefore := o.ns.Stats().Requests
		start := time.Now()
		r, err := audit(ctx)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		check(r)
		sfAfter, _ := o.sf.APIUsage()
		sfCalls += sfAfter - sfBefore
		nsCalls += o.ns.Stats().Requests - nsBefore
		pairs += pairsPerRun
	}
	b.StopTimer()
	b.ReportMetric(float64(pairs)/elapsed.Seconds(), "pairs/s")
	b.ReportMetric(float64(sfCalls)*1000/float64(pairs), "sf_calls/1000pairs")
	b.ReportMetric(float64(nsCalls)*1000/float64(pairs), "ns_calls/1000pairs")
}

// auditPairs audits the named pair types only, not stored as the last run.
func (a *Auditor) auditPairs(ctx context.Context, names ...string) (*Report, error) {
	r := newReport(time.Now().UTC(), a.cfg.Heal, a.cfg.Keep)
	for _, p := range a.pairs {
		if slices.Contains(names, p.pairName()) {
			if err := a.auditPair(ctx, p, r); err != nil {
				return r, err
			}
		}
	}
	return r, nil
}
