package sandbox

import (
	"net/http"
	"testing"
)

// Tandem's own writes (the integration user upserting by NetSuite id,
// with its Call Options) send Outbound Messages too, unless the
// integration user lacks "Send Outbound Messages".
func TestOutboundNotifiesTandemsOwnWrites(t *testing.T) {
	for _, suppress := range []bool{false, true} {
		rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { ack(w) })
		org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL, SuppressOutboundForIntegrationUser: suppress}))
		token := org.login(t)
		r := org.call(t, "PATCH", v+"/sobjects/Account/NetSuite_Id__c/NS-77", token,
			map[string]any{"Name": "From NetSuite", "BillingCity": "Berlin"}, "Sforce-Call-Options", "client=tandem")
		if r.status != http.StatusCreated {
			t.Fatalf("account upsert: %d %s", r.status, r.body)
		}
		r = org.call(t, "PATCH", v+"/composite/sobjects/Contact/NetSuite_Id__c", token, map[string]any{"records": []any{
			map[string]any{"attributes": map[string]any{"type": "Contact"}, "NetSuite_Id__c": "NSC-1", "LastName": "Lovelace",
				"Title": "CFO", "Account": map[string]any{"NetSuite_Id__c": "NS-77"}},
		}}, "Sforce-Call-Options", "client=tandem")
		if r.status != http.StatusOK {
			t.Fatalf("contact upsert: %d %s", r.status, r.body)
		}
		waitIdle(t, org.Server)

		got := map[string]map[string]string{}
		for _, m := range rc.messages() {
			for i, n := range m.msg.Body.Notifications.Notification {
				got[n.SObject.Type] = sObjectFields(t, m.msg, i)
			}
		}
		if suppress {
			if len(got) != 0 {
				t.Errorf("suppressed: the integration user's writes sent %v", got)
			}
			continue
		}
		acct := org.firstID(t, "SELECT Id FROM Account WHERE NetSuite_Id__c = 'NS-77'")
		if a := got["sf:Account"]; a["Id"] != acct || a["Name"] != "From NetSuite" || a["NetSuite_Id__c"] != "NS-77" || a["BillingCity"] != "Berlin" {
			t.Errorf("Account notification %v", a)
		}
		if c := got["sf:Contact"]; c["AccountId"] != acct || c["LastName"] != "Lovelace" || c["Title"] != "CFO" || c["NetSuite_Id__c"] != "NSC-1" {
			t.Errorf("Contact notification %v", c)
		}
	}
}
