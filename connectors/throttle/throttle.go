// Package throttle holds the throttles every worker process shares in Redis
// before calling a remote system: a semaphore of leased slots for NetSuite,
// which governs concurrent requests, and a GCRA request rate for
// Salesforce. Both implement connectors.Limiter: Acquire waits in-process
// up to MaxWait, because a short wait is far cheaper than rescheduling a
// job; past that it returns a *connectors.ThrottleError so the job is
// retried later without counting a failure.
package throttle

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/tandem-sync/tandem/connectors"
)

const (
	// DefaultMaxWait is how long Acquire waits in-process when MaxWait is zero.
	DefaultMaxWait = 2 * time.Second
	// NoWait as MaxWait makes Acquire return a ThrottleError at once
	// instead of waiting.
	NoWait time.Duration = -1

	// redisTimeout bounds the Redis calls that must finish even when the
	// caller's ctx has ended: releases, heartbeats, and acquires whose
	// answer must not be lost.
	redisTimeout = 2 * time.Second
)

// checkConfig checks what every throttle needs: a key, a system and a
// count (of slots, of requests) of at least 1.
func checkConfig(kind, key, system, count string, n int) error {
	if key == "" || system == "" {
		return fmt.Errorf("throttle: %s needs a Key and a System", kind)
	}
	if n < 1 {
		return fmt.Errorf("throttle: %s %q: %s %d, must be at least 1", kind, key, count, n)
	}
	return nil
}

// maxWait applies MaxWait's zero value and the NoWait sentinel.
func maxWait(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return DefaultMaxWait
	case d < 0:
		return 0
	}
	return d
}

// around spreads d over [d/2, 3d/2), so waiters that started together do
// not come back together.
func around(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d/2 + rand.N(d)
}

// atLeast spreads d over [d, 5d/4): for waits that must not end early.
func atLeast(d time.Duration) time.Duration {
	return d + rand.N(d/4+1)
}

// detached is ctx without its cancellation, bounded by redisTimeout.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
}

// WaitStats counts what Acquire did since the throttle was made.
type WaitStats struct {
	System, Reason string // what the throttle limits, as its ThrottleErrors name it

	Acquired  int64         // admissions
	Waited    int64         // admissions that had to wait in-process first
	WaitTime  time.Duration // total in-process wait of those admissions
	Throttled int64         // Acquire calls that returned a ThrottleError
}

// waiter is the part of Acquire both throttles share: the in-process wait
// budget, the counters and the errors that end a wait.
type waiter struct {
	system, reason string
	maxWait        time.Duration

	acquired, waited, waitNanos, throttled atomic.Int64
}

// admitted counts an admission that waited in-process for wait.
func (w *waiter) admitted(wait time.Duration) {
	w.acquired.Add(1)
	if wait > 0 {
		w.waited.Add(1)
		w.waitNanos.Add(int64(wait))
	}
}

// throttle counts a wait handed back to the job queue and returns its error.
func (w *waiter) throttle(wait time.Duration) error {
	w.throttled.Add(1)
	return &connectors.ThrottleError{System: w.system, Reason: w.reason, Wait: wait}
}

// canceled is the error for a wait ended by ctx; it wraps ctx.Err().
func (w *waiter) canceled(ctx context.Context) error {
	return fmt.Errorf("throttle: waiting for %s %s: %w", w.system, w.reason, ctx.Err())
}

// failed wraps a Redis error met while acquiring.
func (w *waiter) failed(key string, err error) error {
	return fmt.Errorf("throttle: acquiring %s %s (redis key %q): %w", w.system, w.reason, key, err)
}

// sleep waits for d or until ctx ends, whichever comes first.
func (w *waiter) sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return w.canceled(ctx)
	case <-wake:
	case <-timer.C:
	}
	return nil
}

func (w *waiter) stats() WaitStats {
	return WaitStats{
		System:    w.system,
		Reason:    w.reason,
		Acquired:  w.acquired.Load(),
		Waited:    w.waited.Load(),
		WaitTime:  time.Duration(w.waitNanos.Load()),
		Throttled: w.throttled.Load(),
	}
}
