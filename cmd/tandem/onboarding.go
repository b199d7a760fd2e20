package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs/onboarding"
)

const onboardingUsage = `usage:
  tandem onboarding check
  tandem onboarding dry-run --customer ID

check reads the onboarding file (TANDEM_ONBOARDING_RULES, or the shipped
one) and checks it, its user ids against Salesforce. dry-run prints who
would be assigned to a NetSuite customer and which Tasks would be created,
writing nothing (with REDIS_URL it reads the round-robin cursor there).
Both use the configured systems, or fresh sandboxes in sandbox mode.`

// onboardingCommand runs `tandem onboarding check|dry-run`.
func onboardingCommand(ctx context.Context, cfg *config.Config, args []string, out io.Writer) error {
	if len(args) == 0 || (args[0] != "check" && args[0] != "dry-run") {
		return errors.New(onboardingUsage)
	}
	fs := flag.NewFlagSet("onboarding "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	customer := fs.String("customer", "", "NetSuite customer internal id")
	if err := fs.Parse(args[1:]); err != nil || (args[0] == "dry-run" && *customer == "") {
		return errors.New(onboardingUsage)
	}
	c, err := onboarding.LoadConfig(cfg.OnboardingRules)
	if err != nil {
		return err
	}
	if cfg.Live() && cfg.OnboardingRules == "" {
		fmt.Fprintln(out, "note: TANDEM_ONBOARDING_RULES is unset, so onboarding is off in live mode; checking the shipped file")
	}
	use := redisNone
	if args[0] == "dry-run" && cfg.RedisURL != "" {
		use = redisShared
	}
	sf, ns, a, stop, err := oneOffConnectors(ctx, cfg, use)
	if err != nil {
		return err
	}
	defer stop()
	warnings, err := onboarding.CheckUsers(ctx, sf, c)
	for _, w := range warnings {
		fmt.Fprintln(out, "warning:", w)
	}
	if err != nil {
		return err
	}
	if args[0] == "check" {
		fmt.Fprint(out, c.Summary())
		return nil
	}
	d := onboarding.Deps{Salesforce: sf, NetSuite: ns, Config: c, Logger: a.log}
	if a.redis != nil {
		d.Redis = a.redis.Client
	}
	p, err := onboarding.DryRun(ctx, d, *customer)
	if err != nil {
		return err
	}
	fmt.Fprint(out, p.String())
	return nil
}

// oneOffConnectors are clients of the configured systems, or of fresh
// sandboxes on a loopback port in sandbox mode, for a one-off command.
func oneOffConnectors(ctx context.Context, cfg *config.Config, use redisUse) (*salesforce.Client, *netsuite.Client, *app, func(), error) {
	a, err := newApp(cfg, use)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	stop := a.close
	base := cfg.BaseURL()
	if !cfg.Live() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, nil, nil, nil, err
		}
		base = "http://" + ln.Addr().String()
		sb, err := newSandboxes(cfg, a.log, base, "", "")
		if err != nil {
			ln.Close()
			stop()
			return nil, nil, nil, nil, err
		}
		srv := serveSandboxes(ln, sb)
		stop = func() { shutdownHTTP(srv); sb.close(); a.close() }
	}
	sf, ns, err := a.connectors(ctx, base)
	if err != nil {
		stop()
		return nil, nil, nil, nil, err
	}
	return sf, ns, a, stop, nil
}
