package sandbox

import (
	"context"
	"time"
)

// signal connects a delivery queue to its loop and its idle waiters.
// Its owner's mutex guards it.
type signal struct {
	wake    chan struct{} // buffered: the loop looks at the queue again
	changed chan struct{} // closed and replaced on every change
}

func newSignal() signal {
	return signal{wake: make(chan struct{}, 1), changed: make(chan struct{})}
}

// fire reports a change of the queue. Caller holds the owner's mutex.
func (g *signal) fire() {
	close(g.changed)
	g.changed = make(chan struct{})
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// waitUntil returns when state reports done, looking again each time the
// channel it returned is closed, or with ctx's error.
func waitUntil(ctx context.Context, state func() (done bool, changed <-chan struct{})) error {
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

// backoff doubles base per failed attempt, up to max.
func backoff(base, max time.Duration, attempts int) time.Duration {
	d := base
	for i := 1; i < attempts && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}
