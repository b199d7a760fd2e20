package salesorder

import (
	"maps"
	"slices"
	"testing"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// TestFlowHandlesOpportunities: with the shipped mappings the flow
// registers its one task type.
func TestFlowHandlesOpportunities(t *testing.T) {
	set, err := mapping.Load(mapping.Config{})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := Flow().Handlers(jobs.FlowDeps{Mappings: set})
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(hs)); !slices.Equal(got, []string{jobs.TypeOpportunityToSalesOrder}) {
		t.Errorf("handles %v", got)
	}
}
