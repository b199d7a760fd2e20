package main

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tandem-sync/tandem/jobs/salesorder"
)

// receivablesSource is F3's part of the stream, made in NetSuite as its
// UI users: the sales orders of deals closed before the round are billed
// (due in the past or the future), their invoices paid in part or in
// full, credited in part with a credit memo, and now and then a payment or
// credit memo is voided or unapplied. NetSuite's side
// answers at once, so the source reads each invoice back after acting on
// it and the stream stays a function of the seed.
type receivablesSource struct {
	deals    *dealSource
	taken    int             // deals.closed already made billable
	billable []deal          // closed deals whose orders are not billed yet
	invoices []string        // invoice ids, in the order billed
	open     map[string]bool // invoices with something left to pay
	payments []*chaosPayment
}

// chaosPayment is a payment or credit memo the stream applied to one invoice.
type chaosPayment struct {
	typ, id, invoice  string // typ: customerPayment or creditMemo
	voided, unapplied bool
}

// invoiceDueDays are the due dates an invoice gets, in days from today:
// past the credit hold rules' 30 days, overdue within them, not yet due.
var invoiceDueDays = []int{-60, -10, 20}

// receivableActions are the source's kinds of change and their shares.
var receivableActions = []struct {
	kind   string
	weight int
	act    func(s *receivablesSource, sb *remoteSandboxes, rng *rand.Rand) bool
}{
	{"invoice billed in NetSuite", 3, (*receivablesSource).bill},
	{"partial payment in NetSuite", 3, (*receivablesSource).payPart},
	{"full payment in NetSuite", 2, (*receivablesSource).payInFull},
	{"credit memo in NetSuite", 1, (*receivablesSource).credit},
	{"payment voided in NetSuite", 1, (*receivablesSource).void},
	{"payment unapplied in NetSuite", 1, (*receivablesSource).unapply},
}

func newReceivablesSource(deals *dealSource) *receivablesSource {
	return &receivablesSource{deals: deals, open: map[string]bool{}}
}

// newRound makes the deals closed since the last round billable: their
// sales orders exist now that the stream was quiet.
func (s *receivablesSource) newRound(*rand.Rand) {
	s.billable = append(s.billable, s.deals.closed[s.taken:]...)
	s.taken = len(s.deals.closed)
}

// send takes an action drawn by weight, or the next one that can be taken.
func (s *receivablesSource) send(sb *remoteSandboxes, rng *rand.Rand, _ int) (string, bool) {
	sum := 0
	for _, a := range receivableActions {
		sum += a.weight
	}
	pick, first := rng.IntN(sum), 0
	for i, a := range receivableActions {
		if pick < a.weight {
			first = i
			break
		}
		pick -= a.weight
	}
	for i := range receivableActions {
		a := receivableActions[(first+i)%len(receivableActions)]
		if a.act(s, sb, rng) {
			return a.kind, true
		}
	}
	return "", false
}

// bill invoices the next billable deal's sales order (a deal F1 lost is
// skipped: the deal source reports it).
func (s *receivablesSource) bill(sb *remoteSandboxes, rng *rand.Rand) bool {
	for len(s.billable) > 0 {
		d := s.billable[0]
		s.billable = s.billable[1:]
		order, ok := sb.nsFind("salesOrder", "eid:"+salesorder.ExternalID(d.id))
		if !ok {
			continue
		}
		due := time.Now().UTC().AddDate(0, 0, invoiceDueDays[rng.IntN(len(invoiceDueDays))]).Format(time.DateOnly)
		inv := sb.nsTransform("salesOrder", str(order, "id"), "invoice", map[string]any{"dueDate": due})
		s.invoices = append(s.invoices, inv)
		s.open[inv] = true
		return true
	}
	return false
}

// payPart pays 20-70% of what remains on an open invoice.
func (s *receivablesSource) payPart(sb *remoteSandboxes, rng *rand.Rand) bool {
	inv, ok := s.openInvoice(rng)
	if !ok {
		return false
	}
	remaining := num(sb.nsGet("invoice", inv), "amountRemaining")
	amount := math.Floor(remaining*float64(2+rng.IntN(6))*10) / 100
	if amount <= 0 {
		amount = remaining
	}
	s.pay(sb, inv, map[string]any{"payment": amount})
	return true
}

// payInFull pays what remains on an open invoice.
func (s *receivablesSource) payInFull(sb *remoteSandboxes, rng *rand.Rand) bool {
	inv, ok := s.openInvoice(rng)
	if ok {
		s.pay(sb, inv, nil)
	}
	return ok
}

func (s *receivablesSource) pay(sb *remoteSandboxes, inv string, body map[string]any) {
	id := sb.nsTransform("invoice", inv, "customerPayment", body)
	s.payments = append(s.payments, &chaosPayment{typ: "customerPayment", id: id, invoice: inv})
	s.reread(sb, inv)
}

// credit credits 10-40% of what remains on an open invoice with a credit
// memo of one line, applied to it.
func (s *receivablesSource) credit(sb *remoteSandboxes, rng *rand.Rand) bool {
	inv, ok := s.openInvoice(rng)
	if !ok {
		return false
	}
	ns := sb.nsGet("invoice", inv)
	lines := sublist(ns, "item")
	rate := math.Floor(num(ns, "amountRemaining")*float64(1+rng.IntN(4))*10) / 100
	if rate <= 0 || len(lines) == 0 {
		return false
	}
	id := sb.nsTransform("invoice", inv, "creditMemo", map[string]any{"item": map[string]any{"items": []any{
		map[string]any{"item": map[string]any{"id": str(lines[0], "item.id")}, "quantity": 1, "rate": rate}}}})
	s.payments = append(s.payments, &chaosPayment{typ: "creditMemo", id: id, invoice: inv})
	s.reread(sb, inv)
	return true
}

// void voids a payment not voided yet.
func (s *receivablesSource) void(sb *remoteSandboxes, rng *rand.Rand) bool {
	p, ok := s.somePayment(rng, func(p *chaosPayment) bool { return !p.voided })
	if ok {
		sb.nsVoid(p.typ, p.id)
		p.voided = true
		s.reread(sb, p.invoice)
	}
	return ok
}

// unapply takes a payment off its invoice: the money stays on the
// customer's account as unapplied.
func (s *receivablesSource) unapply(sb *remoteSandboxes, rng *rand.Rand) bool {
	p, ok := s.somePayment(rng, func(p *chaosPayment) bool { return !p.voided && !p.unapplied })
	if ok {
		sb.nsPut(p.typ, map[string]any{"id": p.id,
			"apply": map[string]any{"items": []any{map[string]any{"doc": map[string]any{"id": p.invoice}, "apply": false}}}})
		p.unapplied = true
		s.reread(sb, p.invoice)
	}
	return ok
}

func (s *receivablesSource) reread(sb *remoteSandboxes, inv string) {
	s.open[inv] = num(sb.nsGet("invoice", inv), "amountRemaining") > 0
}

func (s *receivablesSource) openInvoice(rng *rand.Rand) (string, bool) {
	var open []string
	for _, inv := range s.invoices {
		if s.open[inv] {
			open = append(open, inv)
		}
	}
	if len(open) == 0 {
		return "", false
	}
	return open[rng.IntN(len(open))], true
}

func (s *receivablesSource) somePayment(rng *rand.Rand, ok func(*chaosPayment) bool) (*chaosPayment, bool) {
	var from []*chaosPayment
	for _, p := range s.payments {
		if ok(p) {
			from = append(from, p)
		}
	}
	if len(from) == 0 {
		return nil, false
	}
	return from[rng.IntN(len(from))], true
}

// check: each invoice once in Salesforce with NetSuite's amount remaining
// and status; each payment's application with its amount and status; each
// billed customer's Account with NetSuite's open and overdue sums.
func (s *receivablesSource) check(sb *remoteSandboxes) sourceCheck {
	invoices := byField(sb.query("SELECT NetSuite_Id__c, Status__c, Amount_Remaining__c FROM NetSuite_Invoice__c"), "NetSuite_Id__c")
	apps := byField(sb.query("SELECT NetSuite_Id__c, Status__c, Amount__c FROM NetSuite_Payment__c"), "NetSuite_Id__c")
	c := sourceCheck{duplicates: beyondFirst(invoices) + beyondFirst(apps)}
	customers := map[string]bool{}
	for _, id := range s.invoices {
		ns := sb.nsGet("invoice", id)
		customers[str(ns, "entity.id")] = true
		c.expect(matchOne(invoices[id], map[string]any{"Status__c": str(ns, "status.refName"),
			"Amount_Remaining__c": num(ns, "amountRemaining")}), "invoice "+id)
	}
	for _, p := range s.payments {
		c.expect(matchOne(apps[p.id+":"+p.invoice], applicationWant(sb.nsGet(p.typ, p.id), p.invoice)),
			"application "+p.id+":"+p.invoice)
	}
	s.checkBalances(sb, slices.Sorted(maps.Keys(customers)), &c)
	return c
}

// applicationWant is what Salesforce should show of a payment's line for
// an invoice (mapping/defaults/payment_to_salesforce.yaml).
func applicationWant(pay map[string]any, invoice string) map[string]any {
	for _, l := range sublist(pay, "apply") {
		if str(l, "doc.id") != invoice {
			continue
		}
		switch {
		case str(pay, "status.id") == "V":
			return map[string]any{"Status__c": "Voided", "Amount__c": 0.0}
		case l["apply"] == true:
			return map[string]any{"Status__c": "Applied", "Amount__c": num(l, "amount")}
		default:
			return map[string]any{"Status__c": "Unapplied", "Amount__c": 0.0}
		}
	}
	return map[string]any{"Status__c": "Unapplied", "Amount__c": 0.0}
}

// checkBalances compares each customer's Account with the sums over its
// open invoices in NetSuite.
func (s *receivablesSource) checkBalances(sb *remoteSandboxes, customers []string, c *sourceCheck) {
	open, overdue := map[string]float64{}, map[string]float64{}
	today := time.Now().UTC().Format(time.DateOnly)
	for _, inv := range sb.nsList("invoice") {
		if str(inv, "status.id") != "A" {
			continue
		}
		cust := str(inv, "entity.id")
		open[cust] += num(inv, "amountRemaining")
		if due := str(inv, "dueDate"); due != "" && due < today {
			overdue[cust] += num(inv, "amountRemaining")
		}
	}
	accounts := byField(sb.query("SELECT NetSuite_Id__c, Open_Balance__c, Overdue_Balance__c FROM Account WHERE NetSuite_Id__c != null"), "NetSuite_Id__c")
	for _, cust := range customers {
		c.expect(matchOne(accounts[cust], map[string]any{"Open_Balance__c": round2(open[cust]),
			"Overdue_Balance__c": round2(overdue[cust])}), "balances of customer "+cust)
	}
}

// expect counts one effect: found when problem is "", missing otherwise.
func (c *sourceCheck) expect(problem, what string) {
	c.expected++
	if problem == "" {
		c.found++
		return
	}
	c.missing = append(c.missing, what+": "+problem)
}

// matchOne says what is wrong with the Salesforce records found for one
// NetSuite record ("" when the first has every wanted value; a second is
// counted as a duplicate elsewhere).
func matchOne(recs []map[string]any, want map[string]any) string {
	if len(recs) == 0 {
		return "not in Salesforce"
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		got := recs[0][k]
		if w, isNum := want[k].(float64); isNum {
			if g, _ := got.(float64); math.Abs(g-w) < 0.005 {
				continue
			}
		} else if fmt.Sprint(got) == fmt.Sprint(want[k]) {
			continue
		}
		return fmt.Sprintf("%s is %v, want %v", k, got, want[k])
	}
	return ""
}

func byField(recs []map[string]any, field string) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, r := range recs {
		out[str(r, field)] = append(out[str(r, field)], r)
	}
	return out
}

// beyondFirst counts the records beyond the first under each key.
func beyondFirst(groups map[string][]map[string]any) int {
	n := 0
	for _, g := range groups {
		n += len(g) - 1
	}
	return n
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
