package throttle_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/throttle"
	"github.com/tandem-sync/tandem/internal/testredis"
)

func BenchmarkSemaphoreUncontended(b *testing.B) {
	db := testredis.New(b)
	s := newSemaphore(b, db.Client, throttle.SemaphoreConfig{Limit: 5})
	for b.Loop() {
		release, err := s.Acquire(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		release()
	}
}

// BenchmarkSemaphoreThroughput measures how close holders of a 5-slot
// semaphore, each holding 10ms, get to the ceiling of 5/10ms = 500 holds/s.
func BenchmarkSemaphoreThroughput(b *testing.B) {
	b.Run("one process", func(b *testing.B) { benchThroughput(b, 1) })
	b.Run("two processes", func(b *testing.B) { benchThroughput(b, 2) })
}

func benchThroughput(b *testing.B, processes int) {
	const limit, hold, holders = 5, 10 * time.Millisecond, 20
	db := testredis.New(b)
	cfg := throttle.SemaphoreConfig{Limit: limit, MaxWait: time.Minute}
	sems := []*throttle.Semaphore{newSemaphore(b, db.Client, cfg)}
	for len(sems) < processes {
		sems = append(sems, newSemaphore(b, process(b, db), cfg))
	}

	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range holders {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				release, err := sems[i%processes].Acquire(b.Context())
				if err != nil {
					b.Error(err)
					return
				}
				time.Sleep(hold)
				release()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	ceiling := float64(limit) / hold.Seconds()
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "holds/s")
	b.ReportMetric(ceiling, "ceiling-holds/s")
	b.ReportMetric(rate/ceiling, "ratio")
}

func BenchmarkRateUncontended(b *testing.B) {
	db := testredis.New(b)
	r := newRate(b, db.Client, throttle.RateConfig{Rate: 1 << 30})
	for b.Loop() {
		if _, err := r.Acquire(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}
