package main

import (
	"fmt"

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

// startSweepScheduler starts this process's scheduler of the NetSuite
// sweep (none when TANDEM_SWEEP_INTERVAL is 0); stop shuts it down.
func (a *app) startSweepScheduler() (stop func(), err error) {
	sched, err := sweep.NewScheduler(a.redis.Asynq, sweep.Schedule{Interval: a.cfg.Worker.SweepInterval, Logger: a.log})
	if err != nil || sched == nil {
		return func() {}, err
	}
	if err := sched.Start(); err != nil {
		return nil, fmt.Errorf("starting the netsuite sweep scheduler: %w", err)
	}
	a.log.Info("netsuite sweep scheduled", "interval", a.cfg.Worker.SweepInterval, "record_types", a.cfg.Worker.SweepTypes)
	return sched.Shutdown, nil
}
