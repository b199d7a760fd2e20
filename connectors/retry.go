package connectors

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// The one back-off policy of Tandem: the job queue's counted failures, both
// clients' in-place retries and the sandboxes' re-sends all wait
// Backoff.Ceiling(n) or a full-jitter Backoff.Delay(n), each with its own
// constants, and read Retry-After with ParseRetryAfter.
//
// The clients keep their own small retry loops rather than resty's
// (SetRetryCount, AddRetryCondition): every attempt takes and gives back a
// Limiter slot (never held through a back-off), is signed afresh (a TBA
// nonce, a renewed token after a 401, counted apart from the retries),
// has its own timeout and is observed for metrics, and the last refusal
// becomes a ThrottleError for the job. resty runs its retries inside one
// Execute, so all of that would move into its request and error hooks.

// Backoff is exponential back-off from Base, doubling per failure, at most Cap.
type Backoff struct{ Base, Cap time.Duration }

// Ceiling is the wait before retry n (1-based: after n failures) without
// jitter: Base·2^(n-1), at most Cap.
func (b Backoff) Ceiling(n int) time.Duration {
	shift := max(n-1, 0)
	if shift >= 32 || b.Base > b.Cap>>shift {
		return b.Cap
	}
	return b.Base << shift
}

// Delay is the full-jitter wait before retry n: uniform in [0, Ceiling(n)),
// so callers that failed together do not retry together.
func (b Backoff) Delay(n int) time.Duration { return Jitter(b.Ceiling(n)) }

// Jitter is a uniform random duration in [0, d); 0 when d ≤ 0.
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// ParseRetryAfter reads a Retry-After header, seconds or an HTTP date;
// 0 when it is absent, unreadable or asks for no wait.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Sleep waits d, or returns ctx's error if ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
