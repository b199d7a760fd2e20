// Package reconcile is F6, bookings against billings: for a fiscal period,
// every closed-won opportunity's booked amount and forecast category from
// Salesforce beside the ordered, billed, paid and recognised amounts of its
// NetSuite sales order (found by the order's SFOPP-<opportunity id> external
// id), the gaps between them, written back to the opportunity and totalled
// in a report. Opportunities without a sales order and sales orders without
// an opportunity are listed as such, never dropped.
//
// It reads a page at a time on both sides (SOQL nextRecordsUrl, SuiteQL
// pages of 1,000), so memory is bounded by the page size, not the period.
package reconcile
