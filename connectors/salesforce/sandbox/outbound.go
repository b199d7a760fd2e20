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
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// maxAckBytes bounds how much of a listener's answer is read.
const maxAckBytes = 1 << 20

// OutboundStats counts Outbound Message activity. Queued, Acked, Dropped
// and Pending count notifications; Sent and Failed count HTTP attempts
// (one message carries up to 100 notifications).
type OutboundStats struct {
	Queued, Sent, Acked, Failed, Dropped, Pending int
}

// notification is one queued change of one record for one rule.
type notification struct {
	id       string // 04l…, the same on every re-send
	rule     int
	recordID string
	queuedAt time.Time // sandbox clock, for OutboundMaxAge
	attempts int
	due      time.Time // wall clock of the next attempt
	inFlight bool
}

// outbound queues notifications and delivers them like Salesforce: batched
// per rule, re-sent with exponential back-off until acknowledged, possibly
// out of order, dropped when too old.
type outbound struct {
	s      *Server
	rules  []compiledRule
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once

	// The queue's URL is for rules without one of their own; its lock
	// also guards n.
	*delivery.Queue[*notification, OutboundStats]
	n uint64
}

func newOutbound(s *Server) (*outbound, error) {
	rules, err := compileRules(s.schema, s.cfg.Outbound)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	// An own transport, so Close can drop its keep-alive connections.
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	o := &outbound{s: s, rules: rules, client: client, ctx: ctx, cancel: cancel,
		Queue: delivery.NewQueue[*notification, OutboundStats](s.cfg.OutboundURL)}
	o.wg.Add(1)
	go o.run()
	return o, nil
}

func (o *outbound) close() {
	o.once.Do(func() {
		o.cancel()
		o.wg.Wait()
		o.client.CloseIdleConnections()
	})
}

// notify queues a notification per rule matching each created or updated
// record.
func (o *outbound) notify(user User, events []ChangeEvent) {
	if o.s.cfg.SuppressOutboundForIntegrationUser && user.ID == o.s.integration.ID {
		return
	}
	var matched []*notification
	for _, ev := range events {
		if ev.ChangeType != "CREATE" && ev.ChangeType != "UPDATE" {
			continue
		}
		for i, r := range o.rules {
			if r.Object == ev.Object && (r.Criteria == nil || r.Criteria(ev.Fields)) {
				matched = append(matched, &notification{rule: i, recordID: ev.RecordID, queuedAt: o.s.cfg.Clock()})
			}
		}
	}
	o.Lock()
	for _, n := range matched {
		if o.urlFor(n.rule) == "" {
			continue
		}
		o.n++
		n.id = sfid.New("04l", o.n)
		o.Items = append(o.Items, n)
		o.Counts.Queued++
	}
	o.Fire()
	o.Unlock()
}

// urlFor is a rule's endpoint. Caller holds o's lock.
func (o *outbound) urlFor(rule int) string {
	if u := o.rules[rule].URL; u != "" {
		return u
	}
	return o.URL
}

func (o *outbound) run() {
	defer o.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		batches, wait := o.takeDue()
		for _, b := range batches {
			o.wg.Add(1)
			go o.deliver(b)
		}
		timer.Reset(wait)
		select {
		case <-o.ctx.Done():
			return
		case <-o.Wake():
		case <-timer.C:
		}
	}
}

// takeDue drops notifications past OutboundMaxAge, marks the due ones in
// flight in batches of up to 100 per rule, and says how long until the
// next one is due.
func (o *outbound) takeDue() ([][]*notification, time.Duration) {
	o.Lock()
	defer o.Unlock()
	now, clock := time.Now(), o.s.cfg.Clock()
	wait := time.Hour
	byRule := map[int][]*notification{}
	dropped := false
	o.Items = slices.DeleteFunc(o.Items, func(n *notification) bool {
		if !n.inFlight && clock.Sub(n.queuedAt) > o.s.cfg.OutboundMaxAge {
			o.Counts.Dropped++
			dropped = true
			return true
		}
		return false
	})
	for _, n := range o.Items {
		switch {
		case n.inFlight:
		case n.due.After(now):
			wait = min(wait, n.due.Sub(now))
		default:
			n.inFlight = true
			byRule[n.rule] = append(byRule[n.rule], n)
		}
	}
	var batches [][]*notification
	for rule := range len(o.rules) {
		for chunk := range slices.Chunk(byRule[rule], MaxNotificationsPerMessage) {
			batches = append(batches, chunk)
		}
	}
	if dropped {
		o.Fire()
	}
	return batches, wait
}

// deliver sends one message and records the outcome.
func (o *outbound) deliver(batch []*notification) {
	defer o.wg.Done()
	o.Lock()
	url := o.urlFor(batch[0].rule)
	o.Unlock()
	body := o.s.envelope(o.rules[batch[0].rule], batch)
	acked := url != "" && o.post(url, body)
	o.finish(batch, acked)
}

// post sends a message; only HTTP 200 with a SOAP Ack of true is success.
func (o *outbound) post(url string, body []byte) bool {
	ctx, cancel := context.WithTimeout(o.ctx, o.s.cfg.OutboundTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		o.s.log.Warn("salesforce sandbox: outbound message endpoint is not a URL", "err", delivery.RedactedErr(err))
		return false
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `""`)
	resp, err := o.client.Do(req)
	if err != nil {
		o.s.log.Info("salesforce sandbox: outbound message not delivered", "url", delivery.Redacted(url), "err", delivery.RedactedErr(err))
		return false
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAckBytes))
	if err != nil || resp.StatusCode != http.StatusOK || !isAck(answer) {
		o.s.log.Info("salesforce sandbox: outbound message not acknowledged", "url", delivery.Redacted(url), "status", resp.StatusCode)
		return false
	}
	return true
}

func (o *outbound) finish(batch []*notification, acked bool) {
	o.Lock()
	defer o.Unlock()
	o.Counts.Sent++
	if acked {
		o.Counts.Acked += len(batch)
		o.Items = slices.DeleteFunc(o.Items, func(n *notification) bool { return slices.Contains(batch, n) })
	} else {
		o.Counts.Failed++
		now := time.Now()
		for _, n := range batch {
			n.attempts++
			n.inFlight = false
			n.due = now.Add(connectors.Backoff{Base: o.s.cfg.OutboundRetryBase, Cap: o.s.cfg.OutboundRetryMax}.Ceiling(n.attempts))
		}
	}
	o.Fire()
}

// OutboundStats reports Outbound Message activity so far.
func (s *Server) OutboundStats() OutboundStats {
	st, pending := s.outbound.Stats()
	st.Pending = pending
	return st
}

// WaitOutboundIdle returns when no notification is pending (all acked or
// dropped), or with ctx's error.
func (s *Server) WaitOutboundIdle(ctx context.Context) error { return s.outbound.WaitIdle(ctx) }

// SetOutboundURL changes the endpoint of rules without a URL of their own.
func (s *Server) SetOutboundURL(url string) { s.outbound.SetURL(url) }
