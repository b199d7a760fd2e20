package sweep

import (
	"context"
	"testing"

	"github.com/tandem-sync/tandem/jobs"
)

// TestSweepFindsChangedItemsByType: an item changed in NetSuite (a price
// saved, say) is swept from the item table of its own type, and its
// catalog job stored, once per type that changed.
func TestSweepFindsChangedItemsByType(t *testing.T) {
	b := newBench(t)
	ids := map[string]string{}
	for rt, typ := range map[string]string{"inventoryitem": "inventoryItem", "serviceitem": "serviceSaleItem"} {
		id, err := b.ns.Put(typ, map[string]any{"itemId": "SWEPT-" + rt, "subsidiary": map[string]any{"id": "1"}})
		if err != nil {
			t.Fatal(err)
		}
		ids[rt] = id
	}
	report, err := b.sweeper(b.enq, "inventoryitem", "noninventoryitem", "serviceitem").Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range report {
		id, changed := ids[c.RecordType]
		switch {
		case !changed && c.Rows != 0:
			t.Errorf("%s: %d rows, want none", c.RecordType, c.Rows)
		case changed && (c.Rows != 1 || c.Enqueued != 1):
			t.Errorf("%s: %+v, want its one item", c.RecordType, c)
		case changed && !b.stored(t, jobs.TypeCatalogItem, id, c.Watermark):
			t.Errorf("%s %s: no catalog job stored", c.RecordType, id)
		}
	}
}
