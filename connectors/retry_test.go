package connectors

import (
	"testing"
	"time"
)

func TestBackoffCeilingDoublesUpToCap(t *testing.T) {
	b := Backoff{Base: time.Second, Cap: 10 * time.Second}
	for n, want := range map[int]time.Duration{0: time.Second, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 5: 10 * time.Second, 60: 10 * time.Second} {
		if got := b.Ceiling(n); got != want {
			t.Errorf("Ceiling(%d) = %s, want %s", n, got, want)
		}
	}
	// A base that would overflow when shifted still stops at the cap.
	if got := (Backoff{Base: time.Hour, Cap: 24 * time.Hour}).Ceiling(31); got != 24*time.Hour {
		t.Errorf("Ceiling(31) of an hour = %s, want the cap", got)
	}
}

func TestBackoffDelayIsFullJitter(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Cap: time.Second}
	for n := 1; n <= 10; n++ {
		ceiling := b.Ceiling(n)
		var highest time.Duration
		for range 1000 {
			d := b.Delay(n)
			if d < 0 || d >= ceiling {
				t.Fatalf("Delay(%d) = %s, outside [0, %s)", n, d, ceiling)
			}
			highest = max(highest, d)
		}
		if highest < ceiling/2 {
			t.Errorf("Delay(%d) never above %s in 1000 draws (ceiling %s)", n, highest, ceiling)
		}
	}
	if d := Jitter(0); d != 0 {
		t.Errorf("Jitter(0) = %s", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"0":                             0,
		"soon":                          0,
		"Mon, 04 May 2026 12:01:30 GMT": 90 * time.Second,
		"Mon, 04 May 2026 11:00:00 GMT": 0,
	} {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}
