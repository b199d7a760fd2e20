package onboarding

import (
	"strings"
	"testing"
	"time"
)

func TestShippedConfigLoads(t *testing.T) {
	c, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	if !c.confirms("13", "CUSTOMER") || c.confirms("11", "PROSPECT") || c.confirms("7", "LEAD") {
		t.Error("the shipped trigger should confirm CUSTOMER-stage statuses only")
	}
	if len(c.Sequence) != 4 || c.Notify.Via != NotifyTask {
		t.Errorf("sequence %d steps, notify %s", len(c.Sequence), c.Notify.Via)
	}
}

func TestBadConfigFails(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"unknown key", "trigger:\n", "trigger:\n  stagez: [CUSTOMER]\n", "stagez"},
		{"unknown stage", "stages: [CUSTOMER]", "stages: [CLIENT]", "trigger.stages"},
		{"no trigger", "stages: [CUSTOMER]", "stages: []", "no customer is ever onboarded"},
		{"empty managers", "managers:\n  - 0055e0000000003AAA # Casey Success\n  - 0055e0000000004AAA # Morgan Onboard\n  - 0055e0000000005AAA # Riley Care\n  - 0055e0000000006AAA # Jordan Gone (inactive in the sandbox: skipped)\n",
			"managers: []\n", "managers: the list of managers is empty"},
		{"bad user id", "  - 0055e0000000004AAA # Morgan Onboard", "  - casey@example.com", `"casey@example.com" is not a Salesforce User id`},
		{"rule without managers", "managers: [0055e0000000005AAA]", "managers: []", "rules[0] DACH: managers"},
		{"bad due", "due: 5 business days", "due: next week", `sequence[1]: due: "next week"`},
		{"bad owner", "owner: account_owner", "owner: ceo", "owner \"ceo\""},
		{"bad template", "Welcome call with {{.Account}}", "Welcome call with {{.Acount}}", "sequence[0]: subject"},
		{"bad notify", "via: task", "via: email", "notify.via"},
		{"bad notify due", "due: 0 business days", "due: soon", "notify.due"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := string(shippedConfig)
			if !strings.Contains(src, tc.from) {
				t.Fatalf("the shipped file has no %q", tc.from)
			}
			_, err := ParseConfig([]byte(strings.Replace(src, tc.from, tc.to, 1)), "test.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "test.yaml") {
				t.Errorf("error %v, want one naming test.yaml and %q", err, tc.want)
			}
		})
	}
}

func TestDueDates(t *testing.T) {
	friday := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	saturday := friday.AddDate(0, 0, 1)
	for _, tc := range []struct {
		due   string
		start time.Time
		want  string
	}{
		{"0 business days", friday, "2026-12-04"},
		{"1 business day", friday, "2026-12-07"},
		{"5 business days", friday, "2026-12-11"},
		{"0 business days", saturday, "2026-12-07"},
		{"1 business day", saturday, "2026-12-08"},
		{"3 days", friday, "2026-12-07"},
	} {
		d, err := parseDue(tc.due)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.from(tc.start).Format(time.DateOnly); got != tc.want {
			t.Errorf("%s from %s = %s, want %s", tc.due, tc.start.Weekday(), got, tc.want)
		}
	}
}

func TestRulesPickThePool(t *testing.T) {
	c, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ country, want string }{{"Germany", "DACH"}, {"de", "DACH"}, {"United States", poolDefault}, {"", poolDefault}} {
		if pool, _ := c.pick(&account{Country: tc.country}, 0); pool != tc.want {
			t.Errorf("country %q: pool %s, want %s", tc.country, pool, tc.want)
		}
	}
	byID := map[string]user{key15("0055e0000000003AAA"): {ID: "0055e0000000003AAA", Active: true},
		key15("0055e0000000006AAA"): {ID: "0055e0000000006AAA", Active: false}}
	if got := active([]string{"0055e0000000003", "0055e0000000006AAA", "0055e0000000009AAA"}, byID); len(got) != 1 || got[0].ID != "0055e0000000003AAA" {
		t.Errorf("active = %v, want only the active, known manager (15- or 18-character id)", got)
	}
}
