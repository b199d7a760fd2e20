package main

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// editRun is the outcome of random edits on both sides of linked pairs.
type editRun struct {
	edits         int           // genuine changes: every edit sets a value the field did not hold
	writes        int64         // writes Tandem made to either system meanwhile
	echoes        int64         // events recognised as already in step
	convergeAfter time.Duration // from the last edit until everything was quiet
	disagreements []string
}

// randomEdits links pairs accounts, then makes edits random edits, each on
// a random pair, side and mapped field, and waits for quiet.
func (h *harness) randomEdits(pairs, edits int, seed uint64) editRun {
	h.t.Helper()
	type pair struct{ sfID, nsID string }
	ps := make([]pair, pairs)
	for i := range ps {
		ps[i].sfID, ps[i].nsID = h.linkedPair(i)
	}
	sf, ns := h.p.sandboxes.sf, h.p.sandboxes.ns
	rng := rand.New(rand.NewPCG(seed, seed))
	before := h.writes()
	for i := 0; i < edits; i++ {
		p := ps[rng.IntN(len(ps))]
		var err error
		switch rng.IntN(8) {
		case 0:
			err = sf.Update("Account", p.sfID, map[string]any{"Name": fmt.Sprintf("Edited %d Ltd", i)}, sf.SalesUser())
		case 1:
			err = sf.Update("Account", p.sfID, map[string]any{"Phone": fmt.Sprintf("+1 555 %04d", i)}, sf.SalesUser())
		case 2:
			err = sf.Update("Account", p.sfID, map[string]any{"Website": fmt.Sprintf("https://sf-%d.example", i)}, sf.SalesUser())
		case 3:
			err = sf.Update("Account", p.sfID, map[string]any{"BillingCity": fmt.Sprintf("Sfcity %d", i)}, sf.SalesUser())
		case 4:
			err = ns.PutFields("customer", p.nsID, map[string]any{"companyName": fmt.Sprintf("Nsname %d", i)})
		case 5:
			err = ns.PutFields("customer", p.nsID, map[string]any{"phone": fmt.Sprintf("+44 20 %04d", i)})
		case 6:
			err = ns.PutFields("customer", p.nsID, map[string]any{"url": fmt.Sprintf("https://ns-%d.example", i)})
		case 7:
			err = h.editBillingCity(p.nsID, fmt.Sprintf("Nscity %d", i))
		}
		if err != nil {
			h.t.Fatalf("edit %d: %v", i, err)
		}
	}
	last := time.Now()
	h.settle()
	run := editRun{edits: edits, convergeAfter: time.Since(last)}
	after := h.writes()
	run.writes = (after.sf - before.sf) + (after.ns - before.ns)
	run.echoes = after.echo - before.echo
	for _, p := range ps {
		a, _ := sf.Get("Account", p.sfID)
		c := h.customer(p.nsID)
		for _, f := range [][3]string{
			{"name", str(a, "Name"), str(c, "companyName")},
			{"phone", str(a, "Phone"), str(c, "phone")},
			{"web", str(a, "Website"), str(c, "url")},
			{"billing city", str(a, "BillingCity"), str(billing(c), "addressBookAddress.city")},
		} {
			if f[1] != f[2] {
				run.disagreements = append(run.disagreements, fmt.Sprintf("%s/%s %s: Salesforce %q, NetSuite %q", p.sfID, p.nsID, f[0], f[1], f[2]))
			}
		}
	}
	return run
}

// editBillingCity changes the city of a customer's default billing address
// as a NetSuite user would.
func (h *harness) editBillingCity(nsID, city string) error {
	line := billing(h.customer(nsID))
	if line == nil {
		return fmt.Errorf("customer %s has no billing address", nsID)
	}
	addr, _ := line["addressBookAddress"].(map[string]any)
	edited := map[string]any{}
	for k, v := range addr {
		if k != "links" && k != "addrText" {
			edited[k] = v
		}
	}
	edited["city"] = city
	_, err := h.p.sandboxes.ns.Put("customer", map[string]any{"id": nsID,
		"addressBook": map[string]any{"items": []any{map[string]any{"id": line["id"], "addressBookAddress": edited}}}})
	return err
}

// TestThousandRandomEditsConverge: after 1,000 random edits on both sides,
// both systems agree on every mapped field, and Tandem wrote no more than
// once per genuine change (no ping-pong).
func TestThousandRandomEditsConverge(t *testing.T) {
	h := startTandem(t)
	run := h.randomEdits(10, 1000, 7)
	for _, d := range run.disagreements {
		t.Error(d)
	}
	if t.Failed() || true {
		t.Log(h.logs.String())
	}
	if run.writes > int64(run.edits) {
		t.Errorf("%d writes for %d genuine changes", run.writes, run.edits)
	}
	t.Logf("%d edits: %d writes (%.2f per change), %d echoes dropped, quiet %s after the last edit",
		run.edits, run.writes, float64(run.writes)/float64(run.edits), run.echoes, run.convergeAfter.Round(time.Millisecond))
}
