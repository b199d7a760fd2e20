package onboarding

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// TestDrawGivesEachCustomerOneSlot: two workers drawing for the same 100
// customers at once (each customer twice, as a re-send racing its
// original) draw 100 slots, 0 to 99, one per customer.
func TestDrawGivesEachCustomerOneSlot(t *testing.T) {
	db := testredis.New(t)
	var mu sync.Mutex
	got := map[string][]int64{}
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				id := fmt.Sprint(1000 + (i+w*50)%100)
				n, err := draw(t.Context(), db.Client, poolDefault, id)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got[id] = append(got[id], n)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for id, slots := range got {
		if len(slots) != 2 || slots[0] != slots[1] {
			t.Errorf("customer %s drew %v, want one slot twice", id, slots)
		}
		seen[slots[0]] = true
	}
	if keys := slices.Sorted(maps.Keys(seen)); len(got) != 100 || len(keys) != 100 || keys[0] != 0 || keys[99] != 99 {
		t.Errorf("%d customers drew slots %v, want 0 to 99 once each", len(got), keys)
	}
	next, err := peek(t.Context(), db.Client, poolDefault, "new")
	if err != nil || next != 100 {
		t.Errorf("peek = %d, %v; want 100", next, err)
	}
}

// TestFlowHandlesOnboarding: the flow registers its task type, and the
// customer webhook starts it.
func TestFlowHandlesOnboarding(t *testing.T) {
	for _, o := range []Options{{}, {Off: true}} {
		hs, err := Flow(o).Handlers(jobs.FlowDeps{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := hs[jobs.TypeOnboarding]; !ok || len(hs) != 1 {
			t.Errorf("options %+v: handles %v", o, slices.Collect(maps.Keys(hs)))
		}
	}
	if !slices.Contains(jobs.NetSuiteTaskTypes("customer"), jobs.TypeOnboarding) {
		t.Error("a customer webhook does not start onboarding")
	}
}
