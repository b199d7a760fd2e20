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

const invoiceObject = "NetSuite_Invoice__c"

// syncInvoice carries one invoice and its customer's balances.
func (f flow) syncInvoice(ctx context.Context, id string) error {
	unlock, err := jobs.RecordLock(ctx, f.Redis, invoiceLockKey(id), "invoice "+id)
	if err != nil {
		return err
	}
	defer unlock()
	inv, found, err := f.readInvoice(ctx, id)
	if err != nil {
		return err
	}
	if !found {
		return f.removeInvoice(ctx, id)
	}
	body, err := f.mapInvoice(ctx, inv, lastPaid{})
	if err != nil {
		return err
	}
	pending, err := f.changed(ctx, invoiceObject, []map[string]any{body})
	if err != nil {
		return err
	}
	balance, err := f.pendingBalance(ctx, inv.Ref("entity").ID)
	if err != nil {
		return err
	}
	return f.writeInvoiceAndBalance(ctx, pending, balance)
}

// readInvoice reads an invoice; found is false when NetSuite has none.
func (f flow) readInvoice(ctx context.Context, id string) (inv netsuite.Record, found bool, err error) {
	inv, err = f.NetSuite.GetRecord(ctx, "invoice", id, nil)
	if errors.Is(err, connectors.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading invoice %s: %w", id, err)
	}
	return inv, true, nil
}

func invoiceLockKey(id string) string { return "tandem:f3:invoice:{" + id + "}:lock" }

// lastPaid is an invoice's date last paid as a job knows it: known only
// to payment jobs; date "" with known set clears the field.
type lastPaid struct {
	date  string
	known bool
}

// mapInvoice maps an invoice as read from NetSuite.
func (f flow) mapInvoice(ctx context.Context, inv netsuite.Record, paid lastPaid) (map[string]any, error) {
	orderExternalID, err := f.orderExternalID(ctx, inv)
	if err != nil {
		return nil, err
	}
	vars := map[string]any{"today": f.today(), "orderExternalId": nilIfEmpty(orderExternalID),
		"lastPaid": nilIfEmpty(paid.date), "lastPaidKnown": paid.known}
	return f.Invoice.Apply(ctx, &mapping.Session{Finder: f.Finder, Rates: f.Rates}, inv, vars)
}

// orderExternalID is the externalId of the sales order an invoice bills:
// SFOPP-<opportunity id> for orders F1 made, which the mapping links to
// their Opportunity; "" for an invoice not made from an order.
func (f flow) orderExternalID(ctx context.Context, inv netsuite.Record) (string, error) {
	orderID := inv.Ref("createdFrom").ID
	if orderID == "" {
		return "", nil
	}
	so, err := f.NetSuite.GetRecord(ctx, "salesOrder", orderID, &netsuite.GetOptions{Fields: []string{"externalId"}})
	if errors.Is(err, connectors.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading sales order %s of invoice %s: %w", orderID, inv.String("id"), err)
	}
	return so.String("externalId"), nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeInvoices upserts the invoices whose payload differs from what
// Tandem last wrote: one call for one invoice, sObject Collections for
// more (a payment that settles many).
func (f flow) writeInvoices(ctx context.Context, bodies []map[string]any) error {
	pending, err := f.changed(ctx, invoiceObject, bodies)
	if err != nil || len(pending) == 0 {
		return err
	}
	return f.upsert(ctx, invoiceObject, pending)
}

// pendingWrite is a payload to write and the memo to keep once written.
type pendingWrite struct {
	body   map[string]any
	target string
	hash   string
	extID  string // the NetSuite_Id__c it is upserted by
}

// changed drops the payloads Tandem wrote last time, unchanged.
func (f flow) changed(ctx context.Context, object string, bodies []map[string]any) ([]pendingWrite, error) {
	var out []pendingWrite
	for _, b := range bodies {
		id := fmt.Sprint(b["NetSuite_Id__c"])
		p := pendingWrite{body: b, target: "salesforce:" + object + ":" + id, extID: id}
		var err error
		if p.hash, err = jobs.PayloadHash(b); err != nil {
			return nil, err
		}
		last, ok, err := f.memos.Last(ctx, p.target)
		if err != nil {
			return nil, err
		}
		if ok && last.Hash == p.hash {
			jobs.NoteEcho(ctx)
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// upsert writes the payloads by NetSuite_Id__c and remembers each one
// written.
func (f flow) upsert(ctx context.Context, object string, pending []pendingWrite) error {
	if len(pending) == 1 {
		p := pending[0]
		id := fmt.Sprint(p.body["NetSuite_Id__c"])
		res, err := f.Salesforce.Upsert(ctx, object, "NetSuite_Id__c", id, p.body)
		if err != nil {
			return writeError(object, id, err)
		}
		return f.memos.Remember(ctx, p.target, jobs.WriteMemo{Hash: p.hash, ID: res.ID})
	}
	var errs []error
	for chunk := range slices.Chunk(pending, salesforce.MaxCollectionSize) {
		records := make([]map[string]any, len(chunk))
		for i, p := range chunk {
			records[i] = p.body
		}
		results, err := f.Salesforce.UpsertCollection(ctx, object, "NetSuite_Id__c", records, false)
		if err != nil {
			return fmt.Errorf("upserting %d %s records: %w", len(records), object, err)
		}
		for i, res := range results {
			id := fmt.Sprint(chunk[i].body["NetSuite_Id__c"])
			if err := res.Err(); err != nil {
				errs = append(errs, writeError(object, id, err))
				continue
			}
			if err := f.memos.Remember(ctx, chunk[i].target, jobs.WriteMemo{Hash: chunk[i].hash, ID: res.ID}); err != nil {
				return err
			}
		}
	}
	return errors.Join(errs...)
}

// writeError says what failed. A parent that Salesforce cannot find by
// its external id is retried later, not archived: an invoice of a customer
// with no linked Account yet waits (with the usual back-off, counted, so a
// customer that never reaches Salesforce ends archived and visible in
// Asynqmon) until F2 links the customer or F1 writes the order's id back,
// which normally happens within the first retries. Writing the invoice
// without its Account instead would leave it off the Account and out of
// its balance with nothing to fix it when the link appears, since neither
// F2 nor the link fires an invoice job.
func writeError(object, id string, err error) error {
	if strings.Contains(err.Error(), "Foreign key external ID") {
		// %v, not %w: the error must not read as Salesforce's permanent INVALID_FIELD.
		return fmt.Errorf("upserting %s %s: parent not in Salesforce yet, retrying later: %v", object, id, err)
	}
	return fmt.Errorf("upserting %s %s: %w", object, id, err)
}

// removeInvoice handles an invoice deleted in NetSuite: its record goes,
// and its account's balances are recomputed.
func (f flow) removeInvoice(ctx context.Context, id string) error {
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, Account__r.NetSuite_Id__c FROM "+invoiceObject+" WHERE NetSuite_Id__c = '"+salesforce.EscapeSOQL(id)+"'")
	if err != nil {
		return fmt.Errorf("finding the record of deleted invoice %s: %w", id, err)
	}
	for _, r := range recs {
		if err := f.Salesforce.Delete(ctx, invoiceObject, r.String("Id")); err != nil && !errors.Is(err, connectors.ErrNotFound) {
			return fmt.Errorf("deleting the record of deleted invoice %s: %w", id, err)
		}
		if err := f.refreshBalance(ctx, r.String("Account__r.NetSuite_Id__c")); err != nil {
			return err
		}
	}
	return nil
}

// isMissingName: an upsert by external id that matched no Account tried
// to create one, which fails for want of a Name.
func isMissingName(err error) bool {
	return err != nil && strings.Contains(err.Error(), "REQUIRED_FIELD_MISSING")
}
