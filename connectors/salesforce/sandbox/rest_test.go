package sandbox

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// TestRESTStatusCodes walks the REST surface in order (later rows see the
// effects of earlier ones) and checks each status code and error body.
func TestRESTStatusCodes(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	account := org.firstID(t, "SELECT Id FROM Account ORDER BY Name LIMIT 1")
	opp := org.firstID(t, "SELECT Id FROM Opportunity LIMIT 1")
	missing := "001" + "5e0" + "ZZZZZZZZZ" + "AAA" // well formed, no such record
	missing = missing[:15] + sfid.Suffix(missing[:15])

	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string // errorCode of the first error, "" for success
		message            string // substring of the first error's message
	}{
		{"versions", "GET", "/services/data/", nil, 200, "", ""},
		{"resources", "GET", v + "/", nil, 200, "", ""},
		{"version too old", "GET", "/services/data/v45.0/sobjects", nil, 404, "NOT_FOUND", "The requested resource does not exist"},
		{"version too new", "GET", "/services/data/v63.0/sobjects", nil, 404, "NOT_FOUND", ""},
		{"unknown resource", "GET", v + "/nothing/here", nil, 404, "NOT_FOUND", "The requested resource does not exist"},
		{"unknown object", "GET", v + "/sobjects/Foo__c/describe", nil, 404, "NOT_FOUND", ""},
		{"describe", "GET", v + "/sobjects/Account/describe", nil, 200, "", ""},
		{"get record", "GET", v + "/sobjects/Account/" + account, nil, 200, "", ""},
		{"get record by 15-char id", "GET", v + "/sobjects/Account/" + account[:15], nil, 200, "", ""},
		{"get unknown field", "GET", v + "/sobjects/Account/" + account + "?fields=Name,Bogus__c", nil, 400, "INVALID_FIELD", "No such column 'Bogus__c' on entity 'Account'"},
		{"get missing record", "GET", v + "/sobjects/Account/" + missing, nil, 404, "NOT_FOUND", ""},
		{"put not allowed", "PUT", v + "/sobjects/Account/" + account, map[string]any{}, 405, "METHOD_NOT_ALLOWED", "HTTP Method 'PUT' not allowed. Allowed are HEAD,GET,PATCH,DELETE"},
		{"create", "POST", v + "/sobjects/Account", map[string]any{"Name": "New Co"}, 201, "", ""},
		{"create missing required", "POST", v + "/sobjects/Opportunity", map[string]any{"Name": "x"}, 400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [StageName, CloseDate]"},
		{"create unknown field", "POST", v + "/sobjects/Account", map[string]any{"Name": "x", "Bogus__c": 1}, 400, "INVALID_FIELD", "No such column 'Bogus__c' on sobject of type Account"},
		{"create read-only field", "POST", v + "/sobjects/Opportunity", map[string]any{"Name": "x", "StageName": "Prospecting", "CloseDate": "2025-01-01", "IsWon": true}, 400, "INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: IsWon. Please check the security settings"},
		{"malformed id", "POST", v + "/sobjects/Contact", map[string]any{"LastName": "x", "AccountId": "abc"}, 400, "MALFORMED_ID", "Account ID: id value of incorrect type: abc"},
		{"id of the wrong object", "POST", v + "/sobjects/Contact", map[string]any{"LastName": "x", "AccountId": opp}, 400, "MALFORMED_ID", "id value of incorrect type: " + opp},
		{"reference to nothing", "POST", v + "/sobjects/Contact", map[string]any{"LastName": "x", "AccountId": missing}, 400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"},
		{"wrong value type", "POST", v + "/sobjects/Opportunity", `{"Name":"x","StageName":"Prospecting","CloseDate":"2025-01-01","Amount":"lots"}`, 400, "JSON_PARSER_ERROR", "Cannot deserialize instance of double from VALUE_STRING value lots or request may be missing a required field at [line:1, column:74]"},
		{"bad picklist value", "POST", v + "/sobjects/Opportunity", map[string]any{"Name": "x", "StageName": "Won-ish", "CloseDate": "2025-01-01"}, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Stage: bad value for restricted picklist field: Won-ish"},
		{"malformed JSON", "POST", v + "/sobjects/Account", `{"Name":}`, 400, "JSON_PARSER_ERROR", "Unexpected character ('}' (code 125))"},
		{"empty body", "POST", v + "/sobjects/Account", "", 400, "JSON_PARSER_ERROR", "The HTTP entity body is required"},
		{"update", "PATCH", v + "/sobjects/Account/" + account, map[string]any{"Phone": "+1 555 0100"}, 204, "", ""},
		{"update read-only", "PATCH", v + "/sobjects/Opportunity/" + opp, map[string]any{"IsWon": true}, 400, "INVALID_FIELD_FOR_INSERT_UPDATE", "IsWon"},
		{"update missing record", "PATCH", v + "/sobjects/Account/" + missing, map[string]any{"Phone": "1"}, 404, "NOT_FOUND", ""},
		{"upsert creates", "PATCH", v + "/sobjects/Account/NetSuite_Id__c/NS-1", map[string]any{"Name": "Upserted"}, 201, "", ""},
		{"upsert updates", "PATCH", v + "/sobjects/Account/NetSuite_Id__c/NS-1", map[string]any{"Name": "Upserted again"}, 200, "", ""},
		{"upsert update only", "PATCH", v + "/sobjects/Account/NetSuite_Id__c/NS-2?updateOnly=true", map[string]any{"Name": "x"}, 404, "NOT_FOUND", ""},
		{"upsert on a non-external field", "PATCH", v + "/sobjects/Account/Phone/123", map[string]any{"Name": "x"}, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: Phone"},
		{"get by external id", "GET", v + "/sobjects/Account/NetSuite_Id__c/ns-1", nil, 200, "", ""},
		{"get by missing external id", "GET", v + "/sobjects/Account/NetSuite_Id__c/NS-404", nil, 404, "NOT_FOUND", ""},
		{"duplicate unique external id", "POST", v + "/sobjects/Account", map[string]any{"Name": "x", "NetSuite_Id__c": "NS-1"}, 400, "DUPLICATE_VALUE", "duplicate value found: NetSuite_Id__c duplicates value on record with id: "},
		{"contact C-1 (external id, not unique)", "POST", v + "/sobjects/Contact", map[string]any{"LastName": "One", "NetSuite_Id__c": "C-1"}, 201, "", ""},
		{"contact C-1 again", "POST", v + "/sobjects/Contact", map[string]any{"LastName": "Two", "NetSuite_Id__c": "C-1"}, 201, "", ""},
		{"get matches several", "GET", v + "/sobjects/Contact/NetSuite_Id__c/C-1", nil, 300, "", ""},
		{"upsert matches several", "PATCH", v + "/sobjects/Contact/NetSuite_Id__c/C-1", map[string]any{"Email": "x@y.example"}, 300, "", ""},
		{"delete", "DELETE", v + "/sobjects/Account/" + account, nil, 204, "", ""},
		{"delete again", "DELETE", v + "/sobjects/Account/" + account, nil, 404, "ENTITY_IS_DELETED", "entity is deleted"},
		{"get deleted", "GET", v + "/sobjects/Account/" + account, nil, 404, "ENTITY_IS_DELETED", ""},
		{"query", "GET", v + "/query?q=SELECT+Id+FROM+Account", nil, 200, "", ""},
		{"query without q", "GET", v + "/query", nil, 400, "MALFORMED_QUERY", "A query string has to be specified"},
		{"malformed query", "GET", v + "/query?q=SELECT+Id+FROM", nil, 400, "MALFORMED_QUERY", "unexpected token: '<EOF>'"},
		{"query unknown column", "GET", v + "/query?q=SELECT+Idd+FROM+Account", nil, 400, "INVALID_FIELD", "\nSELECT Idd FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Idd' on entity 'Account'"},
		{"query unknown object", "GET", v + "/query?q=SELECT+Id+FROM+Invoice__c", nil, 400, "INVALID_TYPE", "sObject type 'Invoice__c' is not supported"},
		{"bad query locator", "GET", v + "/query/01gXXXXXXXXXXXXXXX-2000", nil, 400, "INVALID_QUERY_LOCATOR", "invalid query locator"},
		{"limits", "GET", v + "/limits", nil, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := org.call(t, tt.method, tt.path, token, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if got := r.header.Get("Sforce-Limit-Info"); strings.HasPrefix(tt.path, v) && !limitInfo.MatchString(got) {
				t.Errorf("Sforce-Limit-Info = %q", got)
			}
			if tt.code == "" {
				return
			}
			errs := r.apiErrors(t)
			if len(errs) != 1 || errs[0]["errorCode"] != tt.code || !strings.Contains(errs[0]["message"].(string), tt.message) {
				t.Fatalf("errors %v, want %s containing %q", errs, tt.code, tt.message)
			}
		})
	}
}

var limitInfo = regexp.MustCompile(`^api-usage=\d+/100000$`)

func TestRecordShapes(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	opp := org.firstID(t, "SELECT Id FROM Opportunity WHERE Amount != null LIMIT 1")

	var rec map[string]any
	org.call(t, "GET", v+"/sobjects/Opportunity/"+opp, token, nil).json(t, &rec)
	attrs := rec["attributes"].(map[string]any)
	if attrs["type"] != "Opportunity" || attrs["url"] != v+"/sobjects/Opportunity/"+opp {
		t.Fatalf("attributes %v", attrs)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`).MatchString(rec["SystemModstamp"].(string)) {
		t.Fatalf("SystemModstamp %q is not in REST's datetime format", rec["SystemModstamp"])
	}
	if rec["IsDeleted"] != false || rec["CloseDate"] == nil || rec["Probability"] == nil {
		t.Fatalf("record %v", rec)
	}

	r := org.call(t, "GET", v+"/sobjects/Opportunity/"+opp+"?fields=Name,Amount", token, nil)
	var keys []string
	for _, k := range regexp.MustCompile(`"(\w+)":`).FindAllStringSubmatch(string(r.body), -1) {
		keys = append(keys, k[1])
	}
	if want := []string{"attributes", "type", "url", "Name", "Amount"}; !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v: %s", keys, want, r.body)
	}
	if !regexp.MustCompile(`"Amount":\d+\.\d+`).Match(r.body) {
		t.Fatalf("Amount is not written as a Salesforce double: %s", r.body)
	}

	var desc struct {
		Name   string
		Fields []map[string]any
	}
	org.call(t, "GET", v+"/sobjects/Product2/describe", token, nil).json(t, &desc)
	i := slices.IndexFunc(desc.Fields, func(f map[string]any) bool { return f["name"] == "NetSuite_Item_Id__c" })
	if desc.Name != "Product2" || i < 0 {
		t.Fatalf("describe %+v", desc)
	}
	if f := desc.Fields[i]; f["externalId"] != true || f["idLookup"] != true || f["unique"] != true || f["type"] != "string" {
		t.Fatalf("NetSuite_Item_Id__c describe %v", f)
	}
}

func TestUpsertResponses(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	var created, updated map[string]any
	r := org.call(t, "PATCH", v+"/sobjects/Product2/NetSuite_Item_Id__c/5001", token, map[string]any{"Name": "Gizmo", "IsActive": true})
	r.json(t, &created)
	if r.status != 201 || created["created"] != true || created["success"] != true || len(created["errors"].([]any)) != 0 {
		t.Fatalf("create: %d %v", r.status, created)
	}
	r = org.call(t, "PATCH", v+"/sobjects/Product2/NetSuite_Item_Id__c/5001", token, map[string]any{"Name": "Gizmo 2"})
	r.json(t, &updated)
	if r.status != 200 || updated["created"] != false || updated["id"] != created["id"] {
		t.Fatalf("update: %d %v", r.status, updated)
	}
	if rec, _ := org.Get("Product2", created["id"].(string)); rec["Name"] != "Gizmo 2" || rec["NetSuite_Item_Id__c"] != "5001" {
		t.Fatalf("record after upserts %v", rec)
	}

	var urls []string
	org.call(t, "POST", v+"/sobjects/Contact", token, map[string]any{"LastName": "A", "NetSuite_Id__c": "7"})
	org.call(t, "POST", v+"/sobjects/Contact", token, map[string]any{"LastName": "B", "NetSuite_Id__c": "7"})
	r = org.call(t, "GET", v+"/sobjects/Contact/NetSuite_Id__c/7", token, nil)
	r.json(t, &urls)
	if r.status != 300 || len(urls) != 2 || !strings.HasPrefix(urls[0], v+"/sobjects/Contact/003") {
		t.Fatalf("300 body %s", r.body)
	}
}

func TestAPIUsageLimit(t *testing.T) {
	org := startOrg(t, Config{APILimit: 3})
	token := org.login(t)
	for i := 1; i <= 3; i++ {
		r := org.call(t, "GET", v+"/limits", token, nil)
		if got, want := r.header.Get("Sforce-Limit-Info"), fmt.Sprintf("api-usage=%d/3", i); r.status != 200 || got != want {
			t.Fatalf("call %d: %d, Sforce-Limit-Info %q, want %q", i, r.status, got, want)
		}
		if i == 2 {
			var limits map[string]map[string]int
			r.json(t, &limits)
			if limits["DailyApiRequests"]["Max"] != 3 || limits["DailyApiRequests"]["Remaining"] != 1 {
				t.Fatalf("limits %v", limits)
			}
		}
	}
	r := org.call(t, "GET", v+"/limits", token, nil)
	errs := r.apiErrors(t)
	if r.status != http.StatusForbidden || errs[0]["errorCode"] != "REQUEST_LIMIT_EXCEEDED" {
		t.Fatalf("over the limit: %d %s", r.status, r.body)
	}
}
