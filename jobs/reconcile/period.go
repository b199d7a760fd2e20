package reconcile

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// periodPattern is what ParsePeriod accepts: a fiscal year (2026), a
// fiscal quarter (2026-Q4) or a calendar month (2026-11).
var periodPattern = regexp.MustCompile(`^(\d{4})(?:-Q([1-4])|-(\d{2}))?$`)

// ParsePeriod reads a period as users type it. Quarters and years are
// fiscal: the year starts in fiscalStart (1-12, the org's
// FiscalYearStartMonth) and, as Salesforce's standard fiscal years by
// default, is named after the calendar year it ends in, so with a
// February start FY2026 runs from 1 Feb 2025 to 31 Jan 2026. Months are
// calendar months. Times are UTC dates: CloseDate and trandate are dates.
func ParsePeriod(s string, fiscalStart int) (Period, error) {
	if fiscalStart < 1 || fiscalStart > 12 {
		return Period{}, fmt.Errorf("period %q: fiscal year start month %d is not 1-12", s, fiscalStart)
	}
	m := periodPattern.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("period %q: want a fiscal year (2026), quarter (2026-Q4) or month (2026-11)", s)
	}
	year, _ := strconv.Atoi(m[1])
	switch {
	case m[3] != "":
		month, _ := strconv.Atoi(m[3])
		if month < 1 || month > 12 {
			return Period{}, fmt.Errorf("period %q: month %d is not 01-12", s, month)
		}
		start := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
		return Period{Name: s, Start: start, End: start.AddDate(0, 1, 0)}, nil
	default:
		fyStart := time.Date(year, time.Month(fiscalStart), 1, 0, 0, 0, 0, time.UTC)
		if fiscalStart != 1 {
			fyStart = fyStart.AddDate(-1, 0, 0)
		}
		if m[2] == "" {
			return Period{Name: s, Start: fyStart, End: fyStart.AddDate(1, 0, 0)}, nil
		}
		q, _ := strconv.Atoi(m[2])
		start := fyStart.AddDate(0, 3*(q-1), 0)
		return Period{Name: s, Start: start, End: start.AddDate(0, 3, 0)}, nil
	}
}

// Months are the calendar months the period covers, as "2026-11".
func (p Period) Months() []string {
	var out []string
	for t := p.Start; t.Before(p.End); t = t.AddDate(0, 1, 0) {
		out = append(out, t.Format("2006-01"))
	}
	return out
}

// ratesDay is the day whose exchange rates convert the period: its last
// day, or today while it runs.
func (p Period) ratesDay(now time.Time) time.Time {
	last := p.End.AddDate(0, 0, -1)
	if now.Before(last) {
		return now.UTC().Truncate(24 * time.Hour)
	}
	return last
}
