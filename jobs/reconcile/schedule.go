package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/jobs"
)

// RunTimeout bounds one scheduled reconciliation; the run lock lasts as
// long. A run cut short has written the pages it finished; the next tick
// reads the quarter again and writes only what still differs.
const RunTimeout = 30 * time.Minute

// Scheduled is the reconciliation's entry in a worker's scheduler
// (jobs.NewScheduler): every interval; 0 schedules none.
func Scheduled(interval time.Duration) jobs.Scheduled {
	return jobs.Scheduled{Type: jobs.TypeReconcile, Interval: interval, Timeout: RunTimeout}
}

// CurrentQuarter is the fiscal quarter that holds now.
func CurrentQuarter(now time.Time, fiscalStart int) (Period, error) {
	for _, year := range []int{now.Year(), now.Year() + 1} {
		for q := 1; q <= 4; q++ {
			p, err := ParsePeriod(strconv.Itoa(year)+"-Q"+strconv.Itoa(q), fiscalStart)
			if err != nil {
				return Period{}, err
			}
			if !now.Before(p.Start) && now.Before(p.End) {
				return p, nil
			}
		}
	}
	return Period{}, fmt.Errorf("no fiscal quarter holds %s", now.Format(time.DateOnly))
}

// ScheduleOptions configure the scheduled reconciliation.
type ScheduleOptions struct {
	Interval      time.Duration // the schedule's; ticks are windows of this length
	FiscalStart   int           // TANDEM_FISCAL_YEAR_START_MONTH
	Reporting     string        // TANDEM_REPORTING_CURRENCY
	BulkThreshold int           // TANDEM_SF_BULK_THRESHOLD
}

// NewHandler reconciles the current fiscal quarter and writes changed
// figures back, at most once per tick and never two at once, whatever
// number of schedulers enqueued it (jobs.Periodic).
func NewHandler(r *Reconciler, o ScheduleOptions, d jobs.FlowDeps) *jobs.Periodic {
	return &jobs.Periodic{
		Key:      "tandem:reconcile:bookings",
		What:     "bookings-vs-billings reconciliation",
		Redis:    d.Redis,
		Interval: o.Interval,
		Timeout:  RunTimeout,
		Logger:   d.Logger,
		Run: func(ctx context.Context) error {
			if err := CheckFiscalYear(ctx, r.Salesforce, o.FiscalStart); err != nil {
				return err
			}
			p, err := CurrentQuarter(time.Now().UTC(), o.FiscalStart)
			if err != nil {
				return err
			}
			s, err := r.Run(ctx, p, Options{Write: true}, nil)
			if err != nil {
				return err
			}
			d.Logger.InfoContext(ctx, "bookings-vs-billings reconciled", "period", p.Name, "opportunities", s.Opportunities,
				"without_order", s.WithoutOrder, "orders_without_opportunity", s.OrdersWithoutOpp,
				"changed", s.Write.Changed, "written", s.Write.Written, "failed", s.Write.Failed)
			if s.Write.Failed > 0 {
				return fmt.Errorf("reconciling %s: %d of %d opportunities not written, first: %s %s", p.Name,
					s.Write.Failed, s.Write.Changed, s.Write.Errors[0].OpportunityID, s.Write.Errors[0].Error)
			}
			return nil
		},
	}
}

// Flow registers the scheduled reconciliation's handler with the worker.
func Flow(o ScheduleOptions) jobs.Flow {
	return jobs.Flow{Name: "reconcile", Handlers: func(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
		if o.Interval <= 0 {
			return nil, nil
		}
		if d.Salesforce == nil || d.NetSuite == nil || d.Redis == nil {
			return nil, errors.New("the bookings-vs-billings reconciliation needs Salesforce, NetSuite and Redis")
		}
		if d.Logger == nil {
			d.Logger = slog.New(slog.DiscardHandler)
		}
		r := &Reconciler{Salesforce: d.Salesforce, NetSuite: NewNetSuiteReader(d.NetSuite), Reporting: o.Reporting,
			BulkThreshold: o.BulkThreshold}
		return map[string]asynq.Handler{jobs.TypeReconcile: NewHandler(r, o, d)}, nil
	}}
}
