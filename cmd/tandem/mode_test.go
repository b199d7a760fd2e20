package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/config"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/jobs/salesorder"
)

// lookupOf is an environment of name, value pairs.
func lookupOf(pairs ...string) func(string) (string, bool) {
	env := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		env[pairs[i]] = pairs[i+1]
	}
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// Live mode refuses every value the sandboxes publish, naming the
// variable; sandbox mode takes them (the sandboxes send them).
func TestLiveModeRefusesEachSandboxValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, value string }{
		{"TANDEM_SF_ORG_IDS", sandboxOrgID},
		{"TANDEM_SF_ORG_IDS", "00D5e000000ACMEEA2," + sandboxOrgID[:15]},
		{"TANDEM_SF_EVENTS_TOKEN", sfsandbox.DefaultEventsToken},
		{"TANDEM_SF_EVENTS_SECRET", sfsandbox.DefaultEventsSecret},
		{"TANDEM_NS_WEBHOOK_SECRET", nssandbox.DefaultWebhookSecret},
		{"TANDEM_ADMIN_TOKEN", sandboxAdminToken},
		{"TANDEM_SF_OUTBOUND_TOKEN", sfsandbox.DefaultEventsToken}, // a published secret in any variable Tandem checks requests with
	} {
		for _, mode := range []string{"", config.ModeLive} {
			_, err := loadConfig(lookupOf(append(liveSystems, "TANDEM_MODE", mode, tt.name, tt.value)...))
			if err == nil || !strings.HasPrefix(err.Error(), tt.name+": ") || !strings.Contains(err.Error(), "live mode") {
				t.Errorf("live mode (TANDEM_MODE=%q), %s=%s: %v", mode, tt.name, tt.value, err)
			}
		}
		if cfg, err := loadConfig(lookupOf(tt.name, tt.value)); err != nil || cfg.Live() {
			t.Errorf("sandbox mode, %s=%s: %v", tt.name, tt.value, err)
		}
	}
	if _, err := loadConfig(lookupOf(append(liveSystems, "TANDEM_ADMIN_TOKEN", specAdminToken, "TANDEM_NS_WEBHOOK_SECRET", specNSSecret)...)); err != nil {
		t.Errorf("live mode with secrets of its own: %v", err)
	}
}

// Live mode starts no sandbox and serves none, even when the router is
// handed some.
func TestLiveModeMountsNoSandbox(t *testing.T) {
	t.Parallel()
	nowhere := "http://127.0.0.1:1" // nothing here calls the systems; if it did, it would fail
	h := startTandem(t, append(liveSystems, "TANDEM_SF_LOGIN_URL", nowhere, "TANDEM_NS_BASE_URL", nowhere, "TANDEM_NS_CONCURRENCY", "5")...)
	if !h.p.app.cfg.Live() || h.p.sandboxes.sf != nil || h.p.sandboxes.ns != nil {
		t.Fatalf("live mode started sandboxes: %+v", h.p.sandboxes)
	}
	sb, err := newSandboxes(h.p.app.cfg, h.p.app.log, "http://127.0.0.1:1", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer sb.close()
	handedSome := httptest.NewServer(h.p.app.router(h.p.app.enqueuer(), sb))
	defer handedSome.Close()
	sandboxMode := startTandem(t)
	for _, path := range []string{sandboxSalesforcePath + "/services/data/", sandboxNetSuitePath + "/services/rest/record/v1/customer/1"} {
		if got := getStatus(t, sandboxMode.base+path); got == http.StatusNotFound {
			t.Errorf("sandbox mode: GET %s: %d, want the sandbox's answer", path, got)
		}
		for _, base := range []string{h.base, handedSome.URL} {
			if got := getStatus(t, base+path); got != http.StatusNotFound {
				t.Errorf("live mode: GET %s%s: %d, want 404", base, path, got)
			}
		}
	}
}

// TestLiveModeSyncsADeal runs Tandem in live mode against both sandboxes
// standing in for a real org and account, with an org id, credentials and
// account of their own (live mode accepts no published one): a won deal
// becomes one sales order.
func TestLiveModeSyncsADeal(t *testing.T) {
	t.Parallel()
	const orgID, account = "00D5e000000ACMEEA2", "7654321"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	sf, err := sfsandbox.New(sfsandbox.Config{BaseURL: base + sandboxSalesforcePath, OrgID: orgID, ClientID: "acme-app", ClientSecret: "acme-app-secret",
		Outbound: routedOutboundRules()})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := nssandbox.New(nssandbox.Config{BaseURL: base + sandboxNetSuitePath, AccountID: account,
		ConsumerKey: "acme-ck", ConsumerSecret: "acme-cs", TokenID: "acme-tk", TokenSecret: "acme-ts"})
	if err != nil {
		t.Fatal(err)
	}
	stand := &sandboxes{sf: sf, ns: ns}
	srv := serveSandboxes(ln, stand)
	t.Cleanup(func() { shutdownHTTP(srv); stand.close() })

	h := startTandem(t, "TANDEM_MODE", "live",
		"TANDEM_SF_LOGIN_URL", base+sandboxSalesforcePath, "TANDEM_SF_CLIENT_ID", "acme-app", "TANDEM_SF_CLIENT_SECRET", "acme-app-secret", "TANDEM_SF_ORG_IDS", orgID,
		"TANDEM_NS_ACCOUNT_ID", account, "TANDEM_NS_BASE_URL", base+sandboxNetSuitePath, "TANDEM_NS_CONSUMER_KEY", "acme-ck", "TANDEM_NS_CONSUMER_SECRET", "acme-cs",
		"TANDEM_NS_TOKEN_ID", "acme-tk", "TANDEM_NS_TOKEN_SECRET", "acme-ts", "TANDEM_NS_CONCURRENCY", "5")
	sf.SetOutboundURL(outboundURL(h.p.app.cfg, h.base))
	opps := demoOpportunities(sf, 1)
	if len(opps) != 1 {
		t.Fatal("no open opportunity in the seed")
	}
	oppID := str(opps[0], "Id")
	if err := sf.Update("Opportunity", oppID, map[string]any{"StageName": "Closed Won"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	orders := func() (n int) {
		for _, so := range ns.List("salesOrder") {
			if so["externalId"] == salesorder.ExternalID(oppID) {
				n++
			}
		}
		return n
	}
	h.waitFor("the sales order in the stand-in account", func() bool { return orders() > 0 })
	if n := orders(); n != 1 {
		t.Errorf("%d sales orders, want 1", n)
	}
}

func TestEnvShowsTheModeAndWhy(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		env  []string
		want string
		ok   bool
	}{
		{nil, "\nmode: sandbox (no Salesforce or NetSuite credential set)\n", true},
		{[]string{"TANDEM_MODE", "sandbox"}, "\nmode: sandbox (TANDEM_MODE=sandbox)\n", true},
		{liveSystems, "\nmode: live (Salesforce and NetSuite credentials set)\n", true},
		{append(liveSystems, "TANDEM_MODE", "live"), "\nmode: live (TANDEM_MODE=live)\n", true},
		{[]string{"TANDEM_SF_CLIENT_ID", "id"}, "\nmode: none, the configuration is refused:\nTANDEM_MODE: unset, and only some credentials are set (TANDEM_SF_CLIENT_ID)", false},
		{append(liveSystems, "TANDEM_ADMIN_TOKEN", sandboxAdminToken), "\nmode: none, the configuration is refused:\nTANDEM_ADMIN_TOKEN: is the sandbox admin token", false},
	} {
		var out bytes.Buffer
		err := printEnv(&out, lookupOf(tt.env...))
		if (err == nil) != tt.ok || !strings.Contains(out.String(), tt.want) || !strings.Contains(out.String(), "TANDEM_MODE ") {
			t.Errorf("tandem env with %v: %v\n%s\nwant %q", tt.env, err, out.String(), tt.want)
		}
	}
}
