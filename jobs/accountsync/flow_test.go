package accountsync

import (
	"maps"
	"slices"
	"testing"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// TestFlowHandlesBothDirectionsOfBothPairs: with the shipped mappings and
// sync rules the flow registers its four task types.
func TestFlowHandlesBothDirectionsOfBothPairs(t *testing.T) {
	set, err := mapping.Load(mapping.Config{})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := Flow(Options{}).Handlers(jobs.FlowDeps{Mappings: set})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{jobs.TypeAccountToCustomer, jobs.TypeContactToNSContact, jobs.TypeCustomerToAccount, jobs.TypeNSContactToContact}
	if got := slices.Sorted(maps.Keys(hs)); !slices.Equal(got, want) {
		t.Errorf("handles %v, want %v", got, want)
	}
}
