#!/usr/bin/env bash
# Runs every benchmark the issues ask for and prints its figures. Nothing
# here asserts on time; a benchmark that fails (a wrong result) fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
bench() {
	local out
	out=$(go test -run='^$' -count=1 "$@" 2>&1)
	local rc=$?
	grep -E '^(Benchmark|--- FAIL|FAIL|panic)|_test\.go:[0-9]+' <<<"$out"
	if [ $rc -ne 0 ]; then status=1; fi
}
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD 2>/dev/null); $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## ingest: notifications over HTTP beside raw asynq enqueue (issue 2), and the parser alone"
bench -bench='BenchmarkIngest' -benchtime=1x ./handlers/
bench -bench='BenchmarkParseOutboundMessage' ./handlers/
echo "## F1 against the NetSuite sandbox at concurrency 5 and 100 ms (issue 2)"
bench -bench=BenchmarkF1SalesOrders -benchtime=1x ./cmd/tandem/
echo "## mapping: opportunities with 10 lines per second, one core (issue 3)"
bench -bench=BenchmarkF1Mapping -cpu 1 ./mapping/
echo "## F2: 1,000 paced random edits on both sides (issue 4)"
bench -bench=BenchmarkF2Edits -benchtime=1x ./cmd/tandem/
echo "## F3: invoices synced to a Salesforce sandbox at 150 ms a request; Salesforce calls per invoice beside the naive count (issue 12)"
bench -bench=BenchmarkF3Invoices -benchtime=1x ./cmd/tandem/
echo "## workers: no-op jobs run per second, Tandem's worker beside a plain asynq.Server (anchor)"
bench -bench=BenchmarkProcess -benchtime=1x ./jobs/
echo "## throttles"
bench -bench=. ./connectors/throttle/
echo "## batched Salesforce writes: 40,000 upserts through Bulk API 2.0 and through Collections, direct and as single-record tasks in groups (issue 13)"
bench -bench='Upsert40k' -benchtime=1x ./connectors/salesforce/
bench -bench='BatchedUpserts40k' -benchtime=1x ./jobs/batch/
echo "## F4: a 10,000-item catalog to three price books (40,000 records) through Bulk API 2.0, Collections and one call per record; NetSuite calls per 1,000 items; peak heap (issue 13)"
bench -bench=BenchmarkF4Catalog -benchtime=1x -timeout 30m ./jobs/catalog/
echo "## onboarding: new customers onboarded with a Salesforce sandbox at 150 ms a request; calls per onboarding (issue 14)"
bench -bench=BenchmarkOnboarding -benchtime=1x ./cmd/tandem/
echo "## F5: credit hold events evaluated per second; Salesforce calls per hold event and per episode (issue 12)"
bench -bench=BenchmarkF5CreditHold -benchtime=1x ./cmd/tandem/
echo "## F6: bookings vs billings, a quarter of 100,000 closed-won opportunities against both sandboxes (written back, then again); calls per 1,000 opportunities; Tandem's peak heap, sandboxes in a child process (issue 15)"
TANDEM_BENCH_F6_OPPORTUNITIES=100000 bench -bench=BenchmarkF6Reconcile -benchtime=1x -timeout 30m ./jobs/reconcile/
echo "## F6 NetSuite side: one reconciliation page's joined SuiteQL over 100,000 orders, tables warm and rebuilt; NetSuite calls per 1,000 opportunities and per 1,000 orders of a period (issue 15)"
bench -bench=BenchmarkReconciliationPageQuery -benchtime=3x -timeout 30m ./connectors/netsuite/sandbox/
bench -bench=BenchmarkNetSuiteReader -benchtime=1x ./jobs/reconcile/
echo "## drift audit: linked account and contact pairs compared per second; API calls per 1,000 pairs on each side (issue 15)"
bench -bench=BenchmarkDriftAudit -benchtime=1x ./jobs/drift/
echo "## Pub/Sub API: change events from the sandbox's stream to stored jobs (Avro decode, bitmaps, jobs, replay id) (issue 11)"
bench -bench=BenchmarkStreamToJobs -benchtime=3000x ./connectors/salesforce/pubsub/
exit $status
