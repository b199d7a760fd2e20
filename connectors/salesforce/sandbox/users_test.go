package sandbox

import (
	"errors"
	"testing"
)

// Tasks relate to Onboarding__c (activities on in its metadata) and may
// not be owned by an inactive user.
func TestOnboardingTasksAndInactiveOwners(t *testing.T) {
	org := startOrg(t, Config{})
	acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	onb, err := org.Create("Onboarding__c", map[string]any{"NetSuite_Customer_Id__c": "107", "Account__c": acct,
		"Manager__c": Managers[0].ID}, org.IntegrationUser())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.Create("Task", map[string]any{"Subject": "Kick-off", "WhatId": onb, "OwnerId": Managers[0].ID},
		org.IntegrationUser()); err != nil {
		t.Fatalf("task on the onboarding: %v", err)
	}
	rows, err := org.Query("SELECT Id, AccountId FROM Task WHERE WhatId = '" + onb + "'")
	if err != nil || len(rows) != 1 {
		t.Fatalf("tasks of the onboarding: %v, %v", rows, err)
	}
	inactive := Managers[len(Managers)-1]
	_, err = org.Create("Task", map[string]any{"Subject": "Kick-off", "WhatId": onb, "OwnerId": inactive.ID}, org.IntegrationUser())
	var apiErr *APIError
	if inactive.Active || !errors.As(err, &apiErr) || apiErr.ErrorCode != "INACTIVE_OWNER_OR_USER" {
		t.Errorf("task owned by inactive %s: %v, want INACTIVE_OWNER_OR_USER", inactive.Username, err)
	}
}
