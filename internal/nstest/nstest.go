// Package nstest starts a NetSuite sandbox over real HTTP for tests, with
// a Tandem NetSuite client signed in to it by TBA.
package nstest

import (
	"net/http/httptest"
	"testing"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
)

// Start serves a sandbox made from cfg (its BaseURL set to the server's)
// until the test ends, and returns it with a client of it.
func Start(tb testing.TB, cfg nssandbox.Config) (*nssandbox.Server, *netsuite.Client) {
	tb.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	ns, err := nssandbox.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(ns.Close)
	srv.Config.Handler = ns.Handler()
	srv.Start()
	tb.Cleanup(srv.Close)
	client, err := netsuite.New(netsuite.Config{AccountID: nssandbox.DefaultAccountID, BaseURL: srv.URL, TBA: &netsuite.TBAConfig{
		ConsumerKey: nssandbox.DefaultConsumerKey, ConsumerSecret: nssandbox.DefaultConsumerSecret,
		TokenID: nssandbox.DefaultTokenID, TokenSecret: nssandbox.DefaultTokenSecret}})
	if err != nil {
		tb.Fatal(err)
	}
	return ns, client
}
