package netsuite

import (
	"context"
	"net/http"
	"testing"

	"github.com/tandem-sync/tandem/internal/testfixtures"
)

func TestGovernanceLimits(t *testing.T) {
	cases := []struct {
		fixture   string
		want      GovernanceLimits
		effective int
	}{
		{"oracle-rest-governancelimits-integrationspecific.response.json",
			GovernanceLimits{AccountConcurrencyLimit: 5, AccountUnallocatedConcurrencyLimit: 3, IntegrationConcurrencyLimit: 2, IntegrationLimitType: LimitIntegrationSpecific}, 2},
		{"oracle-rest-governancelimits-accountlimit.response.json",
			GovernanceLimits{AccountConcurrencyLimit: 5, AccountUnallocatedConcurrencyLimit: 3, IntegrationLimitType: LimitAccount}, 3},
	}
	for _, tc := range cases {
		body := testfixtures.Read(t, "netsuite", tc.fixture)
		ns := newFakeNS(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || r.URL.Path != "/services/rest/system/v1/governanceLimits" {
				http.NotFound(w, r)
				return
			}
			answer(w, 200, "application/json", body)
		})
		got, err := ns.client().GovernanceLimits(context.Background())
		if err != nil || got != tc.want || got.Effective() != tc.effective {
			t.Errorf("%s: %+v (effective %d), %v", tc.fixture, got, got.Effective(), err)
		}
	}
	internal := GovernanceLimits{AccountConcurrencyLimit: 5, AccountUnallocatedConcurrencyLimit: 3, IntegrationLimitType: LimitInternal}
	if internal.Effective() != 3 {
		t.Errorf("internal: effective %d", internal.Effective())
	}
}

// Share leaves part of the unallocated pool to the integrations that share
// it, but takes an integration's own allocation whole.
func TestGovernanceLimitsShare(t *testing.T) {
	pool := GovernanceLimits{AccountConcurrencyLimit: 20, AccountUnallocatedConcurrencyLimit: 15, IntegrationLimitType: LimitAccount}
	own := GovernanceLimits{AccountConcurrencyLimit: 20, AccountUnallocatedConcurrencyLimit: 15, IntegrationConcurrencyLimit: 4, IntegrationLimitType: LimitIntegrationSpecific}
	small := GovernanceLimits{AccountConcurrencyLimit: 5, AccountUnallocatedConcurrencyLimit: 1, IntegrationLimitType: LimitAccount}
	for _, tc := range []struct {
		g             GovernanceLimits
		percent, want int
	}{{pool, 80, 12}, {pool, 100, 15}, {pool, 10, 1}, {own, 50, 4}, {small, 80, 1}} {
		if got := tc.g.Share(tc.percent); got != tc.want {
			t.Errorf("%+v: %d%% share = %d, want %d", tc.g, tc.percent, got, tc.want)
		}
	}
}
