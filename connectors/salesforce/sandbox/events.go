package sandbox

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/internal/delivery"
)

// EventsStats counts forwarded change events. Queued, Delivered and
// Pending count events; Sent and Failed count requests (one request
// carries up to Events.MaxBatch events).
type EventsStats struct {
	Queued, Sent, Delivered, Failed, Pending int
}

// forwarder posts the org's change events to Tandem the way a Queueable
// callout chain would: in commit order, in batches, re-sending a refused
// batch with back-off until Tandem takes it. It drops nothing.
type forwarder struct {
	s      *Server
	cfg    EventsConfig
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once

	// CometD messages, oldest first. The queue's lock also guards the
	// fields after it.
	*delivery.Queue[[]byte, EventsStats]
	attempts int       // failed requests in a row for the head of the queue
	due      time.Time // when the head may be sent again
}

// newForwarder starts forwarding the changes of the selected objects.
func newForwarder(s *Server) *forwarder {
	ctx, cancel := context.WithCancel(context.Background())
	f := &forwarder{s: s, cfg: s.cfg.Events, ctx: ctx, cancel: cancel,
		client: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		Queue:  delivery.NewQueue[[]byte, EventsStats](s.cfg.Events.URL)}
	f.wg.Add(1)
	go f.run()
	return f
}

func (f *forwarder) close() {
	f.once.Do(func() {
		f.cancel()
		f.wg.Wait()
		f.client.CloseIdleConnections()
	})
}

// forward queues the change events of one committed transaction. Caller
// holds s.mu, so the queue follows commit order.
func (f *forwarder) forward(events []stampedEvent) {
	f.Lock()
	defer f.Unlock()
	if f.URL == "" {
		return
	}
	for _, ev := range events {
		msg, err := f.s.cdcMessage(ev.ChangeEvent, ev.seq, ev.commitNumber, ev.replayID).MarshalJSON() // not json.Marshal: it escapes & < >
		if err != nil {
			f.s.log.Error("salesforce sandbox: change event not encoded", "object", ev.Object, "id", ev.RecordID, "err", err)
			continue
		}
		f.Items = append(f.Items, msg)
		f.Counts.Queued++
	}
	f.Fire()
}

func (f *forwarder) run() {
	defer f.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for f.ctx.Err() == nil {
		url, batch, wait := f.next()
		if batch != nil {
			f.finish(len(batch), f.post(url, batch))
			continue
		}
		timer.Reset(wait)
		select {
		case <-f.ctx.Done():
		case <-f.Wake():
		case <-timer.C:
		}
	}
}

// next returns the batch at the head of the queue if it is due, else how
// long to wait.
func (f *forwarder) next() (string, [][]byte, time.Duration) {
	f.Lock()
	defer f.Unlock()
	if len(f.Items) == 0 || f.URL == "" {
		return "", nil, time.Hour
	}
	if wait := time.Until(f.due); wait > 0 {
		return "", nil, wait
	}
	return f.URL, slices.Clone(f.Items[:min(len(f.Items), f.cfg.MaxBatch)]), 0
}

// post sends a batch as a JSON array; any 2xx answer takes it.
func (f *forwarder) post(url string, batch [][]byte) bool {
	body := slices.Concat([]byte("["), bytes.Join(batch, []byte(",")), []byte("]"))
	ctx, cancel := context.WithTimeout(f.ctx, eventsCalloutTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		f.s.log.Warn("salesforce sandbox: events endpoint is not a URL", "err", err)
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	f.authenticate(req, body)
	resp, err := f.client.Do(req)
	if err != nil {
		f.s.log.Info("salesforce sandbox: change events not delivered", "url", delivery.Redacted(url), "err", err)
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAckBytes))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		f.s.log.Info("salesforce sandbox: change events refused", "url", delivery.Redacted(url), "status", resp.StatusCode)
		return false
	}
	return true
}

// authenticate adds the credential the contract's TANDEM_SF_EVENTS_AUTH asks for.
func (f *forwarder) authenticate(req *http.Request, body []byte) {
	if f.cfg.Auth == EventsAuthHMAC {
		req.Header.Set("X-Tandem-Signature", delivery.Signature(f.cfg.Secret, time.Now().Unix(), body))
		return
	}
	req.Header.Set("Authorization", "Bearer "+f.cfg.Token)
}

func (f *forwarder) finish(n int, delivered bool) {
	f.Lock()
	defer f.Unlock()
	f.Counts.Sent++
	if delivered {
		f.Items = slices.Delete(f.Items, 0, n)
		f.Counts.Delivered += n
		f.attempts, f.due = 0, time.Time{}
	} else {
		f.Counts.Failed++
		f.attempts++
		f.due = time.Now().Add(connectors.Backoff{Base: f.cfg.RetryBase, Cap: f.cfg.RetryMax}.Ceiling(f.attempts))
	}
	f.Fire()
}

// EventsStats reports change event forwarding so far.
func (s *Server) EventsStats() EventsStats {
	st, pending := s.events.Stats()
	st.Pending = pending
	return st
}

// WaitEventsIdle returns when every queued change event is delivered, or
// with ctx's error.
func (s *Server) WaitEventsIdle(ctx context.Context) error { return s.events.WaitIdle(ctx) }

// SetEventsURL changes where change events go; "" stops forwarding new
// ones (queued ones wait for a URL).
func (s *Server) SetEventsURL(url string) { s.events.SetURL(url) }
