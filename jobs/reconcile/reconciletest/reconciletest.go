// Package reconciletest starts the Salesforce and NetSuite sandboxes over
// HTTP, with clients of them, for the tests and benchmarks of F6 and of
// what serves its report.
package reconciletest

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/nstest"
)

// Today is the NetSuite account's date: revenue is recognised, and rates
// apply, up to it.
var Today = time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)

// Salesforce is a Salesforce sandbox served over HTTP and a client of it.
type Salesforce struct {
	Org    *sfsandbox.Server
	Client *salesforce.Client
}

// StartSalesforce serves a new Salesforce sandbox until the test ends.
func StartSalesforce(tb testing.TB) *Salesforce {
	tb.Helper()
	return StartSalesforceWith(tb, sfsandbox.Config{})
}

// StartSalesforceWith serves a Salesforce sandbox made from cfg (its
// BaseURL set to the server's) until the test ends.
func StartSalesforceWith(tb testing.TB, cfg sfsandbox.Config) *Salesforce {
	tb.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	org, err := sfsandbox.New(cfg)
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
	return &Salesforce{Org: org, Client: client}
}

// Deal creates an opportunity as the sales user would; currency "" sets none.
func (s *Salesforce) Deal(tb testing.TB, name, stage, closeDate, currency string, amount float64) string {
	tb.Helper()
	id, err := Deal(s.Org, name, stage, closeDate, currency, amount)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

// Deal creates an opportunity in org as the sales user would; currency ""
// sets none. Benchmarks seeding a sandbox in a process of its own use it.
func Deal(org *sfsandbox.Server, name, stage, closeDate, currency string, amount float64) (string, error) {
	fields := map[string]any{"Name": name, "StageName": stage, "CloseDate": closeDate, "Amount": amount}
	if currency != "" { // "" in a single-currency org
		fields["CurrencyIsoCode"] = currency
	}
	return org.Create("Opportunity", fields, org.SalesUser())
}

// NetSuite is a NetSuite sandbox served over HTTP and a client of it.
type NetSuite struct {
	Account *nssandbox.Server
	Client  *netsuite.Client
}

// StartNetSuite serves a new NetSuite sandbox, its date Today, until the
// test ends; concurrency -1 lifts the account's request limit (benchmarks).
func StartNetSuite(tb testing.TB, seed nssandbox.Seed, concurrency int) *NetSuite {
	tb.Helper()
	ns, client := nstest.Start(tb, nssandbox.Config{Seed: seed, ConcurrencyLimit: concurrency, Today: func() time.Time { return Today }})
	return &NetSuite{Account: ns, Client: client}
}

// Order puts a sales order of quantity × rate of item 1001 for customer
// 102, dated day; ext "" leaves its external id empty.
func (n *NetSuite) Order(tb testing.TB, ext, day string, quantity, rate float64, extra map[string]any) string {
	tb.Helper()
	rec := map[string]any{"entity": map[string]any{"id": "102"}, "tranDate": day,
		"item": map[string]any{"items": []any{map[string]any{"item": map[string]any{"id": "1001"}, "quantity": quantity, "rate": rate}}}}
	if ext != "" {
		rec["externalId"] = ext
	}
	for k, v := range extra {
		rec[k] = v
	}
	id, err := n.Account.Put("salesOrder", rec)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

// Invoice bills the whole order and returns the invoice's id.
func (n *NetSuite) Invoice(tb testing.TB, order string) string {
	tb.Helper()
	id, err := n.Account.Transform("salesOrder", order, "invoice", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}
