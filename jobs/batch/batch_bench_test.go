package batch_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs/batch"
)

// BenchmarkBatchedUpserts40k: 40,000 single-record upsert tasks, as flows
// would enqueue them, through the task groups to the Salesforce sandbox:
// with the default threshold (groups above 2,000 records go through Bulk
// API 2.0) and with Collections only. Reports Salesforce API calls,
// records per call and the wall time from the first enqueue to the last
// record written.
func BenchmarkBatchedUpserts40k(b *testing.B) {
	const n = 40000
	for _, tc := range []struct {
		name      string
		threshold int
	}{{"bulk", batch.DefaultBulkThreshold}, {"collections", n + 1}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				db := testredis.New(b)
				o := newOrg(b)
				startWorker(b, db, o, tc.threshold)
				e := batch.NewEnqueuer(db.Client, 3)
				start := time.Now()
				for i := range n {
					fields := map[string]any{"NetSuite_Id__c": fmt.Sprintf("BATCH-%05d", i), "Name": fmt.Sprintf("Batch %d", i)}
					if _, err := e.Upsert(b.Context(), batch.Record{Object: "Account", ExtField: "NetSuite_Id__c", Fields: fields}, ""); err != nil {
						b.Fatal(err)
					}
				}
				in := asynq.NewInspectorFromRedisClient(db.Client)
				testfixtures.WaitUntil(b, "40,000 accounts written", 10*time.Minute, func() bool {
					q, err := in.GetQueueInfo(batch.Queue)
					return err == nil && q.Size == 0 && q.Active == 0 && q.Aggregating == 0 && len(o.accounts(b)) == n
				})
				calls := o.calls.Load()
				b.ReportMetric(float64(calls), "calls")
				b.ReportMetric(float64(n)/float64(calls), "records/call")
				b.ReportMetric(time.Since(start).Seconds(), "s")
			}
		})
	}
}
