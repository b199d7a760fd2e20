package accountsync

import (
	"context"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// Auditor judges a linked pair read in bulk (the drift audit, jobs/drift)
// as this flow's merge would: the groups whose values differ, which side
// the rules say is right, and which side's job makes the flow fix it.
type Auditor struct {
	kind  pairKind
	store pairStore
}

// NewAuditor returns the Auditor of one pair kind, under the given sync
// rules and mappings; groups whose NetSuite fields the caller cannot read
// in bulk are left out with skip (nil: none).
func NewAuditor(kind string, rules SyncRules, maps *mapping.Set, rdb redis.UniversalClient, skip func(FieldGroup) bool) (*Auditor, error) {
	k, err := Deps{Rules: rules, Mappings: maps}.kind(kind)
	if err != nil {
		return nil, err
	}
	if skip != nil {
		k.rules.Groups = slices.DeleteFunc(slices.Clone(k.rules.Groups), skip)
	}
	return &Auditor{kind: k, store: pairStore{rdb: rdb, kind: kind}}, nil
}

// SalesforceObject is the pair's Salesforce object, e.g. "Account".
func (a *Auditor) SalesforceObject() string { return a.kind.sfObject }

// NetSuiteType is the pair's NetSuite record type, e.g. "customer".
func (a *Auditor) NetSuiteType() string { return a.kind.nsType }

// ToSalesforce is the mapping of the NetSuite record into Salesforce's
// field space, in which the pair is compared.
func (a *Auditor) ToSalesforce() *mapping.Mapping { return a.kind.toSF }

// Groups are the compared field groups.
func (a *Auditor) Groups() []FieldGroup { return slices.Clone(a.kind.rules.Groups) }

// SOQL reads the Salesforce records matching where: their id, link and
// modification time, the compared groups' fields and what the mapping to
// NetSuite reads.
func (a *Auditor) SOQL(where string) string {
	reads := jobs.NewReadList("Id", "NetSuite_Id__c", "LastModifiedDate")
	for _, g := range a.kind.rules.Groups {
		reads.Add("", g.SalesforceFields...)
	}
	reads.AddReads("", a.kind.toNS.Reads())
	return reads.SOQL(a.kind.sfObject, where)
}

// FieldDifference is one field whose two values differ.
type FieldDifference struct {
	Group      string
	Field      string // the Salesforce field (Salesforce's field space)
	Salesforce any
	NetSuite   any  // the NetSuite value mapped into Salesforce's field space
	Right      Side // the side the rules say is right
	Why        string
}

// Judgement is what the audit found of one pair.
type Judgement struct {
	Differences []FieldDifference
	// HealFrom is the side whose change job makes the flow fix the pair:
	// the side that moved, in the first differing group, from what both
	// last agreed on (a job from a side that did not is dropped as an
	// echo), else that group's right side. "" when the pair is in step.
	HealFrom Side
}

// Judge compares a pair: the Salesforce record as read (SOQL), the
// NetSuite record (ns, in its REST shape for the fields the groups hold),
// the same mapped into Salesforce's field space and its lastmodifieddate,
// with the pair's stored state. A group differs when the flow would write
// it: where Salesforce is right, what the Salesforce record maps to in
// NetSuite differs from ns (a value the mapping cannot carry, such as an
// owner with no employee, is no drift).
func (a *Auditor) Judge(ctx context.Context, sess *mapping.Session, sf, ns, nsAsSF map[string]any, nsModified string) (Judgement, error) {
	var j Judgement
	groups := a.kind.rules.Groups
	sfHash, nsHash := hashGroups(groups, sf), hashGroups(groups, nsAsSF)
	if equalGroups(sfHash, nsHash) {
		return j, nil
	}
	sfID, _ := sf["Id"].(string)
	sfModified, _ := sf["LastModifiedDate"].(string)
	state, err := a.store.load(ctx, sfID)
	if err != nil {
		return j, err
	}
	var sfAsNS map[string]any
	ds := merge(groups, sfHash, nsHash, state.Base, parseTime(sfModified), parseTime(nsModified), a.kind.rules.TieBreak)
	for i, d := range ds {
		if d.Winner == "" {
			continue
		}
		g := groups[i]
		if d.Winner == SideSalesforce {
			if sfAsNS == nil {
				if sfAsNS, err = a.kind.toNS.Apply(ctx, sess, sf, nil); err != nil {
					return j, fmt.Errorf("mapping %s %s to NetSuite: %w", a.kind.sfObject, sfID, err)
				}
			}
			if len(changedFields(g.NetSuiteFields, sfAsNS, ns)) == 0 {
				continue
			}
		}
		for _, f := range g.SalesforceFields {
			if len(changedFields([]string{f}, nsAsSF, sf)) > 0 {
				j.Differences = append(j.Differences, FieldDifference{Group: d.Group, Field: f, Salesforce: sf[f],
					NetSuite: nsAsSF[f], Right: d.Winner, Why: d.Why})
			}
		}
		if j.HealFrom == "" && len(j.Differences) > 0 {
			j.HealFrom = movedSide(g.Name, d.Winner, sfHash, nsHash, state.Base)
		}
	}
	return j, nil
}

// movedSide is the side whose group moved from what both last agreed on;
// the winner when neither or both did (or nothing is agreed yet: the flow
// then merges whatever side the job comes from).
func movedSide(group string, winner Side, sf, ns, base groupValues) Side {
	known, ok := base[group]
	switch {
	case !ok:
	case sf[group] != known && ns[group] == known:
		return SideSalesforce
	case ns[group] != known && sf[group] == known:
		return SideNetSuite
	}
	return winner
}

// equalGroups compares the groups of a (the audited ones) with b.
func equalGroups(a, b groupValues) bool {
	for g, h := range a {
		if b[g] != h {
			return false
		}
	}
	return true
}
