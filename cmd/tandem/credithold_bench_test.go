package main

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/jobs"
)

// BenchmarkF5CreditHold puts linked customers on hold and releases them
// in rounds (override ON, then AUTO), with several credit hold jobs per
// customer and round, as webhooks of many invoices, payments and the
// sweep bring them; the webhook is off and the jobs are enqueued directly,
// so every Salesforce call counted is the credit hold flow's. It reports
// hold events evaluated per second (jobs run, from enqueue to quiet) and
// Salesforce calls per hold event and per episode (a hold and its
// release): an unchanged standing costs none, an episode its account
// lookups, hold field writes, Task lookup, Task creation and completion.
func BenchmarkF5CreditHold(b *testing.B) {
	const (
		customers = 10
		rounds    = 10 // odd rounds hold, even ones release: 5 episodes per customer
		perRound  = 5  // jobs per customer and round
	)
	h := startTandem(b, "TANDEM_WORKER_CONCURRENCY", "20", "TANDEM_LOG_LEVEL", "info")
	var nsIDs []string
	for range customers {
		_, nsID := h.linkedPair(0)
		nsIDs = append(nsIDs, nsID)
	}
	ns := h.p.sandboxes.ns
	ns.SetWebhookURL("")
	client := asynq.NewClientFromRedisClient(h.p.app.redis.Client)
	defer client.Close()
	sfCalls := func() float64 {
		return h.metricSum(metrics.RemoteCallsTotal, map[string]string{"system": "salesforce"})
	}
	var rate, perEvent, perEpisode float64
	for i := 0; i < b.N; i++ {
		startEpisodes := 0
		for _, id := range nsIDs {
			startEpisodes += h.episodes(id)
		}
		before, events := sfCalls(), 0
		var busy time.Duration
		for r := range rounds {
			for _, id := range nsIDs {
				h.setCredit(id, override(map[bool]string{true: "ON", false: "AUTO"}[r%2 == 0]))
			}
			start := time.Now()
			for _, id := range nsIDs {
				payload, _ := json.Marshal(jobs.Change{Source: jobs.SourceNetSuiteSweep, Object: "customer", RecordID: id,
					EventID: "bench", ReceivedAt: time.Now(), CorrelationID: "bench"})
				for k := range perRound {
					if _, err := client.Enqueue(asynq.NewTask(jobs.TypeCreditHold, payload), asynq.Queue(jobs.QueueNetSuiteToSalesforce),
						asynq.TaskID(fmt.Sprintf("bench-%d-%d-%s-%d", i, r, id, k))); err != nil {
						b.Fatal(err)
					}
					events++
				}
			}
			h.settle()
			busy += time.Since(start)
		}
		episodes := -startEpisodes
		for _, id := range nsIDs {
			episodes += h.episodes(id)
		}
		if episodes != customers*rounds/2 {
			b.Fatalf("%d episodes, want %d", episodes, customers*rounds/2)
		}
		calls := sfCalls() - before
		rate, perEvent, perEpisode = float64(events)/busy.Seconds(), calls/float64(events), calls/float64(episodes)
	}
	b.ReportMetric(rate, "holds_evaluated/s")
	b.ReportMetric(perEvent, "sf_calls/hold_event")
	b.ReportMetric(perEpisode, "sf_calls/episode")
}
