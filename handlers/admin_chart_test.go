package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/openapitest"
	"github.com/tandem-sync/tandem/jobs/reconcile"
)

// chartPeriod and chartMonths are the report the chart tests draw: a
// closed-won deal a user left in Commit, one in a custom category whose
// name needs escaping, and a credit memo over an invoice.
const chartPeriod = "2026-Q4"

var chartMonths = []reconcile.MonthTotals{
	{Month: "2026-10",
		Booked: map[string]float64{"Closed": 420000, "Commit": 80000},
		Billed: map[string]float64{"Closed": 250000, "Commit": 80000}},
	{Month: "2026-11",
		Booked: map[string]float64{"Closed": 610000, "Best Case": 45000, `<Renewals & "Co">`: 30000},
		Billed: map[string]float64{"Closed": 300000, `<Renewals & "Co">`: -5000}},
	{Month: "2026-12",
		Booked: map[string]float64{"Closed": 150000, "Pipeline": 20000, "Omitted": 5000},
		Billed: map[string]float64{"Closed": 0, "Pipeline": 20000}},
}

// chartServer is Tandem's router with the admin API and the chart behind
// AdminAuth, over data.
func chartServer(t *testing.T, data ChartData) *httptest.Server {
	t.Helper()
	admin := NewAdmin(AdminDeps{Logger: logging.Discard(), BookingsChart: ChartHandler(data)})
	srv := httptest.NewServer(NewRouter(RouterDeps{Admin: admin, AdminAuth: AdminAuth(testAdminToken), Logger: logging.Discard()}))
	t.Cleanup(srv.Close)
	return srv
}

func fixedChartData(_ context.Context, period string) (string, []reconcile.MonthTotals, error) {
	if period != chartPeriod {
		return "USD", nil, nil
	}
	return "USD", chartMonths, nil
}

func TestChartRoutes(t *testing.T) {
	var asked []string
	srv := chartServer(t, func(ctx context.Context, period string) (string, []reconcile.MonthTotals, error) {
		asked = append(asked, period)
		if period == "2031-Q1" {
			return "", nil, errors.New("SuiteQL: 429 CONCURRENCY_LIMIT_EXCEEDED")
		}
		return fixedChartData(ctx, period)
	})
	for _, c := range []struct {
		name, path, token string
		status            int
		contentType       string
		contains          []string
	}{
		{"svg", PathAdminBookingsChart + "?period=2026-Q4", testAdminToken, 200, "image/svg+xml",
			[]string{`<svg xmlns="http://www.w3.org/2000/svg"`, `data-category="&lt;Renewals &amp; &#34;Co&#34;&gt;"`}},
		{"page", PathAdminBookingsPage + "?period=2026-Q4", testAdminToken, 200, "text/html; charset=utf-8",
			[]string{"<svg", `<th scope="row">2026-11</th><td>$ 685,000.00</td><td>$ 295,000.00</td><td>$ 390,000.00</td>`,
				`<th scope="row">Total</th><td>$ 1,360,000.00</td><td>$ 645,000.00</td><td>$ 715,000.00</td>`}},
		{"empty period", PathAdminBookingsChart + "?period=2027-01", testAdminToken, 200, "image/svg+xml",
			[]string{"No closed-won bookings or billings in 2027-01"}},
		{"no token", PathAdminBookingsPage + "?period=2026-Q4", "", 401, "application/json", []string{"TANDEM_ADMIN_TOKEN"}},
		{"no period", PathAdminBookingsChart, testAdminToken, 400, "application/json", []string{"e.g. 2026-Q4"}},
		{"bad period", PathAdminBookingsPage + "?period=2026-Q5%3Cscript%3E", testAdminToken, 400, "application/json", []string{`\"2026-Q5\u003cscript\u003e\"`}},
		{"report fails", PathAdminBookingsChart + "?period=2031-Q1", testAdminToken, 502, "application/json",
			[]string{"reading the bookings-vs-billings report for 2031-Q1: SuiteQL: 429 CONCURRENCY_LIMIT_EXCEEDED"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+c.path, nil)
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != c.contentType {
				t.Fatalf("%d %s, want %d %s: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), c.status, c.contentType, body)
			}
			for _, want := range c.contains {
				if !strings.Contains(string(body), want) {
					t.Errorf("answer lacks %q:\n%.2000s", want, body)
				}
			}
		})
	}
	if want := "2026-Q4 2026-Q4 2027-01 2031-Q1"; strings.Join(asked, " ") != want {
		t.Errorf("report read for %q, want %q (never for refused requests)", asked, want)
	}
}

// Without a data source the chart routes are not served.
func TestChartRoutesOffWithoutData(t *testing.T) {
	srv := httptest.NewServer(NewRouter(RouterDeps{Admin: NewAdmin(AdminDeps{}), AdminAuth: AdminAuth(testAdminToken)}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+PathAdminBookingsChart+"?period=2026-Q4", nil)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
}

// TestChartRoutesMatchTheSpec: every answer of the chart routes, good or
// refused, is what api/openapi.yaml says.
func TestChartRoutesMatchTheSpec(t *testing.T) {
	_, v := openapitest.Load(t)
	srv := chartServer(t, func(ctx context.Context, period string) (string, []reconcile.MonthTotals, error) {
		if period == "2031-Q1" {
			return "", nil, errors.New("SOQL: 503 SERVER_UNAVAILABLE")
		}
		return fixedChartData(ctx, period)
	})
	for _, path := range []string{PathAdminBookingsChart, PathAdminBookingsPage} {
		for query, want := range map[string]int{"?period=2026-Q4": 200, "?period=2026-11": 200, "?period=Q4": 400, "?period=2031-Q1": 502, "": 400} {
			for _, token := range []string{testAdminToken, ""} {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+path+query, nil)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				} else {
					want = http.StatusUnauthorized
				}
				openapitest.CheckedDo(t, v, req, want)
				if want == 200 {
					if ok, errs := v.ValidateHttpRequest(req); !ok {
						t.Errorf("GET %s%s: the request does not match the spec:\n%s", path, query, openapitest.Describe(errs))
					}
				}
			}
		}
	}
}
