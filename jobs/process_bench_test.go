package jobs

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/internal/testredis"
)

// BenchmarkProcess measures jobs run per second by Tandem's worker (its
// asynq.Config, retry policy, error handler, task mux and metrics
// middleware) with handlers that do nothing, beside a plain asynq.Server
// with asynq's defaults, the same concurrency and a handler that does
// nothing, on the same tasks in the same run. The plain server is the
// anchor: asynq's raw process rate (anchors.md §C.2).
func BenchmarkProcess(b *testing.B) {
	const tasks, concurrency = 20000, 20
	db := testredis.New(b)
	enq := NewEnqueuer(db.Client, 3)
	var ran atomic.Int64
	noop := asynq.HandlerFunc(func(context.Context, *asynq.Task) error { ran.Add(1); return nil })

	runAll := func(round string, srv *asynq.Server, h asynq.Handler) float64 {
		b.Helper()
		db.Client.FlushDB(b.Context())
		batch := make([]Incoming, 0, 100)
		for i := range tasks {
			id := fmt.Sprintf("%s-%d", round, i)
			batch = append(batch, Incoming{Type: TypeOpportunityToSalesOrder, ID: id,
				Change: Change{Source: SourceSalesforceOutbound, Object: "Opportunity", RecordID: id, ReceivedAt: time.Now()}})
			if len(batch) == cap(batch) {
				if _, err := enq.EnqueueAll(b.Context(), batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		ran.Store(0)
		start := time.Now()
		if err := srv.Start(h); err != nil {
			b.Fatal(err)
		}
		for ran.Load() < tasks {
			time.Sleep(time.Millisecond)
		}
		elapsed := time.Since(start)
		srv.Shutdown()
		return tasks / elapsed.Seconds()
	}

	var plain, tandem float64
	for i := 0; i < b.N; i++ {
		plain = runAll(fmt.Sprintf("plain%d", i), asynq.NewServer(db.AsynqOpt(), asynq.Config{
			Concurrency: concurrency, Queues: Queues, Logger: AsynqLogger(logging.Discard(), "asynq"),
		}), noop)
		mux, err := NewMux(FlowDeps{}, Flow{Name: "noop", Handlers: func(FlowDeps) (map[string]asynq.Handler, error) {
			return map[string]asynq.Handler{TypeOpportunityToSalesOrder: noop, TypeAccountToCustomer: noop,
				TypeCustomerToAccount: noop, TypeContactToNSContact: noop, TypeNSContactToContact: noop}, nil
		}})
		if err != nil {
			b.Fatal(err)
		}
		mux.Use(Observe(metrics.New(logging.Discard())))
		tandem = runAll(fmt.Sprintf("tandem%d", i), NewServer(db.AsynqOpt(), WorkerConfig{Concurrency: concurrency, Logger: logging.Discard()}), mux)
	}
	b.ReportMetric(plain, "asynq_jobs/s")
	b.ReportMetric(tandem, "tandem_jobs/s")
	b.ReportMetric(tandem/plain, "ratio")
}
