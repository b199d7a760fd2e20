package main

import (
	"context"
	"testing"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
)

// With the org's JSON forwarder off, account changes still reach NetSuite:
// `tandem run` subscribes to the sandbox's Pub/Sub API itself.
func TestRunSubscribesToChangeEventsOverThePubSubAPI(t *testing.T) {
	t.Parallel()
	h := startTandem(t, "TANDEM_SF_PUBSUB_TOPICS", "/data/AccountChangeEvent,/data/ContactChangeEvent")
	if h.p.sandboxes.pubsubAddr == "" {
		t.Fatal("the sandbox serves no Pub/Sub API")
	}
	rdb := h.p.app.redis.Client
	topic := "/data/AccountChangeEvent"
	h.waitFor("the subscription's first replay id (keepalive)", func() bool {
		_, ok, _ := pubsub.StoredReplayID(context.Background(), rdb, topic)
		return ok
	})
	sf := h.p.sandboxes.sf
	sf.SetEventsURL("") // no forwarder in the org: the stream is the only path
	accts, err := sf.Query("SELECT Id FROM Account WHERE NetSuite_Id__c = null ORDER BY Name")
	if err != nil || len(accts) == 0 {
		t.Fatalf("seed accounts: %d, %v", len(accts), err)
	}
	id := str(accts[0], "Id")
	if err := sf.Update("Account", id, map[string]any{"Phone": "+1 415 555 0199"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the account's NetSuite twin, made from the streamed change event", func() bool {
		a, _ := sf.Get("Account", id)
		return str(a, "NetSuite_Id__c") != ""
	})
	a, _ := sf.Get("Account", id)
	if c := h.customer(str(a, "NetSuite_Id__c")); c["phone"] != "+1 415 555 0199" {
		t.Fatalf("customer phone %v, want the streamed change", c["phone"])
	}
}
