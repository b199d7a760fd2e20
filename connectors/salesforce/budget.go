package salesforce

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	throttlestats "github.com/tandem-sync/tandem/connectors/throttle"
)

// The org's daily API allocation is shared with its users and every other
// integration, and once it is spent the org refuses every call for the
// rest of the rolling 24 hours (403 REQUEST_LIMIT_EXCEEDED). So Tandem
// keeps to a share of it (Config.BudgetShare), read from the
// Sforce-Limit-Info of the last answer:
//
//   - below 90% of the share: full speed;
//   - from there up to the share: each request first waits a pause that
//     grows to budgetMaxPause as usage nears the share;
//   - at the share: requests are not sent; the caller gets a ThrottleError
//     (a job waits budgetWait without counting a failure), except one
//     request per budgetProbe, which refreshes the usage figure as calls
//     age out of the window.
//
// Each change of state is logged, and BudgetStats feeds the throttle
// metric under the reason BudgetReason.

// BudgetReason names the budget's waits in ThrottleErrors and metrics.
const BudgetReason = "daily API budget"

const (
	budgetSlowFrom = 0.9 // of the share: where slowing starts
	budgetMaxPause = 2 * time.Second
	budgetWait     = 5 * time.Minute
	budgetProbe    = time.Minute
)

// Budget states.
const (
	BudgetNormal  = "normal"
	BudgetSlowing = "slowing"
	BudgetPaused  = "paused"
)

type budget struct {
	share float64 // 0: off
	log   *slog.Logger
	usage *usageTracker

	mu        sync.Mutex
	state     string
	lastProbe time.Time
	stats     throttlestats.WaitStats
}

func newBudget(share float64, usage *usageTracker, log *slog.Logger) *budget {
	return &budget{share: share, usage: usage, log: log, state: BudgetNormal,
		stats: throttlestats.WaitStats{System: "salesforce", Reason: BudgetReason}}
}

// admit holds or refuses one request by the org's usage.
func (b *budget) admit(ctx context.Context, op string) error {
	if b.share <= 0 {
		return nil
	}
	u := b.usage.get()
	if u.Max <= 0 {
		return nil
	}
	ratio := float64(u.Used) / float64(u.Max)
	slowFrom := b.share * budgetSlowFrom
	now := time.Now()
	b.mu.Lock()
	state := BudgetNormal
	switch {
	case ratio >= b.share:
		state = BudgetPaused
	case ratio >= slowFrom:
		state = BudgetSlowing
	}
	b.transition(ctx, state, u)
	if state == BudgetPaused {
		if now.Sub(u.Seen) >= budgetProbe && now.Sub(b.lastProbe) >= budgetProbe {
			b.lastProbe = now // this request finds out whether usage has fallen
			b.stats.Acquired++
			b.mu.Unlock()
			return nil
		}
		b.stats.Throttled++
		b.mu.Unlock()
		wait := budgetWait/2 + connectors.Jitter(budgetWait)
		return &connectors.ThrottleError{System: "salesforce", Reason: BudgetReason, Wait: wait}
	}
	b.stats.Acquired++
	if state == BudgetNormal {
		b.mu.Unlock()
		return nil
	}
	pause := time.Duration(float64(budgetMaxPause) * (ratio - slowFrom) / (b.share - slowFrom))
	b.stats.Waited++
	b.stats.WaitTime += pause
	b.mu.Unlock()
	if err := connectors.Sleep(ctx, pause); err != nil {
		return err
	}
	return nil
}

// transition logs a change of state; b.mu is held.
func (b *budget) transition(ctx context.Context, state string, u APIUsage) {
	if state == b.state {
		return
	}
	prev := b.state
	b.state = state
	args := []any{"used", u.Used, "max", u.Max, "share", b.share, "was", prev}
	switch state {
	case BudgetSlowing:
		b.log.WarnContext(ctx, "salesforce daily API budget nearly spent: slowing Salesforce requests", args...)
	case BudgetPaused:
		b.log.WarnContext(ctx, "salesforce daily API budget spent: holding Salesforce requests until usage falls", args...)
	default:
		b.log.InfoContext(ctx, "salesforce daily API budget back under its share: full speed", args...)
	}
}

// BudgetStats counts the requests the daily API budget held back
// (Waited, WaitTime) or refused (Throttled), for the throttle metric.
func (c *Client) BudgetStats() throttlestats.WaitStats {
	c.budget.mu.Lock()
	defer c.budget.mu.Unlock()
	return c.budget.stats
}

// BudgetState is the daily API budget's state: BudgetNormal,
// BudgetSlowing or BudgetPaused, as of the last request.
func (c *Client) BudgetState() string {
	c.budget.mu.Lock()
	defer c.budget.mu.Unlock()
	return c.budget.state
}
