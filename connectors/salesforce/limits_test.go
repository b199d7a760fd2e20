package salesforce

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestParseLimitInfo(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   APIUsage
		ok     bool
	}{
		{"api-usage=18/5000", APIUsage{Used: 18, Max: 5000}, true},
		{"api-usage=10018/100000", APIUsage{Used: 10018, Max: 100000}, true},
		{"api-usage=10018/100000; api-bursts=1/750", APIUsage{Used: 10018, Max: 100000, BurstsUsed: 1, BurstsMax: 750}, true},
		{"api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)",
			APIUsage{Used: 25, Max: 5000, AppName: "sample-connected-app", AppUsed: 17, AppMax: 250}, true},
		{"per-app-api-usage=17/250(appName=sample-connected-app)", APIUsage{}, false},
		{"api-usage=abc/5000", APIUsage{}, false},
		{"api-usage=18", APIUsage{}, false},
		{"", APIUsage{}, false},
	} {
		got, ok := parseLimitInfo(tc.header)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseLimitInfo(%q) = %+v, %v; want %+v, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLimitsFollowResponses(t *testing.T) {
	org := newFakeOrg(t)
	org.api = answer(http.StatusOK, bodyAccount)
	c := org.client(nil)
	if !c.Limits().Seen.IsZero() {
		t.Error("usage seen before any request")
	}
	before := time.Now()
	for range 3 {
		if _, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT"); err != nil {
			t.Fatal(err)
		}
	}
	u := c.Limits()
	if u.Used != 3 || u.Max != 15000 || u.Seen.Before(before) {
		t.Errorf("Limits() = %+v, want 3/15000 seen after the calls", u)
	}

	// A response without the header (the token endpoint's, the
	// versions resource's) leaves the last reading alone.
	var tracker usageTracker
	tracker.observe(http.Header{"Sforce-Limit-Info": {"api-usage=7/100"}}, before)
	tracker.observe(http.Header{}, time.Now())
	if got := tracker.get(); got.Used != 7 || !got.Seen.Equal(before) {
		t.Errorf("after a response without the header: %+v", got)
	}
}
