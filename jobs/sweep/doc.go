// Package sweep is the safety net under the NetSuite webhooks: a periodic
// incremental SuiteQL sync that finds every NetSuite record changed since
// the last sweep and enqueues the same jobs a webhook would have.
//
// Webhooks get lost: a SuiteScript that failed, a record changed by
// another script (which fires no user event), an invoice moved by a
// payment. For each swept record type, the sweep reads keyset pages of
// 1,000 rows ordered by (lastmodifieddate, id) from a watermark kept in
// Redis, enqueues one job per flow that reads the type (jobs.NetSuiteTaskTypes)
// with a task id per record version, and advances the watermark only after
// a page's jobs are stored. lastmodifieddate counts whole seconds: a row
// whose second is not settled by the run's start (Redis's clock) gets the
// run in its task id, so a second save in that second, re-read by the next
// run, makes a new job. A webhook and a sweep of the same change make
// two jobs; the flows are idempotent, so they write once.
//
// The schedule runs through asynq's Scheduler in every worker process;
// each sweep task claims its tick in Redis and holds a run lock, so several
// `tandem work` processes sweep once per tick and never two at a time.
package sweep
