package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/batch"
	"github.com/tandem-sync/tandem/mapping"
)

// TestItemJobSyncsThatItem: the job a webhook or the sweep makes for an
// item change syncs that item alone; item webhooks of each sale item type
// start it; a deleted item's product and entries are deactivated.
func TestItemJobSyncsThatItem(t *testing.T) {
	for _, rt := range []string{"inventoryitem", "noninventoryitem", "serviceitem"} {
		if !slices.Contains(jobs.NetSuiteTaskTypes(rt), jobs.TypeCatalogItem) {
			t.Errorf("a %s webhook does not start %s", rt, jobs.TypeCatalogItem)
		}
	}
	o := newOrgs(t, 12, testConfig)
	h := NewHandler(Deps{Salesforce: o.sfc, NetSuite: o.nsc, Mappings: o.maps, Redis: testredis.New(t).Client, Config: testConfig})
	id := catalogID(8) // a service item
	if err := o.ns.SetPrices(nssandbox.CatalogItemType(8), id, []map[string]any{nssandbox.PriceLine("1", "1", 0, 250)}); err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(jobs.Change{Source: jobs.SourceNetSuiteWebhook, Object: "serviceitem", RecordID: id, EventID: "e1", ChangeType: jobs.ChangeUpdate})
	before := o.sfc.Limits().Used
	if err := h.ProcessTask(t.Context(), asynq.NewTask(jobs.TypeCatalogItem, payload)); err != nil {
		t.Fatal(err)
	}
	e := o.entries(t, id)
	if len(e) != 1 || e["Standard Price Book|USD"]["UnitPrice"] != 250.0 {
		t.Errorf("entries of item %s: %v", id, e)
	}
	if got := o.count(t, "SELECT Id FROM Product2 WHERE NetSuite_Item_Id__c != null"); got != seededItems+1 {
		t.Errorf("%d linked products, want the %d seeded and item %s's", got, seededItems, id)
	}
	t.Logf("%d Salesforce calls for one item", o.sfc.Limits().Used-before)

	// Deleted in NetSuite: the product and its entry stay, inactive.
	payload, _ = json.Marshal(jobs.Change{Source: jobs.SourceNetSuiteWebhook, Object: "serviceitem", RecordID: id, EventID: "e2", ChangeType: jobs.ChangeDelete})
	if err := h.ProcessTask(t.Context(), asynq.NewTask(jobs.TypeCatalogItem, payload)); err != nil {
		t.Fatal(err)
	}
	if got := o.count(t, "SELECT Id FROM Product2 WHERE IsActive = false AND NetSuite_Item_Id__c = '"+id+"'"); got != 1 {
		t.Errorf("deleted item: %d inactive products, want 1", got)
	}
	if e := o.entries(t, id); len(e) != 1 || e["Standard Price Book|USD"]["IsActive"] != false {
		t.Errorf("deleted item's entries: %v, want the one kept inactive", e)
	}
}

// TestBadConfigStopsStartUp: a price level the price_books table does not
// name, a currency the currencies table lacks or a malformed item type is
// refused before any job runs.
func TestBadConfigStopsStartUp(t *testing.T) {
	maps, err := mapping.Load(mapping.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{ItemTypes: []string{"InvtPart"}, PriceLevels: []string{"1", "9"}, Currencies: []string{"USD"}}, "price level 9"},
		{Config{ItemTypes: []string{"InvtPart"}, PriceLevels: []string{"1"}, Currencies: []string{"XYZ"}}, "currency XYZ"},
		{Config{ItemTypes: []string{"InvtPart'--"}, PriceLevels: []string{"1"}, Currencies: []string{"USD"}}, "item type"},
		{Config{ItemTypes: []string{"InvtPart"}, PriceLevels: []string{"1"}, Currencies: []string{"USD"}}, ""},
	} {
		err := CheckConfig(maps, tc.cfg)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: error %v, want one naming %q", tc.cfg, err, tc.want)
		}
	}
}

// TestItemBurstIsBatched: a burst of item changes from the webhook goes
// through the item group: each group job reads the items with their
// prices and Salesforce's records in a few calls and writes 200 records
// a call, not up to 6 calls per item. The one item Salesforce refuses (a
// description over 4,000 characters) is archived alone with Salesforce's
// error; the others are written. A replayed group writes the same state.
func TestItemBurstIsBatched(t *testing.T) {
	const n, bad = 250, 37
	o := newOrgs(t, n, testConfig)
	if err := o.ns.PutFields(nssandbox.CatalogItemType(bad), catalogID(bad), map[string]any{"description": strings.Repeat("x", 4001)}); err != nil {
		t.Fatal(err)
	}
	db := testredis.New(t)
	changes := make([]jobs.Incoming, n)
	for i := range changes {
		id := catalogID(i + 1)
		changes[i] = jobs.Incoming{Type: jobs.TypeCatalogItem, ID: jobs.EventTaskID(jobs.TypeCatalogItem, "ns", "test", id, "e1"),
			Change: jobs.Change{Source: jobs.SourceNetSuiteWebhook, Object: "inventoryitem", RecordID: id, EventID: "e1", ChangeType: jobs.ChangeUpdate}}
	}
	if _, err := jobs.NewEnqueuer(db.Client, 3).EnqueueAll(t.Context(), changes); err != nil {
		t.Fatal(err)
	}

	cfg := testConfig
	cfg.MaxRetry = 3
	handlers := NewHandlers(Deps{Salesforce: o.sfc, NetSuite: o.nsc, Mappings: o.maps, Redis: db.Client, Config: cfg, Logger: logging.Discard()})
	mux := asynq.NewServeMux()
	for typ, h := range handlers {
		mux.Handle(typ, h)
	}
	var mu sync.Mutex
	var groups []*asynq.Task
	mux.Use(func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, task *asynq.Task) error {
			if task.Type() == TypeItemGroup {
				mu.Lock()
				groups = append(groups, task)
				mu.Unlock()
			}
			return next.ProcessTask(ctx, task)
		})
	})
	usage := func() int { used, _ := o.sf.APIUsage(); return used }
	// Counted by the org; the test looks at the org directly (no API call).
	count := func(soql string) int {
		rows, err := o.sf.Query(soql)
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	before := usage()
	srv := jobs.NewServer(db.AsynqOpt(), jobs.WorkerConfig{Concurrency: 8, Logger: logging.Discard(), Groups: batch.Groups(3)})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)

	in := asynq.NewInspectorFromRedisClient(db.Client)
	archived := func() []*asynq.TaskInfo {
		tasks, _ := in.ListArchivedTasks(jobs.QueueNetSuiteToSalesforce)
		return tasks
	}
	linked := "SELECT Id FROM Product2 WHERE NetSuite_Item_Id__c != null"
	testfixtures.WaitUntilExplained(t, "the burst written and the bad item archived", 3*time.Minute, func() bool {
		return count(linked) == seededItems+n-1 && len(archived()) == 1
	}, func() string { return fmt.Sprintf("%d linked products, %d archived", count(linked), len(archived())) })
	calls := usage() - before

	task := archived()[0]
	if task.Type != TypeItemAlone || !strings.Contains(task.LastErr, "STRING_TOO_LONG") || !strings.Contains(task.LastErr, catalogID(bad)) {
		t.Errorf("archived %s: %s", task.Type, task.LastErr)
	}
	want := 0
	for i := 1; i <= n; i++ {
		if i != bad {
			want += wantEntries(i, testConfig)
		}
	}
	if got := count("SELECT Id FROM PricebookEntry WHERE IsActive = true AND Tandem_Key__c != null"); got != want {
		t.Errorf("%d active entries, want %d", got, want)
	}

	// Each group job: the price books once, a product and an entry read
	// per 1,000 items, and its records (a product and at most 6 entries an
	// item) 200 a call in each of the 3 steps.
	mu.Lock()
	ran := slices.Clone(groups)
	mu.Unlock()
	bound := 1
	for _, g := range ran {
		_, members, err := batch.DecodeGroup(g)
		if err != nil {
			t.Fatal(err)
		}
		k := len(members)
		bound += 2*((k+BatchSize-1)/BatchSize) + 3 + (k*7+salesforce.MaxCollectionSize-1)/salesforce.MaxCollectionSize
	}
	t.Logf("%d item changes: %d group jobs, %d Salesforce calls (bound %d; one call per write would be up to %d)", n, len(ran), calls, bound, n*6)
	if len(ran) == 0 || calls > bound || calls >= n {
		t.Errorf("%d Salesforce calls for %d item changes in %d group jobs, want at most %d", calls, n, len(ran), bound)
	}

	// Replayed, a group writes nothing new: its reads, and the refused
	// item's product tried again.
	before = usage()
	if err := handlers[TypeItemGroup].ProcessTask(t.Context(), ran[0]); err != nil {
		t.Fatal(err)
	}
	if got := usage() - before; got > 2*((n+BatchSize-1)/BatchSize)+1 {
		t.Errorf("the replayed group made %d Salesforce calls, want its 2 reads and 1 write", got)
	}
	if got := count("SELECT Id FROM PricebookEntry WHERE IsActive = true AND Tandem_Key__c != null"); got != want {
		t.Errorf("after the replay: %d active entries, want %d", got, want)
	}
}
