package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// Flow registers the catalog's item handler with the worker: a job per
// item change (webhook or sweep) syncs that item and its prices.
func Flow(cfg Config) jobs.Flow {
	return jobs.Flow{Name: "catalog", Handlers: func(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
		if d.Salesforce == nil || d.NetSuite == nil || d.Mappings == nil {
			return nil, errors.New("the catalog flow needs Salesforce, NetSuite and the mappings")
		}
		for _, name := range []string{MappingProduct, MappingEntry} {
			if _, err := d.Mappings.Mapping(name); err != nil {
				return nil, fmt.Errorf("mappings: %w", err)
			}
		}
		if err := CheckConfig(d.Mappings, cfg); err != nil {
			return nil, err
		}
		h := NewHandler(Deps{Salesforce: d.Salesforce, NetSuite: d.NetSuite, Mappings: d.Mappings, Redis: d.Redis,
			Config: cfg, Logger: d.Logger})
		return map[string]asynq.Handler{jobs.TypeCatalogItem: h}, nil
	}}
}

// Deps is what the handler needs.
type Deps struct {
	Salesforce Salesforce
	NetSuite   NetSuite
	Mappings   *mapping.Set
	Redis      redis.UniversalClient // per-item locks; nil = none
	Config     Config
	Logger     *slog.Logger
}

// NewHandler returns the handler of item changes. The Syncer (which reads
// Salesforce's price books) is made by the first job, not at start-up,
// and made again after a failure.
func NewHandler(d Deps) asynq.HandlerFunc {
	var mu sync.Mutex
	var s *Syncer
	syncer := func(ctx context.Context) (*Syncer, error) {
		mu.Lock()
		defer mu.Unlock()
		if s != nil {
			return s, nil
		}
		made, err := NewSyncer(ctx, d.Salesforce, d.NetSuite, d.Mappings, d.Config, d.Logger)
		if err != nil {
			return nil, err
		}
		s = made
		return s, nil
	}
	return jobs.ChangeHandler(func(ctx context.Context, ch jobs.Change) error {
		s, err := syncer(ctx)
		if err != nil {
			return err
		}
		if d.Redis != nil {
			unlock, err := jobs.RecordLock(ctx, d.Redis, "tandem:lock:catalog:item:"+ch.RecordID, "item "+ch.RecordID)
			if err != nil {
				return err
			}
			defer unlock()
		}
		if ch.ChangeType == jobs.ChangeDelete {
			sum, err := s.Deactivate(ctx, ch.RecordID)
			if err != nil {
				return err
			}
			return sum.Err()
		}
		sum, err := s.Run(ctx, Scope{ItemID: ch.RecordID}, nil)
		if err != nil {
			return err
		}
		if sum.Items == 0 {
			s.log.DebugContext(ctx, "catalog: item not of a synced type", "item", ch.RecordID, "record_type", ch.Object)
		}
		return sum.Err()
	})
}
