package sandbox

import (
	"net/url"
	"strings"
	"testing"

	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
)

// TestFieldSecurity: the integration user reads and writes only what its
// permission set grants, with the real API's errors; fields outside
// field-level security (Id, Name, system fields) stay visible, and other
// users see everything.
func TestFieldSecurity(t *testing.T) {
	perms := map[string]shipped.FieldAccess{
		"Account.NetSuite_Id__c": {Readable: true, Editable: true},
		"Account.Phone":          {Readable: true},
		"Contact.AccountId":      {Readable: true},
	}
	org := startOrg(t, Config{FieldSecurity: true, FieldPermissions: perms})
	token := org.login(t)
	account := org.firstID(t, "SELECT Id FROM Account ORDER BY Name LIMIT 1")
	query := func(q string) response { return org.call(t, "GET", v+"/query?q="+url.QueryEscape(q), token, nil) }

	if r := query("SELECT Id, Name, Phone, NetSuite_Id__c, CreatedDate, OwnerId FROM Account"); r.status != 200 {
		t.Errorf("granted and always visible fields: %d %s", r.status, r.body)
	}
	for q, col := range map[string]string{
		"SELECT Id, Website FROM Account":                          "Website",
		"SELECT Id FROM Account WHERE Industry = 'Energy'":         "Industry",
		"SELECT Id, Account.Website FROM Contact":                  "Account.Website",
		"SELECT Id, (SELECT Id, Email FROM Contacts) FROM Account": "Email",
	} {
		r := query(q)
		if errs := r.apiErrors(t); r.status != 400 || errs[0]["errorCode"] != "INVALID_FIELD" ||
			!strings.Contains(errs[0]["message"].(string), "No such column '"+col+"'") {
			t.Errorf("%s: %d %s, want INVALID_FIELD No such column '%s'", q, r.status, r.body, col)
		}
	}
	if r := org.call(t, "GET", v+"/sobjects/Account/"+account, token, nil); r.status != 200 || strings.Contains(string(r.body), `"Website"`) ||
		!strings.Contains(string(r.body), `"Phone"`) {
		t.Errorf("get record shows %s, want Phone and no Website", r.body)
	}
	r := org.call(t, "PATCH", v+"/sobjects/Account/"+account, token, map[string]any{"Phone": "555"})
	if errs := r.apiErrors(t); r.status != 400 || errs[0]["errorCode"] != "INVALID_FIELD_FOR_INSERT_UPDATE" ||
		!strings.Contains(errs[0]["message"].(string), "Unable to create/update fields: Phone. Please check the security settings") {
		t.Errorf("write of a read-only field: %d %s", r.status, r.body)
	}
	r = org.call(t, "PATCH", v+"/sobjects/Account/"+account, token, map[string]any{"Website": "x.example"})
	if errs := r.apiErrors(t); r.status != 400 || errs[0]["errorCode"] != "INVALID_FIELD" ||
		!strings.Contains(errs[0]["message"].(string), "No such column 'Website' on sobject of type Account") {
		t.Errorf("write of a hidden field: %d %s", r.status, r.body)
	}
	if r := org.call(t, "PATCH", v+"/sobjects/Account/"+account, token, map[string]any{"Name": "Renamed", "NetSuite_Id__c": "77"}); r.status != 204 {
		t.Errorf("write of granted fields: %d %s", r.status, r.body)
	}
	if err := org.Update("Account", account, map[string]any{"Website": "sales.example"}, org.SalesUser()); err != nil {
		t.Errorf("the sales user is not limited: %v", err)
	}
}

// TestShippedPermissionSetLoads: with no FieldPermissions the sandbox
// reads the shipped permission set, which grants Tandem's custom fields.
func TestShippedPermissionSetLoads(t *testing.T) {
	org := startOrg(t, Config{FieldSecurity: true})
	token := org.login(t)
	r := org.call(t, "GET", v+"/query?q="+url.QueryEscape("SELECT Id, NetSuite_Id__c, Credit_Hold__c FROM Account"), token, nil)
	if r.status != 200 {
		t.Errorf("%d %s", r.status, r.body)
	}
}
