package sweep

import (
	"errors"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/jobs"
)

// Options configure the sweep flow.
type Options struct {
	Config   Config
	Interval time.Duration // the schedule's; ticks are windows of this length
	Enqueuer Enqueuer
}

// Flow registers the sweep's handler with the worker.
func Flow(o Options) jobs.Flow {
	return jobs.Flow{Name: "sweep", Handlers: func(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
		if d.NetSuite == nil || d.Redis == nil || o.Enqueuer == nil {
			return nil, errors.New("the netsuite sweep needs NetSuite, Redis and an enqueuer")
		}
		s := NewSweeper(d.NetSuite, o.Enqueuer, d.Redis, o.Config, d.Logger)
		h := NewHandler(s, o.Interval, s.log)
		return map[string]asynq.Handler{jobs.TypeNetSuiteSweep: h}, nil
	}}
}
