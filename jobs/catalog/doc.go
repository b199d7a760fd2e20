// Package catalog is flow F4: NetSuite items and their prices become
// Salesforce Product2 records and PricebookEntry records, so reps quote
// only current, ERP-approved prices.
//
// One Syncer does the work for every trigger: the webhook and the sweep
// make a job per item change, which puts the item into an asynq task
// group (jobs/batch's aggregator), so a burst of changes is synced as one
// batch of the items named (see Flow); `tandem sync catalog` syncs every
// item, 1,000 at a time. For each batch it reads the items
// with their prices (one SuiteQL page: the item table joined to the
// pricing table, prices pivoted into a row per item), reads what
// Salesforce holds for them, and writes only what differs: products by
// NetSuite_Item_Id__c, then standard price book entries (Salesforce
// refuses a custom entry without one), then custom price book entries,
// each through sObject Collections (200 records a call, a result per
// record: a record that fails is reported alone and the rest stand).
// With Config.BulkThreshold set (TANDEM_SF_BULK_THRESHOLD), a sync plans
// every batch before it writes and sends a step above the threshold as
// one Bulk API 2.0 load, its records spooled to a temporary file as they
// are planned (heap bounded by the threshold and a batch, not the
// catalog): a full sync of 10,000 items is three jobs, not 200
// Collections calls. An item whose product
// or standard entry is refused has its later records left out.
//
// Rules: one price book per configured NetSuite price level (its name
// from the price_books table), one entry per configured currency; of
// quantity tiers the lowest quantity's price is the list price (the
// price of one unit); an inactive item deactivates its product and
// entries, a price level or currency removed from an item deactivates
// its entries, and so does an item deleted in NetSuite; nothing is ever
// deleted in Salesforce (quotes refer to them).
package catalog
