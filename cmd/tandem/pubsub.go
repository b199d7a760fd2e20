package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"slices"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/jobs"
)

// servePubSub serves the Salesforce sandbox's Pub/Sub API on addr. A busy
// address only warns: the JSON forwarder still delivers the change events.
func (sb *sandboxes) servePubSub(addr string, log *slog.Logger) {
	if sb.sf == nil {
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Warn("salesforce sandbox: Pub/Sub API not served (TANDEM_SANDBOX_PUBSUB_ADDR)", "addr", addr, "error", err)
		return
	}
	sb.pubsub = sb.sf.NewPubSubServer()
	sb.pubsubAddr = ln.Addr().String()
	go sb.pubsub.Serve(ln)
}

// pubsubTopics is TANDEM_SF_PUBSUB_TOPICS without "none".
func (a *app) pubsubTopics() []string {
	return slices.DeleteFunc(slices.Clone(a.cfg.Salesforce.PubSubTopics), func(t string) bool { return t == "" || t == "none" })
}

// startPubSub runs the Pub/Sub API subscriber on TANDEM_SF_PUBSUB_TOPICS;
// its events become the jobs /webhooks/salesforce/events makes. In
// sandbox mode it subscribes to the sandbox at sandboxAddr in plaintext.
// stop ends the streams and hands the topics' leases over.
func (a *app) startPubSub(sf *salesforce.Client, enq *jobs.Enqueuer, sb *sandboxes, sandboxAddr string) (stop func()) {
	topics := a.pubsubTopics()
	if len(topics) == 0 {
		return func() {}
	}
	addr, plaintext, org := a.cfg.Salesforce.PubSubAddr, false, a.allowedOrgs()[0]
	if !a.cfg.Live() {
		addr, plaintext, org = sandboxAddr, true, sandboxOrgID
	}
	if addr == "" {
		a.log.Warn("pubsub: no Pub/Sub API to subscribe to (the sandbox's is not served)")
		return func() {}
	}
	client, err := pubsub.Dial(addr, plaintext, sf, org)
	if err != nil {
		a.log.Error("pubsub: subscriber off", "error", err)
		return func() {}
	}
	h := &handlers.SalesforceEvents{OrgID: a.allowedOrgs()[0], IntegrationUserID: a.cfg.Salesforce.IntegrationUserID, Enqueuer: enq, Logger: a.log,
		ForwardOwnChanges: true}
	if h.IntegrationUserID == "" && !a.cfg.Live() && sb != nil && sb.sf != nil {
		h.IntegrationUserID = sb.sf.IntegrationUser().ID
	}
	host, _ := os.Hostname()
	s := &pubsub.Subscriber{Client: client, Redis: a.redis.Client, Topics: topics, Log: a.log,
		Owner:           fmt.Sprintf("%s-%d-%x", host, os.Getpid(), rand.Uint32()),
		OnReplayExpired: a.metrics.PubSubReplayExpired,
		Sink: func(ctx context.Context, _ string, events json.RawMessage) error {
			_, err := h.Ingest(ctx, events)
			return err
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	a.log.Info("pubsub: subscribing", "topics", topics, "endpoint", addr)
	return func() {
		cancel()
		<-done
		client.Close()
	}
}
