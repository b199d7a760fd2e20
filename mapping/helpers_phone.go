package mapping

import (
	"regexp"
	"strings"
)

// Phone helpers. A value that is not a phone number is passed on as
// written rather than failing the record: the target systems accept free
// text, and a person can fix it there.

// minSubscriberDigits is the fewest digits a number without its country
// code may have to be taken as a phone number.
const minSubscriberDigits = 4

var extension = regexp.MustCompile(`(?i)\s*(?:x|ext\.?|extension)\s*(\d+)\s*$`)

// splitExtension separates "415 555 0100 x12" into the number and "12".
func splitExtension(s string) (number, ext string) {
	if m := extension.FindStringSubmatchIndex(s); m != nil {
		return s[:m[0]], s[m[2]:m[3]]
	}
	return s, ""
}

// phoneE164(v, callingCode) writes a phone number in E.164 form,
// "+14155550100". Numbers written with + or 00 keep their own country
// code; others get callingCode ("1" for the US and Canada, "44" for the
// UK) and lose their national trunk 0. Extensions are dropped.
func phoneE164(args ...any) (any, error) {
	if isEmpty(args[0]) {
		return nil, nil
	}
	raw := strings.TrimSpace(textOf(args[0]))
	num, _ := splitExtension(raw)
	num = strings.TrimSpace(num)
	code := onlyDigits(textOf(args[1]))
	d := onlyDigits(num)
	switch {
	case strings.HasPrefix(num, "+"):
		// already international
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case code == "1":
		d = strings.TrimPrefix(d, "1")
		if len(d) != 10 {
			return raw, nil
		}
		d = code + d
	default:
		d = code + strings.TrimLeft(d, "0")
		if len(d)-len(code) < minSubscriberDigits {
			return raw, nil
		}
	}
	if len(d) < minSubscriberDigits {
		return raw, nil
	}
	return "+" + d, nil
}

// phoneNANP(v) writes a US or Canadian number as "(415) 555-0100",
// keeping an extension as " x12". Other numbers pass as written.
func phoneNANP(args ...any) (any, error) {
	if isEmpty(args[0]) {
		return nil, nil
	}
	raw := strings.TrimSpace(textOf(args[0]))
	num, ext := splitExtension(raw)
	d := onlyDigits(num)
	if strings.HasPrefix(strings.TrimSpace(num), "+") && !strings.HasPrefix(d, "1") {
		return raw, nil
	}
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 {
		return raw, nil
	}
	out := "(" + d[:3] + ") " + d[3:6] + "-" + d[6:]
	if ext != "" {
		out += " x" + ext
	}
	return out, nil
}
