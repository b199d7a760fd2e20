package reconcile

import (
	"context"
	"testing"

	"github.com/tandem-sync/tandem/jobs/reconcile/reconciletest"
)

// reconcilerOf reads both sandboxes, reporting in USD.
func reconcilerOf(sf *reconciletest.Salesforce, ns SuiteQLer) *Reconciler {
	return &Reconciler{Salesforce: sf.Client, NetSuite: NewNetSuiteReader(ns), Reporting: "USD", BulkThreshold: 2000}
}

// runAll runs a reconciliation and keeps its lines by opportunity id (by
// "SO <sales order id>" for orders without one).
func runAll(tb testing.TB, r *Reconciler, p Period, write bool) (*Summary, map[string]Line) {
	tb.Helper()
	got := map[string]Line{}
	s, err := r.Run(context.Background(), p, Options{Write: write}, func(l Line) error {
		key := l.OpportunityID
		if l.Kind == KindNoOpportunity {
			key = "SO " + l.SalesOrderID
		}
		got[key] = l
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s, got
}
