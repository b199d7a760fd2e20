// Package invoices is the flow that keeps finance's truth in Salesforce
// (F3): NetSuite invoices as NetSuite_Invoice__c records under their
// Account and Opportunity, the payments and credit memos applied to them
// as NetSuite_Payment__c records, and the Account's open and overdue
// balances.
//
// Every job re-reads NetSuite: an invoice job the invoice, a payment job
// the payment and then every invoice it applies to, through the same
// write path (invoice.go). A payment moves its invoices without a webhook
// of theirs, so the payment job is what carries them. Balances are
// recomputed from NetSuite's open invoices after each job (balance.go),
// never adjusted by deltas a lost or repeated event would corrupt.
//
// Nothing is written twice: an invoice whose mapped payload is the one
// Tandem last wrote is skipped, and balances are written only when they
// differ from the last ones written. In steady state an invoice costs one
// Salesforce call (its upsert, with both parents set by external-id
// reference), plus the Account's balance write when the balance moved.
package invoices
