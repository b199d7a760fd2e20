// Command tandem is the Salesforce ⇄ NetSuite integration server.
//
//	tandem run       everything in one process (HTTP, workers; embedded Redis when unconfigured, sandboxes in sandbox mode)
//	tandem serve     HTTP ingress only
//	tandem work      job workers only
//	tandem sandbox   the Salesforce and NetSuite sandboxes, standalone
//	tandem mapping   check the mapping files; try one on a record
//	tandem ns get    read a NetSuite record with the configured credentials
//	tandem replay    list and replay archived jobs
//	tandem sync      sync catalog [--full]: NetSuite items and prices to Salesforce products and price books
//	tandem env       the environment variables Tandem reads, with defaults, and the mode
//	tandem onboarding check the onboarding file; dry-run one customer's onboarding
//	tandem drift     audit every linked pair now [--heal]
//	tandem report    bookings-vs-billings --period 2026-Q4 [--write]: Salesforce bookings against NetSuite actuals
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: tandem <command>

commands:
  run       HTTP ingress and workers in one process; embedded Redis when REDIS_URL
            is unset, the built-in sandboxes in sandbox mode (TANDEM_MODE)
  serve     HTTP ingress only (needs REDIS_URL)
  work      job workers only (needs REDIS_URL)
  sandbox   the Salesforce and NetSuite sandboxes on TANDEM_SANDBOX_ADDR
  mapping check | try --flow NAME --input record.json
            check every mapping file; show what one record maps to (writes nothing)
  ns get <recordType> <id|eid:externalId>
            print a NetSuite record (expanded) using the configured credentials
  replay    list archived jobs; replay some (--id, --type, --queue, --error,
            --older-than) or --all; --dry-run (needs REDIS_URL)
  sync catalog [--full] [--since 24h]
            NetSuite items and prices to Salesforce products and price books,
            1,000 items at a time; a summary of what was written and the API calls
  env       list the environment variables Tandem reads, and the mode (sandbox or
            live) the environment selects and why
  onboarding check | dry-run --customer ID
            check the onboarding file; show who a customer would get (writes nothing)
  drift [--heal]
            audit every linked account and contact pair now; report the differences
            (GET /admin/drift) and, with --heal, enqueue their sync jobs (needs REDIS_URL)
  report bookings-vs-billings --period 2026-Q4 [--write] [--lines]
            closed-won opportunities against NetSuite's ordered, billed, paid and
            recognised amounts, totalled; --write sets the opportunities' figures
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := dispatch(ctx, os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "tandem:", err)
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, cmd string, args []string) error {
	switch cmd {
	case "env":
		return printEnv(os.Stdout, os.LookupEnv)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	cfg, err := loadConfig(os.LookupEnv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	switch cmd {
	case "run":
		return run(ctx, cfg)
	case "serve":
		return serve(ctx, cfg)
	case "work":
		return work(ctx, cfg)
	case "sandbox":
		return sandbox(ctx, cfg)
	case "ns":
		return netsuiteCommand(ctx, cfg, args)
	case "mapping":
		return mappingCommand(ctx, cfg, args, os.Stdout)
	case "replay":
		return replayCommand(ctx, cfg, args, os.Stdout)
	case "sync":
		return syncCommand(ctx, cfg, args, os.Stdout)
	case "onboarding":
		return onboardingCommand(ctx, cfg, args, os.Stdout)
	case "drift":
		return driftCommand(ctx, cfg, args, os.Stdout)
	case "report":
		return reportCommand(ctx, cfg, args, os.Stdout)
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
