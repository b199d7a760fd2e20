package main

import (
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/jobs/accountsync"
)

// The chaos suite: Tandem as separate processes against both sandboxes
// and its own redis-server, a mixed stream of changes, faults injected
// throughout the stream (5xx, 429s and timeouts from both sandboxes) and
// at points (a worker SIGKILLed, Redis and serve restarted), then a
// comparison of both systems with the state the stream should have
// produced.
//
// `make test` runs a short stream with one of each fault event; `make
// chaos` runs -chaos.changes=10000. Account and contact change events
// reach Tandem only over the sandbox's Pub/Sub API, the forwarder off
// (-chaos.pubsub=false: over the JSON forwarder instead).
var (
	chaosChanges = flag.Int("chaos.changes", 300, "changes the chaos suite sends")
	chaosSeed    = flag.Uint64("chaos.seed", 1, "seed of the chaos suite's change stream")
	chaosPubSub  = flag.Bool("chaos.pubsub", true, "account and contact change events over the Pub/Sub API only (false: the JSON forwarder)")
)

// Fault rates of both sandboxes (the issue's): 10% 5xx, 5% 429, 2%
// timeouts held for 2s (hold=), so a timed-out request costs seconds, not
// the 30s default. They start with the stream: set-up (links, deals) is
// the fixture, and under faults each of its three waits for quiet took as
// long as a whole round, half the short run.
const (
	chaosFaults    = "5xx=0.10,429=0.05,timeout=0.02,hold=2s"
	chaosRoundSize = 100 // changes between quiet points (and per fault event) in the short run
	chaosMaxRounds = 10  // a long run keeps to this many rounds: each waits for its slowest retry
	chaosWorkers   = 2
	chaosAccounts  = 12 // accounts edited (their contacts too); all 20 are linked so deals create no customers
	// deals won before the stream, for round one's invoices; the others'
	// credit hold overrides are toggled (not the edited ones: F2's model
	// edits a pair from one side per round)
	chaosDealsWonFirst = 3
)

// changeSource is one flow's part of the stream: it sends changes and
// checks their effects. F1's deals, F2's pairs, F3's invoices and
// payments, F4's items and prices and F5's holds are sources.
type changeSource interface {
	// send makes one change and names its kind; false when the source has
	// nothing left to change.
	send(sb *remoteSandboxes, rng *rand.Rand, change int) (kind string, ok bool)
	// newRound starts a stretch between quiet points.
	newRound(rng *rand.Rand)
	// check compares the systems with what the changes sent should have made.
	check(sb *remoteSandboxes) sourceCheck
}

// sourceCheck is one source's part of the report.
type sourceCheck struct {
	expected, found, duplicates int
	missing                     []string
}

// weighted is a source and its share of the stream.
type weighted struct {
	source changeSource
	weight int
}

// chaosDriver sends the stream and keeps the expected state.
type chaosDriver struct {
	t       *testing.T
	c       *cluster
	rng     *rand.Rand
	sources []weighted
	sent    map[string]int // changes by kind
	total   int
	events  map[string]int // fault events fired
}

// TestChaos runs the stream (-chaos.changes) and fails on any effect
// missing or duplicated and on any archived job: none is meant to fail.
func TestChaos(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the chaos suite starts Redis and four Tandem processes")
	}
	total := *chaosChanges
	d := &chaosDriver{t: t, rng: rand.New(rand.NewPCG(*chaosSeed, 0xc4a05)), sent: map[string]int{}, events: map[string]int{}}
	d.c = startCluster(t, clusterConfig{workers: chaosWorkers, pubsub: *chaosPubSub})
	d.setUp(total)
	d.c.setFaults(chaosFaults+",seed=11", chaosFaults+",seed=12")
	rounds := max(3, min(chaosMaxRounds, total/chaosRoundSize))
	for round := range rounds {
		d.round(round, total/rounds+btoi(round < total%rounds))
	}
	rep := d.report()
	fmt.Print(rep.String()) // shown by `make chaos` (-v) and on failure
	if rep.missing > 0 || rep.duplicates > 0 || len(rep.archived) > 0 {
		t.Errorf("chaos: %d missing, %d duplicates, %d archived", rep.missing, rep.duplicates, len(rep.archived))
		for _, m := range rep.missingDetails {
			t.Log("missing: " + m)
		}
	}
}

// setUp links every account (so deals create no customers) and the edited
// accounts' contacts, creates the deals the stream will close (about one
// change in five), and waits for quiet.
func (d *chaosDriver) setUp(total int) {
	sb := d.c.sandboxes
	accounts := d.c.linkAccounts(20)
	contacts := d.c.linkContacts(accounts[:chaosAccounts])
	deals := &dealSource{open: sb.createDeals(total/5 + 1)}
	accountPairs := &pairKind{name: accountsync.PairAccountCustomer, sfObject: "Account", nsType: "customer",
		fields: withMasters(d.t, accountsync.PairAccountCustomer, accountFields()), pairs: models(accounts[:chaosAccounts])}
	contactPairs := &pairKind{name: accountsync.PairContact, sfObject: "Contact", nsType: "contact",
		fields: withMasters(d.t, accountsync.PairContact, contactFields()), pairs: models(contacts)}
	// A few deals are won before the stream so that round one has sales
	// orders to bill.
	for range chaosDealsWonFirst {
		deals.send(sb, d.rng, 0)
	}
	receivables := newReceivablesSource(deals)
	holds := newHoldSource(d.t, accounts[chaosAccounts:], accounts)
	d.sources = []weighted{{deals, 1}, {accountPairs, 2}, {contactPairs, 2}, {receivables, 2}, {holds, 1}, {newCatalogSource(sb), 1}, {&onboardingSource{}, 1}}
	d.c.settle()
	accountPairs.readExpected(sb)
	contactPairs.readExpected(sb)
}

// faultEvents are fired one per round, in turn, half-way through it.
var faultEvents = []struct {
	name string
	fire func(d *chaosDriver, round int)
}{
	{"worker SIGKILLed and restarted", func(d *chaosDriver, round int) {
		if d.c.pubsub { // the one streaming change events, when one does
			if d.c.killStreamingWorker(round % chaosWorkers) {
				d.events["worker SIGKILLed: the Pub/Sub lease holder"]++
			}
			return
		}
		d.c.killWorker(round % chaosWorkers)
	}},
	{"Redis restarted", func(d *chaosDriver, _ int) { d.c.restartRedis() }},
	{"serve restarted", func(d *chaosDriver, _ int) { d.c.restartServe() }},
}

// round sends n changes, fires the round's fault event half-way, and
// waits for quiet.
func (d *chaosDriver) round(round, n int) {
	for _, w := range d.sources {
		w.source.newRound(d.rng)
	}
	for i := range n {
		if i == n/2 {
			ev := faultEvents[round%len(faultEvents)]
			ev.fire(d, round)
			d.events[ev.name]++
		}
		d.change()
	}
	d.c.settle()
}

// change sends one change from a source drawn by weight (another, if that
// one has nothing left).
func (d *chaosDriver) change() {
	d.total++
	sum := 0
	for _, w := range d.sources {
		sum += w.weight
	}
	pick := d.rng.IntN(sum)
	for i := range d.sources {
		w := d.sources[(i+pickIndex(d.sources, pick))%len(d.sources)]
		if kind, ok := w.source.send(d.c.sandboxes, d.rng, d.total); ok {
			d.sent[kind]++
			return
		}
	}
	d.t.Fatal("no source has a change left to send")
}

// pickIndex is the source a draw in [0, sum of weights) falls on.
func pickIndex(sources []weighted, pick int) int {
	for i, w := range sources {
		if pick < w.weight {
			return i
		}
		pick -= w.weight
	}
	return 0
}

// dealSource is F1's part: deals won in Salesforce, one sales order each.
type dealSource struct {
	open, closed []deal
}

func (s *dealSource) newRound(*rand.Rand) {}

func (s *dealSource) send(sb *remoteSandboxes, _ *rand.Rand, _ int) (string, bool) {
	if len(s.open) == 0 {
		return "", false
	}
	dl := s.open[0]
	s.open = s.open[1:]
	sb.closeWon(dl.id)
	s.closed = append(s.closed, dl)
	return "deal closed in Salesforce", true
}

func (s *dealSource) check(sb *remoteSandboxes) sourceCheck {
	so := checkSalesOrders(sb.nsList("salesOrder"), s.closed)
	return sourceCheck{expected: len(s.closed), found: so.found, duplicates: so.duplicates,
		missing: append(prefixed("no sales order for deal ", so.missing), so.wrong...)}
}

// chaosReport is what the suite prints.
type chaosReport struct {
	changes             int
	byKind, events      map[string]int
	expected, found     int
	duplicates, missing int
	missingDetails      []string
	archived            []string
	sfFaults, nsFaults  string
	streams             map[string]int // Pub/Sub Subscribe calls per topic
}

// report compares both sandboxes with the expected state.
func (d *chaosDriver) report() chaosReport {
	sb := d.c.sandboxes
	r := chaosReport{changes: d.total, byKind: d.sent, events: d.events}
	for _, w := range d.sources {
		c := w.source.check(sb)
		r.expected, r.found, r.duplicates = r.expected+c.expected, r.found+c.found, r.duplicates+c.duplicates
		r.missingDetails = append(r.missingDetails, c.missing...)
	}
	r.missing = len(r.missingDetails)
	for _, a := range d.c.archived() {
		r.archived = append(r.archived, fmt.Sprintf("%s %s: %s", a.Type, a.ID, a.LastErr))
	}
	sf, ns := mustStats(d.t, sb)
	r.sfFaults = fmt.Sprintf("%d 5xx, %d 429, %d timeouts", sf.Faults.Injected5xx, sf.Faults.Injected429, sf.Faults.InjectedTimeouts)
	r.nsFaults = fmt.Sprintf("%d 5xx, %d 429, %d timeouts", ns.API.Injected5xx, ns.API.Injected429, ns.API.InjectedTimeouts)
	if d.c.pubsub {
		r.streams = d.c.streams()
	}
	return r
}

func prefixed(prefix string, items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = prefix + s
	}
	return out
}

func (r chaosReport) String() string {
	var b strings.Builder
	b.WriteString("chaos: flows driven: F1 (deals closed), F2 (accounts/customers and contacts edited on both sides),\n")
	b.WriteString("       F3 (invoices billed, paid, credited, voided, unapplied), F4 (item prices changed, items inactivated), F5 (credit hold overrides, credit limits),\n")
	b.WriteString("       onboarding (new customers confirmed or prospects)\n")
	fmt.Fprintf(&b, "changes sent      %d\n", r.changes)
	for _, k := range slices.Sorted(maps.Keys(r.byKind)) {
		fmt.Fprintf(&b, "  %-38s %d\n", k, r.byKind[k])
	}
	fmt.Fprintf(&b, "effects expected  %d\n", r.expected)
	fmt.Fprintf(&b, "effects found     %d\n", r.found)
	fmt.Fprintf(&b, "duplicates        %d\n", r.duplicates)
	fmt.Fprintf(&b, "missing           %d\n", r.missing)
	fmt.Fprintf(&b, "jobs archived     %d\n", len(r.archived))
	for _, a := range r.archived {
		fmt.Fprintf(&b, "  %s\n", a)
	}
	fmt.Fprintf(&b, "faults injected   salesforce: %s; netsuite: %s\n", r.sfFaults, r.nsFaults)
	for _, e := range slices.Sorted(maps.Keys(r.events)) {
		fmt.Fprintf(&b, "  %-30s %d\n", e, r.events[e])
	}
	if r.streams == nil {
		b.WriteString("change events      JSON forwarder\n")
	} else {
		b.WriteString("change events      Pub/Sub API only (forwarder off); Subscribe streams opened, restarts = streams - 1:\n")
	}
	for _, topic := range slices.Sorted(maps.Keys(r.streams)) {
		fmt.Fprintf(&b, "  %-30s %d\n", topic, r.streams[topic])
	}
	return b.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
