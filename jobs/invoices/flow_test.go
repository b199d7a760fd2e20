package invoices

import (
	"maps"
	"slices"
	"testing"

	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// TestFlowHandlesInvoicesAndPayments: with the shipped mappings the flow
// registers its two task types, and NetSuite's invoice, payment, credit
// memo and refund webhooks start them.
func TestFlowHandlesInvoicesAndPayments(t *testing.T) {
	set, err := mapping.Load(mapping.Config{})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := Flow().Handlers(jobs.FlowDeps{Mappings: set})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{jobs.TypeInvoiceToSalesforce, jobs.TypePaymentToSalesforce}
	if got := slices.Sorted(maps.Keys(hs)); !slices.Equal(got, want) {
		t.Errorf("handles %v, want %v", got, want)
	}
	for recordType, taskType := range map[string]string{"invoice": jobs.TypeInvoiceToSalesforce,
		"customerpayment": jobs.TypePaymentToSalesforce, "creditmemo": jobs.TypePaymentToSalesforce,
		"customerrefund": jobs.TypePaymentToSalesforce} {
		if !slices.Contains(jobs.NetSuiteTaskTypes(recordType), taskType) {
			t.Errorf("a %s webhook does not start %s", recordType, taskType)
		}
	}
}
