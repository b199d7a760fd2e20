package main

import (
	"testing"
)

// The chaos checks must see what they claim to: a wrong value, a missing
// record and a second record under one key.

func TestMatchOneSeesWrongAndMissing(t *testing.T) {
	t.Parallel()
	recs := []map[string]any{{"Status__c": "Open", "Amount_Remaining__c": 120.5}}
	if p := matchOne(recs, map[string]any{"Status__c": "Open", "Amount_Remaining__c": 120.5}); p != "" {
		t.Errorf("a match reported %q", p)
	}
	if p := matchOne(recs, map[string]any{"Status__c": "Open", "Amount_Remaining__c": 20.5}); p == "" {
		t.Error("a wrong amount passed")
	}
	if p := matchOne(recs, map[string]any{"Status__c": "Paid In Full"}); p == "" {
		t.Error("a wrong status passed")
	}
	if p := matchOne(nil, map[string]any{"Status__c": "Open"}); p != "not in Salesforce" {
		t.Errorf("no record: %q", p)
	}
}

func TestBeyondFirstCountsDuplicates(t *testing.T) {
	t.Parallel()
	recs := []map[string]any{{"K": "1"}, {"K": "2"}, {"K": "1"}, {"K": "1"}}
	if n := beyondFirst(byField(recs, "K")); n != 2 {
		t.Errorf("%d duplicates, want 2", n)
	}
}

func TestApplicationWant(t *testing.T) {
	t.Parallel()
	line := func(doc string, apply bool, amount float64) any {
		return map[string]any{"doc": map[string]any{"id": doc}, "apply": apply, "amount": amount}
	}
	pay := func(status string, lines ...any) map[string]any {
		return map[string]any{"status": map[string]any{"id": status}, "apply": map[string]any{"items": lines}}
	}
	for name, c := range map[string]struct {
		pay  map[string]any
		want map[string]any
	}{
		"applied":   {pay("B", line("9", false, 0), line("7", true, 40)), map[string]any{"Status__c": "Applied", "Amount__c": 40.0}},
		"unapplied": {pay("B", line("7", false, 0)), map[string]any{"Status__c": "Unapplied", "Amount__c": 0.0}},
		"voided":    {pay("V", line("7", false, 0)), map[string]any{"Status__c": "Voided", "Amount__c": 0.0}},
	} {
		if got := applicationWant(c.pay, "7"); matchOne([]map[string]any{got}, c.want) != "" {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}
