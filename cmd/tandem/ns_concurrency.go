package main

import (
	"context"

	"github.com/tandem-sync/tandem/connectors/netsuite"
)

// nsFallbackConcurrency is the limit TANDEM_NS_CONCURRENCY=0 falls back to
// when governanceLimits cannot be read: the smallest tier allows 5
// concurrent requests, one of which always stays unallocated.
const nsFallbackConcurrency = 2

// netsuiteConcurrency is the limit for TANDEM_NS_CONCURRENCY=0: a share
// of what governanceLimits reports. NetSuite answers that only to
// administrators, and a least-privilege role must not stop start-up, so
// any failure falls back to nsFallbackConcurrency with a warning.
func (a *app) netsuiteConcurrency(ctx context.Context, client *netsuite.Client) int {
	limits, err := client.GovernanceLimits(ctx)
	if err != nil {
		a.log.Warn("cannot read NetSuite's governanceLimits (administrator roles only); set TANDEM_NS_CONCURRENCY to the limit allocated to Tandem",
			"limit", nsFallbackConcurrency, "error", err)
		return nsFallbackConcurrency
	}
	limit := limits.Share(a.cfg.NetSuite.PoolShare)
	a.log.Info("netsuite concurrency limit read from governanceLimits", "limit", limit, "type", limits.IntegrationLimitType,
		"account_limit", limits.AccountConcurrencyLimit, "unallocated", limits.AccountUnallocatedConcurrencyLimit, "pool_share_percent", a.cfg.NetSuite.PoolShare)
	return limit
}
