package mapping

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Phone helpers. A value that is not a phone number is passed on as
// written rather than failing the record: the target systems accept free
// text, and a person can fix it there.
//
// Numbers are read by github.com/nyaruka/phonenumbers (libphonenumber's
// metadata), which knows each country's trunk prefix: the UK's and
// Germany's leading 0 goes, Italy's stays (+39 06 ...), the US's leading 1
// goes. A number is taken when its length is possible for its country;
// whether the range is allocated is not asked, so numbers in ranges newer
// than the library's metadata, and the fictional 555 and Ofcom drama
// numbers used in tests and demos, still convert.

// parsePhone reads s as a number dialled in region, or with its own
// country code when written with + or 00 (00 is read as + in every region,
// as the helpers document, even where the international prefix is 011).
// ok is false for anything that is not a whole phone number.
func parsePhone(s, region string) (n *phonenumbers.PhoneNumber, ok bool) {
	if rest, ok := strings.CutPrefix(s, "00"); ok {
		s = "+" + rest
	}
	n, err := phonenumbers.Parse(s, region)
	if err != nil || phonenumbers.IsPossibleNumberWithReason(n) != phonenumbers.IS_POSSIBLE {
		return nil, false
	}
	return n, true
}

// phoneE164(v, callingCode) writes a phone number in E.164 form,
// "+14155550100". Numbers written with + or 00 keep their own country
// code; others are read as dialled in callingCode's country ("1" for the
// US and Canada, "44" for the UK) and lose that country's trunk prefix, if
// it has one. Extensions are dropped.
func phoneE164(args ...any) (any, error) {
	if isEmpty(args[0]) {
		return nil, nil
	}
	raw := strings.TrimSpace(textOf(args[0]))
	code, _ := strconv.Atoi(onlyDigits(textOf(args[1])))
	n, ok := parsePhone(raw, phonenumbers.GetRegionCodeForCountryCode(code))
	if !ok {
		return raw, nil
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// phoneNANP(v) writes a US or Canadian number as "(415) 555-0100",
// keeping an extension as " x12". Other numbers pass as written.
func phoneNANP(args ...any) (any, error) {
	if isEmpty(args[0]) {
		return nil, nil
	}
	raw := strings.TrimSpace(textOf(args[0]))
	n, ok := parsePhone(raw, "US")
	if !ok || n.GetCountryCode() != 1 {
		return raw, nil
	}
	d := phonenumbers.GetNationalSignificantNumber(n)
	if len(d) != 10 {
		return raw, nil
	}
	out := "(" + d[:3] + ") " + d[3:6] + "-" + d[6:]
	if ext := n.GetExtension(); ext != "" {
		out += " x" + ext
	}
	return out, nil
}
