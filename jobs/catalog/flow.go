package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/batch"
	"github.com/tandem-sync/tandem/mapping"
)

// Task types of batched item changes. The strings are stored in queued
// jobs: never rename them.
const (
	// TypeItemBatched is an item change waiting in GroupItems.
	TypeItemBatched = "f4:item_batched"
	// TypeItemGroup is a group of them, as the aggregator hands it over.
	TypeItemGroup = TypeItemBatched + "_group" // batch.GroupTaskType(TypeItemBatched)
	// TypeItemAlone is an item a group could not write, on its own.
	TypeItemAlone = "f4:item_alone"
	// GroupItems is the asynq task group item changes wait in.
	GroupItems = "f4:items"
)

// Flow registers the catalog's handlers with the worker: the job a
// webhook or the sweep makes per item change (jobs.TypeCatalogItem) only
// puts the item into GroupItems; a burst of changes is then synced as
// one batch (Syncer.Run over the items named): an item page read from
// NetSuite, Salesforce read and written 200 records a call. An item
// Salesforce refuses goes on as a job of its own (TypeItemAlone):
// archived at once with Salesforce's error when it is permanent, else
// tried alone with its own retries; the rest of the batch stands. A
// deleted item is deactivated at once, not batched.
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
		return NewHandlers(Deps{Salesforce: d.Salesforce, NetSuite: d.NetSuite, Mappings: d.Mappings, Redis: d.Redis,
			Config: cfg, Logger: d.Logger}), nil
	}}
}

// Deps is what the handlers need.
type Deps struct {
	Salesforce Salesforce
	NetSuite   NetSuite
	Mappings   *mapping.Set
	Redis      redis.UniversalClient // groups, per-item locks; nil = each change synced alone, unlocked
	Config     Config
	Logger     *slog.Logger
}

// handlers share one Syncer, made by the first job (it reads
// Salesforce's price books), and made again after a failure.
type handlers struct {
	Deps
	mu     sync.Mutex
	s      *Syncer
	client *asynq.Client
}

// NewHandlers returns the handlers of the catalog's task types.
func NewHandlers(d Deps) map[string]asynq.Handler {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	h := &handlers{Deps: d}
	if d.Redis != nil {
		h.client = asynq.NewClientFromRedisClient(d.Redis)
	}
	alone := jobs.ChangeHandler(h.syncAlone)
	return map[string]asynq.Handler{
		jobs.TypeCatalogItem: jobs.ChangeHandler(h.change),
		// A grouped task reaches a handler only if the server runs no
		// aggregator: sync it alone then.
		TypeItemBatched: alone,
		TypeItemGroup:   asynq.HandlerFunc(h.group),
		TypeItemAlone: asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			var p aloneTask
			if err := json.Unmarshal(t.Payload(), &p); err == nil && p.BatchError != "" {
				if err := batch.ArchiveFirst(ctx, h.Redis, p.BatchError); err != nil {
					return err
				}
			}
			return alone.ProcessTask(ctx, t)
		}),
	}
}

// NewHandler returns the handler of item changes alone: every change is
// synced at once, by itself (no batching).
func NewHandler(d Deps) asynq.Handler {
	d.Redis = nil
	return NewHandlers(d)[jobs.TypeCatalogItem]
}

// aloneTask is a TypeItemAlone payload: the change, and the permanent
// error Salesforce gave the item in a batch (archived with it).
type aloneTask struct {
	jobs.Change
	BatchError string `json:"batch_error,omitempty"`
}

func (h *handlers) syncer(ctx context.Context) (*Syncer, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.s != nil {
		return h.s, nil
	}
	made, err := NewSyncer(ctx, h.Salesforce, h.NetSuite, h.Mappings, h.Config, h.Logger)
	if err != nil {
		return nil, err
	}
	h.s = made
	return h.s, nil
}

// change handles one item change: a deletion at once, any other into the
// item group (without Redis, synced alone).
func (h *handlers) change(ctx context.Context, ch jobs.Change) error {
	if ch.ChangeType == jobs.ChangeDelete {
		return h.deactivate(ctx, ch)
	}
	if h.client == nil {
		return h.syncAlone(ctx, ch)
	}
	payload, err := json.Marshal(ch)
	if err != nil {
		return fmt.Errorf("encoding the change of item %s: %w", ch.RecordID, err)
	}
	opts := []asynq.Option{asynq.Queue(jobs.QueueNetSuiteToSalesforce), asynq.Group(GroupItems), asynq.MaxRetry(h.Config.MaxRetry),
		asynq.Timeout(10 * time.Minute)}
	if id, ok := asynq.GetTaskID(ctx); ok {
		opts = append(opts, asynq.TaskID(TypeItemBatched+":"+id)) // a retry of this job adds the item once
	}
	_, err = h.client.EnqueueContext(ctx, asynq.NewTask(TypeItemBatched, payload), opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("batching the change of item %s: %w", ch.RecordID, err)
	}
	return nil
}

func (h *handlers) deactivate(ctx context.Context, ch jobs.Change) error {
	sum, err := h.locked(ctx, []string{ch.RecordID}, func(s *Syncer) (Summary, error) { return s.Deactivate(ctx, ch.RecordID) })
	if err != nil {
		return err
	}
	return sum.Err()
}

// syncAlone syncs one item by itself.
func (h *handlers) syncAlone(ctx context.Context, ch jobs.Change) error {
	sum, err := h.locked(ctx, []string{ch.RecordID}, func(s *Syncer) (Summary, error) {
		return s.Run(ctx, Scope{ItemID: ch.RecordID}, nil)
	})
	if err != nil {
		return err
	}
	if sum.Items == 0 {
		h.Logger.DebugContext(ctx, "catalog: item not of a synced type", "item", ch.RecordID, "record_type", ch.Object)
	}
	return sum.Err()
}

// locked runs fn with the Syncer, holding the locks of items ids.
func (h *handlers) locked(ctx context.Context, ids []string, fn func(*Syncer) (Summary, error)) (Summary, error) {
	s, err := h.syncer(ctx)
	if err != nil {
		return Summary{}, err
	}
	unlock, err := h.lock(ctx, ids)
	if err != nil {
		return Summary{}, err
	}
	defer unlock()
	return fn(s)
}

// lock takes the per-item locks of ids, in order (two batches sharing
// items cannot deadlock); unlock releases them all.
func (h *handlers) lock(ctx context.Context, ids []string) (unlock func(), err error) {
	var unlocks []func()
	unlock = func() {
		for _, u := range unlocks {
			u()
		}
	}
	if h.Redis == nil {
		return unlock, nil
	}
	for _, id := range slices.Sorted(slices.Values(ids)) {
		u, err := jobs.RecordLock(ctx, h.Redis, "tandem:lock:catalog:item:"+id, "item "+id)
		if err != nil {
			unlock()
			return nil, err
		}
		unlocks = append(unlocks, u)
	}
	return unlock, nil
}

// group syncs the items of a group, BatchSize at a time, and sends on
// alone each item Salesforce refused. A failed call retries the whole
// group, which is safe: a sync writes only what differs.
func (h *handlers) group(ctx context.Context, t *asynq.Task) error {
	group, members, err := batch.DecodeGroup(t)
	if err != nil {
		return err
	}
	groupID, _ := asynq.GetTaskID(ctx)
	first := map[string]int{} // item id: the first member naming it
	changes := make([]jobs.Change, len(members))
	var ids []string
	for i, raw := range members {
		ch := &changes[i]
		if err := json.Unmarshal(raw, ch); err != nil || ch.RecordID == "" {
			why := fmt.Sprintf("decoding member %d of group %s: no item id", i, group)
			if err != nil {
				why = fmt.Sprintf("decoding member %d of group %s: %v", i, group, err)
			}
			if err := h.sendOn(ctx, groupID, i, *ch, why); err != nil {
				return err
			}
			continue
		}
		if _, dup := first[ch.RecordID]; !dup {
			first[ch.RecordID] = i
			ids = append(ids, ch.RecordID)
		}
	}
	for chunk := range slices.Chunk(ids, BatchSize) {
		sum, err := h.locked(ctx, chunk, func(s *Syncer) (Summary, error) { return s.Run(ctx, Scope{ItemIDs: chunk}, nil) })
		if err != nil && !connectors.IsPermanent(err) {
			return fmt.Errorf("syncing %d items of group %s: %w", len(chunk), group, err)
		}
		why := map[string]string{} // item: its permanent error ("" = try alone)
		if err != nil {
			for _, id := range chunk {
				why[id] = fmt.Sprintf("syncing item %s in a batch of %d: %v", id, len(chunk), err)
			}
		}
		for _, f := range sum.Failures {
			w := "" // a passing error: tried alone
			if connectors.IsPermanent(f.Err) {
				w = fmt.Sprintf("syncing item %s in a batch of %d: %s %s: %v", f.Item, len(chunk), f.Object, f.Key, f.Err)
			}
			if old, seen := why[f.Item]; !seen || old == "" {
				why[f.Item] = w
			}
		}
		for id, w := range why {
			i := first[id]
			if err := h.sendOn(ctx, groupID, i, changes[i], w); err != nil {
				return err
			}
		}
		h.Logger.InfoContext(ctx, "catalog: batched item changes synced", "items", len(chunk), "created", sum.Created,
			"updated", sum.Updated, "deactivated", sum.Deactivated, "unchanged", sum.Unchanged, "failed", len(why),
			"salesforce_calls", sum.SalesforceCalls)
	}
	return nil
}

// sendOn enqueues member i's change as a TypeItemAlone job: archived at
// once with why when set, else synced alone.
func (h *handlers) sendOn(ctx context.Context, groupID string, i int, ch jobs.Change, why string) error {
	payload, err := json.Marshal(aloneTask{Change: ch, BatchError: why})
	if err != nil {
		return fmt.Errorf("encoding the change of item %s: %w", ch.RecordID, err)
	}
	return batch.SendOn(ctx, h.client, TypeItemAlone, jobs.QueueNetSuiteToSalesforce, groupID, i, payload, why != "", h.Config.MaxRetry)
}
