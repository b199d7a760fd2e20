package mapping

import (
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones work in containers without /usr/share/zoneinfo
)

// Date helpers read what both systems send: dates "2026-01-15", Salesforce
// datetimes "2026-01-15T10:04:32.000+0000", NetSuite datetimes
// "2026-01-15T10:04:32Z", and date values from expr's date() and now().
// Patterns use the letters finance tools use: yyyy, yy, MMMM, MMM, MM, M,
// dd, d, EEEE, EEE, HH, H, hh, h, mm, ss, a; text in 'quotes' is literal.

const isoDate = "2006-01-02"

var inputLayouts = []string{
	isoDate,
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z0700", // Salesforce
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
}

// parseTime reads a date or datetime; ok is false for an empty value.
func parseTime(fn string, v any) (t time.Time, ok bool, err error) {
	if tv, isTime := v.(time.Time); isTime {
		return tv, true, nil
	}
	if isEmpty(v) {
		return time.Time{}, false, nil
	}
	s := strings.TrimSpace(textOf(v))
	for _, layout := range inputLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("%s: %q is not a date", fn, s)
}

// formatDate(v, pattern) writes a date in a pattern, e.g. "dd/MM/yyyy";
// formatDate(v, pattern, zone) first moves a datetime into a time zone
// such as "America/New_York".
func formatDate(args ...any) (any, error) {
	layout, err := goLayout(textOf(args[1]))
	if err != nil {
		return nil, fmt.Errorf("formatDate: %w", err)
	}
	return formatIn("formatDate", args[0], layout, args[2:])
}

// toDate(v) is the date part "yyyy-MM-dd"; toDate(v, zone) the date in
// that time zone (a datetime near midnight UTC is another day elsewhere).
func toDate(args ...any) (any, error) { return formatIn("toDate", args[0], isoDate, args[1:]) }

// formatIn writes a date in a Go layout, in the time zone zone names if
// one is given; null for an empty date.
func formatIn(fn string, v any, layout string, zone []any) (any, error) {
	t, ok, err := parseTime(fn, v)
	if !ok || err != nil {
		return nil, err
	}
	if len(zone) > 0 {
		if t, err = inZone(fn, t, zone[0]); err != nil {
			return nil, err
		}
	}
	return t.Format(layout), nil
}

// toDateTime(v) is v as a UTC datetime "2006-01-02T15:04:05Z".
func toDateTime(args ...any) (any, error) {
	t, ok, err := parseTime("toDateTime", args[0])
	if !ok || err != nil {
		return nil, err
	}
	return t.UTC().Format("2006-01-02T15:04:05Z"), nil
}

// addDays(v, n) is the date n days after v (before, for negative n).
func addDays(args ...any) (any, error) {
	t, ok, err := parseTime("addDays", args[0])
	if !ok || err != nil {
		return nil, err
	}
	n, err := intArg("addDays", args[1])
	if err != nil {
		return nil, err
	}
	return t.AddDate(0, 0, n).Format(isoDate), nil
}

// daysBetween(from, to) is the number of days from one date to another;
// negative when to is earlier. Null when either is empty.
func daysBetween(args ...any) (any, error) {
	from, ok1, err := parseTime("daysBetween", args[0])
	if err != nil {
		return nil, err
	}
	to, ok2, err := parseTime("daysBetween", args[1])
	if err != nil || !ok1 || !ok2 {
		return nil, err
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	return day(to).Sub(day(from)).Hours() / 24, nil
}

// parseDate(text, pattern) reads a date written in a pattern, such as
// "MM/dd/yyyy", and gives it as "yyyy-MM-dd".
func parseDate(args ...any) (any, error) {
	if isEmpty(args[0]) {
		return nil, nil
	}
	layout, err := goLayout(textOf(args[1]))
	if err != nil {
		return nil, fmt.Errorf("parseDate: %w", err)
	}
	t, err := time.Parse(layout, strings.TrimSpace(textOf(args[0])))
	if err != nil {
		return nil, fmt.Errorf("parseDate: %q does not match %q", textOf(args[0]), textOf(args[1]))
	}
	return t.Format(isoDate), nil
}

var zones sync.Map // zone name → *time.Location

func inZone(fn string, t time.Time, zone any) (time.Time, error) {
	name := textOf(zone)
	if loc, ok := zones.Load(name); ok {
		return t.In(loc.(*time.Location)), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return t, fmt.Errorf("%s: unknown time zone %q", fn, name)
	}
	zones.Store(name, loc)
	return t.In(loc), nil
}

// patternElements maps pattern letters, by how many are repeated, to Go
// layout elements.
var patternElements = map[string]string{
	"yyyy": "2006", "yy": "06",
	"MMMM": "January", "MMM": "Jan", "MM": "01", "M": "1",
	"dd": "02", "d": "2",
	"EEEE": "Monday", "EEE": "Mon",
	"HH": "15", "hh": "03", "h": "3",
	"mm": "04", "ss": "05", "a": "PM",
}

var layouts sync.Map // pattern → Go layout

// goLayout turns a pattern such as "dd/MM/yyyy" into a Go layout.
func goLayout(pattern string) (string, error) {
	if l, ok := layouts.Load(pattern); ok {
		return l.(string), nil
	}
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			end := strings.IndexByte(pattern[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("pattern %q: unclosed quote", pattern)
			}
			b.WriteString(pattern[i+1 : i+1+end])
			i += end + 2
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(pattern) && pattern[j] == c {
				j++
			}
			el, ok := patternElements[pattern[i:j]]
			if !ok {
				return "", fmt.Errorf("pattern %q: %q is not a date part (use yyyy, MM, dd, HH, mm, ss …; quote other text)", pattern, pattern[i:j])
			}
			b.WriteString(el)
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	layouts.Store(pattern, b.String())
	return b.String(), nil
}
