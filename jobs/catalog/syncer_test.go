package catalog

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
)

var fullCatalog = flag.Bool("catalog.full", false, "land the 10,000-item catalog (make test lands 1,000)")

// seededItems are the NetSuite sandbox's default inventory items
// (1001…1011), which the Salesforce sandbox's seeded products link to;
// catalog items follow them.
const seededItems = 11

func catalogID(i int) string { return fmt.Sprint(1000 + seededItems + i) }

// wantEntries is how many active entries the i-th catalog item gets with
// cfg: one per configured level and currency it has a price in.
func wantEntries(i int, cfg Config) int {
	_, body := nssandbox.CatalogItem(i)
	levels, currencies := map[string]bool{}, map[string]bool{}
	for _, l := range cfg.PriceLevels {
		levels[l] = true
	}
	for _, c := range cfg.Currencies {
		currencies[map[string]string{"USD": "1", "GBP": "2", "CAD": "3", "EUR": "4"}[c]] = true
	}
	seen := map[string]bool{}
	for _, l := range body["price"].(map[string]any)["items"].([]any) {
		line := l.(map[string]any)
		level, cur := line["priceLevel"].(map[string]any)["id"].(string), line["currencyPage"].(map[string]any)["id"].(string)
		if levels[level] && currencies[cur] {
			seen[level+"|"+cur] = true
		}
	}
	return len(seen)
}

// TestCatalogLandsWithOneBadItemFailedAlone: a catalog lands complete,
// products and every entry, except one item Salesforce refuses (a
// description over Product2's 4,000 characters): that item fails alone,
// with Salesforce's error, and none of its entries is attempted; through
// Collections, and through Bulk API 2.0 with one job per step (products,
// standard entries, custom entries) for the whole sync. 1,000 items in
// make test; -catalog.full lands 10,000.
func TestCatalogLandsWithOneBadItemFailedAlone(t *testing.T) {
	n := 1000
	if *fullCatalog {
		n = 10000
	}
	t.Run("collections", func(t *testing.T) { landWithOneBadItem(t, n, testConfig) })
	t.Run("bulk", func(t *testing.T) {
		cfg := testConfig
		cfg.BulkThreshold = n / 2
		w := landWithOneBadItem(t, n, cfg)
		if w.bulkJobs != 3 || w.upsertCalls != 0 {
			t.Errorf("%d bulk loads and %d Collections upserts, want 3 loads (products, standard entries, custom entries) and none", w.bulkJobs, w.upsertCalls)
		}
	})
}

// countingSF counts the write calls of each kind a sync makes.
type countingSF struct {
	*salesforce.Client
	bulkJobs, upsertCalls int
}

func (c *countingSF) NewBulkLoad(object, extField string) (*salesforce.BulkLoad, error) {
	c.bulkJobs++
	return c.Client.NewBulkLoad(object, extField)
}

func (c *countingSF) UpsertCollection(ctx context.Context, object, extField string, records []map[string]any, allOrNone bool) ([]salesforce.UpsertResult, error) {
	c.upsertCalls++
	return c.Client.UpsertCollection(ctx, object, extField, records, allOrNone)
}

func landWithOneBadItem(t *testing.T, n int, cfg Config) *countingSF {
	o := newOrgs(t, n, cfg)
	w := &countingSF{Client: o.sfc}
	var err error
	if o.syncer, err = NewSyncer(t.Context(), w, o.nsc, o.maps, cfg, nil); err != nil {
		t.Fatal(err)
	}
	bad := 137
	if err := o.ns.PutFields(nssandbox.CatalogItemType(bad), catalogID(bad), map[string]any{"description": strings.Repeat("x", 4001)}); err != nil {
		t.Fatal(err)
	}
	sum, err := o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d items: %d created, %d updated, %d deactivated, %d failed; %d Salesforce calls, %d NetSuite calls", n, sum.Created, sum.Updated, sum.Deactivated, sum.Failed, sum.SalesforceCalls, sum.NetSuiteCalls)
	if sum.Failed != 1 || len(sum.Failures) != 1 {
		t.Fatalf("failed %d, want 1: %v", sum.Failed, sum.Err())
	}
	f := sum.Failures[0]
	var apiErr *salesforce.APIError
	if f.Item != catalogID(bad) || f.Object != "Product2" || !errors.As(f.Err, &apiErr) || apiErr.Code != "STRING_TOO_LONG" {
		t.Errorf("failure %+v (%v), want item %s's Product2 refused with STRING_TOO_LONG", f, f.Err, catalogID(bad))
	}
	if got := o.count(t, "SELECT Id FROM Product2 WHERE NetSuite_Item_Id__c != null"); got != seededItems+n-1 {
		t.Errorf("%d linked products, want %d", got, seededItems+n-1)
	}
	want := seededItems // each seeded item's USD standard price, adopted
	for i := 1; i <= n; i++ {
		if i != bad {
			want += wantEntries(i, testConfig)
		}
	}
	if got := o.count(t, "SELECT Id FROM PricebookEntry WHERE IsActive = true AND Tandem_Key__c != null"); got != want {
		t.Errorf("%d active entries, want %d", got, want)
	}
	if got := o.count(t, "SELECT Id FROM PricebookEntry WHERE Product2.NetSuite_Item_Id__c = '"+catalogID(bad)+"'"); got != 0 {
		t.Errorf("the refused item has %d entries", got)
	}
	return w
}

// TestSecondFullSyncWritesNothing: a full sync run twice writes nothing
// the second time, and the seeded products' price book entries made
// before Tandem are adopted, not duplicated.
func TestSecondFullSyncWritesNothing(t *testing.T) {
	t.Run("collections", func(t *testing.T) { secondSyncWritesNothing(t, testConfig) })
	t.Run("bulk", func(t *testing.T) {
		cfg := testConfig
		cfg.BulkThreshold = 50 // the 71 products and more entries go through Bulk API 2.0
		secondSyncWritesNothing(t, cfg)
	})
}

func secondSyncWritesNothing(t *testing.T, cfg Config) {
	o := newOrgs(t, 60, cfg)
	first, err := o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil || first.Failed != 0 {
		t.Fatalf("%v %v", err, first.Err())
	}
	before := o.sfc.Limits().Used
	second, err := o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second.Created+second.Updated+second.Deactivated+second.Failed != 0 || second.SalesforceWrites != 0 {
		t.Errorf("second sync wrote: %+v", second)
	}
	if calls := o.sfc.Limits().Used - before; calls != 2 {
		t.Errorf("second sync made %d Salesforce calls, want 2 reads", calls)
	}
	if e := o.entries(t, "1001"); e["Standard Price Book|USD"]["Tandem_Key__c"] != "1001|Standard Price Book|USD" {
		t.Errorf("seeded entry not adopted: %v", e)
	}
	if got := o.count(t, "SELECT Id FROM PricebookEntry WHERE Product2.NetSuite_Item_Id__c = '1001' AND CurrencyIsoCode = 'USD'"); got != 1 {
		t.Errorf("item 1001 has %d USD entries, want 1", got)
	}
}

// TestPriceChangeReachesEveryBook: new prices at every level update the
// entry in every price book; a level removed from the item deactivates
// its entries (kept, not deleted); an inactive item deactivates its
// product and every entry, so it disappears from quoting.
func TestPriceChangeReachesEveryBook(t *testing.T) {
	o := newOrgs(t, 10, testConfig)
	if _, err := o.syncer.Run(t.Context(), Scope{}, nil); err != nil {
		t.Fatal(err)
	}
	i := 5 // has USD and EUR prices
	id, typ := catalogID(i), nssandbox.CatalogItemType(i)
	err := o.ns.SetPrices(typ, id, []map[string]any{
		nssandbox.PriceLine("1", "1", 0, 100), nssandbox.PriceLine("1", "2", 0, 80), nssandbox.PriceLine("1", "3", 0, 70),
		nssandbox.PriceLine("4", "1", 0, 92), // EUR Wholesale removed
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := o.syncer.Run(t.Context(), Scope{ItemID: id}, nil)
	if err != nil || sum.Failed != 0 {
		t.Fatalf("%v %v", err, sum.Err())
	}
	e := o.entries(t, id)
	for key, want := range map[string]float64{"Standard Price Book|USD": 100, "Wholesale|USD": 80, "Partner|USD": 70, "Standard Price Book|EUR": 92} {
		if e[key]["UnitPrice"] != want || e[key]["IsActive"] != true {
			t.Errorf("%s: %v, want %v active", key, e[key], want)
		}
	}
	if w := e["Wholesale|EUR"]; w == nil || w["IsActive"] != false {
		t.Errorf("Wholesale|EUR after its price was removed: %v, want kept inactive", w)
	}
	if sum.Updated != 4 || sum.Deactivated != 1 {
		t.Errorf("summary %+v, want 4 updated, 1 deactivated", sum)
	}

	if err := o.ns.PutFields(typ, id, map[string]any{"isInactive": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.syncer.Run(t.Context(), Scope{ItemID: id}, nil); err != nil {
		t.Fatal(err)
	}
	if got := o.count(t, "SELECT Id FROM Product2 WHERE NetSuite_Item_Id__c = '"+id+"' AND IsActive = false"); got != 1 {
		t.Errorf("inactive item: %d inactive products, want 1", got)
	}
	e = o.entries(t, id)
	if len(e) != 5 {
		t.Errorf("%d entries after inactivation, want the 5 kept", len(e))
	}
	for key, r := range e {
		if r["IsActive"] != false {
			t.Errorf("%s still active after the item was inactivated", key)
		}
	}
	// what a rep can quote: active entries of active products
	if got := o.count(t, "SELECT Id FROM PricebookEntry WHERE IsActive = true AND Product2.IsActive = true AND Product2.NetSuite_Item_Id__c = '"+id+"'"); got != 0 {
		t.Errorf("%d quotable entries for the inactive item", got)
	}
}

// TestSingleCurrencyOrgSendsNoCurrency: with SingleCurrency the entries
// carry no CurrencyIsoCode (a single-currency org has no such field) and
// a second sync still finds them and writes nothing.
func TestSingleCurrencyOrgSendsNoCurrency(t *testing.T) {
	cfg := testConfig
	cfg.Currencies, cfg.SingleCurrency = []string{"USD"}, true
	o := newOrgs(t, 5, cfg)
	first, err := o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil || first.Failed != 0 {
		t.Fatalf("%v %v", err, first.Err())
	}
	if e := o.entries(t, catalogID(1)); len(e) != 3 {
		t.Errorf("item %s has %d entries, want 3: %v", catalogID(1), len(e), e)
	}
	second, err := o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil || second.SalesforceWrites != 0 {
		t.Errorf("second sync: %v, %+v", err, second)
	}
}

// lostAnswers applies each PricebookEntry upsert once before the call the
// Syncer sees: as if an earlier attempt's write went through and its
// answer was lost (a timeout), or another job wrote the same entries.
type lostAnswers struct{ *salesforce.Client }

func (c lostAnswers) UpsertCollection(ctx context.Context, object, extField string, records []map[string]any, allOrNone bool) ([]salesforce.UpsertResult, error) {
	if object == "PricebookEntry" {
		if _, err := c.Client.UpsertCollection(ctx, object, extField, records, allOrNone); err != nil {
			return nil, err
		}
	}
	return c.Client.UpsertCollection(ctx, object, extField, records, allOrNone)
}

// TestEntryCreatedMeanwhileIsUpdated: an entry planned as a create that
// exists by the time of the write (Salesforce then refuses the fields it
// takes only on create) is updated instead, not failed for good.
func TestEntryCreatedMeanwhileIsUpdated(t *testing.T) {
	o := newOrgs(t, 3, testConfig)
	s, err := NewSyncer(t.Context(), lostAnswers{o.sfc}, o.nsc, o.maps, testConfig, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Run(t.Context(), Scope{}, nil)
	if err != nil || sum.Failed != 0 {
		t.Fatalf("%v, %d failed: %v", err, sum.Failed, sum.Err())
	}
	for i := 1; i <= 3; i++ {
		if got, want := len(o.entries(t, catalogID(i))), wantEntries(i, testConfig); got != want {
			t.Errorf("item %s: %d entries, want %d", catalogID(i), got, want)
		}
	}
}

// TestNetSuiteFailureMidBulkSync: NetSuite failing after the first batch
// of a Bulk API 2.0 sync fails the run with NetSuite's error, but what
// was planned from that batch (its products and all their entries) is
// still written; a re-run once NetSuite answers writes only the rest.
func TestNetSuiteFailureMidBulkSync(t *testing.T) {
	n := 1200
	cfg := testConfig
	cfg.BulkThreshold = 300
	o := newOrgs(t, n, cfg)
	first := BatchSize - seededItems // catalog items in the first batch
	sum, err := o.syncer.Run(t.Context(), Scope{}, func(items int) {
		if items == BatchSize {
			o.ns.SetFaults(nssandbox.Faults{Rate5xx: 1})
		}
	})
	o.ns.SetFaults(nssandbox.Faults{})
	if err == nil || !strings.Contains(err.Error(), "UNEXPECTED_ERROR") {
		t.Fatalf("run with NetSuite failing: %v, want NetSuite's UNEXPECTED_ERROR", err)
	}
	if sum.Items != BatchSize || sum.Failed != 0 {
		t.Fatalf("%d items, %d failed (%v), want the first batch of %d, none failed", sum.Items, sum.Failed, sum.Err(), BatchSize)
	}
	wantActive := func(upTo int) int {
		want := seededItems // each seeded item's USD standard price, adopted
		for i := 1; i <= upTo; i++ {
			want += wantEntries(i, testConfig)
		}
		return want
	}
	linked := "SELECT Id FROM Product2 WHERE NetSuite_Item_Id__c != null"
	active := "SELECT Id FROM PricebookEntry WHERE IsActive = true AND Tandem_Key__c != null"
	if got := o.count(t, linked); got != seededItems+first {
		t.Errorf("after the failed run: %d linked products, want the first batch's %d", got, seededItems+first)
	}
	if got, want := o.count(t, active), wantActive(first); got != want {
		t.Errorf("after the failed run: %d active entries, want the first batch's %d", got, want)
	}

	again, err := o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil || again.Failed != 0 {
		t.Fatalf("re-run: %v %v", err, again.Err())
	}
	if got := o.count(t, linked); got != seededItems+n {
		t.Errorf("after the re-run: %d linked products, want %d", got, seededItems+n)
	}
	if got, want := o.count(t, active), wantActive(n); got != want {
		t.Errorf("after the re-run: %d active entries, want %d", got, want)
	}
	if rest := (n - first) + wantActive(n) - wantActive(first); again.Created != rest {
		t.Errorf("re-run created %d records, want the %d products and entries still missing", again.Created, rest)
	}
}

// TestLowestTierIsTheListPrice: the list price is the lowest quantity
// tier's, whatever quantity it starts at: the item query's pivot settles
// a first tier at 0 or 1 alone, and other shapes (a first tier at 5; two
// tiers at 0 and 1) are read from the pricing table.
func TestLowestTierIsTheListPrice(t *testing.T) {
	o := newOrgs(t, 3, testConfig)
	lines := map[int][]map[string]any{
		1: {nssandbox.PriceLine("1", "1", 0, 10), nssandbox.PriceLine("1", "1", 10, 9)},
		2: {nssandbox.PriceLine("1", "1", 5, 20), nssandbox.PriceLine("1", "1", 50, 18)},
		3: {nssandbox.PriceLine("1", "1", 1, 31), nssandbox.PriceLine("1", "1", 0, 30), nssandbox.PriceLine("1", "1", 100, 29)},
	}
	for i, l := range lines {
		if err := o.ns.SetPrices(nssandbox.CatalogItemType(i), catalogID(i), l); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil || sum.Failed != 0 {
		t.Fatalf("%v %v", err, sum.Err())
	}
	for i, want := range map[int]float64{1: 10, 2: 20, 3: 30} {
		e := o.entries(t, catalogID(i))
		if got := e["Standard Price Book|USD"]["UnitPrice"]; got != want || len(e) != 1 {
			t.Errorf("item %d: list price %v (%d entries), want %v (1 entry)", i, got, len(e), want)
		}
	}
	if sum.NetSuiteCalls != 2 {
		t.Errorf("%d NetSuite calls, want 2: the items with their prices, and the pricing rows of items 2 and 3", sum.NetSuiteCalls)
	}
}
