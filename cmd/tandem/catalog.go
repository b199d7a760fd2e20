package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/jobs/catalog"
)

// catalogConfig is F4's configuration, from TANDEM_CATALOG_*.
func (a *app) catalogConfig() catalog.Config {
	c := a.cfg.Catalog
	return catalog.Config{ItemTypes: c.ItemTypes, PriceLevels: c.PriceLevels, Currencies: c.Currencies,
		BulkThreshold: a.cfg.Salesforce.BulkThreshold, MaxRetry: a.cfg.Worker.MaxRetry}
}

const syncUsage = "usage: tandem sync catalog [--full] [--since 24h]"

// syncCommand runs `tandem sync catalog`: NetSuite items and prices to
// Salesforce, 1,000 items at a time, writing only what differs; a
// progress bar on a terminal and a summary at the end.
func syncCommand(ctx context.Context, cfg *config.Config, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "catalog" {
		return errors.New(syncUsage)
	}
	fs := flag.NewFlagSet("tandem sync catalog", flag.ContinueOnError)
	fs.SetOutput(out)
	full := fs.Bool("full", false, "every item of the configured types, not only recently changed ones")
	since := fs.Duration("since", 24*time.Hour, "without --full: the items changed within this long")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, maps, sf, ns, err := openConnected(ctx, cfg, redisNone, cfg.BaseURL())
	if err != nil {
		return err
	}
	defer a.close()
	maps, catalogCfg, err := a.forOrg(ctx, sf, maps)
	if err != nil {
		return err
	}
	s, err := catalog.NewSyncer(ctx, sf, ns, maps, catalogCfg, a.log)
	if err != nil {
		return err
	}
	scope, what := catalog.Scope{}, "full"
	if !*full {
		scope.ModifiedSince = time.Now().Add(-*since).UTC().Format("2006-01-02T15:04:05Z")
		what = "items changed since " + scope.ModifiedSince
	}
	var progress catalog.Progress
	if set, finish, ok := terminalProgress(out, "catalog items", "items"); ok {
		progress = catalog.Progress(set)
		defer finish()
	}
	before := sf.Limits().Used
	sum, runErr := s.Run(ctx, scope, progress)
	calls := sum.SalesforceCalls
	if used := sf.Limits().Used; used > before {
		calls = used - before // as Salesforce counts them (Sforce-Limit-Info)
	}
	printCatalogSummary(out, what, sum, calls)
	if runErr != nil {
		return runErr
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d records failed", sum.Failed)
	}
	return nil
}

func printCatalogSummary(out io.Writer, what string, sum catalog.Summary, calls int) {
	fmt.Fprintf(out, "catalog sync (%s): %d items\n", what, sum.Items)
	fmt.Fprintf(out, "  created      %d\n  updated      %d\n  deactivated  %d\n  unchanged    %d\n  failed       %d\n",
		sum.Created, sum.Updated, sum.Deactivated, sum.Unchanged, sum.Failed)
	fmt.Fprintf(out, "  API calls    Salesforce %d (%d writes), NetSuite %d\n", calls, sum.SalesforceWrites, sum.NetSuiteCalls)
	for i, f := range sum.Failures {
		if i == 20 {
			fmt.Fprintf(out, "  … and %d more failures (see the log)\n", len(sum.Failures)-i)
			break
		}
		fmt.Fprintf(out, "  failed: item %s %s %s: %s\n", f.Item, f.Object, f.Key, connectors.Snippet(f.Err.Error(), 300))
	}
}
