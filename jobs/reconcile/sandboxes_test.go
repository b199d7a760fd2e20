package reconcile

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// sfBench is a Salesforce sandbox served over HTTP and a client of it.
type sfBench struct {
	org    *sfsandbox.Server
	client *salesforce.Client
}

func newSFBench(tb testing.TB) *sfBench {
	tb.Helper()
	srv := httptest.NewUnstartedServer(nil)
	org, err := sfsandbox.New(sfsandbox.Config{BaseURL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		tb.Fatal(err)
	}
	srv.Config.Handler = org.Handler()
	srv.Start()
	tb.Cleanup(srv.Close)
	client, err := salesforce.New(salesforce.Config{LoginURL: srv.URL, ClientID: sfsandbox.DefaultClientID, ClientSecret: sfsandbox.DefaultClientSecret})
	if err != nil {
		tb.Fatal(err)
	}
	return &sfBench{org: org, client: client}
}

// deal creates an opportunity as the sales user would.
func (b *sfBench) deal(tb testing.TB, name, stage, closeDate, currency string, amount float64) string {
	tb.Helper()
	id, err := b.org.Create("Opportunity", map[string]any{"Name": name, "StageName": stage, "CloseDate": closeDate,
		"Amount": amount, "CurrencyIsoCode": currency}, b.org.SalesUser())
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

// reconciler reads both sandboxes.
func reconcilerOf(sf *sfBench, ns *nsBench) *Reconciler {
	return &Reconciler{Salesforce: sf.client, NetSuite: NewNetSuiteReader(ns.client), Reporting: "USD", BulkThreshold: 2000}
}

// runAll runs a reconciliation and keeps its lines by opportunity id (by
// sales order id for orders without one).
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
