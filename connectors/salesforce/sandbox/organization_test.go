package sandbox

import "testing"

// The org's fiscal year settings read as in a real org, and the record
// cannot be made or removed through the API.
func TestOrganizationFiscalYear(t *testing.T) {
	org := startOrg(t, Config{FiscalYearStartMonth: 2})
	token := org.login(t)
	q := org.query(t, token, "SELECT Id, FiscalYearStartMonth, UsesStartDateAsFiscalYearName FROM Organization")
	if len(q.Records) != 1 {
		t.Fatalf("Organization records: %+v", q)
	}
	rec := q.Records[0]
	if rec["FiscalYearStartMonth"] != 2.0 || rec["UsesStartDateAsFiscalYearName"] != false || rec["Id"] != DefaultOrgID {
		t.Errorf("Organization %v", rec)
	}
	if _, err := org.Create("Organization", map[string]any{}, org.SalesUser()); err == nil {
		t.Error("created an Organization")
	}
	if err := org.Delete("Organization", DefaultOrgID, org.SalesUser()); err == nil {
		t.Error("deleted the Organization")
	}
	if err := org.Update("Organization", DefaultOrgID, map[string]any{"FiscalYearStartMonth": 5}, org.SalesUser()); err == nil {
		t.Error("changed the fiscal year start through the API")
	}
}
