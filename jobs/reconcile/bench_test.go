package reconcile

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/benchproc"
	"github.com/tandem-sync/tandem/internal/testorgs"
	"github.com/tandem-sync/tandem/jobs/reconcile/reconciletest"
)

// sandboxProcessEnv makes the test binary the benchmark's sandbox process
// (see TestMain), seeded with that many opportunities: the benchmark then
// measures Tandem's heap alone.
const sandboxProcessEnv = "TANDEM_BENCH_F6_SANDBOXES"

func TestMain(m *testing.M) {
	if n := os.Getenv(sandboxProcessEnv); n != "" {
		if err := serveSandboxes(n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	os.Exit(m.Run())
}

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

// serveSandboxes serves both sandboxes seeded for the benchmark, prints
// their URLs and serves until stdin closes.
func serveSandboxes(count string) error {
	n, err := strconv.Atoi(count)
	if err != nil {
		return fmt.Errorf("%s=%q: %w", sandboxProcessEnv, count, err)
	}
	ns, nsURL, sf, sfURL, stop, err := testorgs.Serve(nssandbox.Config{ConcurrencyLimit: -1, Today: func() time.Time { return reconciletest.Today }})
	if err != nil {
		return err
	}
	defer stop()
	seeding := time.Now()
	orders, err := seed(sf, ns, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "sandbox process: seeded %d opportunities and %d orders in %s\n", n, orders, time.Since(seeding).Round(time.Millisecond))
	benchproc.Serve(nsURL, sfURL)
	return nil
}

// seed puts a quarter of n closed-won opportunities in the Salesforce
// sandbox and their orders in the NetSuite one (see BenchmarkF6Reconcile).
func seed(sf *sfsandbox.Server, ns *nssandbox.Server, n int) (orders int, err error) {
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var specs []nssandbox.OrderSpec
	for i := range n {
		day := start.AddDate(0, 0, i%92)
		id, err := reconciletest.Deal(sf, fmt.Sprintf("Bench deal %06d", i), "Closed Won", day.Format(time.DateOnly), "USD", 1000)
		if err != nil {
			return 0, fmt.Errorf("seeding opportunity %d: %w", i, err)
		}
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
	if _, err := ns.LoadOrders(specs); err != nil {
		return 0, fmt.Errorf("loading %d orders: %w", len(specs), err)
	}
	return len(specs), nil
}

// counting counts the requests a client sends.
type counting struct{ n atomic.Int64 }

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// profileAtPeaks writes a heap profile to TANDEM_BENCH_F6_HEAP_PROFILE
// (if set) at each peak a fifth above the last one written.
func profileAtPeaks() func(uint64) {
	path := os.Getenv("TANDEM_BENCH_F6_HEAP_PROFILE")
	if path == "" {
		return nil
	}
	var last uint64
	return func(v uint64) {
		if v <= last+last/5 {
			return
		}
		last = v
		if f, err := os.Create(path); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
}

// BenchmarkF6Reconcile reconciles a quarter of N closed-won opportunities
// (9 in 10 with a sales order, a third of those billed, half of those
// paid; one order in 100 without an opportunity) against both sandboxes,
// writing every opportunity's figures (the first run), then again (nothing
// changed). The sandboxes run in a child process, so the peak heap it
// reports is Tandem's alone. It reports wall time, API calls per 1,000
// opportunities on each side and that peak.
func BenchmarkF6Reconcile(b *testing.B) {
	n := benchSize(b)
	urls := benchproc.Child(b, sandboxProcessEnv, strconv.Itoa(n))
	if len(urls) != 2 {
		b.Fatalf("sandbox process said %q", urls)
	}
	nsCalls := &counting{}
	nsc := testorgs.NetSuiteClient(b, urls[0], &http.Client{Transport: nsCalls})
	sfc, err := salesforce.New(salesforce.Config{LoginURL: urls[1], ClientID: sfsandbox.DefaultClientID, ClientSecret: sfsandbox.DefaultClientSecret})
	if err != nil {
		b.Fatal(err)
	}
	p, _ := ParsePeriod("2026-Q4", 1)
	r := &Reconciler{Salesforce: sfc, NetSuite: NewNetSuiteReader(nsc), Reporting: "USD", BulkThreshold: 2000,
		Now: func() time.Time { return reconciletest.Today }}
	b.ResetTimer()
	for range b.N {
		for _, pass := range []string{"first", "again"} {
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			stop := benchproc.HeapPeak(profileAtPeaks())
			sfBefore, nsBefore := sfc.Limits().Used, nsCalls.n.Load()
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
			sfCalls, nsCalls := sfc.Limits().Used-sfBefore, int(nsCalls.n.Load()-nsBefore)
			perK := func(c int) float64 { return float64(c) * 1000 / float64(n) }
			b.ReportMetric(wall.Seconds(), pass+"_s")
			b.ReportMetric(perK(sfCalls), pass+"_sf_calls/1000_opps")
			b.ReportMetric(perK(nsCalls), pass+"_ns_calls/1000_opps")
			b.ReportMetric(float64(peak)/(1<<20), pass+"_peak_heap_MiB")
			b.Logf("%s run: %d opportunities (%d without an order), %d orders without one, %d written in %s: Salesforce %d calls (%d writes), NetSuite %d calls; Tandem's peak heap %.1f MiB (%.1f MiB before)",
				pass, s.Opportunities, s.WithoutOrder, s.OrdersWithoutOpp, s.Write.Written, wall.Round(time.Millisecond), sfCalls, s.Write.Calls, nsCalls,
				float64(peak)/(1<<20), float64(base.HeapAlloc)/(1<<20))
		}
	}
}
