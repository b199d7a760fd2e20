package jobs

import (
	"context"
	"errors"
	"math"
	"net/http/httptest"
	"testing"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/mapping"
)

// TestNetSuiteRatesFromTheSandbox reads the NetSuite sandbox's currencies
// (USD base, EUR 1.09, GBP 1.27) over real HTTP.
func TestNetSuiteRatesFromTheSandbox(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	ns, err := nssandbox.New(nssandbox.Config{BaseURL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	srv.Config.Handler = ns.Handler()
	srv.Start()
	defer srv.Close()
	client, err := netsuite.New(netsuite.Config{AccountID: nssandbox.DefaultAccountID, BaseURL: srv.URL, TBA: &netsuite.TBAConfig{
		ConsumerKey: nssandbox.DefaultConsumerKey, ConsumerSecret: nssandbox.DefaultConsumerSecret,
		TokenID: nssandbox.DefaultTokenID, TokenSecret: nssandbox.DefaultTokenSecret}})
	if err != nil {
		t.Fatal(err)
	}
	rates := NetSuiteRates{NetSuite: client}
	for _, tc := range []struct {
		from, to string
		want     float64
	}{{"EUR", "USD", 1.09}, {"USD", "EUR", 1 / 1.09}, {"GBP", "EUR", 1.27 / 1.09}, {"usd", "USD", 1}} {
		got, err := rates.Rate(context.Background(), tc.from, tc.to, "")
		if err != nil || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s→%s = %v, %v; want %v", tc.from, tc.to, got, err, tc.want)
		}
	}
	if _, err := rates.Rate(context.Background(), "EUR", "JPY", ""); !errors.Is(err, mapping.ErrNoRate) {
		t.Errorf("unknown currency: %v, want ErrNoRate", err)
	}
}
