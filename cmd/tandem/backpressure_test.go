package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// TestRedisDownMeansRetryLater stops Redis, then makes one change of each
// kind of notification: a deal won (Outbound Message), an account edited
// in Salesforce (change event) and a customer edited in NetSuite
// (SuiteScript webhook). Tandem answers each with 503 and acknowledges
// nothing; the sandboxes keep them queued. Once Redis is back, the re-sent
// notifications are processed and every change lands.
func TestRedisDownMeansRetryLater(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts Redis and three Tandem processes")
	}
	c := startCluster(t, clusterConfig{})
	sb := c.sandboxes
	d := sb.createDeals(1)[0]
	pairs := c.linkAccounts(2)
	fromSF, fromNS := pairs[0], pairs[1]
	c.settle()
	sfBefore, nsBefore := mustStats(t, sb)

	c.stopCleanly(c.redis.Proc)
	if status := getStatus(t, c.serveURL+"/readyz"); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Redis down: %d, want 503", status)
	}
	sb.closeWon(d.id)
	sb.sfUpdate("Account", fromSF.sfID, map[string]any{"Website": "https://sf-while-redis-was-down.example"})
	sb.nsPut("customer", map[string]any{"id": fromNS.nsID, "url": "https://ns-while-redis-was-down.example"})
	testfixtures.WaitUntilExplained(t, "a refused delivery of each kind", clusterWait, func() bool {
		sf, ns := mustStats(t, sb)
		return sf.Outbound.Failed > sfBefore.Outbound.Failed && sf.Events.Failed > sfBefore.Events.Failed &&
			ns.Webhooks.Failed > nsBefore.Webhooks.Failed
	}, func() string { sf, ns := mustStats(t, sb); return fmt.Sprintf("%+v %+v", sf, ns) })
	sf, ns := mustStats(t, sb)
	if sf.Outbound.Acked != sfBefore.Outbound.Acked || sf.Events.Delivered != sfBefore.Events.Delivered ||
		ns.Webhooks.Delivered != nsBefore.Webhooks.Delivered {
		t.Errorf("acknowledged while Redis was down: outbound %+v, events %+v, webhooks %+v", sf.Outbound, sf.Events, ns.Webhooks)
	}
	if sf.Outbound.Pending == 0 || sf.Events.Pending == 0 || ns.Webhooks.Pending == 0 {
		t.Errorf("notifications dropped instead of kept for re-sending: %+v %+v %+v", sf.Outbound, sf.Events, ns.Webhooks)
	}
	for _, refusal := range []string{"outbound message not stored", "salesforce events not stored", "netsuite webhook not stored"} {
		if !strings.Contains(c.serve.Logs(), refusal) {
			t.Errorf("serve's logs do not say %q: the refusal was not Tandem's 503", refusal)
		}
	}

	c.redis.Start()
	c.settle()
	if check := checkSalesOrders(sb.nsList("salesOrder"), []deal{d}); check.found != 1 || check.duplicates != 0 {
		t.Errorf("the deal won while Redis was down: %+v", check)
	}
	if url := str(sb.nsGet("customer", fromSF.nsID), "url"); url != "https://sf-while-redis-was-down.example" {
		t.Errorf("the Salesforce edit made while Redis was down did not reach NetSuite: url %q", url)
	}
	if web := str(sb.sfGet("Account", fromNS.sfID, "Website"), "Website"); web != "https://ns-while-redis-was-down.example" {
		t.Errorf("the NetSuite edit made while Redis was down did not reach Salesforce: Website %q", web)
	}
	for _, a := range c.archived() {
		t.Errorf("archived %s %s: %s", a.Type, a.ID, a.LastErr)
	}
}

func mustStats(t testing.TB, sb *remoteSandboxes) (sfsandbox.ControlStats, nssandbox.ControlStats) {
	t.Helper()
	sf, err := sb.sfStats()
	if err != nil {
		t.Fatal(err)
	}
	ns, err := sb.nsStats()
	if err != nil {
		t.Fatal(err)
	}
	return sf, ns
}

func getStatus(t testing.TB, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
