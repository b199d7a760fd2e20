package drift

import (
	"context"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/invoices"
	"github.com/tandem-sync/tandem/mapping"
)

// PairInvoice is the pair type of a NetSuite invoice and its
// NetSuite_Invoice__c record (the invoices flow, one way: NetSuite is
// always right).
const PairInvoice = "invoice"

// invoicePair audits invoice records with the invoice job's own reading
// and mapping (invoices.Auditor): one REST read of each invoice of a page
// (and of the sales order it was made from), as the job reads it, so the
// audit compares exactly what the job would write. Payment records and
// Date_Last_Paid__c (a payment job's) are not audited.
type invoicePair struct {
	audit invoices.Auditor
}

func newInvoicePair(d Deps) (*invoicePair, error) {
	m, err := d.Mappings.Mapping(invoices.MappingInvoice)
	if err != nil {
		return nil, err
	}
	return &invoicePair{audit: invoices.NewAuditor(invoices.Deps{NetSuite: d.NetSuite, Finder: d.Finder, Rates: d.Rates,
		Redis: d.Redis, Invoice: m, Logger: d.Logger})}, nil
}

func (p *invoicePair) pairName() string  { return PairInvoice }
func (p *invoicePair) sfObject() string  { return invoices.InvoiceObject }
func (p *invoicePair) linkField() string { return "NetSuite_Id__c" }

func (p *invoicePair) linkedSOQL() string {
	return "SELECT Id, NetSuite_Id__c, " + strings.Join(p.audit.Fields(), ", ") + " FROM " + invoices.InvoiceObject +
		" WHERE NetSuite_Id__c != null ORDER BY Id"
}

// readTwins maps each invoice of the page as its job would; a row holds
// the mapped fields and the invoice's id. An invoice NetSuite no longer
// has is left out (missing); one the mapping refuses holds its error.
func (p *invoicePair) readTwins(ctx context.Context, _ NetSuiteAPI, page []salesforce.Record) (twins, error) {
	t := twins{rows: make(map[string]netsuite.Row, len(page))}
	for _, r := range page {
		id := r.String(p.linkField())
		mapped, found, err := p.audit.Mapped(ctx, id)
		switch {
		case err != nil && !found:
			return t, err // NetSuite could not be read: the page fails
		case err != nil:
			t.rows[id] = netsuite.Row{"id": id, mapErrKey: err}
		case found:
			t.rows[id] = netsuite.Row{"id": id, mappedKey: mapped}
		}
	}
	return t, nil
}

const (
	mappedKey = "\x00mapped"
	mapErrKey = "\x00error"
)

func (p *invoicePair) finder(_ context.Context, fallback mapping.Finder, _ SalesforceAPI, _ twins) mapping.Finder {
	return fallback
}

func (p *invoicePair) judge(_ context.Context, _ *mapping.Session, sf salesforce.Record, row netsuite.Row, _ twins) (accountsync.Judgement, error) {
	var j accountsync.Judgement
	if err, ok := row[mapErrKey].(error); ok {
		return j, err
	}
	mapped, _ := row[mappedKey].(map[string]any)
	for _, f := range invoices.Differing(mapped, sf) {
		j.Differences = append(j.Differences, accountsync.FieldDifference{Group: "invoice", Field: f, Salesforce: sf.String(f),
			NetSuite: mapped[f], Right: accountsync.SideNetSuite, Why: "one way: the invoice is the source"})
		j.HealFrom = accountsync.SideNetSuite
	}
	return j, nil
}

// healTask is the invoice job a webhook or the sweep makes.
func (p *invoicePair) healTask(accountsync.Side, netsuite.Row) (taskType, object string) {
	return jobs.TypeInvoiceToSalesforce, "invoice"
}
