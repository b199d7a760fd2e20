package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/handlers"
)

// Every secret Tandem is configured with in sandbox mode, at values found
// nowhere else. The Salesforce and NetSuite credentials (client secret,
// TBA secrets) would leave sandbox mode, or be refused in it: the clients
// use the sandboxes' credentials instead, checked below with the tokens
// they issue.
var configuredSecrets = []string{
	"TANDEM_ADMIN_TOKEN", "TANDEM_SF_OUTBOUND_TOKEN", "TANDEM_SF_EVENTS_TOKEN", "TANDEM_SF_EVENTS_SECRET", "TANDEM_NS_WEBHOOK_SECRET",
}

// TestLogsKeepSecretsAndCorrelate runs F1 and F2 end to end at debug level
// with every secret set, plus refused requests and a failed delivery to
// the token-carrying Outbound Message URL, then reads every log line and
// every answer: no secret or token appears, and each line of a webhook's
// story (the request, its job, the job's API calls) carries the
// webhook's correlation id.
func TestLogsKeepSecretsAndCorrelate(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{}
	var env []string
	for _, name := range configuredSecrets {
		secrets[name] = "lt-" + strings.ToLower(strings.TrimPrefix(name, "TANDEM_")) + "-" + randomHex(t)
		env = append(env, name, secrets[name])
	}
	h := startTandem(t, env...)

	h.undeliverableOutbound(secrets["TANDEM_SF_OUTBOUND_TOKEN"])
	opp := str(h.openOpportunities(1)[0], "Id")
	h.closeWon(opp)
	h.waitFor("the failed delivery logged", func() bool { return strings.Contains(h.logs.String(), "outbound message not delivered") })
	h.p.sandboxes.sf.SetOutboundURL(outboundURL(h.p.app.cfg, h.base))
	h.waitFor("the sales order", func() bool { return len(h.salesOrders(opp)) == 1 })
	h.settle()

	sfID, nsID := h.linkedPair(0)
	sf := h.p.sandboxes.sf
	if err := sf.Update("Account", sfID, map[string]any{"Name": "Logs Test Renamed Ltd"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the rename in NetSuite", func() bool { return str(h.customer(nsID), "companyName") == "Logs Test Renamed Ltd" })
	h.settle()
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"url": "https://logs.example.com"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the web site in Salesforce", func() bool { a, _ := sf.Get("Account", sfID); return str(a, "Website") == "https://logs.example.com" })
	h.settle()

	answers := h.refusedAnswers(secrets["TANDEM_ADMIN_TOKEN"])
	leaks := append(slices.Collect(maps.Values(secrets)),
		sandboxSFClientSecret, sandboxNSConsumerKey, sandboxNSConsumerSecret, sandboxNSTokenID, sandboxNSTokenSecret, closeDealToken,
		sandboxOrgID[:15]+"!", // every Salesforce access token and session id the sandbox issues starts so
		"oauth_signature")     // a TBA Authorization header
	logs := h.logs.String()
	for _, secret := range leaks {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain a secret (%.14s…)", secret)
		}
		for _, a := range answers {
			if strings.Contains(a, secret) {
				t.Errorf("an answer contains a secret (%.14s…): %.200s", secret, a)
			}
		}
	}
	checkCorrelation(t, parseLogLines(t, logs))
}

// undeliverableOutbound points the Salesforce sandbox's Outbound Messages
// at a port nobody answers, with the endpoint token in the URL as
// Salesforce holds it: the failed delivery is logged.
func (h *harness) undeliverableOutbound(token string) {
	h.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	h.p.sandboxes.sf.SetOutboundURL(dead + handlers.PathSalesforceOutbound + "?token=" + token)
}

// refusedAnswers sends requests with wrong credentials to every endpoint,
// and a good one to the admin API and /metrics, and returns the bodies.
func (h *harness) refusedAnswers(adminToken string) []string {
	h.t.Helper()
	bearer := func(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }
	var bodies []string
	for _, r := range []struct {
		method, path string
		header       http.Header
		want         int
	}{
		{http.MethodPost, handlers.PathSalesforceOutbound + "?token=wrong", nil, http.StatusUnauthorized},
		{http.MethodPost, handlers.PathSalesforceEvents, bearer("wrong"), http.StatusUnauthorized},
		{http.MethodPost, handlers.PathNetSuiteWebhook, http.Header{handlers.SignatureHeader: {"t=1,v1=00"}}, http.StatusUnauthorized},
		{http.MethodGet, handlers.PathAdminJobs, bearer("wrong"), http.StatusUnauthorized},
		{http.MethodGet, handlers.PathAdminJobs, bearer(adminToken), http.StatusOK},
		{http.MethodGet, handlers.PathMetrics, nil, http.StatusOK},
	} {
		req, _ := http.NewRequest(r.method, h.base+r.path, bytes.NewReader([]byte(`{}`)))
		for k, v := range r.header {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			h.t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != r.want {
			h.t.Errorf("%s %s: %d, want %d", r.method, r.path, resp.StatusCode, r.want)
		}
		bodies = append(bodies, string(body))
	}
	return bodies
}

// logLine is one JSON log record.
type logLine map[string]any

func (l logLine) str(key string) string { s, _ := l[key].(string); return s }

func parseLogLines(t *testing.T, logs string) []logLine {
	t.Helper()
	var lines []logLine
	for _, raw := range strings.Split(strings.TrimSpace(logs), "\n") {
		var l logLine
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, raw)
		}
		lines = append(lines, l)
	}
	return lines
}

// checkCorrelation: after start-up every line of Tandem's own (not the
// sandboxes' nor asynq's, which log no requests of Tandem's) carries a
// correlation id, and the lines of one webhook's story share it.
func checkCorrelation(t *testing.T, lines []logLine) {
	t.Helper()
	started := slices.IndexFunc(lines, func(l logLine) bool { return l.str("msg") == "tandem running" })
	if started < 0 {
		t.Fatal("no start-up line")
	}
	for _, l := range lines[started+1:] {
		if l.str("component") == "" && l.str("correlation_id") == "" {
			t.Errorf("line without correlation_id: %v", l)
		}
	}
	for _, story := range []struct {
		name, webhook, job, call, op string
	}{
		{"F1", "outbound message accepted", "sales order written", "netsuite request", "upsert salesOrder "},
		{"F2 Salesforce to NetSuite", "salesforce events accepted", "netsuite record updated", "netsuite request", "update customer "},
		{"F2 NetSuite to Salesforce", "netsuite webhook accepted", "salesforce record updated", "salesforce request", "update Account/"},
	} {
		i := slices.IndexFunc(lines, func(l logLine) bool { return l.str("msg") == story.job })
		if i < 0 {
			t.Errorf("%s: no %q line", story.name, story.job)
			continue
		}
		id := lines[i].str("correlation_id")
		has := func(msg, op string) bool {
			return slices.ContainsFunc(lines, func(l logLine) bool {
				return l.str("correlation_id") == id && l.str("msg") == msg && strings.HasPrefix(l.str("op"), op)
			})
		}
		if !has(story.webhook, "") || !has(story.call, story.op) {
			t.Errorf("%s: the job's correlation id %q is not on its webhook's line (%q) and its call (%q %s…)",
				story.name, id, story.webhook, story.call, story.op)
		}
	}
}

func randomHex(t *testing.T) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}
