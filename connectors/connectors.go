// Package connectors holds what every remote-system client shares: the
// Limiter contract for throttles and the error classification the job
// workers use to decide between "retry later", "wait without counting a
// failure" and "give up now".
package connectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"
	"unicode/utf8"
)

// CallOptionsClient is the client name Tandem writes into Salesforce's
// Sforce-Call-Options header, so change events caused by Tandem can be
// recognised and dropped.
const CallOptionsClient = "tandem"

// Limiter admits one request to a remote system. Acquire blocks until the
// request may go, ctx ends, or the limiter decides the wait is too long to
// sit out in-process; then it returns a *ThrottleError saying how long to
// wait. release must be called exactly once when the request is over.
type Limiter interface {
	Acquire(ctx context.Context) (release func(), err error)
}

// Unlimited is a Limiter that admits everything at once.
type Unlimited struct{}

// Acquire implements Limiter.
func (Unlimited) Acquire(context.Context) (func(), error) { return func() {}, nil }

// ThrottleError reports a wait imposed by a rate or concurrency limit, ours
// (a Redis throttle) or the remote system's (HTTP 429,
// CONCURRENCY_LIMIT_EXCEEDED, REQUEST_LIMIT_EXCEEDED). Workers retry a job
// that failed with it after Wait, without counting a failure.
type ThrottleError struct {
	System string        // "netsuite" or "salesforce"
	Reason string        // what imposed the wait, e.g. "concurrency slot", "CONCURRENCY_LIMIT_EXCEEDED"
	Wait   time.Duration // how long to wait before trying again
	Err    error         // the remote error, if the remote system imposed it
}

func (e *ThrottleError) Error() string {
	msg := fmt.Sprintf("%s throttled (%s), retry in %s", e.System, e.Reason, e.Wait.Round(time.Millisecond))
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *ThrottleError) Unwrap() error { return e.Err }

// RetryAfter is how long to wait before trying again.
func (e *ThrottleError) RetryAfter() time.Duration { return e.Wait }

// IsThrottle reports whether err is, or wraps, a *ThrottleError.
func IsThrottle(err error) bool {
	var te *ThrottleError
	return errors.As(err, &te)
}

// ErrNotFound is what both clients' errors wrap when the remote record
// does not exist (HTTP 404 / NOT_FOUND): flows branch on
// errors.Is(err, connectors.ErrNotFound), never on a client's error type.
var ErrNotFound = errors.New("record not found")

// RetryAfter returns the wait an error asks for (a throttle wait or a
// remote Retry-After header), if any.
func RetryAfter(err error) (time.Duration, bool) {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		if d := ra.RetryAfter(); d > 0 {
			return d, true
		}
	}
	return 0, false
}

// IsPermanent reports whether err is known to be permanent: trying again
// with the same input cannot succeed (a validation error, a missing record,
// a mapping that cannot be satisfied). Errors that do not say are not
// permanent: losing a change is worse than retrying it.
func IsPermanent(err error) bool {
	if err == nil || IsThrottle(err) {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return false
	}
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return !r.Retryable()
	}
	return false
}

// Snippet is the start of a remote system's answer for an error message:
// trimmed, at most n bytes, cut on a character boundary, "…" when cut.
func Snippet(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// RestyLogger sends resty's own messages (its warnings and errors too:
// the clients report failures themselves) to Log at debug level.
type RestyLogger struct{ Log *slog.Logger }

func (l RestyLogger) Errorf(format string, v ...any) { l.Debugf(format, v...) }
func (l RestyLogger) Warnf(format string, v ...any)  { l.Debugf(format, v...) }
func (l RestyLogger) Debugf(format string, v ...any) {
	l.Log.Debug("resty: " + fmt.Sprintf(format, v...))
}
