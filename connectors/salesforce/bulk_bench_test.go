package salesforce_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// benchLoad is the catalog volume: 10,000 items in two price
// books is 40,000 Salesforce records.
const benchLoad = 40000

func benchRecords(n int) []map[string]any {
	recs := make([]map[string]any, n)
	for i := range recs {
		recs[i] = map[string]any{"NetSuite_Id__c": fmt.Sprintf("LOAD-%05d", i), "Name": fmt.Sprintf("Load account %d", i), "Phone": "+1 415 555 0100"}
	}
	return recs
}

// benchOrg is a sandbox with a default client (Bulk polls back off from 1 s to 20 s).
func benchOrg(b *testing.B) (*sandboxOrg, *salesforce.Client) {
	b.Helper()
	org := newSandboxOrg(b, sandbox.Config{APILimit: 1 << 30})
	sf, err := salesforce.New(salesforce.Config{LoginURL: org.url, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret})
	if err != nil {
		b.Fatal(err)
	}
	return org, sf
}

// BenchmarkBulkUpsert40k: 40,000 upserts through Bulk API 2.0 (goal: at
// most 30 API calls), with the wall time against the sandbox.
func BenchmarkBulkUpsert40k(b *testing.B) {
	benchUpsert(b, func(b *testing.B, sf *salesforce.Client, recs []map[string]any) ([]salesforce.UpsertResult, error) {
		return sf.BulkUpsert(b.Context(), "Account", "NetSuite_Id__c", recs)
	})
}

// BenchmarkCollectionsUpsert40k: the same load through sObject
// Collections calls of 200 records.
func BenchmarkCollectionsUpsert40k(b *testing.B) {
	benchUpsert(b, func(b *testing.B, sf *salesforce.Client, recs []map[string]any) ([]salesforce.UpsertResult, error) {
		var all []salesforce.UpsertResult
		for chunk := range slices.Chunk(recs, salesforce.MaxCollectionSize) {
			res, err := sf.UpsertCollection(b.Context(), "Account", "NetSuite_Id__c", chunk, false)
			if err != nil {
				return nil, err
			}
			all = append(all, res...)
		}
		return all, nil
	})
}

// benchUpsert writes benchLoad records with upsert on a fresh org each
// time and reports the API calls, records per call and seconds.
func benchUpsert(b *testing.B, upsert func(*testing.B, *salesforce.Client, []map[string]any) ([]salesforce.UpsertResult, error)) {
	recs := benchRecords(benchLoad)
	for b.Loop() {
		org, sf := benchOrg(b)
		start := time.Now()
		res, err := upsert(b, sf, recs)
		if err != nil {
			b.Fatal(err)
		}
		if bad := slices.IndexFunc(res, func(r salesforce.UpsertResult) bool { return !r.Success }); bad >= 0 || len(res) != benchLoad {
			b.Fatalf("%d results; first failed %d", len(res), bad)
		}
		calls := org.apiRequests.Load()
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(float64(benchLoad)/float64(calls), "records/call")
		b.ReportMetric(time.Since(start).Seconds(), "s")
	}
}
