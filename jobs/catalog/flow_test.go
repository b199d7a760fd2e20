package catalog

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
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
