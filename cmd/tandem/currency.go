package main

import (
	"context"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs/catalog"
	"github.com/tandem-sync/tandem/mapping"
)

// forOrg fits the mappings and the catalog to the org: without
// multi-currency (most orgs) nothing may read or write CurrencyIsoCode,
// which such an org refuses with INVALID_FIELD. One describe, at start-up,
// given at most wait.
func (a *app) forOrg(sf *salesforce.Client, maps *mapping.Set, wait time.Duration) (*mapping.Set, catalog.Config, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	cfg := a.catalogConfig()
	multi, err := sf.MultiCurrency(ctx)
	if err != nil {
		return nil, cfg, err
	}
	if multi {
		return maps, cfg, nil
	}
	a.log.Info("Salesforce org has no multi-currency: no flow reads or writes CurrencyIsoCode")
	cfg.SingleCurrency = true
	return maps.SingleCurrency(), cfg, nil
}
