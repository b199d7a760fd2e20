package drift

import (
	"context"
	"errors"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
)

// RunTimeout bounds one audit; the run lock lasts as long, so a worker
// that dies mid-audit frees it. An audit cut short is done again by the
// next tick.
const RunTimeout = 2 * time.Hour

// Scheduled is the audit's entry in a worker's scheduler
// (jobs.NewScheduler): every interval; 0 schedules none.
func Scheduled(interval time.Duration) jobs.Scheduled {
	return jobs.Scheduled{Type: jobs.TypeDriftAudit, Interval: interval, Timeout: RunTimeout}
}

// NewHandler runs an audit for a scheduled task: at most one per tick and
// never two at once, however many schedulers enqueued it (jobs.Periodic).
func NewHandler(a *Auditor, interval time.Duration) *jobs.Periodic {
	return &jobs.Periodic{
		Key:      "tandem:drift:audit",
		What:     "drift audit",
		Redis:    a.Redis,
		Interval: interval,
		Timeout:  RunTimeout,
		Logger:   a.Logger,
		Run:      func(ctx context.Context) error { _, err := a.Run(ctx); return err },
	}
}

// Options configure the audit's flow.
type Options struct {
	Config    Config
	RulesFile string        // TANDEM_SYNC_RULES, as accountsync reads it; "" = the shipped rules
	Interval  time.Duration // the schedule's; ticks are windows of this length
	Enqueuer  Enqueuer
	Observer  Observer // nil: not counted
}

// Flow registers the audit's handler with the worker.
func Flow(o Options) jobs.Flow {
	return jobs.Flow{Name: "drift", Handlers: func(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
		if d.Salesforce == nil || d.NetSuite == nil {
			return nil, errors.New("the drift audit needs Salesforce and NetSuite")
		}
		rules, err := accountsync.LoadSyncRules(o.RulesFile)
		if err != nil {
			return nil, err
		}
		a, err := NewAuditor(Deps{Salesforce: d.Salesforce, NetSuite: d.NetSuite, Finder: d.Finder, Rates: d.Rates,
			Mappings: d.Mappings, Rules: rules, Enqueuer: o.Enqueuer, Redis: d.Redis, Observer: o.Observer, Logger: d.Logger}, o.Config)
		if err != nil {
			return nil, err
		}
		return map[string]asynq.Handler{jobs.TypeDriftAudit: NewHandler(a, o.Interval)}, nil
	}}
}
