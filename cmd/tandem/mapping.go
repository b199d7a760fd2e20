package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

const mappingUsage = `usage:
  tandem mapping check
  tandem mapping try --flow NAME --input record.json [--var name=value]... [--lookups]

try maps one record (JSON as Salesforce's or NetSuite's REST API returns it)
and prints the payload it would write. It writes nothing. Without --lookups
it shows the lookups it would make; with --lookups it makes them (reads only)
against the configured systems, or fresh sandboxes in sandbox mode.`

// mappingCommand runs `tandem mapping check|try`.
func mappingCommand(ctx context.Context, cfg *config.Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(mappingUsage)
	}
	mcfg := mapping.Config{Dir: cfg.MappingsDir}
	switch args[0] {
	case "check":
		report, err := mapping.Check(mcfg)
		if err != nil {
			return fmt.Errorf("mappings:\n%w", err)
		}
		fmt.Fprint(out, report.String())
		return nil
	case "try":
		return mappingTry(ctx, cfg, mcfg, args[1:], out)
	}
	return errors.New(mappingUsage)
}

func mappingTry(ctx context.Context, cfg *config.Config, mcfg mapping.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("mapping try", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	flow := fs.String("flow", "", "mapping to use, e.g. opportunity_to_salesorder")
	input := fs.String("input", "", "JSON file with the source record (- for stdin)")
	lookups := fs.Bool("lookups", false, "run lookups against the other system (reads only)")
	vars := map[string]any{}
	fs.Func("var", "a flow variable, name=value (repeatable)", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return fmt.Errorf("--var %q: want name=value", s)
		}
		vars[k] = v
		return nil
	})
	if err := fs.Parse(args); err != nil || *flow == "" || *input == "" {
		return errors.New(mappingUsage)
	}
	record, err := readInput(*input)
	if err != nil {
		return err
	}
	in := mapping.TryInput{Flow: *flow, Record: record, Vars: vars}
	if *lookups {
		finder, stop, err := tryFinder(ctx, cfg)
		if err != nil {
			return err
		}
		defer stop()
		in.Finder = finder
	}
	res, err := mapping.Try(ctx, mcfg, in)
	if err != nil {
		return err
	}
	fmt.Fprint(out, res.String())
	if res.Err != nil {
		return errors.New("the record cannot be mapped (see above)")
	}
	return nil
}

func readInput(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(path)
}

// tryFinder answers lookups from the configured systems; in sandbox mode
// from fresh sandboxes on a loopback port for the duration.
func tryFinder(ctx context.Context, cfg *config.Config) (mapping.Finder, func(), error) {
	sf, ns, _, stop, err := oneOffConnectors(ctx, cfg, redisNone)
	if err != nil {
		return nil, nil, err
	}
	return jobs.ConnectorFinder{Salesforce: sf, NetSuite: ns}, stop, nil
}
