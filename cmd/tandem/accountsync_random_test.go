package main

import (
	"fmt"
	"math/rand/v2"
	"sync"
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

type pairIDs struct{ sfID, nsID string }

// editKind is one kind of edit a user makes on one side, and how to read
// the field it touches on both sides.
type editKind struct {
	name    string
	apply   func(h *harness, p pairIDs, i int) error
	sfValue func(account map[string]any) string
	nsValue func(customer map[string]any) string
}

// sfEditKind edits an account field in Salesforce; nsValue reads its twin.
func sfEditKind(sfField, format string, nsValue func(map[string]any) string) editKind {
	return editKind{name: "salesforce " + sfField, sfValue: field(sfField), nsValue: nsValue,
		apply: func(h *harness, p pairIDs, i int) error { return h.sfEdit(p, sfField, fmt.Sprintf(format, i)) }}
}

// nsEditKind edits a customer field in NetSuite (an inline edit).
func nsEditKind(nsField, format, sfField string) editKind {
	return editKind{name: "netsuite " + nsField, sfValue: field(sfField), nsValue: field(nsField),
		apply: func(h *harness, p pairIDs, i int) error { return h.nsEdit(p, nsField, fmt.Sprintf(format, i)) }}
}

var editKinds = []editKind{
	sfEditKind("Name", "Edited %d Ltd", field("companyName")),
	sfEditKind("Phone", "+1 555 %04d", field("phone")),
	sfEditKind("Website", "https://sf-%d.example", field("url")),
	sfEditKind("BillingCity", "Sfcity %d", billingCity),
	nsEditKind("companyName", "Nsname %d", "Name"),
	nsEditKind("phone", "+44 20 %04d", "Phone"),
	nsEditKind("url", "https://ns-%d.example", "Website"),
	{name: "netsuite billing city", sfValue: field("BillingCity"), nsValue: billingCity,
		apply: func(h *harness, p pairIDs, i int) error {
			return h.editBillingCity(p.nsID, fmt.Sprintf("Nscity %d", i))
		}},
}

func field(name string) func(map[string]any) string {
	return func(rec map[string]any) string { return str(rec, name) }
}

func billingCity(customer map[string]any) string {
	return str(billing(customer), "addressBookAddress.city")
}

func (h *harness) sfEdit(p pairIDs, field, value string) error {
	sf := h.p.sandboxes.sf
	return sf.Update("Account", p.sfID, map[string]any{field: value}, sf.SalesUser())
}

func (h *harness) nsEdit(p pairIDs, field, value string) error {
	return h.p.sandboxes.ns.PutFields("customer", p.nsID, map[string]any{field: value})
}

// randomEdits links pairs accounts, then makes edits random edits, each on
// a random pair, side and mapped field. Unpaced, the edits come in one
// burst (Tandem coalesces what piles up); paced, each pair is edited by its
// own user who waits until both sides agree before the next edit, so every
// change is processed on its own. Then it waits for quiet and compares.
func (h *harness) randomEdits(pairs, edits int, seed uint64, paced bool) editRun {
	h.t.Helper()
	ps := make([]pairIDs, pairs)
	for i := range ps {
		ps[i].sfID, ps[i].nsID = h.linkedPair(i)
	}
	before := h.writes()
	if paced {
		var wg sync.WaitGroup
		for n, p := range ps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(seed, uint64(n)))
				for i := n; i < edits; i += pairs {
					k := editKinds[rng.IntN(len(editKinds))]
					if err := k.apply(h, p, i); err != nil {
						h.t.Errorf("edit %d (%s): %v", i, k.name, err)
						return
					}
					h.waitFor(fmt.Sprintf("edit %d (%s) in step", i, k.name), func() bool { return h.agree(p, k) })
				}
			}()
		}
		wg.Wait()
	} else {
		rng := rand.New(rand.NewPCG(seed, seed))
		for i := 0; i < edits; i++ {
			k := editKinds[rng.IntN(len(editKinds))]
			if err := k.apply(h, ps[rng.IntN(len(ps))], i); err != nil {
				h.t.Fatalf("edit %d (%s): %v", i, k.name, err)
			}
		}
	}
	last := time.Now()
	h.settle()
	run := editRun{edits: edits, convergeAfter: time.Since(last)}
	after := h.writes()
	run.writes = (after.sf - before.sf) + (after.ns - before.ns)
	run.echoes = after.echo - before.echo
	for _, p := range ps {
		for _, k := range editKinds[:4] { // one of each field
			if !h.agree(p, k) {
				a, _ := h.p.sandboxes.sf.Get("Account", p.sfID)
				run.disagreements = append(run.disagreements, fmt.Sprintf("%s/%s %s: Salesforce %q, NetSuite %q",
					p.sfID, p.nsID, k.name, k.sfValue(a), k.nsValue(h.customer(p.nsID))))
			}
		}
	}
	return run
}

func (h *harness) agree(p pairIDs, k editKind) bool {
	a, _ := h.p.sandboxes.sf.Get("Account", p.sfID)
	return k.sfValue(a) == k.nsValue(h.customer(p.nsID))
}

// editBillingCity changes the city of a customer's default billing address
// as a NetSuite user would.
func (h *harness) editBillingCity(nsID, city string) error {
	body, err := billingCityEdit(h.customer(nsID), city)
	if err != nil {
		return err
	}
	_, err = h.p.sandboxes.ns.Put("customer", body)
	return err
}

// TestThousandRandomEditsConverge: after 1,000 random edits on both sides
// in one burst, both systems agree on every mapped field, and Tandem wrote
// no more than once per genuine change (no ping-pong).
func TestThousandRandomEditsConverge(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	run := h.randomEdits(10, 1000, 7, false)
	for _, d := range run.disagreements {
		t.Error(d)
	}
	if run.writes > int64(run.edits) {
		t.Errorf("%d writes for %d genuine changes", run.writes, run.edits)
	}
	t.Logf("%d edits: %d writes (%.2f per change), %d echoes dropped, quiet %s after the last edit",
		run.edits, run.writes, float64(run.writes)/float64(run.edits), run.echoes, run.convergeAfter.Round(time.Millisecond))
}

// BenchmarkF2Edits makes 1,000 paced random edits on both sides of 10
// linked pairs, each processed on its own, and reports writes per genuine
// change (goal: exactly 1.0: every change is written once, either across
// or back by the master), echoes dropped and time to converge.
func BenchmarkF2Edits(b *testing.B) {
	for i := 0; i < b.N; i++ {
		h := startTandem(b, "TANDEM_LOG_LEVEL", "warn")
		run := h.randomEdits(10, 1000, uint64(i+1), true)
		if len(run.disagreements) > 0 {
			b.Fatalf("not converged: %v", run.disagreements)
		}
		b.ReportMetric(float64(run.writes)/float64(run.edits), "writes/change")
		b.ReportMetric(float64(run.echoes), "echoes_dropped")
		b.ReportMetric(run.convergeAfter.Seconds(), "converge_s")
	}
}
