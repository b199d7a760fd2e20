package main

import (
	"strings"
	"testing"
)

func TestMixCyclesThroughTheEndpointsByWeight(t *testing.T) {
	m, err := parseMix("outbound=2, netsuite=1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range uint64(6) {
		got = append(got, m.pick(i).String())
	}
	if strings.Join(got, " ") != "outbound outbound netsuite outbound outbound netsuite" {
		t.Fatalf("got %v", got)
	}
	if m.String() != "outbound=2,netsuite=1" {
		t.Fatalf("String: %q", m)
	}
}

func TestParseMixRefusesWhatItCannotSend(t *testing.T) {
	for _, s := range []string{"outbound=0", "", "soap=1", "events=x", "events=-1", "events"} {
		if _, err := parseMix(s); err == nil {
			t.Errorf("parseMix(%q) accepted", s)
		}
	}
}

func TestDuplicatesRepeatAnEarlierOriginalOfTheSameEndpoint(t *testing.T) {
	p := plan{mix: Mix{2, 1, 1}, duplicateShare: 0.1}
	const n = 100000
	dups := 0
	for i := range uint64(n) {
		seq, dup := p.source(i)
		if !dup {
			if seq != i {
				t.Fatalf("original %d carries the ids of %d", i, seq)
			}
			continue
		}
		dups++
		if seq >= i || p.endpoint(seq) != p.endpoint(i) {
			t.Fatalf("duplicate %d (%s) repeats %d (%s)", i, p.endpoint(i), seq, p.endpoint(seq))
		}
		if again, isDup := p.source(seq); isDup || again != seq {
			t.Fatalf("duplicate %d repeats %d, itself a duplicate", i, seq)
		}
	}
	if share := float64(dups) / n; share < 0.09 || share > 0.11 {
		t.Fatalf("%.3f of requests are duplicates, want about 0.1", share)
	}
}

func TestNoDuplicatesUnlessAsked(t *testing.T) {
	p := plan{mix: Mix{1, 1, 1}}
	for i := range uint64(10000) {
		if _, dup := p.source(i); dup {
			t.Fatalf("request %d is a duplicate with share 0", i)
		}
	}
}
