package accountsync

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"

	"gopkg.in/yaml.v3"
)

//go:embed sync_rules.yaml
var shippedSyncRules []byte

// Pair kinds the flow keeps in step.
const (
	PairAccountCustomer = "account_customer"
	PairContact         = "contact"
)

// Deletion policies.
const (
	DeleteIgnore     = "ignore"
	DeleteFlag       = "flag"
	DeleteInactivate = "inactivate"
	DeleteDelete     = "delete"
)

// Match keys.
const (
	MatchNameAndCountry = "name_and_country"
	MatchWebsiteDomain  = "website_domain"
	MatchEmail          = "email"
)

// PairRules are the sync rules of one pair kind.
type PairRules struct {
	TieBreak Side         `yaml:"tie_break"`
	Match    []string     `yaml:"match"`
	OnDelete string       `yaml:"on_delete"`
	Groups   []FieldGroup `yaml:"groups"`
}

// SyncRules are the rules of every pair kind.
type SyncRules map[string]PairRules

// LoadSyncRules reads the shipped rules and, if path is set, the user's
// file, whose pairs replace the shipped ones.
func LoadSyncRules(path string) (SyncRules, error) {
	rules, err := parseSyncRules(shippedSyncRules, "shipped sync_rules.yaml")
	if err != nil {
		return nil, err
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("TANDEM_SYNC_RULES: %w", err)
		}
		user, err := parseSyncRules(b, path)
		if err != nil {
			return nil, err
		}
		for k, v := range user {
			rules[k] = v
		}
	}
	return rules, nil
}

func parseSyncRules(b []byte, name string) (SyncRules, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var rules SyncRules
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var errs []error
	for kind, r := range rules {
		if kind != PairAccountCustomer && kind != PairContact {
			errs = append(errs, fmt.Errorf("%s: %s: unknown pair (want %s or %s)", name, kind, PairAccountCustomer, PairContact))
		}
		errs = append(errs, r.check(name+": "+kind)...)
		rules[kind] = r // check fills in defaults
	}
	return rules, errors.Join(errs...)
}

func (r *PairRules) check(where string) []error {
	var errs []error
	if r.TieBreak == "" {
		r.TieBreak = SideSalesforce
	}
	if r.OnDelete == "" {
		r.OnDelete = DeleteFlag
	}
	if r.TieBreak != SideSalesforce && r.TieBreak != SideNetSuite {
		errs = append(errs, fmt.Errorf("%s: tie_break %q is not salesforce or netsuite", where, r.TieBreak))
	}
	if !slices.Contains([]string{DeleteIgnore, DeleteFlag, DeleteInactivate, DeleteDelete}, r.OnDelete) {
		errs = append(errs, fmt.Errorf("%s: on_delete %q is not ignore, flag, inactivate or delete", where, r.OnDelete))
	}
	for _, m := range r.Match {
		if !slices.Contains([]string{MatchNameAndCountry, MatchWebsiteDomain, MatchEmail}, m) {
			errs = append(errs, fmt.Errorf("%s: match key %q is not %s, %s or %s", where, m, MatchNameAndCountry, MatchWebsiteDomain, MatchEmail))
		}
	}
	seen := map[string]bool{}
	for _, g := range r.Groups {
		if g.Name == "" || seen[g.Name] {
			errs = append(errs, fmt.Errorf("%s: group %q: names must be set and unique", where, g.Name))
		}
		seen[g.Name] = true
		if g.Master != "" && g.Master != SideSalesforce && g.Master != SideNetSuite {
			errs = append(errs, fmt.Errorf("%s: group %s: master %q is not salesforce or netsuite", where, g.Name, g.Master))
		}
		if len(g.SalesforceFields) == 0 || len(g.NetSuiteFields) == 0 {
			errs = append(errs, fmt.Errorf("%s: group %s: needs salesforce and netsuite fields", where, g.Name))
		}
	}
	return errs
}
