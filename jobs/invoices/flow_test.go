package invoices

import (
	"maps"
	"slices"
	"strings"
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

// TestAuditorReadsEveryFieldTheJobWrites: the fields the drift audit reads
// of NetSuite_Invoice__c cover what the invoice mapping writes (but the
// payment job's Date_Last_Paid__c and the link itself).
func TestAuditorReadsEveryFieldTheJobWrites(t *testing.T) {
	set, err := mapping.Load(mapping.Config{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := set.Mapping(MappingInvoice)
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, f := range (Auditor{}).Fields() {
		read[strings.Split(f, ".")[0]] = true
	}
	for _, f := range m.Writes() {
		if !read[f] && f != "Date_Last_Paid__c" && f != "NetSuite_Id__c" {
			t.Errorf("the invoice mapping writes %s; the drift audit does not read it", f)
		}
	}
}
