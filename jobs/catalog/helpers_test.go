package catalog

import (
	"context"
	"log/slog"
	"testing"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/testorgs"
	"github.com/tandem-sync/tandem/mapping"
)

// orgs are the two sandboxes over HTTP, clients of them and a Syncer.
type orgs struct {
	ns     *nssandbox.Server
	nsc    *netsuite.Client
	sf     *sfsandbox.Server
	sfc    *salesforce.Client
	maps   *mapping.Set
	syncer *Syncer
}

// testConfig syncs the three sale item types, Base Price to the standard
// book and Wholesale and Partner to their own, in USD and EUR.
var testConfig = Config{ItemTypes: []string{"InvtPart", "NonInvtPart", "Service"}, PriceLevels: []string{"1", "2", "3"},
	Currencies: []string{"USD", "EUR"}}

func newOrgs(tb testing.TB, catalogItems int, cfg Config) *orgs {
	tb.Helper()
	o := &orgs{}
	var nsURL, sfURL string
	var stop func()
	o.ns, nsURL, o.sf, sfURL, stop = startSandboxes(catalogItems)
	tb.Cleanup(stop)
	o.nsc, o.sfc = clients(tb, nsURL, sfURL)
	var err error
	o.maps, err = mapping.Load(mapping.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	mapsWithBooks(tb, o.maps)
	o.syncer, err = NewSyncer(context.Background(), o.sfc, o.nsc, o.maps, cfg, slog.Default())
	if err != nil {
		tb.Fatal(err)
	}
	return o
}

// mapsWithBooks checks the shipped price_books table names the test's books.
func mapsWithBooks(tb testing.TB, set *mapping.Set) {
	tb.Helper()
	for level, want := range map[string]string{"1": "Standard Price Book", "2": "Wholesale", "3": "Partner"} {
		if v, ok := set.TableValue("price_books", level); !ok || v != want {
			tb.Fatalf("price_books %s = %v, want %s", level, v, want)
		}
	}
}

// entries are the org's price book entries of an item by book name|currency.
func (o *orgs) entries(tb testing.TB, item string) map[string]salesforce.Record {
	tb.Helper()
	rows, err := o.sfc.Query(context.Background(), "SELECT Id, Pricebook2.Name, CurrencyIsoCode, UnitPrice, IsActive, Tandem_Key__c FROM PricebookEntry WHERE Product2.NetSuite_Item_Id__c = '"+item+"'")
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]salesforce.Record{}
	for _, r := range rows {
		out[r.String("Pricebook2.Name")+"|"+r.String("CurrencyIsoCode")] = r
	}
	return out
}

func (o *orgs) count(tb testing.TB, soql string) int {
	tb.Helper()
	rows, err := o.sfc.Query(context.Background(), soql)
	if err != nil {
		tb.Fatal(err)
	}
	return len(rows)
}

// startSandboxes serves a NetSuite sandbox seeded with catalogItems
// generated items and a Salesforce sandbox over HTTP.
func startSandboxes(catalogItems int) (ns *nssandbox.Server, nsURL string, sf *sfsandbox.Server, sfURL string, stop func()) {
	ns, nsURL, sf, sfURL, stop, err := testorgs.Serve(nssandbox.Config{ConcurrencyLimit: -1, Seed: nssandbox.Seed{CatalogItems: catalogItems}})
	if err != nil {
		panic(err) // the default configuration with a seed size: cannot fail
	}
	return ns, nsURL, sf, sfURL, stop
}

// clients are Tandem's clients of the two sandboxes.
func clients(tb testing.TB, nsURL, sfURL string) (*netsuite.Client, *salesforce.Client) {
	return testorgs.Clients(tb, nsURL, sfURL)
}
