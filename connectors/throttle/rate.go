package throttle

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

const rateReason = "request rate"

// RateConfig configures a Rate. Key, Rate and System are required; the
// rest have defaults.
type RateConfig struct {
	// Key is the Redis key of the rate, one per remote account, e.g.
	// "tandem:throttle:salesforce:00D5e000000XXXX". redis_rate stores it
	// as "rate:" + Key.
	Key string
	// Rate is how many requests are admitted per Per; at least 1.
	Rate int
	// Per is the period of Rate (default one second).
	Per time.Duration
	// Burst is how many requests may go at once after a quiet spell
	// (default Rate).
	Burst int
	// MaxWait is how long Acquire waits in-process for its turn (default
	// DefaultMaxWait; NoWait: not at all).
	MaxWait time.Duration
	// System names the remote system in ThrottleErrors, e.g. "salesforce".
	System string
}

func (c RateConfig) withDefaults() (RateConfig, error) {
	if err := checkConfig("rate", c.Key, c.System, "rate", c.Rate); err != nil {
		return c, err
	}
	if c.Per <= 0 {
		c.Per = time.Second
	}
	if c.Burst <= 0 {
		c.Burst = c.Rate
	}
	c.MaxWait = maxWait(c.MaxWait)
	return c, nil
}

// Rate admits requests at a rate shared in Redis by every process using
// the same Key (GCRA: requests are spaced Per/Rate apart, up to Burst at
// once after a quiet spell).
type Rate struct {
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
	key     string
	waiter
}

// RateStats counts what a Rate did since it was made.
type RateStats struct {
	WaitStats
}

// NewRate makes a rate on rdb.
func NewRate(rdb redis.UniversalClient, cfg RateConfig) (*Rate, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Rate{
		limiter: redis_rate.NewLimiter(rdb),
		limit:   redis_rate.Limit{Rate: cfg.Rate, Period: cfg.Per, Burst: cfg.Burst},
		key:     cfg.Key,
		waiter:  waiter{system: cfg.System, reason: rateReason, maxWait: cfg.MaxWait},
	}, nil
}

// Acquire waits for the request's turn, up to MaxWait. There is nothing
// to give back, so release does nothing.
func (r *Rate) Acquire(ctx context.Context) (release func(), err error) {
	start := time.Now()
	deadline := start.Add(r.maxWait)
	for waited := time.Duration(0); ; waited = time.Since(start) {
		if ctx.Err() != nil {
			return nil, r.canceled(ctx)
		}
		res, err := r.limiter.Allow(ctx, r.key, r.limit)
		if err != nil && ctx.Err() != nil {
			return nil, r.canceled(ctx)
		}
		if err != nil {
			return nil, r.failed(r.key, err)
		}
		if res.Allowed > 0 {
			r.admitted(waited)
			return func() {}, nil
		}
		if time.Until(deadline) < res.RetryAfter {
			return nil, r.throttle(atLeast(res.RetryAfter))
		}
		if err := r.sleep(ctx, res.RetryAfter, nil); err != nil {
			return nil, err
		}
	}
}

// Stats counts what this Rate (this process) did.
func (r *Rate) Stats() RateStats {
	return RateStats{WaitStats: r.stats()}
}
