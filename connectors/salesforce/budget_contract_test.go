package salesforce_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// Near its share of the daily allocation the client slows down; at it, it
// stops sending and hands the job a wait, saying so in its log.
func TestSandboxContractBudgetSlowsThenHolds(t *testing.T) {
	t.Parallel()
	org := newSandboxOrg(t, sandbox.Config{APILimit: 1000})
	var logs testfixtures.LogBuffer
	sf := org.client(t, salesforce.Config{BudgetShare: 0.5, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	id := org.anyAccountID(t)
	ctx := t.Context()

	org.SetAPIUsage(100)
	for range 2 {
		if _, err := sf.Get(ctx, "Account", id); err != nil {
			t.Fatal(err)
		}
	}
	if st := sf.BudgetStats(); sf.BudgetState() != salesforce.BudgetNormal || st.Waited != 0 || st.Throttled != 0 {
		t.Fatalf("at 10%% of the allocation: %s %+v", sf.BudgetState(), st)
	}

	org.SetAPIUsage(470) // 94% of the share of 500
	for range 2 {
		if _, err := sf.Get(ctx, "Account", id); err != nil {
			t.Fatal(err)
		}
	}
	if st := sf.BudgetStats(); sf.BudgetState() != salesforce.BudgetSlowing || st.Waited != 1 || st.WaitTime <= 0 {
		t.Fatalf("near the share: %s %+v", sf.BudgetState(), st)
	}

	org.SetAPIUsage(499)
	if _, err := sf.Get(ctx, "Account", id); err != nil { // reports 500/1000
		t.Fatal(err)
	}
	sent := org.apiRequests.Load()
	_, err := sf.Get(ctx, "Account", id)
	var te *connectors.ThrottleError
	if !errors.As(err, &te) || te.Reason != salesforce.BudgetReason || te.Wait <= 0 || connectors.IsPermanent(err) {
		t.Fatalf("at the share: %v, want a ThrottleError of the budget", err)
	}
	if org.apiRequests.Load() != sent || sf.BudgetState() != salesforce.BudgetPaused || sf.BudgetStats().Throttled != 1 {
		t.Errorf("at the share: %d requests sent, state %s, %+v", org.apiRequests.Load()-sent, sf.BudgetState(), sf.BudgetStats())
	}
	for _, want := range []string{"slowing Salesforce requests", "holding Salesforce requests until usage falls"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}
