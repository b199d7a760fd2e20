package suiteql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Oracle datetime format models, as TO_CHAR/TO_DATE/TO_TIMESTAMP take
// them: YYYY, YY, MM, DD, HH24, HH12, HH, MI, SS, FF, AM/PM, "quoted text"
// and punctuation. Elements are matched case-insensitively.
type fmtElem struct {
	code    string // upper-case element, "" for literal text
	literal string
}

// formatElements is ordered so longer codes win (HH24 before HH).
var formatElements = []string{"YYYY", "HH24", "HH12", "AM", "PM", "YY", "MM", "DD", "HH", "MI", "SS", "FF"}

func parseFormat(model string) ([]fmtElem, error) {
	var elems []fmtElem
	for i := 0; i < len(model); {
		if model[i] == '"' {
			end := strings.IndexByte(model[i+1:], '"')
			if end < 0 {
				return nil, syntaxErrorf("unterminated text in date format %q", model)
			}
			elems = append(elems, fmtElem{literal: model[i+1 : i+1+end]})
			i += end + 2
			continue
		}
		code := matchElement(model[i:])
		if code != "" {
			elems = append(elems, fmtElem{code: code})
			i += len(code)
			continue
		}
		c := model[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			return nil, syntaxErrorf("unsupported date format element in %q", model)
		}
		elems = append(elems, fmtElem{literal: string(c)})
		i++
	}
	return elems, nil
}

func matchElement(s string) string {
	up := strings.ToUpper(s)
	for _, code := range formatElements {
		if strings.HasPrefix(up, code) {
			return code
		}
	}
	return ""
}

// formatTime renders t (in UTC, the sandbox's session time zone) by model.
func formatTime(t time.Time, model string) (string, error) {
	elems, err := parseFormat(model)
	if err != nil {
		return "", err
	}
	t = t.UTC()
	var b strings.Builder
	for _, e := range elems {
		if e.code == "" {
			b.WriteString(e.literal)
			continue
		}
		b.WriteString(formatElement(t, e.code))
	}
	return b.String(), nil
}

func formatElement(t time.Time, code string) string {
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	switch code {
	case "YYYY":
		return fmt.Sprintf("%04d", t.Year())
	case "YY":
		return fmt.Sprintf("%02d", t.Year()%100)
	case "MM":
		return fmt.Sprintf("%02d", int(t.Month()))
	case "DD":
		return fmt.Sprintf("%02d", t.Day())
	case "HH24":
		return fmt.Sprintf("%02d", t.Hour())
	case "HH", "HH12":
		return fmt.Sprintf("%02d", hour12)
	case "MI":
		return fmt.Sprintf("%02d", t.Minute())
	case "SS":
		return fmt.Sprintf("%02d", t.Second())
	case "FF":
		return fmt.Sprintf("%06d", t.Nanosecond()/1000)
	case "AM", "PM":
		if t.Hour() < 12 {
			return "AM"
		}
		return "PM"
	}
	return ""
}

// parseTime reads s by model. Missing date parts default to 1 and time
// parts to 0; fractional seconds (FF) are read and dropped.
func parseTime(s, model string) (time.Time, error) {
	elems, err := parseFormat(model)
	if err != nil {
		return time.Time{}, err
	}
	f := timeFields{year: 1, month: 1, day: 1}
	rest := s
	for _, e := range elems {
		if rest, err = f.consume(rest, e); err != nil {
			return time.Time{}, syntaxErrorf("%q does not match date format %q", s, model)
		}
	}
	if strings.TrimSpace(rest) != "" {
		return time.Time{}, syntaxErrorf("%q does not match date format %q", s, model)
	}
	return f.time()
}

type timeFields struct {
	year, month, day, hour, min, sec int
	pm, hour12                       bool
}

func (f *timeFields) consume(s string, e fmtElem) (string, error) {
	if e.code == "" {
		if !strings.HasPrefix(s, e.literal) {
			return "", fmt.Errorf("literal %q", e.literal)
		}
		return s[len(e.literal):], nil
	}
	if e.code == "AM" || e.code == "PM" {
		if len(s) < 2 {
			return "", fmt.Errorf("meridian")
		}
		f.pm = strings.EqualFold(s[:2], "PM")
		return s[2:], nil
	}
	n, rest, err := leadingNumber(s, elementWidth(e.code))
	if err != nil {
		return "", err
	}
	f.set(e.code, n)
	return rest, nil
}

func elementWidth(code string) int {
	switch code {
	case "YYYY":
		return 4
	case "FF":
		return 9
	}
	return 2
}

func (f *timeFields) set(code string, n int) {
	switch code {
	case "YYYY":
		f.year = n
	case "YY":
		f.year = 2000 + n
	case "MM":
		f.month = n
	case "DD":
		f.day = n
	case "HH24":
		f.hour = n
	case "HH", "HH12":
		f.hour, f.hour12 = n, true
	case "MI":
		f.min = n
	case "SS":
		f.sec = n
	}
}

func (f *timeFields) time() (time.Time, error) {
	hour := f.hour
	if f.hour12 {
		hour %= 12
		if f.pm {
			hour += 12
		}
	}
	t := time.Date(f.year, time.Month(f.month), f.day, hour, f.min, f.sec, 0, time.UTC)
	if t.Month() != time.Month(f.month) || t.Day() != f.day || hour > 23 || f.min > 59 || f.sec > 59 {
		return time.Time{}, syntaxErrorf("date out of range")
	}
	return t, nil
}

// leadingNumber reads up to width digits (at least one).
func leadingNumber(s string, width int) (int, string, error) {
	i := 0
	for i < len(s) && i < width && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s, fmt.Errorf("digits expected")
	}
	n, err := strconv.Atoi(s[:i])
	return n, s[i:], err
}
