package credithold

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors/netsuite"
)

func TestDecideWithTheShippedRules(t *testing.T) {
	r, err := LoadRules("")
	if err != nil {
		t.Fatal(err)
	}
	limit := func(s Standing) Standing { s.CreditLimit, s.HasLimit = 1000, true; return s }
	for _, tc := range []struct {
		name   string
		s      Standing
		hold   bool
		reason string
	}{
		{"auto within the limit", limit(Standing{Override: OverrideAuto, Balance: 900}), false, ""},
		{"auto over the limit", limit(Standing{Override: OverrideAuto, Balance: 1200.5}), true, "Balance 1200.50 over credit limit 1000.00"},
		{"auto at the limit is not over it", limit(Standing{Override: OverrideAuto, Balance: 1000}), false, ""},
		{"auto without a limit is never over it", Standing{Override: OverrideAuto, Balance: 1e6}, false, ""},
		{"override on", limit(Standing{Override: OverrideOn}), true, "Credit hold set on in NetSuite"},
		{"override on over the limit: over_limit is for AUTO", limit(Standing{Override: OverrideOn, Balance: 2000}), true, "Credit hold set on in NetSuite"},
		{"override off beats over the limit and overdue", limit(Standing{Override: OverrideOff, Balance: 5000, OverdueBalance: 5000, DaysOverdue: 90}), false, ""},
		{"overdue for the threshold days is not beyond it", limit(Standing{Override: OverrideAuto, OverdueBalance: 10, DaysOverdue: 30}), false, ""},
		{"overdue beyond the threshold", limit(Standing{Override: OverrideAuto, Balance: 10, OverdueBalance: 10, DaysOverdue: 31}), true, "10.00 overdue for 31 days"},
		{"days overdue without an overdue balance", limit(Standing{Override: OverrideAuto, DaysOverdue: 90}), false, ""},
		{"two reasons", limit(Standing{Override: OverrideOn, OverdueBalance: 10, DaysOverdue: 45}), true, "Credit hold set on in NetSuite; 10.00 overdue for 45 days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := r.Decide(tc.s, factsOf("Acme", "7", tc.s))
			if d.Hold != tc.hold || d.Reason != tc.reason {
				t.Errorf("Decide = %+v, want hold %t reason %q", d, tc.hold, tc.reason)
			}
		})
	}
}

func TestDecideWithAUserFile(t *testing.T) {
	src := strings.Replace(shippedYAML(), "overdue_amount: 0", "overdue_amount: 500", 1)
	r := mustParse(t, strings.Replace(src, "off_releases: true", "off_releases: false", 1))
	for _, tc := range []struct {
		name string
		s    Standing
		hold bool
	}{
		{"overdue amount above the threshold", Standing{Override: OverrideAuto, OverdueBalance: 500.01, DaysOverdue: 1}, true},
		{"overdue amount at the threshold", Standing{Override: OverrideAuto, OverdueBalance: 500, DaysOverdue: 1}, false},
		{"off does not release when off_releases is false", Standing{Override: OverrideOff, OverdueBalance: 600}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := r.Decide(tc.s, factsOf("Acme", "7", tc.s)); d.Hold != tc.hold {
				t.Errorf("Decide = %+v, want hold %t", d, tc.hold)
			}
		})
	}
}

func TestBadRulesFail(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"unknown key", "hold:\n", "hold:\n  overdue_dayz: 3\n", "overdue_dayz"},
		{"negative days", "overdue_days: 30", "overdue_days: -1", "overdue_days"},
		{"every rule off", "override_on: true\n  over_limit: true\n  overdue_days: 30", "override_on: false\n  over_limit: false\n  overdue_days: 0", "every rule is off"},
		{"bad template", `subject: "Credit hold: {{.Customer}}`, `subject: "Credit hold: {{.Custommer}}`, "task.subject"},
		{"unclosed template", `subject: "Credit hold: {{.Customer}}`, `subject: "Credit hold: {{.Customer`, "task.subject"},
		{"no priority", "priority: High", "priority: ''", "priority"},
		{"bad release", "on_release: complete", "on_release: delete", "on_release"},
		{"chatter on without a body", "enabled: false\n  body: \"{{.Customer}} is on credit hold in NetSuite: {{.Reason}}.\"", "enabled: true\n  body: ''", "chatter.body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := shippedYAML()
			if !strings.Contains(src, tc.from) {
				t.Fatalf("the shipped file has no %q", tc.from)
			}
			_, err := ParseRules([]byte(strings.Replace(src, tc.from, tc.to, 1)), "test.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "test.yaml") {
				t.Errorf("error %v, want one naming test.yaml and %q", err, tc.want)
			}
		})
	}
}

func shippedYAML() string { return string(shippedRules) }

func mustParse(t *testing.T, src string) *Rules {
	t.Helper()
	r, err := ParseRules([]byte(src), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestStandingOfDecodedCustomer: a customer as the NetSuite client decodes
// it (numbers as json.Number) has its credit limit, so over_limit holds.
func TestStandingOfDecodedCustomer(t *testing.T) {
	var c netsuite.Record
	if err := json.Unmarshal([]byte(`{"creditLimit": 500, "balance": 600.5, "creditHoldOverride": {"id": "AUTO"}}`), &c); err != nil {
		t.Fatal(err)
	}
	for k, v := range c {
		if f, ok := v.(float64); ok {
			c[k] = json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		}
	}
	s := StandingOf(c)
	if !s.HasLimit || s.CreditLimit != 500 || s.Balance != 600.5 {
		t.Errorf("standing %+v, want limit 500 and balance 600.5", s)
	}
	rules, err := LoadRules("")
	if err != nil {
		t.Fatal(err)
	}
	if d := rules.Decide(s, Facts{}); !d.Hold {
		t.Error("600.50 over a 500 limit is not a hold")
	}
	delete(c, "creditLimit")
	if s := StandingOf(c); s.HasLimit {
		t.Error("a customer without a credit limit has one")
	}
}
