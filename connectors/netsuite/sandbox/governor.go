package sandbox

import (
	"context"
	"sync"
	"time"
)

// governor is NetSuite's account concurrency limit: a request either gets
// a slot at once or is refused, never queued. It also applies the
// configured latency while a request holds its slot.
type governor struct {
	mu             sync.Mutex
	limit          int // negative: unlimited
	inFlight       int
	maxInFlight    int
	latency        time.Duration
	latencyChanged chan struct{} // closed (and replaced) whenever latency changes
}

func newGovernor(limit int, latency time.Duration) *governor {
	return &governor{limit: limit, latency: latency, latencyChanged: make(chan struct{})}
}

// acquire takes a slot; ok is false when the account is at its limit.
func (g *governor) acquire() (release func(), ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.limit >= 0 && g.inFlight >= g.limit {
		return nil, false
	}
	g.inFlight++
	g.maxInFlight = max(g.maxInFlight, g.inFlight)
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.inFlight--
			g.mu.Unlock()
		})
	}, true
}

func (g *governor) setLimit(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.limit = n
}

func (g *governor) currentLimit() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}

// setLatency changes the latency, also for requests already waiting: they
// are done waiting once start+latency has passed.
func (g *governor) setLatency(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.latency = d
	close(g.latencyChanged)
	g.latencyChanged = make(chan struct{})
}

// wait holds a request until start+latency, ctx ends or done closes.
func (g *governor) wait(ctx context.Context, start time.Time, done <-chan struct{}) {
	for {
		g.mu.Lock()
		remaining := time.Until(start.Add(g.latency))
		changed := g.latencyChanged
		g.mu.Unlock()
		if remaining <= 0 {
			return
		}
		timer := time.NewTimer(remaining)
		select {
		case <-timer.C:
			return
		case <-changed:
			timer.Stop()
		case <-ctx.Done():
			timer.Stop()
			return
		case <-done:
			timer.Stop()
			return
		}
	}
}

func (g *governor) counts() (inFlight, maxInFlight int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inFlight, g.maxInFlight
}

func (g *governor) resetMax() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.maxInFlight = g.inFlight
}
