package main

import (
	"context"
	"testing"
	"time"
)

// virtualClock moves only when slept on; oversleep makes every sleep
// last that much longer, as on a busy machine.
type virtualClock struct {
	now       time.Time
	oversleep time.Duration
	sleeps    int
}

func (c *virtualClock) Now() time.Time { return c.now }

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) bool {
	if ctx.Err() != nil {
		return false
	}
	c.sleeps++
	c.now = c.now.Add(d + c.oversleep)
	return true
}

func TestScheduleSpacesRequestsEvenlyAndNeverFiresEarly(t *testing.T) {
	clk := &virtualClock{now: time.Unix(1000, 0)}
	start := clk.now
	s := newSchedule(500, 2*time.Second)
	if s.n != 1000 {
		t.Fatalf("500/s for 2s is %d requests, want 1000", s.n)
	}
	next := 0
	fired := s.run(context.Background(), clk, func(i int, due time.Time) {
		if i != next {
			t.Fatalf("fired %d, want %d", i, next)
		}
		next++
		if want := start.Add(time.Duration(i) * 2 * time.Millisecond); !due.Equal(want) {
			t.Fatalf("request %d due at %s, want %s", i, due.Sub(start), want.Sub(start))
		}
		if clk.Now().Before(due) {
			t.Fatalf("request %d fired %s before it was due", i, due.Sub(clk.Now()))
		}
	})
	if fired != 1000 || next != 1000 {
		t.Fatalf("fired %d (%d calls), want 1000", fired, next)
	}
}

func TestScheduleFiresOverdueRequestsAtOnceWithoutSkipping(t *testing.T) {
	// Every sleep overshoots by 10 intervals: the generator is behind.
	clk := &virtualClock{now: time.Unix(1000, 0), oversleep: 10 * time.Millisecond}
	s := newSchedule(1000, time.Second)
	var got []int
	fired := s.run(context.Background(), clk, func(i int, due time.Time) {
		if clk.Now().Before(due) {
			t.Fatalf("request %d fired early", i)
		}
		got = append(got, i)
	})
	if fired != 1000 || len(got) != 1000 || got[999] != 999 {
		t.Fatalf("fired %d requests (last %d), want all 1000", fired, got[len(got)-1])
	}
	if clk.sleeps > 1000/10 {
		t.Fatalf("slept %d times: overdue requests should go out together (at most %d sleeps)", clk.sleeps, 1000/10)
	}
}

func TestScheduleStopsWhenTheContextEnds(t *testing.T) {
	clk := &virtualClock{now: time.Unix(1000, 0)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fired := newSchedule(100, 10*time.Second).run(ctx, clk, func(i int, _ time.Time) {
		if i == 9 {
			cancel()
		}
	})
	if fired != 10 {
		t.Fatalf("fired %d after cancelling at the 10th, want 10", fired)
	}
}

func TestScheduleRoundsFractionalRates(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		d    time.Duration
		want int
	}{{250, 10 * time.Second, 2500}, {0.5, 10 * time.Second, 5}, {3, 500 * time.Millisecond, 1}} {
		if got := newSchedule(tc.rate, tc.d).n; got != tc.want {
			t.Errorf("%g/s for %s: %d requests, want %d", tc.rate, tc.d, got, tc.want)
		}
	}
}
