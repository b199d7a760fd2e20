package sandbox

import (
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"
)

// Customer credit (netsuite.md §8): creditLimit and creditHoldOverride
// (AUTO | ON | OFF, read back as {"id":"AUTO","refName":"Auto"}) are
// plain fields (entities.go); balance, overdueBalance and daysOverdue are
// NetSuite's read-only A/R figures, which the sandbox derives from the
// customer's transactions and the account's date (Config.Today):
//
//   - balance: what remains on its open invoices, less what its payments
//     and credit memos leave unapplied (an unapplied payment is a credit
//     on the A/R account; its effect on balance is unconfirmed, §7).
//   - overdueBalance: what remains on its invoices whose dueDate is before
//     today (the clock's date in UTC; NetSuite uses the account's time zone).
//   - daysOverdue: days since the due date of its oldest overdue invoice, 0
//     when none is overdue.
//
// A customer with no invoice, payment or credit memo in the sandbox keeps
// whatever figures were stored (zero, or set by Put/PutFields to stand in
// for history the sandbox does not hold); from its first one on, the
// figures are computed. They are computed when read (GET, SuiteQL), so
// they follow the clock, and stored at every commit of the customer, so
// the webhook script sees them as of its save. A change of figures alone
// (a payment, time passing) fires no user event on the customer and does
// not move its lastModifiedDate, as in NetSuite, where they are not
// stored on the customer.

// arFigures are one customer's computed A/R figures.
type arFigures struct {
	balance, overdue float64
	daysOverdue      int
}

func (f *arFigures) fields() map[string]any {
	return map[string]any{"balance": round2(f.balance), "overdueBalance": round2(f.overdue),
		"daysOverdue": float64(f.daysOverdue)}
}

// arByCustomer computes every customer's figures in one pass over the
// transactions; customers without any are absent.
func (s *store) arByCustomer() map[string]*arFigures {
	today := s.today()
	out := map[string]*arFigures{}
	of := func(r *record, field string) *arFigures {
		c, ok := r.ref(field)
		if !ok {
			return nil
		}
		if out[c.id] == nil {
			out[c.id] = &arFigures{}
		}
		return out[c.id]
	}
	for _, inv := range s.records["invoice"] {
		f, remaining := of(inv, "entity"), inv.number("amountRemaining")
		if f == nil || remaining <= 0 {
			continue
		}
		f.balance += remaining
		if due := inv.string("dueDate"); due != "" && due < today {
			f.overdue += remaining
			f.daysOverdue = max(f.daysOverdue, daysBetween(due, today))
		}
	}
	for _, p := range s.records["customerPayment"] {
		if f := of(p, "customer"); f != nil {
			f.balance -= p.number("unapplied")
		}
	}
	for _, cm := range s.records["creditMemo"] {
		if f := of(cm, "entity"); f != nil {
			f.balance -= cm.number("unapplied")
		}
	}
	return out
}

func daysBetween(from, to string) int {
	a, errA := time.Parse(time.DateOnly, from)
	b, errB := time.Parse(time.DateOnly, to)
	if errA != nil || errB != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

// computedFields are the fields of r NetSuite computes when it is read;
// nil when there are none.
func (s *store) computedFields(r *record) map[string]any {
	if r.typ.name != "customer" {
		return nil
	}
	if f := s.arByCustomer()[r.id]; f != nil {
		return f.fields()
	}
	return nil
}

// refreshFigures stores r's computed fields in it.
func (s *store) refreshFigures(r *record) {
	for name, v := range s.computedFields(r) {
		r.fields[name] = v
	}
}

// figureColumns overlays a customer's computed figures on its SuiteQL row.
func figureColumns(row map[string]suiteql.Value, f *arFigures) {
	if f == nil {
		return
	}
	row["balance"] = round2(f.balance)
	row["overduebalance"] = round2(f.overdue)
	row["daysoverdue"] = float64(f.daysOverdue)
}
