// Package drift is the drift audit: a scheduled job that compares the
// mapped fields of every linked pair, page by page, reports each
// difference with the side the sync rules say is right and, when healing
// is on, enqueues the ordinary sync job that fixes the pair (one per
// record). It is the net under every lost change: a webhook that never
// came, a change made while Tandem was down, a Pub/Sub replay gap (a full
// audit of the account and contact pairs covers one, and marks it so).
//
// Pairs are read in pages, never whole: Salesforce with SOQL, following
// nextRecordsUrl, in pages of PageSize linked records; their NetSuite
// twins with one SuiteQL query per page, by the twins' internal ids. The
// NetSuite row is mapped into Salesforce's field space with the pair's
// mapping (customer_to_account, nscontact_to_contact), and judged as the
// flow's merge would (accountsync.Auditor): a group's master, else the
// side that moved from what both last agreed on, else the later change.
//
// Items and their products (the catalog flow, one way) are judged with the
// catalog's own reading, mapping and comparison; NetSuite is always right.
// Invoices and their NetSuite_Invoice__c records (F3, one way) are mapped
// by the invoice job's own reading (a REST read per invoice, as the job
// makes) and mapping; NetSuite is right and the heal is the invoice job a
// webhook makes. Won opportunities and their sales orders (F1, one way:
// Salesforce is right) compare the header fields F1's mapping writes, the
// opportunity read and mapped as F1 does and a page of orders read with
// one SuiteQL query; the heal is F1's job as an Outbound Message makes it,
// which (coming from the audit) rewrites the order past its write memo,
// by external id, so never a second order.
//
// Done: account/customer, contact/NetSuite contact, item/product, invoice,
// sales order (header). Not audited yet: addresses (the address book is
// not a SuiteQL column of customer), prices (price book entries), sales
// order lines, payments.
package drift
