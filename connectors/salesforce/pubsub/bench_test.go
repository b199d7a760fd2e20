package pubsub_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// BenchmarkStreamToJobs measures change events from the sandbox's
// Pub/Sub API to stored jobs: decode, bitmaps, jobs, replay id.
func BenchmarkStreamToJobs(b *testing.B) {
	r := newRig(b, 0)
	b.StopTimer()
	n := max(b.N/3, 1)
	changes(b, r.sb, n)
	want := int64(n * 3)
	s := &pubsub.Subscriber{Client: r.client(b), Redis: r.streamDB.Client, Topics: []string{"/data/AccountChangeEvent", "/data/ContactChangeEvent"},
		FromEarliest: true, Sink: func(ctx context.Context, _ string, body json.RawMessage) error {
			_, err := r.ingest.Ingest(ctx, body)
			return err
		}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.StartTimer()
	start := time.Now()
	go s.Run(ctx)
	testfixtures.WaitUntil(b, "every event stored", 5*time.Minute, func() bool { return s.Stats().Events >= want })
	b.ReportMetric(float64(want)/time.Since(start).Seconds(), "events/s")
}
