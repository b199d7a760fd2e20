package throttle

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// DefaultLeaseTTL is how long a crashed holder blocks its slot.
	DefaultLeaseTTL = 15 * time.Second
	// DefaultPollInterval is how often a waiter looks for slots freed by
	// other processes; slots freed in this process wake a waiter at once.
	DefaultPollInterval = 10 * time.Millisecond
	// heartbeatsPerTTL is how many times a held lease is extended per
	// LeaseTTL, so a late heartbeat or two does not lose it.
	heartbeatsPerTTL = 3
	// minSemaphoreRetry is the shortest wait a ThrottleError asks for.
	minSemaphoreRetry = 500 * time.Millisecond

	semaphoreReason = "concurrency slot"
)

// SemaphoreConfig configures a Semaphore. Key, Limit and System are
// required; the rest have defaults.
type SemaphoreConfig struct {
	// Key is the Redis key of the lease set, one per remote account, e.g.
	// "tandem:throttle:netsuite:1234567_SB1:slots".
	Key string
	// Limit is how many leases may be held at once; at least 1. Every
	// process sharing Key should use the same limit.
	Limit int
	// LeaseTTL is how long a lease lives without a heartbeat (default
	// DefaultLeaseTTL): the longest a crashed holder blocks its slot.
	LeaseTTL time.Duration
	// MaxWait is how long Acquire waits in-process for a slot (default
	// DefaultMaxWait; NoWait: not at all).
	MaxWait time.Duration
	// PollInterval is how often a waiter polls Redis, jittered (default
	// DefaultPollInterval).
	PollInterval time.Duration
	// System names the remote system in ThrottleErrors, e.g. "netsuite".
	System string
}

func (c SemaphoreConfig) withDefaults() (SemaphoreConfig, error) {
	if err := checkConfig("semaphore", c.Key, c.System, "limit", c.Limit); err != nil {
		return c, err
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = DefaultLeaseTTL
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	c.MaxWait = maxWait(c.MaxWait)
	return c, nil
}

// Semaphore is a counting semaphore shared in Redis by every process using
// the same Key: at most Limit leases are held at once. A held lease is kept
// alive by a heartbeat; a crashed holder's lease expires after LeaseTTL.
type Semaphore struct {
	rdb   redis.UniversalClient
	cfg   SemaphoreConfig
	limit atomic.Int64
	// wake holds a token when a slot may just have come free in this
	// process; a waiter takes it and tries at once instead of at its next
	// poll. One token wakes one waiter; a waiter admitted while slots are
	// still free passes it on.
	wake chan struct{}
	// turn is held by the one waiter of this process asking Redis.
	turn       chan struct{}
	leasesLost atomic.Int64
	waiter
}

// SemaphoreStats counts what a Semaphore did since it was made.
type SemaphoreStats struct {
	WaitStats
	// LeasesLost counts held leases that expired before release because
	// heartbeats did not reach Redis in time.
	LeasesLost int64
}

// NewSemaphore makes a semaphore on rdb.
func NewSemaphore(rdb redis.UniversalClient, cfg SemaphoreConfig) (*Semaphore, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Semaphore{
		rdb:    rdb,
		cfg:    cfg,
		wake:   make(chan struct{}, 1),
		turn:   make(chan struct{}, 1),
		waiter: waiter{system: cfg.System, reason: semaphoreReason, maxWait: cfg.MaxWait},
	}
	s.limit.Store(int64(cfg.Limit))
	return s, nil
}

// Acquire takes a slot, waiting up to MaxWait; release gives it back and
// may be called more than once.
func (s *Semaphore) Acquire(ctx context.Context) (release func(), err error) {
	l, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return l.release, nil
}

func (s *Semaphore) acquire(ctx context.Context) (*lease, error) {
	start := time.Now()
	deadline := start.Add(s.maxWait)
	if err := s.takeTurn(ctx, deadline); err != nil {
		return nil, err
	}
	defer s.passTurn()
	for waited := time.Duration(0); ; waited = time.Since(start) {
		if ctx.Err() != nil {
			return nil, s.canceled(ctx)
		}
		l, err := s.tryAcquire(ctx)
		if err != nil {
			return nil, err
		}
		if l != nil {
			s.admitted(waited)
			return l, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, s.throttle(around(max(s.maxWait, minSemaphoreRetry)))
		}
		if err := s.sleep(ctx, min(around(s.cfg.PollInterval), left), s.wake); err != nil {
			return nil, err
		}
	}
}

// takeTurn queues this waiter behind the others of this process. Blocked
// channel senders are served in arrival order, so waiters are admitted
// first come, first served: none starves past MaxWait while later ones
// get slots, and only the waiter at the head asks Redis.
func (s *Semaphore) takeTurn(ctx context.Context, deadline time.Time) error {
	select {
	case s.turn <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case s.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return s.canceled(ctx)
	case <-timer.C:
		return s.throttle(around(max(s.maxWait, minSemaphoreRetry)))
	}
}

func (s *Semaphore) passTurn() { <-s.turn }

// tryAcquire asks Redis for a lease once; it returns nil if all slots are
// held.
func (s *Semaphore) tryAcquire(ctx context.Context) (*lease, error) {
	id := rand.Text()
	// A cancelled ctx must not lose the answer: a lease granted but never
	// seen would block its slot for a whole LeaseTTL.
	rctx, cancel := detached(ctx)
	defer cancel()
	res, err := acquireScript.Run(rctx, s.rdb, []string{s.cfg.Key},
		s.limit.Load(), s.cfg.LeaseTTL.Milliseconds(), id).Int64Slice()
	if err != nil {
		return nil, s.failed(s.cfg.Key, err)
	}
	if res[0] == 0 {
		return nil, nil
	}
	if res[1] > 0 {
		s.signal() // slots remain: let the next waiter try too
	}
	return s.hold(id), nil
}

// signal wakes one waiter in this process, if any, to try for a slot.
func (s *Semaphore) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// SetLimit changes how many leases may be held at once, e.g. after reading
// NetSuite's governance limits. Values below 1 count as 1. Lowering it
// admits no one until enough leases are released.
func (s *Semaphore) SetLimit(n int) {
	n = max(n, 1)
	if old := s.limit.Swap(int64(n)); int64(n) > old {
		s.signal()
	}
}

// InUse counts the live leases of every process sharing the key.
func (s *Semaphore) InUse(ctx context.Context) (int, error) {
	n, err := inUseScript.Run(ctx, s.rdb, []string{s.cfg.Key}).Int()
	if err != nil {
		return 0, fmt.Errorf("throttle: counting leases in %q: %w", s.cfg.Key, err)
	}
	return n, nil
}

// Stats counts what this Semaphore (this process) did.
func (s *Semaphore) Stats() SemaphoreStats {
	return SemaphoreStats{WaitStats: s.stats(), LeasesLost: s.leasesLost.Load()}
}
