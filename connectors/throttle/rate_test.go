package throttle_test

import (
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/tandem-sync/tandem/connectors/throttle"
	"github.com/tandem-sync/tandem/internal/testredis"
)

const rateKey = "tandem:throttle:salesforce:00D5e000000XXXX"

func newRate(t testing.TB, rdb redis.UniversalClient, cfg throttle.RateConfig) *throttle.Rate {
	t.Helper()
	cfg.Key, cfg.System = rateKey, "salesforce"
	r, err := throttle.NewRate(rdb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRateAdmitsBurstThenThrottlesWithRetryAfter(t *testing.T) {
	db := testredis.New(t)
	rateAdmitsBurstThenThrottles(t, db.Client, process(t, db))
}

// rateAdmitsBurstThenThrottles has two processes, one on each client,
// share a rate.
func rateAdmitsBurstThenThrottles(t *testing.T, a, b redis.UniversalClient) {
	// An hour-long period: nothing refills while the test runs, so the
	// admissions are Redis's accounting alone.
	const n, burst = 10, 4
	cfg := throttle.RateConfig{Rate: n, Per: time.Hour, Burst: burst, MaxWait: throttle.NoWait}
	procs := []*throttle.Rate{newRate(t, a, cfg), newRate(t, b, cfg)}
	gcra := redis_rate.NewLimiter(a)
	limit := redis_rate.Limit{Rate: n, Period: time.Hour, Burst: burst}
	interval := time.Hour / n

	admitted := 0
	for i := range 3 * n {
		release, err := procs[i%len(procs)].Acquire(t.Context())
		if err == nil {
			admitted++
			release()
			continue
		}
		te := throttleError(t, err)
		// Allow with nothing left only reads the retry-after; it is no
		// longer than it was when Acquire asked.
		after, aerr := gcra.Allow(t.Context(), rateKey, limit)
		if aerr != nil {
			t.Fatal(aerr)
		}
		if te.System != "salesforce" || te.Wait < after.RetryAfter || te.Wait > interval*5/4 {
			t.Errorf("request %d: %+v, want System salesforce and Wait between %s and %s",
				i, te, after.RetryAfter, interval*5/4)
		}
	}
	if admitted != burst {
		t.Errorf("admitted %d of %d requests, want the burst %d", admitted, 3*n, burst)
	}
	throttled := procs[0].Stats().Throttled + procs[1].Stats().Throttled
	if throttled != 3*n-burst {
		t.Errorf("Throttled = %d, want %d", throttled, 3*n-burst)
	}
}

func TestRateWaitsInProcessForItsTurn(t *testing.T) {
	db := testredis.New(t)
	r := newRate(t, db.Client, throttle.RateConfig{Rate: 1, Per: 500 * time.Millisecond, MaxWait: 10 * time.Second})
	for range 3 {
		mustAcquire(t, r)()
	}
	st := r.Stats()
	if st.Acquired != 3 || st.Throttled != 0 || st.Waited < 1 || st.WaitTime <= 0 {
		t.Errorf("stats %+v, want 3 acquired, none throttled, at least one after a wait", st)
	}
}

func TestRateThrottlesAtOnceWhenTurnIsPastMaxWait(t *testing.T) {
	db := testredis.New(t)
	r := newRate(t, db.Client, throttle.RateConfig{Rate: 1, Per: time.Hour})
	mustAcquire(t, r)()
	mustThrottle(t, r, "next turn in an hour, MaxWait 2s")
	if st := r.Stats(); st.Waited != 0 || st.Throttled != 1 {
		t.Errorf("stats %+v, want no in-process wait and one throttled", st)
	}
}

func TestRateCancelWhileWaiting(t *testing.T) {
	db := testredis.New(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tries := countEvals(db.Client)
	r := newRate(t, db.Client, throttle.RateConfig{Rate: 1, Per: time.Minute, MaxWait: time.Hour})
	mustAcquire(t, r)()
	cancelWhileWaiting(t, r, tries)
}
