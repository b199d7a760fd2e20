package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type compositeAnswer struct {
	CompositeResponse []struct {
		Body           json.RawMessage   `json:"body"`
		HTTPHeaders    map[string]string `json:"httpHeaders"`
		HTTPStatusCode int               `json:"httpStatusCode"`
		ReferenceID    *string           `json:"referenceId"`
	} `json:"compositeResponse"`
}

func sub(method, url, ref string, body any) map[string]any {
	s := map[string]any{"method": method, "url": url, "referenceId": ref}
	if body != nil {
		s["body"] = body
	}
	return s
}

// TestCompositeRunsEachSubrequestAlone: with allOrNone=false every
// subrequest runs through the REST routes and reports its own status and
// body; a failed one neither stops nor undoes the others; the whole
// request is one API call.
func TestCompositeRunsEachSubrequestAlone(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	before := org.call(t, "GET", v+"/limits", token, nil).header.Get("Sforce-Limit-Info")

	r := org.call(t, "POST", v+"/composite", token, map[string]any{"allOrNone": false, "compositeRequest": []any{
		sub("PATCH", v+"/sobjects/Account/NetSuite_Id__c/C-1", "create", map[string]any{"Name": "Composite Co"}),
		sub("PATCH", v+"/sobjects/Account/NetSuite_Id__c/C-1", "update", map[string]any{"Phone": "555"}),
		sub("PATCH", v+"/sobjects/Account/NetSuite_Id__c/C-2", "noName", map[string]any{"Phone": "1"}),
		sub("GET", v+"/sobjects/Account/NetSuite_Id__c/C-404", "missing", nil),
		sub("POST", v+"/composite", "nested", map[string]any{"compositeRequest": []any{}}),
		sub("GET", v+"/query?q="+strings.ReplaceAll("SELECT Phone FROM Account WHERE NetSuite_Id__c = 'C-1'", " ", "+"), "query", nil),
	}})
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var ans compositeAnswer
	r.json(t, &ans)
	want := []struct {
		ref    string
		status int
		has    string
	}{
		{"create", 201, `"created":true`},
		{"update", 200, `"created":false`},
		{"noName", 400, "REQUIRED_FIELD_MISSING"},
		{"missing", 404, "NOT_FOUND"},
		{"nested", 404, "NOT_FOUND"},
		{"query", 200, `"Phone":"555"`},
	}
	if len(ans.CompositeResponse) != len(want) {
		t.Fatalf("%d results, want %d: %s", len(ans.CompositeResponse), len(want), r.body)
	}
	for i, w := range want {
		got := ans.CompositeResponse[i]
		body := string(got.Body)
		if got.ReferenceID == nil || *got.ReferenceID != w.ref || got.HTTPStatusCode != w.status || !strings.Contains(body, w.has) || got.HTTPHeaders == nil {
			t.Errorf("result %d = %+v %s, want %s %d with %s", i, got, body, w.ref, w.status, w.has)
		}
	}
	after := r.header.Get("Sforce-Limit-Info")
	if used(t, after)-used(t, before) != 1 {
		t.Errorf("api usage went from %s to %s, want one call", before, after)
	}
	if recs, err := org.Query("SELECT Id FROM Account WHERE NetSuite_Id__c = 'C-2'"); err != nil || len(recs) != 0 {
		t.Errorf("the failed upsert left %d accounts (%v)", len(recs), err)
	}
}

// TestCompositeRefusals: more than 25 subrequests is Salesforce's
// LIMIT_EXCEEDED result; allOrNone=true is refused by the sandbox; and
// neither writes anything.
func TestCompositeRefusals(t *testing.T) {
	org := startOrg(t, Config{})
	token := org.login(t)
	var many []any
	for i := range 26 {
		many = append(many, sub("PATCH", fmt.Sprintf("%s/sobjects/Account/NetSuite_Id__c/M-%d", v, i), fmt.Sprint("r", i), map[string]any{"Name": "x"}))
	}
	r := org.call(t, "POST", v+"/composite", token, map[string]any{"compositeRequest": many})
	var ans compositeAnswer
	r.json(t, &ans)
	if r.status != 200 || len(ans.CompositeResponse) != 1 || ans.CompositeResponse[0].HTTPStatusCode != 400 ||
		ans.CompositeResponse[0].ReferenceID != nil || !strings.Contains(string(r.body), "LIMIT_EXCEEDED") {
		t.Errorf("26 subrequests: %d %s", r.status, r.body)
	}
	r = org.call(t, "POST", v+"/composite", token, map[string]any{"allOrNone": true, "compositeRequest": many[:2]})
	if errs := r.apiErrors(t); r.status != 400 || !strings.Contains(fmt.Sprint(errs[0]["message"]), "not supported by the sandbox") {
		t.Errorf("allOrNone: %d %s", r.status, r.body)
	}
	if recs, err := org.Query("SELECT Id FROM Account WHERE NetSuite_Id__c LIKE 'M-%'"); err != nil || len(recs) != 0 {
		t.Errorf("refused requests wrote %d accounts (%v)", len(recs), err)
	}
	if r := org.call(t, "POST", v+"/composite", "", map[string]any{"compositeRequest": many[:1]}); r.status != 401 {
		t.Errorf("without a session: %d", r.status)
	}
}

// used reads n of "api-usage=n/max".
func used(t *testing.T, limitInfo string) int {
	t.Helper()
	var n, limit int
	if _, err := fmt.Sscanf(limitInfo, "api-usage=%d/%d", &n, &limit); err != nil {
		t.Fatalf("Sforce-Limit-Info %q: %v", limitInfo, err)
	}
	return n
}
