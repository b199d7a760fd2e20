package invoices

import (
	"context"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs/catalog"
)

// InvoiceObject is the Salesforce object an invoice is written as, by its
// NetSuite_Id__c.
const InvoiceObject = invoiceObject

// Auditor reads and maps invoices as the invoice job does, for the drift
// audit: what the job would write, against what Salesforce holds.
type Auditor struct{ f flow }

// NewAuditor returns an Auditor reading with d (Salesforce is not used).
func NewAuditor(d Deps) Auditor { return Auditor{f: newFlow(d)} }

// Mapped is the NetSuite_Invoice__c payload an invoice job would write for
// invoice id, flattened to dotted fields ("Account__r.NetSuite_Id__c");
// found is false when NetSuite has no such invoice (the job would delete
// its record).
func (a Auditor) Mapped(ctx context.Context, id string) (fields map[string]any, found bool, err error) {
	inv, found, err := a.f.readInvoice(ctx, id)
	if err != nil || !found {
		return nil, found, err
	}
	body, err := a.f.mapInvoice(ctx, inv, lastPaid{})
	if err != nil {
		return nil, true, err
	}
	fields = map[string]any{}
	flatten("", body, fields)
	return fields, true, nil
}

// Fields are the dotted NetSuite_Invoice__c fields an invoice job writes
// (Date_Last_Paid__c is a payment job's), for the SOQL that reads them.
func (a Auditor) Fields() []string {
	return []string{"Name", "Number__c", "Date__c", "Due_Date__c", "Status__c", "Currency__c", "Total__c",
		"Amount_Paid__c", "Amount_Remaining__c", "Days_Overdue__c", "Account__r.NetSuite_Id__c",
		"Opportunity__r.NetSuite_Sales_Order_Id__c"}
}

// Differing are the fields of mapped (Mapped) that rec does not hold, in
// name order.
func Differing(mapped map[string]any, rec salesforce.Record) []string {
	var out []string
	for f, want := range mapped {
		if f == "NetSuite_Id__c" {
			continue
		}
		var current any = rec.String(f)
		if _, isNum := number(want); isNum {
			if n, ok := rec.Float(f); ok {
				current = n
			} else {
				current = nil
			}
		}
		if !catalog.SameValue(want, current) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			flatten(prefix+k+".", sub, out)
			continue
		}
		out[strings.TrimPrefix(prefix+k, ".")] = v
	}
}
