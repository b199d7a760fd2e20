package reconcile

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		in         string
		start      int
		from, till time.Time
	}{
		{"2026-Q4", 1, day(2026, 10, 1), day(2027, 1, 1)},
		{"2026-Q1", 1, day(2026, 1, 1), day(2026, 4, 1)},
		{"2026-Q1", 2, day(2025, 2, 1), day(2025, 5, 1)}, // FY2026 ends in January 2026
		{"2026-Q4", 2, day(2025, 11, 1), day(2026, 2, 1)},
		{"2026-Q4", 7, day(2026, 4, 1), day(2026, 7, 1)},
		{"2026-11", 7, day(2026, 11, 1), day(2026, 12, 1)},
		{"2026-12", 1, day(2026, 12, 1), day(2027, 1, 1)},
		{"2026", 4, day(2025, 4, 1), day(2026, 4, 1)},
		{"2026", 1, day(2026, 1, 1), day(2027, 1, 1)},
	} {
		p, err := ParsePeriod(c.in, c.start)
		if err != nil {
			t.Errorf("%s (start %d): %v", c.in, c.start, err)
			continue
		}
		if !p.Start.Equal(c.from) || !p.End.Equal(c.till) || p.Name != c.in {
			t.Errorf("%s (start %d) = %s %v..%v, want %v..%v", c.in, c.start, p.Name, p.Start, p.End, c.from, c.till)
		}
	}
	for _, bad := range []string{"", "2026-Q5", "2026-13", "2026-00", "26-Q1", "2026Q1", "2026-Q4 ", "2026-1"} {
		if _, err := ParsePeriod(bad, 1); err == nil {
			t.Errorf("ParsePeriod(%q) took it", bad)
		}
	}
	if _, err := ParsePeriod("2026-Q1", 13); err == nil {
		t.Error("fiscal start 13 taken")
	}
	p, _ := ParsePeriod("2026-Q4", 1)
	if m := p.Months(); len(m) != 3 || m[0] != "2026-10" || m[2] != "2026-12" {
		t.Errorf("months %v", m)
	}
}
