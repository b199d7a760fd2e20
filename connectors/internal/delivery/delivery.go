// Package delivery holds what the sandboxes' webhook senders share: the
// queue between a sender, its loop and its idle waiters, and URLs fit for
// logs. Salesforce re-sends Outbound Messages and the SuiteScript re-sends
// webhooks the same way, so the two sandboxes re-send alike, on
// connectors.Backoff's fixed (unjittered) schedule.
package delivery

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	neturl "net/url"
	"strconv"
	"sync"
)

// Queue is what a sandbox sender shares with its delivery loop and its
// idle waiters: the endpoint, the pending items and the counters, all
// guarded by the embedded mutex (which also guards the sender's own
// state), and the signal that wakes the loop and the waiters. It gives the
// sandboxes' Stats, WaitIdle and SetURL.
type Queue[T, S any] struct {
	sync.Mutex
	URL    string // where items go; "" holds them back
	Items  []T    // pending, oldest first
	Counts S      // the sender's counters

	wake    chan struct{} // buffered: the loop looks at the queue again
	changed chan struct{} // closed and replaced on every change
}

// NewQueue returns an empty queue that sends to url.
func NewQueue[T, S any](url string) *Queue[T, S] {
	return &Queue[T, S]{URL: url, wake: make(chan struct{}, 1), changed: make(chan struct{})}
}

// Fire reports a change of the queue to the loop and the waiters. Caller
// holds the lock.
func (q *Queue[T, S]) Fire() {
	close(q.changed)
	q.changed = make(chan struct{})
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Wake is where the delivery loop waits for work.
func (q *Queue[T, S]) Wake() <-chan struct{} { return q.wake }

// Stats returns the counters and how many items are pending.
func (q *Queue[T, S]) Stats() (S, int) {
	q.Lock()
	defer q.Unlock()
	return q.Counts, len(q.Items)
}

// WaitIdle returns when no item is pending, or with ctx's error.
func (q *Queue[T, S]) WaitIdle(ctx context.Context) error {
	for {
		q.Lock()
		idle, changed := len(q.Items) == 0, q.changed
		q.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// SetURL changes the endpoint; "" holds items back until a URL is set.
func (q *Queue[T, S]) SetURL(url string) {
	q.Lock()
	defer q.Unlock()
	q.URL = url
	q.Fire()
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

// Signature is an X-Tandem-Signature value, as both sandboxes sign their
// posts: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>.
func Signature(secret string, unix int64, body []byte) string {
	t := strconv.FormatInt(unix, 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(t + "."))
	mac.Write(body)
	return "t=" + t + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}
