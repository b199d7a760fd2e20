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
//
// Done: account/customer, contact/NetSuite contact, item/product. Not
// audited yet: addresses (the address book is not a SuiteQL column of
// customer), prices (price book entries), sales orders and invoices.
package drift
