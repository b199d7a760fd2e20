package invoices

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

const paymentObject = "NetSuite_Payment__c"

// payers are the NetSuite record types a payment job reads, by the
// webhook's lower-case type, with the Type__c their applications show.
var payers = map[string]struct{ recordType, label, customerField string }{
	"customerpayment": {"customerPayment", "Payment", "customer"},
	"creditmemo":      {"creditMemo", "Credit Memo", "entity"},
}

// syncPayment carries a customer payment or credit memo: every invoice it
// applies to (or applied to before), re-read from NetSuite and written like
// an invoice job writes it, then its applications (under their invoices'
// records), then the customer's balances, all under the invoices' locks.
func (f flow) syncPayment(ctx context.Context, object, id string) error {
	if strings.EqualFold(object, refundType) {
		return f.syncRefund(ctx, id)
	}
	kind, ok := payers[strings.ToLower(object)]
	if !ok {
		return &jobs.PermanentError{Msg: fmt.Sprintf("payment job for %q: not a customer payment, credit memo or refund", object)}
	}
	pay, err := f.NetSuite.GetRecord(ctx, kind.recordType, id, &netsuite.GetOptions{ExpandSubResources: true})
	if errors.Is(err, connectors.ErrNotFound) {
		return f.removePayment(ctx, id)
	}
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", kind.recordType, id, err)
	}
	var invoiceIDs []string
	for _, l := range pay.Sublist("apply") {
		invoiceIDs = append(invoiceIDs, l.Ref("doc").ID)
	}
	unlock, err := f.lockInvoices(ctx, invoiceIDs)
	if err != nil {
		return err
	}
	defer unlock()
	date := ""
	if pay.Ref("status").ID != "V" {
		date = dateOnly(pay.String("tranDate"))
	}
	if err := f.syncInvoices(ctx, invoiceIDs, appliedDocs(pay), date, id); err != nil {
		return err
	}
	if err := f.writeApplications(ctx, pay, kind.label); err != nil {
		return err
	}
	return f.refreshBalance(ctx, pay.Ref(kind.customerField).ID)
}

// appliedDocs are the invoices pay applies an amount to now.
func appliedDocs(pay netsuite.Record) map[string]bool {
	out := map[string]bool{}
	for _, l := range pay.Sublist("apply") {
		if l.Bool("apply") && l.Float("amount") > 0 {
			out[l.Ref("doc").ID] = true
		}
	}
	return out
}

func dateOnly(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// lockInvoices takes the invoices' locks, in id order so two payments
// never wait on each other in a cycle.
func (f flow) lockInvoices(ctx context.Context, ids []string) (unlock func(), err error) {
	var unlocks []func()
	unlock = func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		u, err := jobs.RecordLock(ctx, f.Redis, invoiceLockKey(id), "invoice "+id)
		if err != nil {
			unlock()
			return nil, err
		}
		unlocks = append(unlocks, u)
	}
	return unlock, nil
}

// syncInvoices re-reads the invoices (their locks held) and writes them in
// one batch. The invoices in paidBy were paid on date; the others were
// paid by payment once and are no longer (a void, an unapplied line, a
// deleted payment), so their date last paid moves back to the latest other
// payment still applied to them, or empty.
func (f flow) syncInvoices(ctx context.Context, ids []string, paidBy map[string]bool, date, payment string) error {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var movedBack []string
	for _, id := range ids {
		if !paidBy[id] {
			movedBack = append(movedBack, id)
		}
	}
	latest, err := f.latestPayments(ctx, movedBack, payment)
	if err != nil {
		return err
	}
	var bodies []map[string]any
	for _, id := range ids {
		inv, err := f.NetSuite.GetRecord(ctx, "invoice", id, nil)
		if errors.Is(err, connectors.ErrNotFound) {
			continue // deleted since: its own job removes its record
		}
		if err != nil {
			return fmt.Errorf("reading invoice %s: %w", id, err)
		}
		paid := lastPaid{date: latest[id], known: true}
		if paidBy[id] {
			paid.date = date
		}
		body, err := f.mapInvoice(ctx, inv, paid)
		if err != nil {
			return err
		}
		bodies = append(bodies, body)
	}
	return f.writeInvoices(ctx, bodies)
}

// latestPayments is, per invoice, the date of the latest payment or credit
// other than except still applied to it, from the payment history Tandem
// keeps in Salesforce (each record re-read from NetSuite by its payment's
// job): one query for all of them, none when there are none.
func (f flow) latestPayments(ctx context.Context, invoiceIDs []string, except string) (map[string]string, error) {
	out := map[string]string{}
	if len(invoiceIDs) == 0 {
		return out, nil
	}
	quoted := make([]string, len(invoiceIDs))
	for i, id := range invoiceIDs {
		quoted[i] = "'" + salesforce.EscapeSOQL(id) + "'"
	}
	recs, err := f.Salesforce.Query(ctx, "SELECT NetSuite_Id__c, Invoice__r.NetSuite_Id__c, Date__c FROM "+paymentObject+
		" WHERE Invoice__r.NetSuite_Id__c IN ("+strings.Join(quoted, ", ")+") AND Amount__c > 0")
	if err != nil {
		return nil, fmt.Errorf("reading the payment history of invoices %s: %w", strings.Join(invoiceIDs, ", "), err)
	}
	for _, r := range recs {
		id, d := r.String("Invoice__r.NetSuite_Id__c"), r.String("Date__c")
		if except != "" && strings.HasPrefix(r.String("NetSuite_Id__c"), except+":") {
			continue
		}
		if d > out[id] {
			out[id] = d
		}
	}
	return out, nil
}

// writeApplications upserts one NetSuite_Payment__c per apply line; lines
// no longer applied, and a voided payment's, are written with amount 0.
func (f flow) writeApplications(ctx context.Context, pay netsuite.Record, label string) error {
	out, err := f.Payment.Apply(ctx, &mapping.Session{Finder: f.Finder, Rates: f.Rates}, pay, map[string]any{"type": label})
	if err != nil {
		return err
	}
	records, _ := out["records"].([]any)
	bodies := make([]map[string]any, 0, len(records))
	for _, r := range records {
		if m, ok := r.(map[string]any); ok {
			bodies = append(bodies, m)
		}
	}
	pending, err := f.changed(ctx, paymentObject, bodies)
	if err != nil || len(pending) == 0 {
		return err
	}
	return f.upsert(ctx, paymentObject, pending)
}

// removePayment handles a payment or credit memo deleted in NetSuite: its
// application records go (the payment no longer exists, so there is no
// history to keep), and the invoices they named are re-read, which moves
// their amounts and date last paid back.
func (f flow) removePayment(ctx context.Context, id string) error {
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, NetSuite_Id__c, Invoice__r.NetSuite_Id__c, Invoice__r.Account__r.NetSuite_Id__c FROM "+
		paymentObject+" WHERE NetSuite_Id__c LIKE '"+salesforce.EscapeSOQL(id)+":%'")
	if err != nil {
		return fmt.Errorf("finding the applications of deleted payment %s: %w", id, err)
	}
	var invoiceIDs []string
	customers := map[string]bool{}
	for _, r := range recs {
		invoiceIDs = append(invoiceIDs, r.String("Invoice__r.NetSuite_Id__c"))
		customers[r.String("Invoice__r.Account__r.NetSuite_Id__c")] = true
	}
	unlock, err := f.lockInvoices(ctx, invoiceIDs)
	if err != nil {
		return err
	}
	defer unlock()
	for _, r := range recs {
		if err := f.Salesforce.Delete(ctx, paymentObject, r.String("Id")); err != nil && !errors.Is(err, connectors.ErrNotFound) {
			return fmt.Errorf("deleting application %s of deleted payment: %w", r.String("NetSuite_Id__c"), err)
		}
	}
	if err := f.syncInvoices(ctx, invoiceIDs, nil, "", ""); err != nil {
		return err
	}
	for c := range customers {
		if err := f.refreshBalance(ctx, c); err != nil {
			return err
		}
	}
	return nil
}
