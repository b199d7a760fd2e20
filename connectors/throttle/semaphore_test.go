package throttle_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/throttle"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
)

func TestSemaphoreNeverAdmitsMoreThanLimit(t *testing.T) {
	db := testredis.New(t)
	semaphoreNeverAdmitsMoreThanLimit(t, db.Client, process(t, db))
}

// semaphoreNeverAdmitsMoreThanLimit has two processes, one on each
// client, share a semaphore.
func semaphoreNeverAdmitsMoreThanLimit(t *testing.T, a, b redis.UniversalClient) {
	const limit, workers = 3, 50
	cfg := throttle.SemaphoreConfig{Limit: limit, MaxWait: time.Minute}
	procs := []*throttle.Semaphore{newSemaphore(t, a, cfg), newSemaphore(t, b, cfg)}

	var holders, most atomic.Int64
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			release, err := procs[i%len(procs)].Acquire(t.Context())
			if err != nil {
				errs <- err
				return
			}
			n := holders.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(3 * time.Millisecond)
			holders.Add(-1)
			release()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	if most.Load() > limit {
		t.Errorf("saw %d concurrent holders, limit is %d", most.Load(), limit)
	}
	if got := procs[0].Stats().Acquired + procs[1].Stats().Acquired; got != workers {
		t.Errorf("acquired %d leases, want %d", got, workers)
	}
	if n, err := procs[0].InUse(t.Context()); err != nil || n != 0 {
		t.Errorf("InUse after all released = %d, %v; want 0", n, err)
	}
}

func TestSemaphoreCrashedHolderBlocksSlotOnlyUntilLeaseTTL(t *testing.T) {
	db := testredis.New(t)
	const ttl = 300 * time.Millisecond
	crashed := newSemaphore(t, db.Client, throttle.SemaphoreConfig{Limit: 1, LeaseTTL: ttl})
	id, err := crashed.AcquireAbandoned(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	expiry := leases(t, db.Client)[id]

	// A lease an hour long gets no heartbeat during the test, so its score
	// minus an hour is the moment Redis admitted it.
	next := newSemaphore(t, process(t, db), throttle.SemaphoreConfig{Limit: 1, LeaseTTL: time.Hour, MaxWait: time.Minute})
	release, err := next.Acquire(t.Context())
	if err != nil {
		t.Fatalf("slot of a crashed holder not reusable: %v", err)
	}
	defer release()

	held := leases(t, db.Client)
	if _, ok := held[id]; ok || len(held) != 1 {
		t.Fatalf("leases after reuse = %v, want only the new one", held)
	}
	for _, exp := range held {
		if admittedAt := exp - float64(time.Hour.Milliseconds()); admittedAt < expiry {
			t.Errorf("slot reused at %.0f, before the crashed lease expired at %.0f", admittedAt, expiry)
		}
	}
}

func TestSemaphoreHeartbeatKeepsLeaseOfLongRequest(t *testing.T) {
	db := testredis.New(t)
	// Heartbeats come every ttl/3; the lease survives a stall of 2/3 ttl.
	const ttl = 2 * time.Second
	holder := newSemaphore(t, db.Client, throttle.SemaphoreConfig{Limit: 1, LeaseTTL: ttl})
	release, err := holder.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var firstExpiry float64
	for _, exp := range leases(t, db.Client) {
		firstExpiry = exp
	}
	testfixtures.WaitUntil(t, "the request outlasted its first lease", time.Minute, func() bool {
		return redisNow(t, db.Client) > firstExpiry+float64(ttl.Milliseconds()/2)
	})

	other := newSemaphore(t, process(t, db), throttle.SemaphoreConfig{Limit: 1, MaxWait: throttle.NoWait})
	if _, err := other.Acquire(t.Context()); !connectors.IsThrottle(err) {
		t.Fatalf("Acquire while a live request holds the only slot: %v, want a throttle (holder %+v, leases %v at %.0f)",
			err, holder.Stats(), leases(t, db.Client), redisNow(t, db.Client))
	}
	if n, err := other.InUse(t.Context()); err != nil || n != 1 {
		t.Errorf("InUse = %d, %v; want 1", n, err)
	}
	if lost := holder.Stats().LeasesLost; lost != 0 {
		t.Errorf("LeasesLost = %d, want 0", lost)
	}

	release()
	again, err := other.Acquire(t.Context())
	if err != nil {
		t.Fatalf("Acquire after release: %v", err)
	}
	again()
}

func TestSemaphoreDoubleReleaseFreesOneSlot(t *testing.T) {
	db := testredis.New(t)
	s := newSemaphore(t, db.Client, throttle.SemaphoreConfig{Limit: 2, MaxWait: throttle.NoWait})
	a := mustAcquire(t, s)
	b := mustAcquire(t, s)
	a()
	a()
	c := mustAcquire(t, s)
	defer c()
	defer b()

	if _, err := s.Acquire(t.Context()); !connectors.IsThrottle(err) {
		t.Fatalf("third Acquire with two leases held: %v, want a throttle", err)
	}
	if n, err := s.InUse(t.Context()); err != nil || n != 2 {
		t.Errorf("InUse = %d, %v; want 2", n, err)
	}
}

func TestSemaphoreSetLimit(t *testing.T) {
	db := testredis.New(t)
	s := newSemaphore(t, db.Client, throttle.SemaphoreConfig{Limit: 1, MaxWait: throttle.NoWait})
	a := mustAcquire(t, s)
	mustThrottle(t, s, "limit 1, one held")

	s.SetLimit(2)
	b := mustAcquire(t, s)
	mustThrottle(t, s, "limit 2, two held")

	s.SetLimit(1)
	a()
	mustThrottle(t, s, "limit lowered to 1, one still held")
	b()
	mustAcquire(t, s)()
}

func TestSemaphoreWakesLocalWaiterAtOnce(t *testing.T) {
	// Waiters poll once an hour, so only a local wake-up can admit them
	// before their ctx ends.
	cfg := throttle.SemaphoreConfig{Limit: 2, PollInterval: time.Hour, MaxWait: time.Hour}
	wakeBy := map[string]func(s *throttle.Semaphore, held []func()){
		"release": func(_ *throttle.Semaphore, held []func()) {
			for _, release := range held {
				release()
			}
		},
		"SetLimit": func(s *throttle.Semaphore, _ []func()) { s.SetLimit(4) },
	}
	for name, wake := range wakeBy {
		t.Run(name, func(t *testing.T) {
			db := testredis.New(t)
			tries := countEvals(db.Client)
			s := newSemaphore(t, db.Client, cfg)
			held := []func(){mustAcquire(t, s), mustAcquire(t, s)}

			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			results := make(chan error, 2)
			for range 2 {
				go func() {
					release, err := s.Acquire(ctx)
					if err == nil {
						release()
					}
					results <- err
				}()
			}
			testfixtures.WaitUntil(t, "both waiters found the slots held", time.Minute, func() bool { return tries.n.Load() >= 4 })
			wake(s, held)
			for range 2 {
				if err := <-results; err != nil {
					t.Errorf("waiter not woken: %v", err)
				}
			}
			for _, release := range held {
				release()
			}
		})
	}
}

func TestSemaphoreMaxWaitExceededThrottles(t *testing.T) {
	db := testredis.New(t)
	holder := newSemaphore(t, db.Client, throttle.SemaphoreConfig{Limit: 1})
	defer mustAcquire(t, holder)()

	for _, maxWait := range []time.Duration{throttle.NoWait, 30 * time.Millisecond} {
		s := newSemaphore(t, db.Client, throttle.SemaphoreConfig{Limit: 1, MaxWait: maxWait})
		_, err := s.Acquire(t.Context())
		te := throttleError(t, err)
		if te.System != "netsuite" || te.Wait <= 0 {
			t.Errorf("MaxWait %s: ThrottleError %+v, want System netsuite and Wait > 0", maxWait, te)
		}
		if st := s.Stats(); st.Throttled != 1 || st.Acquired != 0 {
			t.Errorf("MaxWait %s: stats %+v, want one throttled, none acquired", maxWait, st)
		}
	}
}

func TestSemaphoreCancelWhileWaiting(t *testing.T) {
	db := testredis.New(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tries := countEvals(db.Client)
	s := newSemaphore(t, db.Client, throttle.SemaphoreConfig{Limit: 1, MaxWait: time.Hour})
	defer mustAcquire(t, s)()
	cancelWhileWaiting(t, s, tries)
}
