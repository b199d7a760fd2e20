package main

import (
	"fmt"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/drift"
	"github.com/tandem-sync/tandem/jobs/reconcile"
	"github.com/tandem-sync/tandem/jobs/sweep"
)

// sweepOptions configure the NetSuite sweep's handler from TANDEM_SWEEP_*.
func (a *app) sweepOptions() sweep.Options {
	account := a.cfg.NetSuite.AccountID
	if !a.cfg.Live() {
		account = sandboxNSAccount
	}
	return sweep.Options{
		Config:   sweep.Config{AccountID: account, RecordTypes: a.cfg.Worker.SweepTypes, Lookback: a.cfg.Worker.SweepLookback},
		Interval: a.cfg.Worker.SweepInterval,
		Enqueuer: a.enqueuer(),
	}
}

// scheduled are the tasks this process's scheduler enqueues; an entry
// with interval 0 is not scheduled. A scheduled flow adds its entry here.
func (a *app) scheduled() []jobs.Scheduled {
	return []jobs.Scheduled{sweep.Scheduled(a.cfg.Worker.SweepInterval), drift.Scheduled(a.cfg.Worker.DriftInterval),
		reconcile.Scheduled(a.cfg.Reconcile.Interval)}
}

// startScheduler starts this process's scheduler of the periodic tasks
// (none when every interval is 0); stop shuts it down.
func (a *app) startScheduler() (stop func(), err error) {
	tasks := a.scheduled()
	sched, err := jobs.NewScheduler(a.redis.Asynq, a.log, tasks...)
	if err != nil || sched == nil {
		return func() {}, err
	}
	if err := sched.Start(); err != nil {
		return nil, fmt.Errorf("starting the scheduler: %w", err)
	}
	for _, t := range tasks {
		if t.Interval > 0 {
			a.log.Info("task scheduled", "type", t.Type, "interval", t.Interval)
		}
	}
	return sched.Shutdown, nil
}
