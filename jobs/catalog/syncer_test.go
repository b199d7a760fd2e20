package catalog

import (
	"testing"
)

// TestSmallCatalogLandsAndSecondSyncWritesNothing: a small catalog lands
// complete (products, standard and custom entries in every configured
// currency it has prices in), seeded entries are adopted, and a second
// full sync writes nothing.
func TestSmallCatalogLandsAndSecondSyncWritesNothing(t *testing.T) {
	o := newOrgs(t, 30, testConfig)
	sum, err := o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first: %+v", sum)
	if sum.Failed != 0 {
		t.Fatalf("failures: %v", sum.Err())
	}
	e := o.entries(t, "1017") // the 6th catalog item: after the 11 seeded items
	t.Logf("%v", e)
	sum, err = o.syncer.Run(t.Context(), Scope{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second: %+v", sum)
	if sum.Created+sum.Updated+sum.Deactivated != 0 || sum.SalesforceWrites != 0 {
		t.Errorf("second sync wrote: %+v", sum)
	}
}
