package credithold

import (
	"strconv"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite"
)

// NetSuite's creditHoldOverride values (netsuite.md §8).
const (
	OverrideAuto = "AUTO"
	OverrideOn   = "ON"
	OverrideOff  = "OFF"
)

// Standing is a customer's credit standing as NetSuite reports it.
type Standing struct {
	Override       string // AUTO, ON or OFF
	CreditLimit    float64
	HasLimit       bool // a customer without a credit limit is never over it
	Balance        float64
	OverdueBalance float64
	DaysOverdue    int
}

// StandingOf is a customer record's credit standing, as the flow reads it.
func StandingOf(c netsuite.Record) Standing { return standingOf(c) }

// standingOf reads a customer record's credit fields. The override comes
// as {"id":"ON"} or, in older accounts, as a plain string.
func standingOf(c netsuite.Record) Standing {
	override := strings.ToUpper(c.Ref("creditHoldOverride").ID)
	if override == "" {
		override = OverrideAuto
	}
	// Numbers arrive as json.Number (the client decodes with UseNumber):
	// a limit is any value but null.
	hasLimit := c["creditLimit"] != nil
	return Standing{Override: override, CreditLimit: c.Float("creditLimit"), HasLimit: hasLimit,
		Balance: c.Float("balance"), OverdueBalance: c.Float("overdueBalance"), DaysOverdue: int(c.Float("daysOverdue"))}
}

// Facts are what the rules' texts may name.
type Facts struct {
	Customer, CustomerID                 string
	Balance, CreditLimit, OverdueBalance string // formatted amounts
	DaysOverdue                          int
	Reason                               string // the hold's reasons, joined
}

func factsOf(name, id string, s Standing) Facts {
	return Facts{Customer: name, CustomerID: id, Balance: amount(s.Balance), CreditLimit: amount(s.CreditLimit),
		OverdueBalance: amount(s.OverdueBalance), DaysOverdue: s.DaysOverdue}
}

func amount(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// Decision is whether a customer is on hold, and why.
type Decision struct {
	Hold   bool
	Reason string // the reasons' texts joined with "; "; "" when not on hold
}

// Decide applies the hold rules to a standing.
func (r *Rules) Decide(s Standing, f Facts) Decision {
	h := r.Hold
	if s.Override == OverrideOff && h.OffReleases {
		return Decision{}
	}
	var reasons []string
	add := func(holds bool, tmpl string) {
		if holds {
			reasons = append(reasons, r.text(tmpl, f))
		}
	}
	add(h.OverrideOn && s.Override == OverrideOn, tmplOverrideOn)
	add(h.OverLimit && s.Override == OverrideAuto && s.HasLimit && s.Balance > s.CreditLimit, tmplOverLimit)
	add(h.OverdueDays > 0 && s.OverdueBalance > 0 && s.DaysOverdue > h.OverdueDays, tmplOverdueDays)
	add(h.OverdueAmount > 0 && s.OverdueBalance > h.OverdueAmount, tmplOverdueAmount)
	if len(reasons) == 0 {
		return Decision{}
	}
	return Decision{Hold: true, Reason: strings.Join(reasons, "; ")}
}
