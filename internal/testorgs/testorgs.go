// Package testorgs serves both sandboxes over HTTP for tests and
// benchmarks, and builds Tandem's clients of them, as a deployment would
// reach the real systems.
package testorgs

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// Serve serves a NetSuite sandbox configured by ns (its BaseURL is the
// server's) and a default Salesforce sandbox. stop closes both; a
// benchmark may keep them for several runs.
func Serve(ns nssandbox.Config) (nsb *nssandbox.Server, nsURL string, sfb *sfsandbox.Server, sfURL string, stop func(), err error) {
	nsSrv := httptest.NewUnstartedServer(nil)
	ns.BaseURL = "http://" + nsSrv.Listener.Addr().String()
	if nsb, err = nssandbox.New(ns); err != nil {
		nsSrv.Close()
		return nil, "", nil, "", nil, err
	}
	nsSrv.Config.Handler = nsb.Handler()
	nsSrv.Start()
	sfSrv := httptest.NewUnstartedServer(nil)
	if sfb, err = sfsandbox.New(sfsandbox.Config{BaseURL: "http://" + sfSrv.Listener.Addr().String()}); err != nil {
		sfSrv.Close()
		nsSrv.Close()
		nsb.Close()
		return nil, "", nil, "", nil, err
	}
	sfSrv.Config.Handler = sfb.Handler()
	sfSrv.Start()
	return nsb, nsSrv.URL, sfb, sfSrv.URL, func() { sfSrv.Close(); sfb.Close(); nsSrv.Close(); nsb.Close() }, nil
}

// Clients are Tandem's clients of the two sandboxes, with their default
// credentials.
func Clients(tb testing.TB, nsURL, sfURL string) (*netsuite.Client, *salesforce.Client) {
	tb.Helper()
	nsc := NetSuiteClient(tb, nsURL, nil)
	sfc, err := salesforce.New(salesforce.Config{LoginURL: sfURL, ClientID: sfsandbox.DefaultClientID, ClientSecret: sfsandbox.DefaultClientSecret})
	if err != nil {
		tb.Fatal(err)
	}
	return nsc, sfc
}

// NetSuiteClient is Tandem's client of the NetSuite sandbox at nsURL,
// sending through hc (nil: a plain client), e.g. to count its calls.
func NetSuiteClient(tb testing.TB, nsURL string, hc *http.Client) *netsuite.Client {
	tb.Helper()
	nsc, err := netsuite.New(netsuite.Config{AccountID: nssandbox.DefaultAccountID, BaseURL: nsURL, HTTPClient: hc, TBA: &netsuite.TBAConfig{
		ConsumerKey: nssandbox.DefaultConsumerKey, ConsumerSecret: nssandbox.DefaultConsumerSecret,
		TokenID: nssandbox.DefaultTokenID, TokenSecret: nssandbox.DefaultTokenSecret}})
	if err != nil {
		tb.Fatal(err)
	}
	return nsc
}
