package accountsync

import (
	"testing"
	"time"
)

func TestMergeDecisions(t *testing.T) {
	groups := []FieldGroup{
		{Name: "name", Master: SideSalesforce},
		{Name: "web"},
		{Name: "billing", Master: SideNetSuite},
	}
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Second)
	base := groupValues{"name": "n0", "web": "w0", "billing": "b0"}
	tests := []struct {
		name       string
		sf, ns     groupValues
		base       groupValues
		sfAt, nsAt time.Time
		want       map[string][2]Side // group → {winner, drops}
	}{
		{"echo: nothing moved", base, base, base, t0, t0,
			map[string][2]Side{"name": {}, "web": {}, "billing": {}}},
		{"salesforce edits web", groupValues{"name": "n0", "web": "w1", "billing": "b0"}, base, base, t1, t0,
			map[string][2]Side{"web": {SideSalesforce, ""}}},
		{"netsuite edits web", base, groupValues{"name": "n0", "web": "w2", "billing": "b0"}, base, t0, t1,
			map[string][2]Side{"web": {SideNetSuite, ""}}},
		{"both edit web, netsuite later", groupValues{"name": "n0", "web": "w1", "billing": "b0"}, groupValues{"name": "n0", "web": "w2", "billing": "b0"}, base, t0, t1,
			map[string][2]Side{"web": {SideNetSuite, SideSalesforce}}},
		{"both edit web in the same second: tie-break", groupValues{"name": "n0", "web": "w1", "billing": "b0"}, groupValues{"name": "n0", "web": "w2", "billing": "b0"}, base, t1, t1,
			map[string][2]Side{"web": {SideSalesforce, SideNetSuite}}},
		{"netsuite edits a salesforce-mastered name: reverted", base, groupValues{"name": "n2", "web": "w0", "billing": "b0"}, base, t0, t1,
			map[string][2]Side{"name": {SideSalesforce, SideNetSuite}}},
		{"both edit billing: netsuite masters it though salesforce is later", groupValues{"name": "n0", "web": "w0", "billing": "b1"}, groupValues{"name": "n0", "web": "w0", "billing": "b2"}, base, t1.Add(time.Hour), t1,
			map[string][2]Side{"billing": {SideNetSuite, SideSalesforce}}},
		{"both moved to the same value", groupValues{"name": "n0", "web": "w9", "billing": "b0"}, groupValues{"name": "n0", "web": "w9", "billing": "b0"}, base, t0, t1,
			map[string][2]Side{"web": {}}},
		{"first sync, values differ: later wins", groupValues{"name": "n1", "web": "w1", "billing": "b1"}, groupValues{"name": "n1", "web": "w2", "billing": "b2"}, nil, t0, t1,
			map[string][2]Side{"name": {}, "web": {SideNetSuite, SideSalesforce}, "billing": {SideNetSuite, SideSalesforce}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string][2]Side{}
			for _, d := range merge(groups, tt.sf, tt.ns, tt.base, tt.sfAt, tt.nsAt, SideSalesforce) {
				got[d.Group] = [2]Side{d.Winner, d.Drops}
			}
			for g, want := range tt.want {
				if got[g] != want {
					t.Errorf("group %s: winner/drops %v, want %v", g, got[g], want)
				}
			}
		})
	}
}

func TestCanonicalValuesCompareAcrossSystems(t *testing.T) {
	groups := []FieldGroup{{Name: "g", SalesforceFields: []string{"Phone", "Website", "AnnualRevenue"}}}
	sf := hashGroups(groups, map[string]any{"Phone": "555-0100", "Website": nil, "AnnualRevenue": 1200000.0, "Ignored": "x"})
	ns := hashGroups(groups, map[string]any{"Phone": " 555-0100 ", "Website": "", "AnnualRevenue": 1.2e6})
	if sf["g"] != ns["g"] {
		t.Error("blank vs null, padding and number formats must not count as changes")
	}
	changed := hashGroups(groups, map[string]any{"Phone": "555-0101"})
	if changed["g"] == sf["g"] {
		t.Error("a real change hashed the same")
	}
}

// A run that crashed after writing but before saving the agreed state
// left a pending note; the next run must not take Tandem's own write for
// a user's change (found by the chaos suite: an older value came back).
func TestPendingWriteSettlesAfterACrash(t *testing.T) {
	groups := []FieldGroup{{Name: "person"}}
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	// A NetSuite edit (v1) was written to Salesforce; the run died before
	// saving. Then NetSuite was edited again (v2).
	state := pairState{Base: groupValues{"person": "v0"}, Pending: map[string]pendingWrite{"person": {Target: SideSalesforce, Hash: "v1"}}}
	p := &pairView{sfHash: groupValues{"person": "v1"}, nsHash: groupValues{"person": "v2"}}
	settlePending(&state, p)
	if state.Base["person"] != "v1" || state.Pending != nil {
		t.Fatalf("state after settling: %+v", state)
	}
	ds := merge(groups, p.sfHash, p.nsHash, state.Base, t0.Add(time.Second), t0, SideSalesforce)
	if ds[0].Winner != SideNetSuite || ds[0].Drops != "" {
		t.Errorf("decision %+v: NetSuite's newer edit must win although Tandem's write to Salesforce is later", ds[0])
	}
	// A run that died before its write landed: the old base stands.
	state = pairState{Base: groupValues{"person": "v0"}, Pending: map[string]pendingWrite{"person": {Target: SideNetSuite, Hash: "v1"}}}
	p = &pairView{sfHash: groupValues{"person": "v1"}, nsHash: groupValues{"person": "v0"}}
	settlePending(&state, p)
	if d := merge(groups, p.sfHash, p.nsHash, state.Base, t0, t0, SideNetSuite)[0]; state.Base["person"] != "v0" || d.Winner != SideSalesforce {
		t.Errorf("write never landed: base %q, decision %+v; want v0 and Salesforce's change carried", state.Base["person"], d)
	}
}
