package main

import (
	"slices"
	"testing"

	"github.com/tandem-sync/tandem/jobs/credithold"
	"github.com/tandem-sync/tandem/jobs/invoices"
	"github.com/tandem-sync/tandem/mapping"
)

// TestOneFlowWritesEachAccountField: the Account fields the credit hold
// flow (F5) and the invoice flow (F3) write in Go are theirs alone: no
// mapping that writes Accounts names them, and the two flows share none.
// Two writers of one field would undo each other's writes at every event.
func TestOneFlowWritesEachAccountField(t *testing.T) {
	t.Parallel()
	set, err := mapping.Load(mapping.Config{})
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{}
	for flow, fields := range map[string][]string{"credithold": credithold.AccountFields, "invoices": invoices.AccountFields} {
		for _, f := range fields {
			if other, ok := owners[f]; ok {
				t.Errorf("Account.%s is written by flows %s and %s", f, other, flow)
			}
			owners[f] = flow
		}
	}
	checked := 0
	for _, name := range set.Flows() {
		m, err := set.Mapping(name)
		if err != nil {
			t.Fatal(err)
		}
		if m.Target() != (mapping.Endpoint{System: "salesforce", Object: "Account"}) {
			continue
		}
		checked++
		for f, flow := range owners {
			if slices.Contains(m.Writes(), f) {
				t.Errorf("mapping %s writes Account.%s, which flow %s owns", name, f, flow)
			}
		}
	}
	if checked == 0 {
		t.Error("no mapping writes Accounts: the check checked nothing")
	}
}
