// Package delivery holds what the sandboxes' webhook senders share: the
// signal between a delivery queue, its loop and its idle waiters, and URLs
// fit for logs; they re-send on connectors.Backoff's fixed (unjittered)
// schedule. Salesforce re-sends Outbound
// Messages and the SuiteScript re-sends webhooks the same way, so the two
// sandboxes re-send alike.
package delivery

import (
	"context"
	"errors"
	neturl "net/url"
)

// Signal connects a delivery queue to its loop and its idle waiters. Its
// owner's mutex guards it.
type Signal struct {
	wake    chan struct{} // buffered: the loop looks at the queue again
	changed chan struct{} // closed and replaced on every change
}

// NewSignal returns a Signal ready for use.
func NewSignal() Signal {
	return Signal{wake: make(chan struct{}, 1), changed: make(chan struct{})}
}

// Fire reports a change of the queue. Caller holds the owner's mutex.
func (g *Signal) Fire() {
	close(g.changed)
	g.changed = make(chan struct{})
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// Wake is where the delivery loop waits for work.
func (g *Signal) Wake() <-chan struct{} { return g.wake }

// Changed is closed at the next Fire. Caller holds the owner's mutex.
func (g *Signal) Changed() <-chan struct{} { return g.changed }

// WaitUntil returns when state reports done, looking again each time the
// channel it returned is closed, or with ctx's error.
func WaitUntil(ctx context.Context, state func() (done bool, changed <-chan struct{})) error {
	for {
		done, changed := state()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// Redacted is an endpoint URL fit for logs: no password, no query (an
// Outbound Message URL carries its token there).
func Redacted(endpoint string) string {
	u, err := neturl.Parse(endpoint)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery = ""
	return u.Redacted()
}

// RedactedErr is err fit for logs: a *url.Error quotes the whole URL.
func RedactedErr(err error) error {
	var ue *neturl.Error
	if errors.As(err, &ue) {
		return &neturl.Error{Op: ue.Op, URL: Redacted(ue.URL), Err: ue.Err}
	}
	return err
}
