package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/config"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/metrics"

	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/jobs"
)

// The traps of real orgs and accounts (issue 11 part 2): each test turns
// on the sandbox behaviour (TANDEM_SANDBOX_TRAPS or a sandbox option) and
// checks that Tandem copes.

// holdOutbound makes the Salesforce sandbox's Outbound Messages fail until
// the returned func is called, so records can change before delivery.
func (h *harness) holdOutbound() (release func()) {
	sf := h.p.sandboxes.sf
	sf.SetOutboundURL("http://127.0.0.1:1/unreachable")
	return func() { sf.SetOutboundURL(outboundURL(h.p.app.cfg, h.base)) }
}

// closeWonThenDelete closes the deals with their notifications held, then
// deletes the first before Salesforce delivers, and lets delivery go on.
func (h *harness) closeWonThenDelete(opps []map[string]any) {
	h.t.Helper()
	sf := h.p.sandboxes.sf
	release := h.holdOutbound()
	for _, o := range opps {
		h.closeWon(str(o, "Id"))
	}
	if err := sf.Delete("Opportunity", str(opps[0], "Id"), sf.SalesUser()); err != nil {
		h.t.Fatal(err)
	}
	release()
}

// TestDeletedOpportunityNotificationIsNoFault: a notification of an
// opportunity deleted before delivery (only its Id, as the sandbox sends
// by default) is acknowledged and ends no job in the archive; the other
// deals of the same message become sales orders.
func TestDeletedOpportunityNotificationIsNoFault(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	opps := h.openOpportunities(3)
	h.closeWonThenDelete(opps)
	h.settle()
	h.checkDeletedDeal(opps)
}

// TestDeletedOpportunityEmptyNotification: the same when the notification
// carries no data at all, not even the Id (TANDEM_SANDBOX_TRAPS
// deleted-empty): the rest of the message is not refused with it.
func TestDeletedOpportunityEmptyNotification(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", "deleted-empty")
	opps := h.openOpportunities(3)
	h.closeWonThenDelete(opps)
	h.waitFor("the other deals' sales orders", func() bool {
		return len(h.salesOrders(str(opps[1], "Id"))) == 1 && len(h.salesOrders(str(opps[2], "Id"))) == 1
	})
	h.settle()
	h.checkDeletedDeal(opps)
	if !strings.Contains(h.logs.String(), "record deleted before delivery") {
		t.Error("the data-less notification was not logged")
	}
}

func (h *harness) checkDeletedDeal(opps []map[string]any) {
	h.t.Helper()
	if n := len(h.salesOrders(str(opps[0], "Id"))); n != 0 {
		h.t.Errorf("the deleted deal has %d sales orders, want none", n)
	}
	for _, o := range opps[1:] {
		if n := len(h.salesOrders(str(o, "Id"))); n != 1 {
			h.t.Errorf("deal %s has %d sales orders, want 1", str(o, "Id"), n)
		}
	}
	for _, a := range h.archived() {
		h.t.Errorf("archived %s: %s", a.ID, a.LastErr)
	}
	if st := h.p.sandboxes.sf.OutboundStats(); st.Pending != 0 || st.Dropped != 0 {
		h.t.Errorf("outbound messages not all acknowledged: %+v", st)
	}
}

// TestUnusableNotificationsCostNothing: a message of three notifications,
// one good, one for an object no flow handles and one without a record id,
// is acknowledged; the good one is processed and each bad one is archived
// with its reason, listed by /admin/jobs.
func TestUnusableNotificationsCostNothing(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	opp := h.openOpportunities(1)[0]
	oppID := str(opp, "Id")
	sf := h.p.sandboxes.sf
	release := h.holdOutbound() // the test posts its own message
	h.closeWon(oppID)
	note := func(id, typ, fields string) string {
		return fmt.Sprintf(`<Notification><Id>%s</Id><sObject xsi:type="sf:%s" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">%s</sObject></Notification>`, id, typ, fields)
	}
	body := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
		`<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>` + sf.OrgID() + `</OrganizationId><ActionId>04k000000000001AAA</ActionId>` +
		note("04l00000000TRAP1AAA", "Lead", `<sf:Id>00Q000000000001AAA</sf:Id><sf:LastName>Lead</sf:LastName>`) +
		note("04l00000000TRAP2AAA", "Opportunity", `<sf:Id>`+oppID+`</sf:Id><sf:IsWon>true</sf:IsWon>`) +
		note("04l00000000TRAP3AAA", "Opportunity", `<sf:Name>no id</sf:Name>`) +
		`</notifications></soapenv:Body></soapenv:Envelope>`
	for range 2 { // a re-send stores nothing new
		resp, err := http.Post(outboundURL(h.p.app.cfg, h.base), "text/xml; charset=utf-8", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(answer), "<Ack>true</Ack>") {
			t.Fatalf("status %d, %s; want the message acknowledged", resp.StatusCode, answer)
		}
	}
	h.waitFor("the good notification's sales order", func() bool { return len(h.salesOrders(oppID)) == 1 })
	release()
	h.settle()
	archived := h.archived()
	reasons := map[string]string{}
	for _, a := range archived {
		if a.Type != jobs.TypeUnusable {
			t.Errorf("archived %s: %s", a.ID, a.LastErr)
			continue
		}
		reasons[a.ID] = a.LastErr
	}
	want := map[string]string{"04l00000000TRAP1AAA": "no Tandem flow handles Outbound Messages for Lead", "04l00000000TRAP3AAA": "Opportunity has no Id field"}
	if len(reasons) != len(want) {
		t.Errorf("archived unusable notifications %v, want %d", reasons, len(want))
	}
	for id, reason := range want {
		taskID := jobs.OutboundTaskID(jobs.TypeUnusable, sf.OrgID(), id)
		if !strings.Contains(reasons[taskID], reason) {
			t.Errorf("notification %s archived with %q, want the reason %q", id, reasons[taskID], reason)
		}
	}
	listed := adminJobs(t, h, "?state=archived")
	for id := range want {
		if !strings.Contains(listed, id) {
			t.Errorf("/admin/jobs does not list notification %s: %s", id, listed)
		}
	}
}

func adminJobs(t *testing.T, h *harness, query string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.base+handlers.PathAdminJobs+query, nil)
	req.Header.Set("Authorization", "Bearer "+sandboxAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !json.Valid(b) {
		t.Fatalf("/admin/jobs: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// TestNetSuiteNonAdminRoleStarts: governanceLimits answers administrators
// only (TANDEM_SANDBOX_TRAPS ns-non-admin). With TANDEM_NS_CONCURRENCY=0
// a least-privilege role still starts, at the stated fallback, warning
// with the variable's name, and deals still reach NetSuite.
func TestNetSuiteNonAdminRoleStarts(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", "ns-non-admin")
	logs := h.logs.String()
	if !strings.Contains(logs, "TANDEM_NS_CONCURRENCY") || !strings.Contains(logs, "INSUFFICIENT_PERMISSION") {
		t.Errorf("no warning naming TANDEM_NS_CONCURRENCY with NetSuite's refusal:\n%s", logs)
	}
	if got := nsLimitLogged(t, h); got != nsFallbackConcurrency {
		t.Errorf("NetSuite concurrency %d, want the fallback %d", got, nsFallbackConcurrency)
	}
	oppID := str(h.openOpportunities(1)[0], "Id")
	h.closeWon(oppID)
	h.waitFor("the sales order", func() bool { return len(h.salesOrders(oppID)) == 1 })
}

// TestNetSuitePoolShare: with an administrator role Tandem takes only
// TANDEM_NS_POOL_SHARE percent of the unallocated pool.
func TestNetSuitePoolShare(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_NS_CONCURRENCY", "10", "TANDEM_NS_POOL_SHARE", "30")
	if got := nsLimitLogged(t, h); got != 3 {
		t.Errorf("NetSuite concurrency %d, want 30%% of 10", got)
	}
}

// TestNetSuite401PileUpIsAWait: NetSuite refusing piled-up token-based
// requests with 401 INVALID_LOGIN (TANDEM_SANDBOX_TRAPS ns-401, with 429
// faults standing for the pile-up) makes jobs wait, never archives them,
// also for a least-privilege role whose governanceLimits read fails. At
// 0.3 the client's fresh-credential retries absorbed every 401 and the
// test passed without the fix; at 0.7 runs of 401s outlast them.
func TestNetSuite401PileUpIsAWait(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SANDBOX_TRAPS", "ns-401,ns-non-admin", "TANDEM_SANDBOX_NS_FAULTS", "429=0.7,seed=5")
	opps := h.openOpportunities(4)
	for _, o := range opps {
		h.closeWon(str(o, "Id"))
	}
	h.settle()
	for _, o := range opps {
		if n := len(h.salesOrders(str(o, "Id"))); n != 1 {
			t.Errorf("deal %s has %d sales orders, want 1", str(o, "Id"), n)
		}
	}
	for _, a := range h.archived() {
		t.Errorf("archived %s: %s", a.ID, a.LastErr)
	}
	if st := h.p.sandboxes.ns.Stats(); st.Concurrency401 == 0 {
		t.Errorf("the sandbox answered no 401 for concurrency: %+v", st)
	}
}

// nsLimitLogged is the NetSuite concurrency limit start-up logged.
func nsLimitLogged(t *testing.T, h *harness) int {
	t.Helper()
	for _, line := range strings.Split(h.logs.String(), "\n") {
		var rec struct {
			Msg   string `json:"msg"`
			Limit *int   `json:"limit"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Limit != nil && strings.Contains(rec.Msg, "governanceLimits") {
			return *rec.Limit
		}
	}
	t.Fatal("start-up logged no NetSuite concurrency limit")
	return 0
}

// jwtOrg is a Salesforce sandbox with the given JWT audience behaviour,
// served like a real org at its own My Domain URL, and Tandem's live
// configuration for the JWT bearer flow against it, with extra settings.
func jwtOrg(t *testing.T, audience string, extra ...string) (*app, string) {
	t.Helper()
	org, err := sfsandbox.New(sfsandbox.Config{ClientID: "acme-eca", JWTAudience: audience})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org.Handler())
	t.Cleanup(func() { srv.Close(); org.Close() })
	keyFile := filepath.Join(t.TempDir(), "jwt.pem")
	der := x509.MarshalPKCS1PrivateKey(org.JWTPrivateKey())
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"TANDEM_SF_LOGIN_URL": srv.URL, "TANDEM_SF_CLIENT_ID": "acme-eca", "TANDEM_SF_JWT_KEY_FILE": keyFile,
		"TANDEM_SF_USERNAME": sfsandbox.DefaultIntegrationUsername, "TANDEM_SF_ORG_IDS": "00D5e000000ACMEEA2",
		"TANDEM_NS_ACCOUNT_ID": "1234567", "TANDEM_NS_CONSUMER_KEY": "ck", "TANDEM_NS_CONSUMER_SECRET": "cs", "TANDEM_NS_TOKEN_ID": "tk", "TANDEM_NS_TOKEN_SECRET": "ts"}
	for i := 0; i+1 < len(extra); i += 2 {
		vars[extra[i]] = extra[i+1]
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	log := logging.New(io.Discard, "json", "info")
	return &app{cfg: cfg, log: log, metrics: metrics.New(log)}, srv.URL
}

// jwtQuery logs in with a's settings and reads one account.
func jwtQuery(t *testing.T, a *app) error {
	t.Helper()
	sf, err := a.salesforceClient("")
	if err != nil {
		t.Fatal(err)
	}
	_, err = sf.Query(t.Context(), "SELECT Id FROM Account LIMIT 1")
	return err
}

// TestJWTAudienceClassic: a classic connected app refuses the My Domain
// URL as aud though the token request goes there; TANDEM_SF_JWT_AUDIENCE
// sets the login URL apart from the token host.
func TestJWTAudienceClassic(t *testing.T) {
	t.Parallel()
	a, _ := jwtOrg(t, sfsandbox.JWTAudienceClassic)
	if err := jwtQuery(t, a); err == nil || !strings.Contains(err.Error(), "audience is invalid") {
		t.Errorf("My Domain as aud: %v; want Salesforce's 'audience is invalid'", err)
	}
	a, _ = jwtOrg(t, sfsandbox.JWTAudienceClassic, "TANDEM_SF_JWT_AUDIENCE", "https://login.salesforce.com")
	if err := jwtQuery(t, a); err != nil {
		t.Errorf("login.salesforce.com as aud, token from My Domain: %v", err)
	}
}

// TestJWTAudienceExternalClientApp: an External Client App that wants My
// Domain refuses the login URL with app_not_found, and the default aud
// (the token host, My Domain) works.
func TestJWTAudienceExternalClientApp(t *testing.T) {
	t.Parallel()
	a, _ := jwtOrg(t, sfsandbox.JWTAudienceMyDomain, "TANDEM_SF_JWT_AUDIENCE", "https://test.salesforce.com")
	if err := jwtQuery(t, a); err == nil || !strings.Contains(err.Error(), "app_not_found") {
		t.Errorf("test.salesforce.com as aud: %v; want Salesforce's app_not_found", err)
	}
	a, _ = jwtOrg(t, sfsandbox.JWTAudienceMyDomain)
	if err := jwtQuery(t, a); err != nil {
		t.Errorf("My Domain as aud: %v", err)
	}
}
