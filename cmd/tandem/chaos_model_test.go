package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/jobs/accountsync"
)

// The chaos suite's expected state. A synced field's final value follows
// jobs/accountsync/sync_rules.yaml: an edit on a group's master side (or in a group
// without a master) sets the value; an edit on the other side is put back.
// The stream edits each pair from one side only between quiet points, so
// "the later edit" is always the last one sent and the expectation is
// exact.

// syncedField is one field kept in step by F2, as the driver edits and
// reads it on both sides.
type syncedField struct {
	name    string // for the report
	sf, ns  string // the Salesforce field; the NetSuite field as str reads it
	master  accountsync.Side
	value   func(side accountsync.Side, change int) string // a new value, unique per change
	nsWrite func(sb *remoteSandboxes, nsType, nsID, value string)
	nsRead  func(rec map[string]any) string
}

// pairKind is one kind of F2 pair the stream edits.
type pairKind struct {
	name     string // sync rules pair: accountsync.PairAccountCustomer, accountsync.PairContact
	sfObject string
	nsType   string
	fields   []syncedField
	pairs    []*pairModel
}

// pairModel is one linked pair and its expected values.
type pairModel struct {
	pair
	side accountsync.Side  // the only side edited in the current round
	want map[string]string // field name → expected value on both sides
}

func accountFields() []syncedField {
	return []syncedField{
		{name: "name", sf: "Name", ns: "companyName", value: bySide("Chaos SF %d Ltd", "Chaos NS %d Ltd")},
		{name: "phone", sf: "Phone", ns: "phone", value: bySide("+1 555 %04d", "+44 20 %04d")},
		{name: "web", sf: "Website", ns: "url", value: bySide("https://sf-%d.example", "https://ns-%d.example")},
		{name: "billing city", sf: "BillingCity", ns: "billing city", value: bySide("Sfcity %d", "Nscity %d"),
			nsWrite: writeBillingCity, nsRead: func(c map[string]any) string { return str(billing(c), "addressBookAddress.city") }},
	}
}

func contactFields() []syncedField {
	return []syncedField{
		{name: "last name", sf: "LastName", ns: "lastName", value: bySide("Sflast%d", "Nslast%d")},
		{name: "phone", sf: "Phone", ns: "phone", value: bySide("+1 555 %04d", "+44 20 %04d")},
	}
}

func bySide(sfFormat, nsFormat string) func(accountsync.Side, int) string {
	return func(side accountsync.Side, change int) string {
		if side == accountsync.SideSalesforce {
			return fmt.Sprintf(sfFormat, change)
		}
		return fmt.Sprintf(nsFormat, change)
	}
}

// withMasters fills each field's master from the sync rules.
func withMasters(t testing.TB, pairName string, fields []syncedField) []syncedField {
	t.Helper()
	rules, err := accountsync.LoadSyncRules("")
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fields {
		found := false
		for _, g := range rules[pairName].Groups {
			if slices.Contains(g.SalesforceFields, f.sf) {
				fields[i].master, found = g.Master, true
			}
		}
		if !found {
			t.Fatalf("sync rules: %s.%s is in no group of %s", pairName, f.sf, pairName)
		}
	}
	return fields
}

// newRound picks the one side each pair is edited from until the next
// quiet point.
func (k *pairKind) newRound(rng *rand.Rand) {
	for _, p := range k.pairs {
		p.side = []accountsync.Side{accountsync.SideSalesforce, accountsync.SideNetSuite}[rng.IntN(2)]
	}
}

// send edits a random field of a random pair on the pair's side.
func (k *pairKind) send(sb *remoteSandboxes, rng *rand.Rand, change int) (string, bool) {
	p := k.pairs[rng.IntN(len(k.pairs))]
	k.edit(sb, p, k.fields[rng.IntN(len(k.fields))], change)
	if p.side == accountsync.SideSalesforce {
		return strings.ToLower(k.sfObject) + " edited in Salesforce", true
	}
	return k.nsType + " edited in NetSuite", true
}

// edit makes one change to a field on the pair's side of the round and
// records what both sides must end up holding.
func (k *pairKind) edit(sb *remoteSandboxes, p *pairModel, f syncedField, change int) {
	v := f.value(p.side, change)
	switch {
	case p.side == accountsync.SideSalesforce:
		sb.sfUpdate(k.sfObject, p.sfID, map[string]any{f.sf: v})
	case f.nsWrite != nil:
		f.nsWrite(sb, k.nsType, p.nsID, v)
	default:
		sb.nsPut(k.nsType, map[string]any{"id": p.nsID, f.ns: v})
	}
	if f.master == "" || f.master == p.side {
		p.want[f.name] = v
	}
}

// readExpected starts the model from what the Salesforce side holds once
// the pairs are linked and quiet.
func (k *pairKind) readExpected(sb *remoteSandboxes) {
	for _, p := range k.pairs {
		p.want = map[string]string{}
		rec := sb.sfGet(k.sfObject, p.sfID, k.sfFieldNames()...)
		for _, f := range k.fields {
			p.want[f.name] = str(rec, f.sf)
		}
	}
}

func (k *pairKind) sfFieldNames() []string {
	out := []string{"Id"}
	for _, f := range k.fields {
		out = append(out, f.sf)
	}
	return out
}

// check compares both sides of every pair with the model: one effect per
// field of each pair, found when both sides hold the expected value. A
// NetSuite twin created twice is a duplicate.
func (k *pairKind) check(sb *remoteSandboxes) sourceCheck {
	c := sourceCheck{duplicates: duplicateTwins(sb.nsList(k.nsType))}
	for _, p := range k.pairs {
		sfRec := sb.sfGet(k.sfObject, p.sfID, k.sfFieldNames()...)
		nsRec := sb.nsGet(k.nsType, p.nsID)
		for _, f := range k.fields {
			c.expected++
			sfValue, nsValue := str(sfRec, f.sf), readNS(f, nsRec)
			if sfValue == p.want[f.name] && nsValue == p.want[f.name] {
				c.found++
				continue
			}
			c.missing = append(c.missing, fmt.Sprintf("%s %s/%s %s: Salesforce %q, NetSuite %q, want %q",
				k.name, p.sfID, p.nsID, f.name, sfValue, nsValue, p.want[f.name]))
		}
	}
	return c
}

func readNS(f syncedField, rec map[string]any) string {
	if f.nsRead != nil {
		return f.nsRead(rec)
	}
	return str(rec, f.ns)
}

// writeBillingCity changes the city of a record's default billing
// address as a NetSuite user would.
func writeBillingCity(sb *remoteSandboxes, nsType, nsID, city string) {
	body, err := billingCityEdit(sb.nsGet(nsType, nsID), city)
	if err != nil {
		sb.t.Fatal(err)
	}
	sb.nsPut(nsType, body)
}

// billingCityEdit is the request body that changes the city of a
// customer's default billing address: the whole address, city changed.
func billingCityEdit(customer map[string]any, city string) (map[string]any, error) {
	line := billing(customer)
	if line == nil {
		return nil, fmt.Errorf("customer %s has no default billing address", str(customer, "id"))
	}
	addr, _ := line["addressBookAddress"].(map[string]any)
	edited := map[string]any{}
	for k, v := range addr {
		if k != "links" && k != "addrText" {
			edited[k] = v
		}
	}
	edited["city"] = city
	return map[string]any{"id": customer["id"],
		"addressBook": map[string]any{"items": []any{map[string]any{"id": line["id"], "addressBookAddress": edited}}}}, nil
}

// duplicateTwins counts NetSuite records of a type beyond the first with
// the same external id: twins created twice.
func duplicateTwins(recs []map[string]any) int {
	seen, dups := map[string]bool{}, 0
	for _, r := range recs {
		ext := str(r, "externalId")
		if ext == "" {
			continue
		}
		if seen[ext] {
			dups++
		}
		seen[ext] = true
	}
	return dups
}

func models(pairs []pair) []*pairModel {
	out := make([]*pairModel, len(pairs))
	for i, p := range pairs {
		out[i] = &pairModel{pair: p}
	}
	return out
}
