package invoices

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
)

// openInvoicesQuery lists a customer's open invoices with what remains on
// them. Tandem sums them itself rather than reading the customer's
// balance and overdueBalance: NetSuite's balance nets unapplied payments
// and credits off the A/R total, whereas the Account's open balance is
// what its open invoices still owe, the sum of the NetSuite_Invoice__c
// records under it (overdue: those past their due date).
const openInvoicesQuery = "SELECT id, TO_CHAR(duedate, 'YYYY-MM-DD') AS due, foreignamountunpaid AS remaining " +
	"FROM transaction WHERE type = 'CustInvc' AND entity = ? AND status = 'A'"

// The Account fields the flow writes; no other flow or mapping may.
const (
	FieldOpenBalance    = "Open_Balance__c"
	FieldOverdueBalance = "Overdue_Balance__c"
)

// AccountFields are the Account fields only this flow writes.
var AccountFields = []string{FieldOpenBalance, FieldOverdueBalance}

// balances are an Account's open and overdue balance.
type balances struct{ Open, Overdue float64 }

// refreshBalance recomputes the customer's balances from NetSuite and
// writes them to its Account when they differ from those Tandem wrote
// last. The write is an upsert by the Account's NetSuite_Id__c, so it
// needs no query for the Account's id; it cannot create an Account (an
// Account needs a Name, which it does not send).
func (f flow) refreshBalance(ctx context.Context, customerID string) error {
	p, err := f.pendingBalance(ctx, customerID)
	if err != nil || p == nil {
		return err
	}
	res, err := f.Salesforce.Upsert(ctx, "Account", "NetSuite_Id__c", customerID, p.body)
	return f.balanceWritten(ctx, *p, res, err)
}

// pendingBalance is the balance write a customer's Account needs, nil
// when there is no customer or Tandem last wrote the same balances.
func (f flow) pendingBalance(ctx context.Context, customerID string) (*pendingWrite, error) {
	if customerID == "" {
		return nil, nil
	}
	b, err := f.computeBalances(ctx, customerID)
	if err != nil {
		return nil, err
	}
	p := pendingWrite{body: map[string]any{FieldOpenBalance: b.Open, FieldOverdueBalance: b.Overdue},
		target: "salesforce:Account.balances:" + customerID, extID: customerID}
	if p.hash, err = jobs.PayloadHash(p.body); err != nil {
		return nil, err
	}
	if last, ok, err := f.memos.Last(ctx, p.target); err != nil || (ok && last.Hash == p.hash) {
		return nil, err
	}
	return &p, nil
}

// balanceWritten remembers a balance write that succeeded. An Account
// missing (the upsert found none, and could not create one without a
// Name) is no error: the customer is not linked yet.
func (f flow) balanceWritten(ctx context.Context, p pendingWrite, res salesforce.UpsertResult, err error) error {
	if errors.Is(err, connectors.ErrNotFound) || isMissingName(err) {
		f.Logger.InfoContext(ctx, "no Account linked to the customer; balances not written", "customer", p.extID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("writing balances of customer %s to its Account: %w", p.extID, err)
	}
	f.Logger.InfoContext(ctx, "account balances written", "customer", p.extID, "open", p.body[FieldOpenBalance], "overdue", p.body[FieldOverdueBalance])
	return f.memos.Remember(ctx, p.target, jobs.WriteMemo{Hash: p.hash, ID: res.ID})
}

func (f flow) computeBalances(ctx context.Context, customerID string) (balances, error) {
	rows, err := f.NetSuite.SuiteQLAll(ctx, openInvoicesQuery, []any{customerID})
	if err != nil {
		return balances{}, fmt.Errorf("summing open invoices of customer %s: %w", customerID, err)
	}
	today := f.today()
	var b balances
	for _, r := range rows {
		remaining := r.Float("remaining")
		b.Open += remaining
		if due := r.String("due"); due != "" && due < today {
			b.Overdue += remaining
		}
	}
	return balances{Open: round2(b.Open), Overdue: round2(b.Overdue)}, nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
