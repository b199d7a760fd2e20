// Command tandem-load drives Tandem's three webhook endpoints at rising
// rates, open loop, and prints per step the accepted requests and jobs
// per second, p50/p99/max latency and errors by kind, beside the raw
// asynq enqueue rate measured in the same run.
//
//	tandem-load -target http://127.0.0.1:8080 -redis-url redis://127.0.0.1:6379/1
//
// Credentials default to Tandem's own variables (TANDEM_SF_OUTBOUND_TOKEN,
// TANDEM_SF_EVENTS_TOKEN, …), else to a sandbox-mode `tandem serve`'s.
// scripts/load.sh (make load) runs it against 1 and then 2 serve + work
// processes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tandem-load:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := Run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tandem-load:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line; getenv supplies the credentials'
// defaults.
func parseFlags(args []string, getenv func(string) string, errOut io.Writer) (Config, error) {
	fs := flag.NewFlagSet("tandem-load", flag.ContinueOnError)
	fs.SetOutput(errOut)
	var c Config
	targets := fs.String("target", DefaultTarget, "base URL(s) of tandem serve, comma-separated; requests go to each in turn")
	mix := fs.String("mix", "outbound=1,events=1,netsuite=1", "requests per endpoint, as weights")
	rates := fs.String("rates", formatRates(DefaultRates), "request rates to step through, per second")
	fs.DurationVar(&c.StepDuration, "step", DefaultStepDuration, "how long each rate is held")
	fs.DurationVar(&c.Warmup, "warmup", DefaultWarmup, "the first rate this long, uncounted, before the steps (0: none)")
	fs.IntVar(&c.Connections, "connections", DefaultConnections, "HTTP connections in all (split over the targets); also the raw baseline's goroutines")
	fs.DurationVar(&c.Timeout, "timeout", DefaultTimeout, "per request, waiting for a connection included")
	fs.Float64Var(&c.MaxErrorShare, "max-errors", DefaultMaxErrorShare, "stop stepping up after a step with more than this share of errors")
	fs.IntVar(&c.MaxInFlight, "max-inflight", DefaultMaxInFlight, "unanswered requests at most; arrivals beyond are counted as shed")
	fs.IntVar(&c.Notifications, "notifications", 1, "notifications per Outbound Message (1-100)")
	fs.IntVar(&c.Events, "events", 1, "change events per events POST (1-100)")
	fs.Float64Var(&c.DuplicateShare, "duplicates", 0, "share of requests (0-1) that re-send an earlier request's ids")
	fs.StringVar(&c.RedisURL, "redis-url", "", "Redis database for the raw enqueue baseline, one no worker reads (redis://host:port/N); empty: no baseline")
	fs.DurationVar(&c.RawDuration, "raw", DefaultRawDuration, "how long the raw baseline enqueues after each step")
	fs.IntVar(&c.MaxRetry, "max-retry", DefaultMaxRetry, "asynq MaxRetry of the baseline's jobs, as TANDEM_MAX_RETRY")
	fillCredentials := credentialFlags(fs, &c.Credentials)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	fillCredentials(getenv)
	if c.Warmup == 0 {
		c.Warmup = -1 // asked for none; a zero Config field means the default
	}
	var err error
	c.Targets = parseList(*targets)
	if c.Mix, err = parseMix(*mix); err != nil {
		return c, err
	}
	if c.Rates, err = parseRates(*rates); err != nil {
		return c, err
	}
	// TANDEM_SF_ORG_IDS may list several orgs: the messages come from the first.
	c.Credentials.OrgID, _, _ = strings.Cut(c.Credentials.OrgID, ",")
	return c, nil
}

// credentialFlags binds a flag per credential. fill then takes Tandem's
// variable for each flag left empty; the sandbox's values come last, as
// Config defaults, so -h never prints a secret from the environment.
func credentialFlags(fs *flag.FlagSet, cr *Credentials) (fill func(getenv func(string) string)) {
	creds := []struct {
		into            *string
		flag, env, what string
	}{
		{&cr.OrgID, "org-id", "TANDEM_SF_ORG_IDS", "Salesforce organization id of the Outbound Messages"},
		{&cr.OutboundToken, "outbound-token", "TANDEM_SF_OUTBOUND_TOKEN", "?token= of the Outbound Message URL"},
		{&cr.EventsAuth, "events-auth", "TANDEM_SF_EVENTS_AUTH", "bearer or hmac"},
		{&cr.EventsToken, "events-token", "TANDEM_SF_EVENTS_TOKEN", "bearer token of the events endpoint"},
		{&cr.EventsSecret, "events-secret", "TANDEM_SF_EVENTS_SECRET", "HMAC secret of the events endpoint (hmac mode)"},
		{&cr.NSAccount, "ns-account", "TANDEM_NS_ACCOUNT_ID", "NetSuite account id of the webhooks"},
		{&cr.NSSecret, "ns-secret", "TANDEM_NS_WEBHOOK_SECRET", "signing secret of the NetSuite webhooks"},
	}
	for _, cf := range creds {
		fs.StringVar(cf.into, cf.flag, "", cf.what+" (default $"+cf.env+", else the sandbox's)")
	}
	return func(getenv func(string) string) {
		for _, cf := range creds {
			if *cf.into == "" {
				*cf.into = getenv(cf.env)
			}
		}
	}
}
