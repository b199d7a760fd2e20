package catalog

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/internal/benchproc"
	"github.com/tandem-sync/tandem/mapping"
)

// sandboxProcessEnv makes the test binary a sandbox server (see TestMain):
// the benchmark runs the sandboxes in a process of their own, so the heap
// it measures is Tandem's alone.
const sandboxProcessEnv = "TANDEM_CATALOG_BENCH_SANDBOXES"

func TestMain(m *testing.M) {
	if n := os.Getenv(sandboxProcessEnv); n != "" {
		serveSandboxes(n)
		return
	}
	os.Exit(m.Run())
}

// serveSandboxes serves a NetSuite sandbox seeded with n catalog items and
// a Salesforce sandbox, prints their URLs and serves until stdin closes.
func serveSandboxes(n string) {
	items, _ := strconv.Atoi(n)
	_, nsURL, _, sfURL, _ := startSandboxes(items)
	benchproc.Serve(nsURL, sfURL)
}

// sandboxProcess starts the sandboxes in a child process.
func sandboxProcess(b *testing.B, items int) (nsURL, sfURL string) {
	b.Helper()
	urls := benchproc.Child(b, sandboxProcessEnv, strconv.Itoa(items))
	if len(urls) != 2 {
		b.Fatalf("sandbox process said %q", urls)
	}
	return urls[0], urls[1]
}

// oneByOne writes each record in a call of its own: the naive way the
// benchmark compares Collections with.
type oneByOne struct{ *salesforce.Client }

func (c oneByOne) UpsertCollection(ctx context.Context, object, extField string, records []map[string]any, _ bool) ([]salesforce.UpsertResult, error) {
	out := make([]salesforce.UpsertResult, len(records))
	for i, r := range records {
		fields := map[string]any{}
		for k, v := range r {
			if k != extField {
				fields[k] = v
			}
		}
		res, err := c.Upsert(ctx, object, extField, fmt.Sprint(r[extField]), fields)
		if err != nil {
			res = salesforce.UpsertResult{Errors: []salesforce.RecordError{{StatusCode: "CALL_FAILED", Message: err.Error()}}}
		}
		out[i] = res
	}
	return out, nil
}

func (c oneByOne) UpdateCollection(ctx context.Context, object string, records []map[string]any) ([]salesforce.UpsertResult, error) {
	out := make([]salesforce.UpsertResult, len(records))
	for i, r := range records {
		fields := map[string]any{}
		for k, v := range r {
			if k != "Id" {
				fields[k] = v
			}
		}
		out[i] = salesforce.UpsertResult{ID: fmt.Sprint(r["Id"]), Success: true}
		if err := c.Update(ctx, object, fmt.Sprint(r["Id"]), fields); err != nil {
			out[i] = salesforce.UpsertResult{Errors: []salesforce.RecordError{{StatusCode: "CALL_FAILED", Message: err.Error()}}}
		}
	}
	return out, nil
}

// BenchmarkF4Catalog: a full sync of a 10,000-item catalog to three price
// books (the standard one and two custom ones: 40,000 records) in USD,
// against sandboxes in another process. It reports Salesforce calls and
// records written per write call, through sObject Collections and one
// call per record, NetSuite read calls per 1,000 items and the peak heap
// of this (Tandem's) process, through Bulk API 2.0 (one job per step,
// the default threshold of 2,000), sObject Collections and one call per
// record. CATALOG_BENCH_ITEMS changes the size.
func BenchmarkF4Catalog(b *testing.B) {
	items := 10000
	if n, err := strconv.Atoi(os.Getenv("CATALOG_BENCH_ITEMS")); err == nil && n > 0 {
		items = n
	}
	cfg := Config{ItemTypes: testConfig.ItemTypes, PriceLevels: []string{"1", "2", "3"}, Currencies: []string{"USD"}}
	for _, way := range []string{"bulk", "collections", "naive"} {
		b.Run(way, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				nsURL, sfURL := sandboxProcess(b, items)
				nsc, sfc := clients(b, nsURL, sfURL)
				maps, err := mapping.Load(mapping.Config{})
				if err != nil {
					b.Fatal(err)
				}
				var sf Salesforce = sfc
				if way == "naive" {
					sf = oneByOne{sfc}
				}
				cfg := cfg
				if way == "bulk" {
					cfg.BulkThreshold = 2000 // TANDEM_SF_BULK_THRESHOLD's default
				}
				s, err := NewSyncer(context.Background(), sf, nsc, maps, cfg, slog.Default())
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				stop := benchproc.HeapPeak(nil)
				before := sfc.Limits().Used
				b.StartTimer()
				start := time.Now()
				sum, err := s.Run(context.Background(), Scope{}, nil)
				wall := time.Since(start)
				b.StopTimer()
				peak := stop()
				if err != nil || sum.Failed != 0 {
					b.Fatalf("%v %v", err, sum.Err())
				}
				calls := sfc.Limits().Used - before
				writes := calls - (sum.SalesforceCalls - sum.SalesforceWrites) // less the reads
				written := sum.Created + sum.Updated + sum.Deactivated
				b.ReportMetric(float64(calls), "sf_calls")
				b.ReportMetric(float64(written)/float64(writes), "records/write_call")
				b.ReportMetric(float64(written)/float64(calls), "records/sf_call")
				b.ReportMetric(float64(sum.NetSuiteCalls)*1000/float64(sum.Items), "ns_calls/1000_items")
				b.ReportMetric(float64(peak)/(1<<20), "peak_heap_MiB")
				b.ReportMetric(wall.Seconds(), "wall_s")
				b.Logf("%s: %d items, %d records written in %s: %d Salesforce calls (%d writes), %d NetSuite calls, peak heap %.1f MiB (%.1f MiB before)",
					way, sum.Items, written, wall.Round(time.Millisecond), calls, writes, sum.NetSuiteCalls,
					float64(peak)/(1<<20), float64(base.HeapAlloc)/(1<<20))
			}
		})
	}
}
