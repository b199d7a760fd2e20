package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/tandem-sync/tandem/config"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// loadConfig is config.Load plus what config cannot check without
// importing the sandboxes: in live mode, no published sandbox value.
func loadConfig(lookup func(string) (string, bool)) (*config.Config, error) {
	cfg, err := config.Load(lookup)
	if err != nil {
		return nil, err
	}
	if err := refuseSandboxValues(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// publishedSecrets are the tokens and secrets the sandboxes and the README
// publish, by what they are.
var publishedSecrets = map[string]string{
	sandboxAdminToken:              "the sandbox admin token",
	sfsandbox.DefaultEventsToken:   "the Salesforce sandbox's events token",
	sfsandbox.DefaultEventsSecret:  "the Salesforce sandbox's events secret",
	nssandbox.DefaultWebhookSecret: "the NetSuite sandbox's webhook secret",
}

// refuseSandboxValues refuses, in live mode, the values anyone can read in
// the README: the sandbox org id among the orgs whose Outbound Messages are
// accepted, and the sandboxes' tokens and secrets as any credential Tandem
// checks on a request. Each error names the variable.
func refuseSandboxValues(cfg *config.Config) error {
	if !cfg.Live() {
		return nil
	}
	var errs []error
	for _, id := range cfg.Salesforce.OrgIDs {
		if id[:15] == sandboxOrgID[:15] { // config checked the length; 18 characters are the 15 and a case checksum
			errs = append(errs, fmt.Errorf("TANDEM_SF_ORG_IDS: %s is the Salesforce sandbox's org id; live mode accepts only real orgs", id))
		}
	}
	for _, v := range []struct{ name, value string }{
		{"TANDEM_ADMIN_TOKEN", cfg.AdminToken},
		{"TANDEM_SF_OUTBOUND_TOKEN", cfg.Salesforce.OutboundToken},
		{"TANDEM_SF_EVENTS_TOKEN", cfg.Salesforce.EventsToken},
		{"TANDEM_SF_EVENTS_SECRET", cfg.Salesforce.EventsSecret},
		{"TANDEM_NS_WEBHOOK_SECRET", cfg.NetSuite.WebhookSecret},
	} {
		if what, ok := publishedSecrets[v.value]; ok {
			errs = append(errs, fmt.Errorf("%s: is %s, published in the README; live mode refuses it: use a secret of your own (e.g. openssl rand -hex 24)", v.name, what))
		}
	}
	return errors.Join(errs...)
}

// printEnv lists the variables Tandem reads with their defaults, then the
// mode the environment selects and why, or why it is refused.
func printEnv(w io.Writer, lookup func(string) (string, bool)) error {
	for _, v := range config.Variables() {
		def := v.Default
		if def == "" {
			def = "(unset)"
		}
		fmt.Fprintf(w, "%-30s %-16s %s\n", v.Name, def, v.Doc)
	}
	cfg, err := loadConfig(lookup)
	if err != nil {
		fmt.Fprintf(w, "\nmode: none, the configuration is refused:\n%v\n", err)
		return errors.New("configuration refused")
	}
	fmt.Fprintf(w, "\nmode: %s (%s)\n", cfg.Mode, cfg.ModeReason())
	return nil
}
