package sandbox

import (
	"net/url"
	"strings"
	"testing"
)

// TestSingleCurrencyOrg: with multi-currency off no object has
// CurrencyIsoCode; describe leaves it out and SOQL and writes naming it
// fail as a real single-currency org answers (salesforce.md §11).
func TestSingleCurrencyOrg(t *testing.T) {
	org := startOrg(t, Config{SingleCurrency: true})
	token := org.login(t)
	for _, object := range []string{"Account", "Opportunity", "PricebookEntry", "NetSuite_Invoice__c"} {
		r := org.call(t, "GET", v+"/sobjects/"+object+"/describe", token, nil)
		if r.status != 200 || strings.Contains(string(r.body), `"CurrencyIsoCode"`) {
			t.Errorf("describe %s: %d, lists CurrencyIsoCode: %v", object, r.status, strings.Contains(string(r.body), `"CurrencyIsoCode"`))
		}
	}
	account := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	tests := []struct{ name, method, path, message string }{
		{"query", "GET", v + "/query?q=" + url.QueryEscape("SELECT Id, CurrencyIsoCode FROM Account"), "No such column 'CurrencyIsoCode' on entity 'Account'"},
		{"create", "POST", v + "/sobjects/Account", "No such column 'CurrencyIsoCode' on sobject of type Account"},
		{"update", "PATCH", v + "/sobjects/Account/" + account, "No such column 'CurrencyIsoCode' on sobject of type Account"},
	}
	for _, tc := range tests {
		var body any
		if tc.method != "GET" {
			body = map[string]any{"Name": "Acme", "CurrencyIsoCode": "USD"}
		}
		r := org.call(t, tc.method, tc.path, token, body)
		errs := r.apiErrors(t)
		if r.status != 400 || len(errs) == 0 || errs[0]["errorCode"] != "INVALID_FIELD" || !strings.Contains(errs[0]["message"].(string), tc.message) {
			t.Errorf("%s: %d %s, want 400 INVALID_FIELD %q", tc.name, r.status, r.body, tc.message)
		}
	}
}
