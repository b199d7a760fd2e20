package invoices

import (
	"context"
	"errors"
	"fmt"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
)

// writeInvoiceAndBalance writes an invoice job's pending writes: the
// invoice (at most one) and its Account's balances. When both changed
// they go in one Composite request, one API call instead of two, the
// invoice first; Composite's allOrNone=false keeps them independent, as
// two calls were, so each memo is kept only when its own write succeeded.
func (f flow) writeInvoiceAndBalance(ctx context.Context, invoice []pendingWrite, balance *pendingWrite) error {
	switch {
	case len(invoice) == 1 && balance != nil:
		return f.writePair(ctx, invoice[0], *balance)
	case len(invoice) > 0:
		return f.upsert(ctx, invoiceObject, invoice)
	case balance != nil:
		res, err := f.Salesforce.Upsert(ctx, "Account", "NetSuite_Id__c", balance.extID, balance.body)
		return f.balanceWritten(ctx, *balance, res, err)
	}
	return nil
}

// writePair upserts an invoice and its Account's balances in one
// Composite request.
func (f flow) writePair(ctx context.Context, inv, bal pendingWrite) error {
	invSub, err := salesforce.UpsertSubrequest("invoice", invoiceObject, "NetSuite_Id__c", inv.extID, inv.body)
	if err != nil {
		return err
	}
	balSub, err := salesforce.UpsertSubrequest("balances", "Account", "NetSuite_Id__c", bal.extID, bal.body)
	if err != nil {
		return err
	}
	res, err := f.Salesforce.Composite(ctx, []salesforce.Subrequest{invSub, balSub})
	if err != nil {
		return fmt.Errorf("upserting %s %s and the balances of customer %s in one composite request: %w", invoiceObject, inv.extID, bal.extID, err)
	}
	var errs []error
	if r, err := res[0].UpsertResult(); err != nil {
		errs = append(errs, writeError(invoiceObject, inv.extID, err))
	} else if err := f.memos.Remember(ctx, inv.target, jobs.WriteMemo{Hash: inv.hash, ID: r.ID}); err != nil {
		return err
	}
	r, err := res[1].UpsertResult()
	errs = append(errs, f.balanceWritten(ctx, bal, r, err))
	return errors.Join(errs...)
}
