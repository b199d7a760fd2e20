// Package jobs turns accepted changes into asynq tasks and runs the
// workers that carry each change to the other system. It holds what every
// flow shares: task types and the Change payload, enqueue, the worker and
// its mux, the retry policy, replay, the review list, record locks, the
// echo guard, and the helpers more than one flow reads with (the SOQL read
// list, the mappings' lookups and exchange rates).
//
// Each flow lives in a package of its own below jobs, named for what it
// does: jobs/salesorder (a won opportunity becomes a sales order) and
// jobs/accountsync (accounts and customers, contacts and NetSuite
// contacts, kept in step both ways). A flow imports jobs; jobs never
// imports a flow, and neither do the HTTP handlers.
//
// # Adding a flow
//
// One new folder and one registration line, with this checklist:
//
//  1. Mapping file and goldens: mapping/defaults/<name>.yaml and its
//     golden cases under mapping/testdata/golden/<name>/.
//  2. Task type and queue: a Type… constant in tasks.go (the string is
//     stored in queued jobs and shown on dashboards: never rename it), its
//     queue in taskQueue, and the source object in OutboundTaskType,
//     SalesforceEventTaskType or netSuiteRoutes so the webhooks enqueue it.
//  3. Handler: a package jobs/<flow> with NewHandler(Deps) returning the
//     asynq handler (wrap the flow's run function in ChangeHandler), and
//     Flow() returning a jobs.Flow that builds its handlers from FlowDeps.
//     Register it with one line in the flow list of worker() in
//     cmd/tandem/app.go. No init() registries, no global configuration:
//     everything a handler uses arrives in its Deps.
//  4. Sandbox support: the objects, fields and change notifications the
//     flow reads and writes in connectors/salesforce/sandbox and
//     connectors/netsuite/sandbox, so `tandem run` works without credentials.
//  5. Chaos change source: a changeSource in cmd/tandem/chaos_test.go that
//     sends the flow's changes and checks their effects.
//  6. Benchmark: a benchmark of the flow in cmd/tandem, run by
//     scripts/bench.sh, its figures in BENCHMARKS.md.
package jobs
