package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"sync"
	"text/tabwriter"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/jobs/reconcile"
)

// reconciler is F6's reconciler over the given clients, configured from
// TANDEM_REPORTING_CURRENCY and TANDEM_SF_BULK_THRESHOLD.
func (a *app) reconciler(sf reconcile.SalesforceAPI, ns reconcile.SuiteQLer) *reconcile.Reconciler {
	return &reconcile.Reconciler{Salesforce: sf, NetSuite: reconcile.NewNetSuiteReader(ns),
		Reporting: a.cfg.Reconcile.ReportingCurrency, BulkThreshold: a.cfg.Salesforce.BulkThreshold}
}

// reconcileSchedule configures the scheduled reconciliation from
// TANDEM_RECONCILE_INTERVAL and the report's settings.
func (a *app) reconcileSchedule() reconcile.ScheduleOptions {
	return reconcile.ScheduleOptions{Interval: a.cfg.Reconcile.Interval, FiscalStart: a.cfg.Reconcile.FiscalYearStartMonth,
		Reporting: a.cfg.Reconcile.ReportingCurrency, BulkThreshold: a.cfg.Salesforce.BulkThreshold}
}

// parsePeriod reads a period with TANDEM_FISCAL_YEAR_START_MONTH.
func (a *app) parsePeriod(s string) (reconcile.Period, error) {
	return reconcile.ParsePeriod(s, a.cfg.Reconcile.FiscalYearStartMonth)
}

// lazyReconciler connects to both systems on the first report, not at
// start-up: serve needs them for nothing else. A failed connection is
// tried again on the next report.
type lazyReconciler struct {
	a  *app
	mu sync.Mutex
	r  *reconcile.Reconciler
}

func (l *lazyReconciler) get(ctx context.Context) (*reconcile.Reconciler, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.r == nil {
		sf, ns, err := l.a.connectors(ctx, l.a.cfg.BaseURL())
		if err != nil {
			return nil, fmt.Errorf("connecting to Salesforce and NetSuite: %w", err)
		}
		if err := reconcile.CheckFiscalYear(ctx, sf, l.a.cfg.Reconcile.FiscalYearStartMonth); err != nil {
			return nil, err
		}
		l.r = l.a.reconciler(sf, ns)
	}
	return l.r, nil
}

// run reconciles p read-only.
func (l *lazyReconciler) run(ctx context.Context, p reconcile.Period, line func(reconcile.Line) error) (*reconcile.Summary, error) {
	r, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return r.Run(ctx, p, reconcile.Options{}, line)
}

// bookingsReport is GET /admin/reports/bookings-vs-billings.
func (a *app) bookingsReport(l *lazyReconciler) *handlers.BookingsReport {
	return &handlers.BookingsReport{Parse: a.parsePeriod, Run: l.run,
		Snapshots: reconcile.Snapshots{Redis: a.redis.Client}, Reporting: a.cfg.Reconcile.ReportingCurrency}
}

// chartData feeds the chart routes from a read-only run of the report.
func (a *app) chartData(l *lazyReconciler) handlers.ChartData {
	return func(ctx context.Context, period string) (string, []reconcile.MonthTotals, error) {
		p, err := a.parsePeriod(period)
		if err != nil {
			return "", nil, err
		}
		s, err := l.run(ctx, p, nil)
		if err != nil {
			return "", nil, err
		}
		return s.ReportingCurrency, s.MonthTotals(p), nil
	}
}

const reportUsage = "usage: tandem report bookings-vs-billings --period 2026-Q4 [--write] [--lines]"

// reportCommand runs `tandem report bookings-vs-billings`: the period's
// totals (and with --lines every line) on the terminal, a progress bar
// while it reads; --write also writes changed figures to the opportunities.
func reportCommand(ctx context.Context, cfg *config.Config, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "bookings-vs-billings" {
		return errors.New(reportUsage)
	}
	fs := flag.NewFlagSet("tandem report bookings-vs-billings", flag.ContinueOnError)
	fs.SetOutput(out)
	period := fs.String("period", "", "fiscal quarter (2026-Q4), fiscal year (2026) or month (2026-11)")
	write := fs.Bool("write", false, "write changed NetSuite figures back to the opportunities")
	showLines := fs.Bool("lines", false, "print every opportunity and order, not only the totals")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := newApp(cfg, redisNone)
	if err != nil {
		return err
	}
	defer a.close()
	p, err := a.parsePeriod(*period)
	if err != nil {
		return fmt.Errorf("--period: %w", err)
	}
	sf, ns, err := a.connectors(ctx, cfg.BaseURL())
	if err != nil {
		return err
	}
	if err := reconcile.CheckFiscalYear(ctx, sf, cfg.Reconcile.FiscalYearStartMonth); err != nil {
		return err
	}
	opts := reconcile.Options{Write: *write}
	if set, finish, ok := terminalProgress(out, "opportunities", "opps"); ok {
		opts.Progress = func(opps, orders int) { set(opps + orders) }
		defer finish()
	}
	var table *tabwriter.Writer
	line := func(reconcile.Line) error { return nil }
	if *showLines {
		table = tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(table, "kind\topportunity\towner\tcategory\tdate\torder\tcur\tbooked\tordered\tbilled\tpaid\tgap\t")
		line = func(l reconcile.Line) error {
			name := l.OpportunityName
			if name == "" {
				name = l.OpportunityID
			}
			_, err := fmt.Fprintf(table, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", l.Kind, name, l.Owner,
				l.ForecastCategory, l.Date, l.SalesOrder, l.Currency, l.Deal.Booked, l.Deal.Ordered, l.Deal.Billed, l.Deal.Paid, l.Deal.BookingGap)
			return err
		}
	}
	r := a.reconciler(sf, ns)
	sum, err := r.Run(ctx, p, opts, line)
	if table != nil {
		_ = table.Flush()
	}
	if err != nil {
		return err
	}
	printBookingsSummary(out, sum)
	if sum.Write != nil && sum.Write.Failed > 0 {
		return fmt.Errorf("%d opportunities could not be written", sum.Write.Failed)
	}
	return nil
}

// printBookingsSummary prints the totals as tables, in the reporting currency.
func printBookingsSummary(out io.Writer, s *reconcile.Summary) {
	fmt.Fprintf(out, "\nbookings vs billings %s (%s to %s), in %s at NetSuite's rates of %s\n", s.Period, s.Start, s.End,
		s.ReportingCurrency, s.RatesDate)
	fmt.Fprintf(out, "%d closed-won opportunities (%d without a sales order), %d sales orders without one\n\n",
		s.Opportunities, s.WithoutOrder, s.OrdersWithoutOpp)
	t := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(t, "\tlines\tbooked\tordered\tbilled\tpaid\trecognised\tbooked-billed\tunpaid\t")
	row := func(label string, x *reconcile.Totals) {
		fmt.Fprintf(t, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", label, x.Lines, x.Booked, x.Ordered, x.Billed,
			x.Paid, x.Recognised, x.BookingGap, x.Unpaid)
	}
	group := func(title string, m map[string]*reconcile.Totals) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(t, "%s\t\t\t\t\t\t\t\t\t\n", title)
		for _, k := range keys {
			row("  "+k, m[k])
		}
	}
	row("total", &s.Total)
	group("by forecast category", s.ByCategory)
	group("by owner", s.ByOwner)
	group("by currency", s.ByCurrency)
	_ = t.Flush()
	if w := s.Write; w != nil {
		fmt.Fprintf(out, "\nwritten back: %d changed, %d written, %d failed, in %d Salesforce calls\n", w.Changed, w.Written, w.Failed, w.Calls)
		for _, e := range w.Errors {
			fmt.Fprintf(out, "  failed: opportunity %s: %s\n", e.OpportunityID, e.Error)
		}
	}
}
