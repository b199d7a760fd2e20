package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/openapitest"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs/reconcile"
	"github.com/tandem-sync/tandem/jobs/reconcile/reconciletest"
)

// TestBookingsReportAgainstTheSandboxes serves the report from a real
// reconciliation of both sandboxes: JSON a page at a time through the
// cursor, every page with the same totals; CSV streamed; refusals for a
// bad period, page size or cursor; every answer as api/openapi.yaml says.
func TestBookingsReportAgainstTheSandboxes(t *testing.T) {
	sf, ns := reconciletest.StartSalesforce(t), reconciletest.StartNetSuite(t, nssandbox.Seed{}, 0)
	billed := sf.Deal(t, "Billed", "Closed Won", "2026-10-05", "USD", 1000)
	ns.Invoice(t, ns.Order(t, "SFOPP-"+billed, "2026-10-05", 10, 100, nil))
	unordered := sf.Deal(t, "Unordered", "Closed Won", "2026-11-05", "USD", 400)
	orphan := ns.Order(t, "", "2026-12-01", 1, 70, nil)
	r := &reconcile.Reconciler{Salesforce: sf.Client, NetSuite: reconcile.NewNetSuiteReader(ns.Client), Reporting: "USD"}
	report := &BookingsReport{
		Parse: func(s string) (reconcile.Period, error) { return reconcile.ParsePeriod(s, 1) },
		Run: func(ctx context.Context, p reconcile.Period, line func(reconcile.Line) error) (*reconcile.Summary, error) {
			return r.Run(ctx, p, reconcile.Options{}, line)
		},
		Snapshots: reconcile.Snapshots{Redis: testredis.New(t).Client}, Reporting: "USD",
	}
	srv := httptest.NewServer(NewRouter(RouterDeps{Admin: NewAdmin(AdminDeps{Logger: logging.Discard(), BookingsReport: report}),
		AdminAuth: AdminAuth(testAdminToken)}))
	defer srv.Close()
	_, v := openapitest.Load(t)
	get := func(query, accept string, want int) []byte {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+PathAdminBookingsReport+query, nil)
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		return openapitest.CheckedDo(t, v, req, want)
	}

	var kinds []string
	var pages int
	for query := "?period=2026-Q4&page_size=1"; query != ""; pages++ {
		var page BookingsPage
		if err := json.Unmarshal(get(query, "application/json", http.StatusOK), &page); err != nil {
			t.Fatal(err)
		}
		if page.TotalLines != 3 || page.Summary.Total.Booked != 1400 || page.Summary.Total.Billed != 1000 || page.Summary.Total.Ordered != 1070 ||
			page.Summary.OrdersWithoutOpp != 1 || page.Summary.WithoutOrder != 1 {
			t.Errorf("page %d: %d lines, summary %+v", pages, page.TotalLines, page.Summary)
		}
		for _, l := range page.Lines {
			kinds = append(kinds, l.Kind+" "+l.OpportunityID)
		}
		query = ""
		if page.NextCursor != "" {
			query = "?cursor=" + page.NextCursor + "&page_size=1"
		}
		if pages > 5 {
			t.Fatal("the cursor never ends")
		}
	}
	// opportunities in Id order (created in this order), then the orders without one
	want := []string{reconcile.KindMatched + " " + billed, reconcile.KindNoOrder + " " + unordered, reconcile.KindNoOpportunity + " "}
	if pages != 3 || !slices.Equal(kinds, want) {
		t.Errorf("%d pages, lines %v, want %v", pages, kinds, want)
	}

	rows, err := csv.NewReader(bytes.NewReader(get("?period=2026-Q4", "text/csv", http.StatusOK))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "kind" {
		t.Fatalf("CSV: %v", rows)
	}
	byID := map[string][]string{}
	for _, row := range rows[1:] {
		if row[1] != "" {
			byID[row[1]] = row
		} else {
			byID[row[6]] = row
		}
	}
	if row := byID[billed]; row == nil || row[10] != "1000.00" || row[12] != "1000.00" || row[15] != "0.00" {
		t.Errorf("CSV line of the billed deal: %v", row)
	}
	if row := byID[unordered]; row == nil || row[0] != reconcile.KindNoOrder || row[15] != "400.00" {
		t.Errorf("CSV line of the deal without an order: %v", row)
	}
	if row := byID[orphan]; row == nil || row[0] != reconcile.KindNoOpportunity || row[11] != "70.00" {
		t.Errorf("CSV line of the order without an opportunity: %v", row)
	}

	get("?period=2026-Q5", "", http.StatusBadRequest)
	get("", "", http.StatusBadRequest)
	get("?period=2026-Q4&page_size=0", "", http.StatusBadRequest)
	get("?cursor=bm90LWEtc25hcHNob3Q6MA", "", http.StatusBadRequest) // "not-a-snapshot:0"
	get("?cursor=%%%", "", http.StatusBadRequest)
}
