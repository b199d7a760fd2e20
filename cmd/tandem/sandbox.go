package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/config"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/handlers"
	"google.golang.org/grpc"
)

// Where the sandboxes are mounted, on Tandem's listener (`tandem run`) or
// on TANDEM_SANDBOX_ADDR (`tandem sandbox`).
const (
	sandboxSalesforcePath = "/sandbox/salesforce"
	sandboxNetSuitePath   = "/sandbox/netsuite"
)

// The sandboxes' fixed, documented credentials.
const (
	sandboxOrgID            = sfsandbox.DefaultOrgID
	sandboxSFClientID       = sfsandbox.DefaultClientID
	sandboxSFClientSecret   = sfsandbox.DefaultClientSecret
	sandboxNSAccount        = nssandbox.DefaultAccountID
	sandboxNSConsumerKey    = nssandbox.DefaultConsumerKey
	sandboxNSConsumerSecret = nssandbox.DefaultConsumerSecret
	sandboxNSTokenID        = nssandbox.DefaultTokenID
	sandboxNSTokenSecret    = nssandbox.DefaultTokenSecret
)

// sandboxPubSubKeepAlive is how often the sandbox's Pub/Sub API sends an
// empty FetchResponse on an idle stream.
const sandboxPubSubKeepAlive = 3 * time.Second

// sandboxes are the emulators served in sandbox mode; both are nil in
// live mode.
type sandboxes struct {
	sf        *sfsandbox.Server
	ns        *nssandbox.Server
	sfLatency time.Duration // TANDEM_SANDBOX_SF_LATENCY
	nsToday   *sandboxDate  // the NetSuite sandbox's date; tests move it
	// The Salesforce sandbox's Pub/Sub API (servePubSub), if served.
	pubsub     *grpc.Server
	pubsubAddr string
}

// newSandboxes starts both sandboxes, served under base: in sandbox mode
// only, but for `tandem sandbox`, which serves nothing else. The
// Salesforce one posts Outbound Messages to outbound; both post their
// change notifications (CDC events, SuiteScript webhooks) to Tandem at
// tandem ("" = nowhere).
func newSandboxes(cfg *config.Config, log *slog.Logger, base, outbound, tandem string) (*sandboxes, error) {
	sb := &sandboxes{sfLatency: cfg.Sandbox.SFLatency, nsToday: &sandboxDate{}}
	sfFaults, nsFaults, err := sandboxFaults(cfg)
	if err != nil {
		return nil, err
	}
	sfCfg := sfsandbox.Config{
		BaseURL: base + sandboxSalesforcePath, OrgID: sandboxOrgID, ClientID: sandboxSFClientID, ClientSecret: sandboxSFClientSecret,
		OutboundURL: outbound, Outbound: routedOutboundRules(), Faults: sfFaults, Logger: log.With("component", "salesforce-sandbox"),
		Events: sfsandbox.EventsConfig{URL: notifyURL(tandem, handlers.PathSalesforceEvents), Entities: []string{"Account", "Contact"},
			Auth: cfg.Salesforce.EventsAuth, Token: cfg.Salesforce.EventsToken, Secret: cfg.Salesforce.EventsSecret},
		// Keepalives every few seconds rather than 270: a new subscriber
		// learns its first replay id soon.
		PubSub: sfsandbox.PubSubConfig{KeepAlive: sandboxPubSubKeepAlive},
		// the org's fiscal year agrees with Tandem's (F6 checks it)
		FiscalYearStartMonth: cfg.Reconcile.FiscalYearStartMonth,
	}
	nsCfg := nssandbox.Config{
		BaseURL: base + sandboxNetSuitePath, AccountID: sandboxNSAccount,
		ConsumerKey: sandboxNSConsumerKey, ConsumerSecret: sandboxNSConsumerSecret, TokenID: sandboxNSTokenID, TokenSecret: sandboxNSTokenSecret,
		ConcurrencyLimit: cfg.Sandbox.NSConcurrency, Latency: cfg.Sandbox.NSLatency, Faults: nsFaults, Logger: log.With("component", "netsuite-sandbox"),
		Today: sb.nsToday.now,
		Webhook: nssandbox.WebhookConfig{URL: notifyURL(tandem, handlers.PathNetSuiteWebhook), RecordTypes: []string{"customer", "contact", "invoice", "customerpayment", "creditmemo", "customerrefund",
			"inventoryitem", "noninventoryitem", "serviceitem"},
			Secret: cfg.NetSuite.WebhookSecret},
	}
	if err := sandboxTraps(cfg.Sandbox.Traps, &sfCfg, &nsCfg); err != nil {
		return nil, err
	}
	sf, err := sfsandbox.New(sfCfg)
	if err != nil {
		return nil, fmt.Errorf("starting the Salesforce sandbox: %w", err)
	}
	sb.sf = sf
	ns, err := nssandbox.New(nsCfg)
	if err != nil {
		sb.close()
		return nil, fmt.Errorf("starting the NetSuite sandbox: %w", err)
	}
	sb.ns = ns
	return sb, nil
}

func (sb *sandboxes) mounts() map[string]http.Handler {
	m := map[string]http.Handler{}
	if sb.sf != nil {
		m[sandboxSalesforcePath] = withLatency(sb.sf.Handler(), sb.sfLatency)
	}
	if sb.ns != nil {
		m[sandboxNetSuitePath] = sb.ns.Handler()
	}
	return m
}

func (sb *sandboxes) close() {
	if sb.pubsub != nil {
		sb.pubsub.Stop()
	}
	if sb.sf != nil {
		sb.sf.Close()
	}
	if sb.ns != nil {
		sb.ns.Close()
	}
}

// sandbox serves both sandboxes standalone, for `tandem serve` + `tandem
// work` set-ups and for trying clients against them.
func sandbox(ctx context.Context, cfg *config.Config) error {
	log := newLogger(cfg)
	ln, err := net.Listen("tcp", cfg.Sandbox.Addr)
	if err != nil {
		return fmt.Errorf("TANDEM_SANDBOX_ADDR: %w", err)
	}
	base := "http://" + cfg.Sandbox.Addr
	outbound := cfg.Sandbox.OutboundURL
	if outbound == "" {
		outbound = outboundURL(cfg, cfg.BaseURL())
	}
	// Both sandboxes, notifying Tandem with the secrets it checks.
	sb, err := newSandboxes(cfg, log, base, outbound, cfg.BaseURL())
	if err != nil {
		return err
	}
	defer sb.close()
	sb.servePubSub(cfg.Sandbox.PubSubAddr, log)
	mounts := sb.mounts()
	if cfg.Sandbox.Control == "on" {
		maps.Copy(mounts, sb.controlMounts())
		log.Warn("sandbox control surface on under /_sandbox/ (TANDEM_SANDBOX_CONTROL): unauthenticated, for tests only")
	}
	srv := &http.Server{Handler: mountAll(mounts), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("sandboxes serving", "salesforce", base+sandboxSalesforcePath, "netsuite", base+sandboxNetSuitePath, "outbound_messages_to", outbound,
		"salesforce_pubsub_api", sb.pubsubAddr)
	return waitAndStop(ctx, serveErr, srv, nil)
}

// serveSandboxes serves the sandboxes on ln until shut down.
func serveSandboxes(ln net.Listener, sb *sandboxes) *http.Server {
	srv := &http.Server{Handler: mountAll(sb.mounts()), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return srv
}

func mountAll(mounts map[string]http.Handler) http.Handler {
	mux := http.NewServeMux()
	for prefix, h := range mounts {
		mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
	}
	return mux
}

// printBanner tells a newcomer what is running and how to close a deal.
func printBanner(cfg *config.Config, base string, sb *sandboxes) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nTandem is running on %s\n", base)
	fmt.Fprintf(&b, "  Outbound Message endpoint  %s/webhooks/salesforce/outbound\n", base)
	fmt.Fprintf(&b, "  health / readiness         %s/healthz  %s/readyz\n", base, base)
	b.WriteString(adminBanner(cfg, base))
	if sb.sf != nil {
		fmt.Fprintf(&b, "  Salesforce sandbox         %s%s (client id %s, secret %s)\n", base, sandboxSalesforcePath, sandboxSFClientID, sandboxSFClientSecret)
	}
	if sb.pubsubAddr != "" {
		fmt.Fprintf(&b, "  Salesforce Pub/Sub API     %s (gRPC, plaintext; same client id and secret)\n", sb.pubsubAddr)
	}
	if sb.ns != nil {
		fmt.Fprintf(&b, "  NetSuite sandbox           %s%s (account %s, TBA %s/%s, %s/%s)\n", base, sandboxNetSuitePath,
			sandboxNSAccount, sandboxNSConsumerKey, sandboxNSConsumerSecret, sandboxNSTokenID, sandboxNSTokenSecret)
	}
	if sb.sf != nil {
		if opps := demoOpportunities(sb.sf, 1); len(opps) == 1 {
			id, name := opps[0]["Id"], opps[0]["Name"]
			fmt.Fprintf(&b, "\nClose the seeded deal %q in the Salesforce sandbox:\n\n", name)
			fmt.Fprintf(&b, "  %s\n", closeDealCurl(base, cfg.Salesforce.APIVersion, fmt.Sprint(id)))
			if sb.ns != nil {
				fmt.Fprintf(&b, "\nthen see its sales order in the NetSuite sandbox:\n\n  bin/tandem ns get salesOrder eid:SFOPP-%s\n", id)
			}
		}
	}
	fmt.Fprintln(os.Stderr, b.String())
}

// closeDealURL, closeDealToken and closeDealBody are the request the
// banner's curl makes: a sales user setting the stage to Closed Won.
func closeDealURL(base, version, oppID string) string {
	return fmt.Sprintf("%s%s/services/data/v%s/sobjects/Opportunity/%s", base, sandboxSalesforcePath, version, oppID)
}

const (
	closeDealToken = sfsandbox.DefaultDemoToken
	closeDealBody  = `{"StageName":"Closed Won"}`
)

func closeDealCurl(base, version, oppID string) string {
	return fmt.Sprintf("curl -X PATCH %s \\\n    -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n    -d '%s'",
		closeDealURL(base, version, oppID), closeDealToken, closeDealBody)
}

// routedOutboundRules are the sandbox's Outbound Message rules: the
// Opportunity one, for F1. Accounts and contacts reach Tandem as change
// events instead, which carry the change's origin.
func routedOutboundRules() []sfsandbox.OutboundRule {
	var rules []sfsandbox.OutboundRule
	for _, r := range sfsandbox.DefaultOutboundRules() {
		if r.Object == "Opportunity" {
			rules = append(rules, r)
		}
	}
	return rules
}

func notifyURL(tandem, path string) string {
	if tandem == "" {
		return ""
	}
	return tandem + path
}

// demoOpportunities returns up to n open seeded opportunities whose
// products all have NetSuite items: deals that close cleanly.
func demoOpportunities(sf *sfsandbox.Server, n int) []map[string]any {
	recs, err := sf.Query("SELECT Id, Name, AccountId, (SELECT Id, Product2.Name, Product2.NetSuite_Item_Id__c FROM OpportunityLineItems) " +
		"FROM Opportunity WHERE IsClosed = false ORDER BY Name")
	if err != nil {
		return nil
	}
	var out []map[string]any
	for _, r := range recs {
		lines, _ := r["OpportunityLineItems"].([]map[string]any)
		if len(lines) > 0 && allMapped(lines) && len(out) < n {
			out = append(out, r)
		}
	}
	return out
}

func allMapped(lines []map[string]any) bool {
	for _, l := range lines {
		p, _ := l["Product2"].(map[string]any)
		if s, _ := p["NetSuite_Item_Id__c"].(string); s == "" {
			return false
		}
	}
	return true
}

// withLatency delays each request to h by d, as a remote API's round trip
// would; the Salesforce sandbox answers at once otherwise.
func withLatency(h http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		h.ServeHTTP(w, r)
	})
}
