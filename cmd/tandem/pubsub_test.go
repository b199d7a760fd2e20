package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/testredis"
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

// A Tandem_Sync__e platform event published over REST (as a Flow or a
// script would) reaches Tandem over the Pub/Sub API and becomes the job
// the JSON endpoint makes for it: the account gets its NetSuite customer,
// and the same event posted to /webhooks/salesforce/events is a duplicate.
func TestTandemSyncPlatformEventOverThePubSubAPI(t *testing.T) {
	t.Parallel()
	const topic = "/event/" + handlers.TandemSyncEvent
	h := startTandem(t, "TANDEM_SF_PUBSUB_TOPICS", topic)
	ctx := context.Background()
	h.waitFor("the subscription's first replay id (keepalive)", func() bool {
		_, ok, _ := pubsub.StoredReplayID(ctx, h.p.app.redis.Client, topic)
		return ok
	})
	sf := h.p.sandboxes.sf
	accts, err := sf.Query("SELECT Id FROM Account WHERE NetSuite_Id__c = null ORDER BY Name")
	if err != nil || len(accts) == 0 {
		t.Fatalf("seed accounts: %d, %v", len(accts), err)
	}
	id := str(accts[0], "Id")
	client, err := h.p.app.salesforceClient(h.base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Create(ctx, handlers.TandemSyncEvent, map[string]any{"Object__c": "Account", "Record_Id__c": id}); err != nil {
		t.Fatalf("publishing %s: %v", handlers.TandemSyncEvent, err)
	}
	h.waitFor("the account's NetSuite twin, made from the streamed platform event", func() bool {
		a, _ := sf.Get("Account", id)
		return str(a, "NetSuite_Id__c") != ""
	})
	a, _ := sf.Get("Account", id)
	if c := h.customer(str(a, "NetSuite_Id__c")); c["companyName"] != a["Name"] {
		t.Errorf("customer %v, want the account's name %v", c["companyName"], a["Name"])
	}
	// The event as the stream hands it over, posted as a Flow would.
	body := streamedEvents(t, h, client, topic)
	req, _ := http.NewRequest(http.MethodPost, h.base+handlers.PathSalesforceEvents, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+sfsandbox.DefaultEventsToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res handlers.SalesforceEventsResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("posting %s: %d %v", body, resp.StatusCode, err)
	}
	if res.Accepted != 0 || res.Duplicates != 1 {
		t.Errorf("the streamed event posted to the JSON endpoint: %+v, want 1 duplicate", res)
	}
	h.settle()
	h.noneArchived()
}

// streamedEvents replays topic from EARLIEST on a subscriber of its own
// and returns the first batch as the subscriber hands it to Tandem.
func streamedEvents(t *testing.T, h *harness, session pubsub.Session, topic string) json.RawMessage {
	t.Helper()
	client, err := pubsub.Dial(h.p.sandboxes.pubsubAddr, true, session, sandboxOrgID)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var (
		mu   sync.Mutex
		body json.RawMessage
	)
	s := &pubsub.Subscriber{Client: client, Redis: testredis.New(t).Client, Topics: []string{topic}, FromEarliest: true, Owner: "replay",
		Sink: func(_ context.Context, _ string, events json.RawMessage) error {
			mu.Lock()
			defer mu.Unlock()
			body = events
			return nil
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	h.waitFor("a batch of "+topic, func() bool { return s.Stats().Events > 0 })
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	return body
}
