package sandbox

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/internal/delivery"
)

// WebhookStats counts webhooks. Queued, Delivered, Skipped and Pending
// count events; Sent and Failed count posts.
type WebhookStats struct {
	Queued, Sent, Delivered, Failed, Skipped, Pending int
}

// maxAnswerBytes bounds how much of Tandem's answer is read.
const maxAnswerBytes = 1 << 20

// pendingWebhook is one event waiting to be posted.
type pendingWebhook struct {
	eventID string
	body    []byte
}

// webhooks posts what the shipped script would, one event per request,
// in commit order, each signed afresh per attempt; a refused event is
// re-sent with back-off until Tandem takes it (the outbox retry script),
// holding back the events behind it. Its goroutine starts with the first event.
type webhooks struct {
	cfg    WebhookConfig
	log    *slog.Logger
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// The queue's lock also guards the fields after it.
	*delivery.Queue[pendingWebhook, WebhookStats]
	attempts int       // failed posts in a row of the queue's head
	due      time.Time // when the head may be posted again
	running  bool
	closed   bool
}

func newWebhooks(cfg WebhookConfig, log *slog.Logger) *webhooks {
	ctx, cancel := context.WithCancel(context.Background())
	return &webhooks{cfg: cfg, log: log, ctx: ctx, cancel: cancel,
		client: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		Queue:  delivery.NewQueue[pendingWebhook, WebhookStats](cfg.URL)}
}

// report runs the script for one committed change. Caller holds the
// store lock, so events queue in commit order.
func (s *Server) report(src source, before, after *record, now time.Time) {
	h := s.hooks
	current := after
	if after == nil {
		current = before
	}
	h.Lock()
	defer h.Unlock()
	switch {
	case h.URL == "" || h.closed || !h.cfg.deployedOn(current.typ):
		return
	case h.cfg.SkipIntegrationWrites && src.ownWrite(h.cfg.IntegrationRoleID):
		h.Counts.Skipped++
		return
	}
	eventType := src.eventType(before, after)
	oldRec, newRec := scriptViews(src, before, after)
	id, body := webhookBody(s.cfg.AccountID, src, eventType, oldRec, newRec, now)
	h.Items = append(h.Items, pendingWebhook{eventID: id, body: body})
	h.Counts.Queued++
	if !h.running {
		h.running = true
		h.wg.Add(1)
		go h.run()
	}
	h.Fire()
}

func (h *webhooks) run() {
	defer h.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for h.ctx.Err() == nil {
		url, next, wait := h.next()
		if url != "" {
			h.finish(h.post(url, next))
			continue
		}
		timer.Reset(wait)
		select {
		case <-h.ctx.Done():
		case <-h.Wake():
		case <-timer.C:
		}
	}
}

// next returns the head of the queue if it is due, else how long to wait.
func (h *webhooks) next() (string, pendingWebhook, time.Duration) {
	h.Lock()
	defer h.Unlock()
	if len(h.Items) == 0 || h.URL == "" {
		return "", pendingWebhook{}, time.Hour
	}
	if wait := time.Until(h.due); wait > 0 {
		return "", pendingWebhook{}, wait
	}
	return h.URL, h.Items[0], 0
}

// post sends one event as the script's deliver does; any 2xx takes it.
func (h *webhooks) post(url string, ev pendingWebhook) bool {
	ctx, cancel := context.WithTimeout(h.ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(ev.body))
	if err != nil {
		h.log.Warn("netsuite sandbox: webhook URL is not a URL", "err", err)
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Tandem-Signature", delivery.Signature(h.cfg.Secret, time.Now().Unix(), ev.body))
	resp, err := h.client.Do(req)
	if err != nil {
		h.log.Info("netsuite sandbox: webhook not delivered", "url", delivery.Redacted(url), "event", ev.eventID, "err", err)
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswerBytes))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		h.log.Info("netsuite sandbox: webhook refused", "url", delivery.Redacted(url), "event", ev.eventID, "status", resp.StatusCode)
		return false
	}
	return true
}

func (h *webhooks) finish(delivered bool) {
	h.Lock()
	defer h.Unlock()
	h.Counts.Sent++
	if delivered {
		h.Items = h.Items[1:]
		h.Counts.Delivered++
		h.attempts, h.due = 0, time.Time{}
	} else {
		h.Counts.Failed++
		h.attempts++
		h.due = time.Now().Add(connectors.Backoff{Base: h.cfg.RetryBase, Cap: h.cfg.RetryMax}.Ceiling(h.attempts))
	}
	h.Fire()
}

func (h *webhooks) close() {
	h.Lock()
	h.closed = true
	h.Unlock()
	h.cancel()
	h.wg.Wait()
	h.client.CloseIdleConnections()
}

// WebhookStats reports webhook activity so far.
func (s *Server) WebhookStats() WebhookStats {
	st, pending := s.hooks.Stats()
	st.Pending = pending
	return st
}

// WaitWebhooksIdle returns when every queued webhook is delivered, or
// with ctx's error.
func (s *Server) WaitWebhooksIdle(ctx context.Context) error { return s.hooks.WaitIdle(ctx) }

// SetWebhookURL points the script at Tandem's endpoint; "" stops new
// webhooks (queued ones wait for a URL).
func (s *Server) SetWebhookURL(url string) { s.hooks.SetURL(url) }
