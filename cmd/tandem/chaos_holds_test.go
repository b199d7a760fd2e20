package main

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/jobs/credithold"
)

// holdSource is F5's part of the stream: finance sets linked customers'
// credit hold override ON, OFF or AUTO, or changes a linked customer's
// credit limit (none, low, high), in NetSuite. Holds also come and go
// with the receivables source's overdue invoices and payments, so the
// check covers every linked account.
type holdSource struct {
	toggled []pair // customers whose override the stream sets
	linked  []pair // every linked account, checked
	rules   *credithold.Rules
}

var holdOverrides = []string{credithold.OverrideOn, credithold.OverrideOff, credithold.OverrideAuto}

// creditLimits are the limits the stream sets: none (null clears it), one
// a billed customer soon passes, one it rarely does.
var creditLimits = []any{nil, 2000.0, 50000.0}

func newHoldSource(t testing.TB, toggled, linked []pair) *holdSource {
	t.Helper()
	rules, err := credithold.LoadRules("")
	if err != nil {
		t.Fatal(err)
	}
	return &holdSource{toggled: toggled, linked: linked, rules: rules}
}

func (s *holdSource) newRound(*rand.Rand) {}

func (s *holdSource) send(sb *remoteSandboxes, rng *rand.Rand, _ int) (string, bool) {
	if rng.IntN(2) == 0 {
		// Any linked customer, the edited ones too: no F2 mapping reads or
		// writes creditLimit, so F2's model sees no change of its fields.
		p := s.linked[rng.IntN(len(s.linked))]
		sb.nsPut("customer", map[string]any{"id": p.nsID, "creditLimit": creditLimits[rng.IntN(len(creditLimits))]})
		return "credit limit changed in NetSuite", true
	}
	p := s.toggled[rng.IntN(len(s.toggled))]
	sb.nsPut("customer", map[string]any{"id": p.nsID, "creditHoldOverride": map[string]any{"id": holdOverrides[rng.IntN(len(holdOverrides))]}})
	return "credit hold override set in NetSuite", true
}

// check: each linked Account's Credit_Hold__c is NetSuite's standing under
// the rules, a held account has an open hold Task and a released one none
// (missing otherwise); a second Task with one key, or a second open Task
// on one account, is a duplicate.
func (s *holdSource) check(sb *remoteSandboxes) sourceCheck {
	tasks := sb.query("SELECT Id, WhatId, Status, Tandem_Key__c FROM Task WHERE Tandem_Key__c LIKE 'credithold:%'")
	c := sourceCheck{duplicates: beyondFirst(byField(tasks, "Tandem_Key__c"))}
	openTasks := map[string]int{}
	for _, t := range tasks {
		if str(t, "Status") != "Completed" {
			openTasks[str(t, "WhatId")]++
		}
	}
	for _, n := range openTasks {
		c.duplicates += max(0, n-1)
	}
	for _, p := range s.linked {
		want := s.rules.Decide(credithold.StandingOf(netsuite.Record(sb.nsGet("customer", p.nsID))), credithold.Facts{}).Hold
		held := sb.sfGet("Account", p.sfID, "Id", "Credit_Hold__c")["Credit_Hold__c"] == true
		problem := ""
		switch {
		case held != want:
			problem = fmt.Sprintf("Credit_Hold__c %v, NetSuite's standing says %v", held, want)
		case want && openTasks[p.sfID] == 0:
			problem = "on hold without an open Task"
		case !want && openTasks[p.sfID] > 0:
			problem = "released with a Task still open"
		}
		c.expect(problem, "credit hold of account "+p.sfID+"/customer "+p.nsID)
	}
	return c
}
