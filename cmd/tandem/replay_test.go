package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/jobs"
)

// TestReplayAfterTheFixWritesOneSalesOrder: a deal with an unmapped
// product archives its job; once the product is mapped, `tandem replay`
// runs the job again with the data as it is now and the order is written;
// replaying again writes nothing more.
func TestReplayAfterTheFixWritesOneSalesOrder(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	// As adminRoutes does at start-up: the harness's settle then sees the
	// idle ns_to_sf queue as empty, not missing.
	if err := jobs.RegisterQueues(context.Background(), h.p.app.redis.Client); err != nil {
		t.Fatal(err)
	}
	sf := h.p.sandboxes.sf
	oppID := str(h.openOpportunities(1)[0], "Id")
	productID, itemID := h.addUnmappedLine(oppID)
	h.closeWon(oppID)
	h.waitFor("the archived job", func() bool { return len(h.archived()) > 0 })
	h.settle()
	archived := len(h.archived())

	listing := h.replay()
	if !strings.Contains(listing, fmt.Sprintf("%d archived jobs", archived)) {
		t.Errorf("tandem replay listing:\n%s", listing)
	}
	for _, task := range h.archived() {
		if !strings.Contains(listing, task.ID) {
			t.Errorf("tandem replay does not list archived job %s:\n%s", task.ID, listing)
		}
	}
	if out := h.replay("--type", "f1", "--dry-run"); !strings.Contains(out, fmt.Sprintf("would replay (dry run) %d jobs", archived)) {
		t.Errorf("dry run:\n%s", out)
	}
	if n := len(h.archived()); n != archived {
		t.Fatalf("a dry run left %d of %d jobs archived", n, archived)
	}

	if err := sf.Update("Product2", productID, map[string]any{"NetSuite_Item_Id__c": itemID}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if out := h.replay("--error", "no netsuite item", "--queue", jobs.QueueSalesforceToNetSuite); !strings.Contains(out, fmt.Sprintf("replayed %d jobs", archived)) {
		t.Errorf("replay:\n%s", out)
	}
	h.settle()
	if n := len(h.archived()); n != 0 {
		t.Errorf("%d jobs archived again after the fix", n)
	}
	orders := h.salesOrders(oppID)
	if len(orders) != 1 {
		t.Fatalf("%d sales orders after the replay, want 1", len(orders))
	}
	if !slices.ContainsFunc(sublist(orders[0], "item"), func(l map[string]any) bool { return str(l, "item.id") == itemID }) {
		t.Errorf("the sales order has no line for the newly mapped item %s: the replay did not read the current data", itemID)
	}
	if out := h.replay("--all"); !strings.Contains(out, "replayed 0 jobs") {
		t.Errorf("replaying again:\n%s", out)
	}
	h.settle()
	if n := len(h.salesOrders(oppID)); n != 1 {
		t.Errorf("%d sales orders after replaying twice, want 1", n)
	}
}

// replay runs `tandem replay args…` against the harness's Redis.
func (h *harness) replay(args ...string) string {
	h.t.Helper()
	var out bytes.Buffer
	if err := replayCommand(context.Background(), h.p.app.cfg, args, &out); err != nil {
		h.t.Fatalf("tandem replay %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// addUnmappedLine adds a line for a product without a NetSuite item to
// an opportunity; it returns the product and an item it could map to.
func (h *harness) addUnmappedLine(oppID string) (productID, itemID string) {
	h.t.Helper()
	sf := h.p.sandboxes.sf
	opp, _ := sf.Get("Opportunity", oppID)
	entries, err := sf.Query(fmt.Sprintf("SELECT Id, Product2Id FROM PricebookEntry WHERE Product2.NetSuite_Item_Id__c = null AND CurrencyIsoCode = '%s' LIMIT 1",
		str(opp, "CurrencyIsoCode")))
	if err != nil || len(entries) != 1 {
		h.t.Fatalf("the seed has no price book entry of an unmapped product: %v %v", entries, err)
	}
	itemID = h.unusedNetSuiteItem()
	if _, err := sf.Create("OpportunityLineItem", map[string]any{
		"OpportunityId": oppID, "PricebookEntryId": str(entries[0], "Id"), "Quantity": 2, "UnitPrice": 10,
	}, sf.SalesUser()); err != nil {
		h.t.Fatal(err)
	}
	return str(entries[0], "Product2Id"), itemID
}

// unusedNetSuiteItem creates a NetSuite item no product maps to yet
// (NetSuite_Item_Id__c is a unique external id), as an admin would. It is
// an other-charge item: the catalog (F4) syncs inventory, non-inventory
// and service items by default and would give an inventory item a
// product of its own.
func (h *harness) unusedNetSuiteItem() string {
	h.t.Helper()
	id, err := h.p.sandboxes.ns.Put("otherChargeSaleItem", map[string]any{"itemId": "SKU-WIDGET", "displayName": "Unmapped Widget"})
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func TestReplayArgs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args     []string
		wantList bool
		check    func(q jobs.ReplayRequest) bool
	}{
		{nil, true, func(q jobs.ReplayRequest) bool { return !q.All && q.Filter == nil }},
		{[]string{"--id", "a", "--id", "b"}, false, func(q jobs.ReplayRequest) bool { return len(q.IDs) == 2 && q.Filter == nil }},
		{[]string{"--all", "--dry-run"}, false, func(q jobs.ReplayRequest) bool { return q.All && q.DryRun }},
		{[]string{"--type", "f1", "--dry-run"}, false, func(q jobs.ReplayRequest) bool { return q.Filter != nil && q.Filter.Type == "f1" && q.DryRun }},
		{[]string{"--queue", "ns_to_sf", "--older-than", "2h"}, false, func(q jobs.ReplayRequest) bool {
			return q.Filter != nil && q.Filter.Queue == "ns_to_sf" && q.Filter.OlderThan.Hours() == 2
		}},
	} {
		q, list, err := parseReplayArgs(tc.args, &bytes.Buffer{})
		if err != nil || list != tc.wantList || !tc.check(q) {
			t.Errorf("%v: %+v list=%v err=%v", tc.args, q, list, err)
		}
	}
	for _, bad := range [][]string{{"--older-than", "soon"}, {"extra"}, {"--bogus"}} {
		if _, _, err := parseReplayArgs(bad, &bytes.Buffer{}); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
