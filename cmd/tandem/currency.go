package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/catalog"
	"github.com/tandem-sync/tandem/mapping"
)

// orgCurrencyWait bounds the describe that learns the org's currencies.
const orgCurrencyWait = 15 * time.Second

// forOrg fits the mappings and the catalog to the org: without
// multi-currency (most orgs) nothing may read or write CurrencyIsoCode,
// which such an org refuses with INVALID_FIELD. One describe, cached by
// the client once it succeeds.
func (a *app) forOrg(ctx context.Context, sf *salesforce.Client, maps *mapping.Set) (*mapping.Set, catalog.Config, error) {
	ctx, cancel := context.WithTimeout(ctx, orgCurrencyWait)
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

// orgFitted runs jobs on handlers fitted to the org, built when the first
// job needs them: an org that did not answer at start-up is learned once
// it does, and no job runs on a guess (taken as multi-currency, a
// single-currency org would refuse every Account and Opportunity job).
// Until Salesforce answers, jobs fail and retry.
type orgFitted struct {
	mu    sync.Mutex
	build func(ctx context.Context) (asynq.Handler, error)
	h     asynq.Handler
}

func (o *orgFitted) handler(ctx context.Context) (asynq.Handler, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.h != nil {
		return o.h, nil
	}
	h, err := o.build(ctx)
	if err != nil {
		return nil, fmt.Errorf("learning whether the Salesforce org has multi-currency (the flows depend on it): %w", err)
	}
	o.h = h
	return h, nil
}

func (o *orgFitted) ProcessTask(ctx context.Context, t *asynq.Task) error {
	h, err := o.handler(jobs.WithTaskCorrelation(ctx, t)) // its log lines belong to the job that waits for it
	if err != nil {
		return err
	}
	return h.ProcessTask(ctx, t)
}
