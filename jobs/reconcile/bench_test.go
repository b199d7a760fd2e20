package reconcile

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/jobs/reconcile/reconciletest"
)

// benchSize is how many opportunities BenchmarkF6Reconcile reconciles:
// TANDEM_BENCH_F6_OPPORTUNITIES, default 10,000 (make bench: 100,000).
func benchSize(b *testing.B) int {
	n := 10000
	if s := os.Getenv("TANDEM_BENCH_F6_OPPORTUNITIES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("TANDEM_BENCH_F6_OPPORTUNITIES=%q", s)
		}
	}
	return n
}

// heapPeak samples the live heap every 10 ms until stopped; stop returns
// the highest sample. With TANDEM_BENCH_F6_HEAP_PROFILE=file it writes a
// heap profile there near each new peak, to tell Tandem's memory from the
// in-process sandboxes'.
func heapPeak() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak, lastProfile uint64
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak {
				peak = v
				if path := os.Getenv("TANDEM_BENCH_F6_HEAP_PROFILE"); path != "" && v > lastProfile+lastProfile/5 {
					lastProfile = v
					if f, err := os.Create(path); err == nil {
						_ = pprof.Lookup("heap").WriteTo(f, 0)
						f.Close()
					}
				}
			}
			select {
			case <-quit:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(quit); <-done; return peak }
}

// BenchmarkF6Reconcile reconciles a quarter of N closed-won opportunities
// (9 in 10 with a sales order, a third of those billed, half of those
// paid; one order in 100 without an opportunity) against both sandboxes,
// writing every opportunity's figures (the first run), then again (nothing
// changed). It reports wall time, API calls per 1,000 opportunities on
// each side and the peak heap: of the whole process, the sandboxes and
// their stores included, and above the heap before the run.
func BenchmarkF6Reconcile(b *testing.B) {
	n := benchSize(b)
	sf := reconciletest.StartSalesforce(b)
	ns := reconciletest.StartNetSuite(b, nssandbox.Seed{}, -1)
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var specs []nssandbox.OrderSpec
	seeding := time.Now()
	for i := range n {
		day := start.AddDate(0, 0, i%92)
		id := sf.Deal(b, fmt.Sprintf("Bench deal %06d", i), "Closed Won", day.Format(time.DateOnly), "USD", 1000)
		if i%10 == 9 {
			continue // no order
		}
		spec := nssandbox.OrderSpec{ExternalID: "SFOPP-" + id, Customer: "102", Date: day, Amount: 1000}
		if i%3 == 0 {
			spec.Billed = 1000
			if i%2 == 0 {
				spec.Paid = 1000
			}
		}
		specs = append(specs, spec)
		if i%100 == 0 {
			specs = append(specs, nssandbox.OrderSpec{Customer: "102", Date: day, Amount: 70})
		}
	}
	if _, err := ns.Account.LoadOrders(specs); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d opportunities and %d orders in %s", n, len(specs), time.Since(seeding).Round(time.Millisecond))
	p, _ := ParsePeriod("2026-Q4", 1)
	r := reconcilerOf(sf, ns.Client)
	r.Now = func() time.Time { return reconciletest.Today }
	b.ResetTimer()
	for range b.N {
		for _, pass := range []string{"first", "again"} {
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			stop := heapPeak()
			sfBefore := sf.Client.Limits().Used
			ns.Account.ResetStats()
			began := time.Now()
			s, err := r.Run(context.Background(), p, Options{Write: true}, nil)
			wall := time.Since(began)
			peak := stop()
			if err != nil {
				b.Fatal(err)
			}
			if s.Opportunities != n || s.Write.Failed != 0 || (pass == "again" && s.Write.Changed != 0) {
				b.Fatalf("%s run: %d opportunities of %d, write %+v", pass, s.Opportunities, n, s.Write)
			}
			sfCalls, nsCalls := sf.Client.Limits().Used-sfBefore, ns.Account.Stats().Requests
			perK := func(c int) float64 { return float64(c) * 1000 / float64(n) }
			b.ReportMetric(wall.Seconds(), pass+"_s")
			b.ReportMetric(perK(sfCalls), pass+"_sf_calls/1000_opps")
			b.ReportMetric(perK(nsCalls), pass+"_ns_calls/1000_opps")
			b.ReportMetric(float64(peak)/(1<<20), pass+"_peak_heap_MiB")
			b.Logf("%s run: %d opportunities (%d without an order), %d orders without one, %d written in %s: Salesforce %d calls (%d writes), NetSuite %d calls; peak heap %.1f MiB, %.1f MiB above the %.1f MiB before",
				pass, s.Opportunities, s.WithoutOrder, s.OrdersWithoutOpp, s.Write.Written, wall.Round(time.Millisecond), sfCalls, s.Write.Calls, nsCalls,
				float64(peak)/(1<<20), float64(peak-min(peak, base.HeapAlloc))/(1<<20), float64(base.HeapAlloc)/(1<<20))
		}
	}
}
