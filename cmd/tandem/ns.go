package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/connectors/netsuite"
)

// netsuiteCommand runs `tandem ns get <type> <id>`: it reads one record
// with the configured credentials (or the sandbox's) and prints it.
func netsuiteCommand(ctx context.Context, cfg *config.Config, args []string) error {
	if len(args) != 3 || args[0] != "get" {
		return errors.New("usage: tandem ns get <recordType> <id|eid:externalId>")
	}
	a, err := newApp(cfg, redisNone)
	if err != nil {
		return err
	}
	defer a.close()
	ns, err := a.netsuiteClient(ctx, cfg.BaseURL())
	if err != nil {
		return err
	}
	rec, err := ns.GetRecord(ctx, args[1], args[2], &netsuite.GetOptions{ExpandSubResources: true})
	if err != nil {
		return err
	}
	out, _ := json.MarshalIndent(rec, "", "  ")
	fmt.Fprintln(os.Stdout, string(out))
	return nil
}
