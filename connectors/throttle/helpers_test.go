package throttle_test

import (
	"context"
	"errors"
	"strings"
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

const slotsKey = "tandem:throttle:netsuite:1234567_SB1:slots"

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// process is a separate Redis connection to db, standing in for another
// worker process.
func process(t testing.TB, db *testredis.DB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: db.Addr, DB: db.Number})
	t.Cleanup(func() { c.Close() })
	return c
}

// newSemaphore makes a NetSuite semaphore on slotsKey; cfg fills in the rest.
func newSemaphore(t testing.TB, rdb redis.UniversalClient, cfg throttle.SemaphoreConfig) *throttle.Semaphore {
	t.Helper()
	cfg.Key, cfg.System = slotsKey, "netsuite"
	s, err := throttle.NewSemaphore(rdb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// throttleError asserts err is a *connectors.ThrottleError and returns it.
func throttleError(t *testing.T, err error) *connectors.ThrottleError {
	t.Helper()
	var te *connectors.ThrottleError
	if !errors.As(err, &te) {
		t.Fatalf("got error %v, want a *connectors.ThrottleError", err)
	}
	return te
}

// redisNow is the time on Redis's clock, in milliseconds, as lease scores
// are.
func redisNow(t *testing.T, rdb redis.UniversalClient) float64 {
	t.Helper()
	now, err := rdb.Time(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return float64(now.UnixMilli())
}

// leases maps each lease id in the semaphore's set to its expiry.
func leases(t *testing.T, rdb redis.UniversalClient) map[string]float64 {
	t.Helper()
	zs, err := rdb.ZRangeWithScores(context.Background(), slotsKey, 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string]float64, len(zs))
	for _, z := range zs {
		m[z.Member.(string)] = z.Score
	}
	return m
}

// cancelWhileWaiting checks that cancelling ctx ends a wait on l. l must
// be full, with the one script run that filled it counted in tries; ctx is
// cancelled once the waiter's first try is counted too. The wait, and an
// Acquire with the cancelled ctx, must fail wrapping context.Canceled.
func cancelWhileWaiting(t *testing.T, l connectors.Limiter, tries *evalCounter) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	result := make(chan error)
	go func() {
		_, err := l.Acquire(ctx)
		result <- err
	}()
	testfixtures.WaitUntil(t, "the waiter found the limiter full", time.Minute, func() bool { return tries.n.Load() >= 2 })
	cancel()
	for _, err := range []error{<-result, acquireErr(ctx, l)} {
		if !errors.Is(err, context.Canceled) || connectors.IsThrottle(err) {
			t.Errorf("Acquire with ctx cancelled: %v, want an error wrapping context.Canceled", err)
		}
	}
}

func acquireErr(ctx context.Context, l connectors.Limiter) error {
	_, err := l.Acquire(ctx)
	return err
}

func mustAcquire(t *testing.T, l connectors.Limiter) func() {
	t.Helper()
	release, err := l.Acquire(t.Context())
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	return release
}

func mustThrottle(t *testing.T, l connectors.Limiter, when string) {
	t.Helper()
	if release, err := l.Acquire(t.Context()); !connectors.IsThrottle(err) {
		if err == nil {
			release()
		}
		t.Fatalf("Acquire (%s): %v, want a throttle", when, err)
	}
}

// evalCounter counts the scripts a client has run to completion: each is
// one try for a slot or a turn, or one heartbeat.
type evalCounter struct{ n atomic.Int64 }

func countEvals(c *redis.Client) *evalCounter {
	e := &evalCounter{}
	c.AddHook(e)
	return e
}

func (c *evalCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *evalCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err == nil && strings.HasPrefix(cmd.Name(), "eval") {
			c.n.Add(1)
		}
		return err
	}
}

func (c *evalCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
