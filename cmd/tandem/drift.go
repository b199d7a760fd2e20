package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/drift"
)

// driftOptions configure the drift audit's handler from TANDEM_DRIFT_*.
func (a *app) driftOptions() drift.Options {
	return drift.Options{
		Config:    a.driftConfig(a.cfg.Worker.DriftHeals()),
		RulesFile: a.cfg.SyncRules,
		Interval:  a.cfg.Worker.DriftInterval,
		Enqueuer:  a.enqueuer(),
		Observer:  a.metrics,
	}
}

func (a *app) driftConfig(heal bool) drift.Config {
	c := drift.Config{AccountID: a.cfg.NetSuite.AccountID, Heal: heal}
	if !a.cfg.Live() {
		c.AccountID = sandboxNSAccount
	}
	if orgs := a.allowedOrgs(); len(orgs) > 0 {
		c.OrgID = orgs[0]
	}
	return c
}

// lastDrift is GET /admin/drift's report.
func (a *app) lastDrift(ctx context.Context) (any, error) {
	r, err := drift.LastRun(ctx, a.redis.Client)
	if r == nil || err != nil {
		return nil, err
	}
	return r, nil
}

const driftUsage = "usage: tandem drift [--heal]"

// driftCommand runs `tandem drift`: one audit now, as the scheduled one
// runs (its report becomes GET /admin/drift's last run), with a summary.
func driftCommand(ctx context.Context, cfg *config.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("tandem drift", flag.ContinueOnError)
	fs.SetOutput(out)
	heal := fs.Bool("heal", cfg.Worker.DriftHeals(), "enqueue the sync job of each differing pair (default TANDEM_DRIFT_HEAL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(driftUsage)
	}
	a, maps, sf, ns, err := openConnected(ctx, cfg, redisShared, cfg.BaseURL())
	if err != nil {
		return err
	}
	defer a.close()
	if maps, _, err = a.forOrg(ctx, sf, maps); err != nil {
		return err
	}
	rules, err := accountsync.LoadSyncRules(cfg.SyncRules)
	if err != nil {
		return err
	}
	aud, err := drift.NewAuditor(drift.Deps{Salesforce: sf, NetSuite: ns, Finder: jobs.ConnectorFinder{Salesforce: sf, NetSuite: ns},
		Mappings: maps, Rules: rules, Enqueuer: a.enqueuer(), Redis: a.redis.Client, Logger: a.log}, a.driftConfig(*heal))
	if err != nil {
		return err
	}
	r, runErr := aud.Run(ctx)
	printDriftSummary(out, r)
	return runErr
}

func printDriftSummary(out io.Writer, r *drift.Report) {
	fmt.Fprintf(out, "drift audit %s (%s, heal %t)\n", r.RunID, r.Ended.Sub(r.Started).Round(time.Millisecond), r.Heal)
	fmt.Fprintf(out, "  %-18s %9s %9s %7s %7s %7s\n", "pair", "compared", "differing", "healed", "missing", "failed")
	for _, p := range r.Pairs {
		fmt.Fprintf(out, "  %-18s %9d %9d %7d %7d %7d\n", p.Pair, p.Compared, p.Differing, p.Healed, p.Missing, p.Failed)
	}
	for _, d := range r.Differences {
		fmt.Fprintf(out, "  %s %s / %s %s: salesforce %v, netsuite %v (%s is right: %s)\n",
			d.Pair, d.SalesforceID, d.NetSuiteID, d.Field, d.Salesforce, d.NetSuite, d.Right, d.Why)
	}
	if r.MoreDifferences > 0 {
		fmt.Fprintf(out, "  … and %d more differences\n", r.MoreDifferences)
	}
	if r.GapsCovered > 0 {
		fmt.Fprintf(out, "  Pub/Sub replay gaps covered: %d\n", r.GapsCovered)
	}
}
