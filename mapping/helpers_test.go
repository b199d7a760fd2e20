package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// compileExpr compiles one expression as the only field of a mapping, the
// way Load does, so that helpers are tested as mappings call them.
func compileExpr(t *testing.T, set *Set, src string) *Mapping {
	t.Helper()
	p := &problems{}
	m := newCompiler(set.tables, p).flow(&flowSpec{name: "test", flowBody: flowBody{
		source: located{value: "salesforce.Thing"}, target: located{value: "netsuite.thing"},
		fields: []*fieldSpec{{target: "out", file: "test.yaml", line: 1, onMissing: onMissingFail, onEmpty: onEmptyNull,
			expr: source{text: src, file: "test.yaml", line: 1}}},
	}})
	if err := p.err(); err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return m
}

// evalExpr computes one expression against a record.
func evalExpr(t *testing.T, set *Set, src string, rec map[string]any) (any, error) {
	t.Helper()
	out, err := compileExpr(t, set, src).Apply(context.Background(), nil, rec, nil)
	if err != nil {
		return nil, err
	}
	return out["out"], nil
}

type helperCase struct {
	expr string
	rec  string // the record, as JSON
	want any    // the value, or the error text when wantErr
	err  bool
}

// Every helper, through expressions as a mapping writes them.
var helperCases = []helperCase{
	// text
	{expr: `text("a", 1, nil, 2.5, true)`, want: "a12.5true"},
	{expr: `quote(Name)`, rec: `{"Name": "Widget \"X\""}`, want: `"Widget \"X\""`},
	{expr: `quote(Name)`, rec: `{"Name": null}`, want: `""`},
	{expr: `coalesce(A, B, C, "x", "y")`, rec: `{"A": null, "B": "", "C": "  "}`, want: "x"},
	{expr: `coalesce(A, B)`, rec: `{"A": null, "B": ""}`, want: nil},
	{expr: `joinNonEmpty(", ", "a", nil, "", ["b", "", "c"], " d ")`, want: "a, b, c, d"},
	{expr: `joinNonEmpty("\n", A, B)`, rec: `{"A": null}`, want: nil},
	{expr: `truncate(Name, 5)`, rec: `{"Name": "Grüße aus Köln"}`, want: "Grüße"},
	{expr: `truncate(Name, 50)`, rec: `{"Name": "short"}`, want: "short"},
	{expr: `truncate(Name, 5)`, rec: `{"Name": null}`, want: nil},
	{expr: `titleCase("ACME CORP-west/emea")`, want: "Acme Corp-West/Emea"},
	{expr: `line(Street, 2)`, rec: `{"Street": "1 Main St\r\nSuite 2\n\nBldg 3"}`, want: "Suite 2"},
	{expr: `line(Street, 3)`, rec: `{"Street": "1 Main St\r\nSuite 2\n\nBldg 3"}`, want: nil},
	{expr: `line(Street, 9)`, rec: `{"Street": "1 Main St"}`, want: nil},
	{expr: `digits("(415) 555-0100")`, want: "4155550100"},
	{expr: `digits("n/a")`, want: nil},
	{expr: `idOf(creditHoldOverride)`, rec: `{"creditHoldOverride": {"id": "ON", "refName": "On"}}`, want: "ON"},
	{expr: `idOf(creditHoldOverride)`, rec: `{"creditHoldOverride": "AUTO"}`, want: "AUTO"},
	{expr: `present(A)`, rec: `{"A": " "}`, want: false},
	{expr: `present(A)`, rec: `{"A": 0}`, want: true},
	{expr: `blank(A)`, rec: `{"A": []}`, want: true},
	{expr: `blank(A)`, rec: `{"A": false}`, want: false},
	// numbers
	{expr: `round(2.345, 2)`, want: 2.35},
	{expr: `round(-2.345, 2)`, want: -2.35},
	{expr: `round(1.005, 2)`, want: 1.01},
	{expr: `round(29.166375, 2)`, want: 29.17},
	{expr: `round(99.995, 2)`, want: 100.0},
	{expr: `round(2.5)`, want: 3.0},
	{expr: `round(-0.001, 2)`, want: 0.0},
	{expr: `round(A, 1)`, rec: `{"A": "12.345"}`, want: 12.3},
	{expr: `round(A, 2)`, rec: `{"A": null}`, want: nil},
	{expr: `round(1, 11)`, err: true, want: "field out: cannot compute: round: places must be 0 to 10, not 11"},
	{expr: `num(A)`, rec: `{"A": null}`, want: 0.0},
	{expr: `num(A)`, rec: `{"A": "1,234.50"}`, want: 1234.5},
	{expr: `num(A) * 2`, rec: `{"A": 3}`, want: 6.0},
	{expr: `num(A)`, rec: `{"A": "n/a"}`, err: true, want: `field out: cannot compute: num: "n/a" is not a number`},
	// dates
	{expr: `formatDate(CloseDate, "dd/MM/yyyy")`, rec: `{"CloseDate": "2026-01-15"}`, want: "15/01/2026"},
	{expr: `formatDate(T, "yyyy-MM-dd HH:mm", "Europe/Berlin")`, rec: `{"T": "2026-01-15T23:30:00.000+0000"}`, want: "2026-01-16 00:30"},
	{expr: `formatDate("2026-03-05", "EEEE d MMMM yyyy")`, want: "Thursday 5 March 2026"},
	{expr: `formatDate("2026-03-05T15:04:05Z", "h:mm a 'on' MMM d, yy")`, want: "3:04 PM on Mar 5, 26"},
	{expr: `formatDate(A, "yyyy")`, rec: `{"A": null}`, want: nil},
	{expr: `formatDate("2026-01-15", "yyyy-QQ")`, err: true, want: `field out: cannot compute: formatDate: pattern "yyyy-QQ": "QQ" is not a date part (use yyyy, MM, dd, HH, mm, ss …; quote other text)`},
	{expr: `formatDate("15.01.2026", "yyyy")`, err: true, want: `field out: cannot compute: formatDate: "15.01.2026" is not a date`},
	{expr: `formatDate("2026-01-15", "yyyy", "Mars/Olympus")`, err: true, want: `field out: cannot compute: formatDate: unknown time zone "Mars/Olympus"`},
	{expr: `toDate("2026-01-15T23:30:00Z")`, want: "2026-01-15"},
	{expr: `toDate("2026-01-15T23:30:00Z", "Asia/Tokyo")`, want: "2026-01-16"},
	{expr: `toDateTime("2026-01-15T10:04:32.000+0100")`, want: "2026-01-15T09:04:32Z"},
	{expr: `addDays("2026-01-30", 30)`, want: "2026-03-01"},
	{expr: `addDays("2026-03-01", -1)`, want: "2026-02-28"},
	{expr: `daysBetween("2026-01-15", "2026-02-14T08:00:00Z")`, want: 30.0},
	{expr: `daysBetween("2026-02-14", "2026-01-15")`, want: -30.0},
	{expr: `daysBetween(A, "2026-01-15")`, rec: `{"A": null}`, want: nil},
	{expr: `parseDate("1/15/2024", "M/d/yyyy")`, want: "2024-01-15"},
	{expr: `parseDate("15/01/2024", "M/d/yyyy")`, err: true, want: `field out: cannot compute: parseDate: "15/01/2024" does not match "M/d/yyyy"`},
	// phones: the old hand-written rule dropped a leading 0 for every
	// country; Italy keeps it (+39 06 ...), the US drops a leading 1.
	{expr: `phoneE164("(415) 555-0100", "1")`, want: "+14155550100"},       // US, no trunk prefix
	{expr: `phoneE164("1 415 555 0100", "1")`, want: "+14155550100"},       // US, trunk prefix 1
	{expr: `phoneE164("1-415-555-0100 x12", "1")`, want: "+14155550100"},   // extension dropped
	{expr: `phoneE164("+1 415 555 0100", "44")`, want: "+14155550100"},     // own country code
	{expr: `phoneE164("011 44 20 7946 0018", "1")`, want: "+442079460018"}, // US international prefix
	{expr: `phoneE164("020 7946 0018", "44")`, want: "+442079460018"},      // UK, trunk prefix 0
	{expr: `phoneE164("20 7946 0018", "44")`, want: "+442079460018"},       // UK, no trunk prefix
	{expr: `phoneE164("07700 900123", "44")`, want: "+447700900123"},       // UK mobile
	{expr: `phoneE164("+44 (0)20 7946 0018", "1")`, want: "+442079460018"}, // the (0) of UK letterheads
	{expr: `phoneE164("+44 20 7946 0018", "1")`, want: "+442079460018"},    // own country code
	{expr: `phoneE164("0044 20 7946 0018", "1")`, want: "+442079460018"},   // 00 reads as +
	{expr: `phoneE164("030 1234567", "49")`, want: "+49301234567"},         // Germany, trunk prefix 0
	{expr: `phoneE164("30 1234567", "49")`, want: "+49301234567"},          // Germany, no trunk prefix
	{expr: `phoneE164("0171 1234567", "49")`, want: "+491711234567"},       // German mobile
	{expr: `phoneE164("+49 (0)30 1234567", "1")`, want: "+49301234567"},    // the (0) of German letterheads
	{expr: `phoneE164("06 4544 1234", "39")`, want: "+390645441234"},       // Italy: the 0 is part of the number
	{expr: `phoneE164("+39 06 4544 1234", "1")`, want: "+390645441234"},    // and stays after +39
	{expr: `phoneE164("0039 02 1234 5678", "44")`, want: "+390212345678"},  // Milan, 00 reads as +
	{expr: `phoneE164("347 123 4567", "39")`, want: "+393471234567"},       // Italian mobile, no 0
	{expr: `phoneE164("555-0100", "1")`, want: "555-0100"},                 // local only: too short
	{expr: `phoneE164("123", "44")`, want: "123"},                          // too short
	{expr: `phoneE164("n/a", "44")`, want: "n/a"},                          // not a number
	{expr: `phoneE164("020 7946 0018", "999")`, want: "020 7946 0018"},     // no such calling code
	{expr: `phoneE164(Phone, "1")`, rec: `{"Phone": null}`, want: nil},
	{expr: `phoneNANP("4155550100")`, want: "(415) 555-0100"},
	{expr: `phoneNANP("1 (415) 555-0100 x12")`, want: "(415) 555-0100 x12"},
	{expr: `phoneNANP("+1 415 555 0100 ext. 7")`, want: "(415) 555-0100 x7"},
	{expr: `phoneNANP("+1 604 555 0100")`, want: "(604) 555-0100"}, // Canada
	{expr: `phoneNANP("+44 20 7946 0018")`, want: "+44 20 7946 0018"},
	{expr: `phoneNANP("0044 20 7946 0018")`, want: "0044 20 7946 0018"},
	{expr: `phoneNANP("555-0100")`, want: "555-0100"},
	// tables
	{expr: `table("currencies", "usd")`, want: "1"},
	{expr: `table("currencies", " EUR ")`, want: "4"},
	{expr: `table("currencies", "JPY")`, want: nil},
	{expr: `table("subsidiary_by_country", "FR")`, want: "1"},
	{expr: `table("subsidiary_by_country", nil)`, want: "1"},
	{expr: `table("currency_codes", 2)`, want: "GBP"},
	{expr: `table("currency_codes", currency)`, rec: `{"currency": {"links": [], "id": "3", "refName": "Canadian dollar"}}`, want: "CAD"},
	{expr: `countryCode("united kingdom")`, want: "GB"},
	{expr: `countryCode("USA")`, want: "US"},
	{expr: `countryCode("DEU")`, want: "DE"},
	{expr: `countryCode("Côte d'Ivoire") + countryCode("Cote d'Ivoire")`, want: "CICI"},
	{expr: `countryCode("Türkiye") + countryCode("Turkey")`, want: "TRTR"},
	{expr: `countryCode("Atlantis")`, want: nil},
	{expr: `countryName("DE")`, want: "Germany"},
	{expr: `countryName(country)`, rec: `{"country": {"id": "KR", "refName": "Korea, Republic of"}}`, want: "South Korea"},
	{expr: `stateCode("California")`, want: "CA"},
	{expr: `stateCode("quebec") + stateCode("Québec")`, want: "QCQC"},
	{expr: `stateCode("NY")`, want: "NY"},
	{expr: `stateCode("Bavaria")`, want: nil},
}

func TestHelpers(t *testing.T) {
	set := mustLoad(t, Config{})
	for _, c := range helperCases {
		t.Run(c.expr, func(t *testing.T) {
			rec := map[string]any{}
			if c.rec != "" {
				if err := json.Unmarshal([]byte(c.rec), &rec); err != nil {
					t.Fatal(err)
				}
			}
			got, err := evalExpr(t, set, c.expr, rec)
			if c.err {
				var re *RecordError
				if !errors.As(err, &re) || len(re.Problems) != 1 || re.Problems[0].Message != c.want {
					t.Fatalf("error = %v, want a record error %q", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

// Every helper of the language has cases above (lookup and convert have
// theirs in lookup_test.go).
func TestEveryHelperIsTested(t *testing.T) {
	called := regexp.MustCompile(`([A-Za-z0-9]+)\(`)
	seen := map[string]bool{"lookup": true, "convert": true, getName: true}
	for _, c := range helperCases {
		for _, m := range called.FindAllStringSubmatch(c.expr, -1) {
			seen[m[1]] = true
		}
	}
	for name := range tableAliases {
		if !seen[name] {
			t.Errorf("no case for %s", name)
		}
	}
	for _, h := range helpers {
		if !seen[h.name] {
			t.Errorf("no case for %s", h.name)
		}
	}
}

func TestGeoTables(t *testing.T) {
	set := mustLoad(t, Config{})
	names, codes, states := set.tables["country_names"], set.tables["country_codes"], set.tables["state_codes"]
	if n := len(names.exact); n != 250 { // ISO 3166-1's 249 and the user-assigned XK
		t.Errorf("country_names has %d countries, want 250", n)
	}
	for code, name := range names.exact {
		if back, _ := codes.get(name); back != code {
			t.Errorf("countryCode(%q) = %v, want %s", name, back, code)
		}
		if back, _ := codes.get(code); back != code {
			t.Errorf("countryCode(%q) = %v, want itself", code, back)
		}
	}
	var us, ca int
	for key, code := range states.exact {
		if key == code {
			if strings.Contains("AB BC MB NB NL NS NT NU ON PE QC SK YT", key) {
				ca++
			} else {
				us++
			}
		}
	}
	if us != 57 || ca != 13 { // 50 states, DC and 6 territories; 10 provinces and 3 territories
		t.Errorf("state_codes has %d US and %d Canadian codes, want 57 and 13", us, ca)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
