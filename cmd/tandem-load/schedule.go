package main

import (
	"context"
	"time"

	"github.com/tandem-sync/tandem/connectors"
)

// schedule is an open-loop arrival plan: n requests evenly spaced at a
// fixed rate, each due at its own time whether or not earlier ones have
// been answered. Latency is measured from the due time, so time a request
// spends waiting (for the generator, a connection or the server) counts.
type schedule struct {
	rate float64 // requests per second
	n    int
}

func newSchedule(rate float64, d time.Duration) schedule {
	return schedule{rate: rate, n: int(rate * d.Seconds())}
}

// offset is when request i is due, from the start of the step.
func (s schedule) offset(i int) time.Duration {
	return time.Duration(float64(i) * float64(time.Second) / s.rate)
}

// clock is the time the schedule runs on; tests use a virtual one.
type clock interface {
	Now() time.Time
	// Sleep waits for d; false if ctx ended first.
	Sleep(ctx context.Context, d time.Duration) bool
}

// run calls fire for each request in order, never before it is due. When
// the generator falls behind it fires every overdue request at once
// rather than skipping any, so the rate holds. It returns how many it
// fired: fewer than n only if ctx ended.
func (s schedule) run(ctx context.Context, clk clock, fire func(i int, due time.Time)) int {
	start := clk.Now()
	for i := 0; i < s.n; i++ {
		due := start.Add(s.offset(i))
		if wait := due.Sub(clk.Now()); wait > 0 && !clk.Sleep(ctx, wait) {
			return i
		}
		if ctx.Err() != nil {
			return i
		}
		fire(i, due)
	}
	return s.n
}

// wallClock is the real clock.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) bool {
	return connectors.Sleep(ctx, d) == nil
}
