package sandbox

import (
	"net/http"
	"slices"
	"testing"
)

// TestOutboundRulesAreTheShippedOnes: the default rules send what the
// shipped workflows select (Pricebook2Id, no CurrencyIsoCode, which a
// single-currency org has not got) and Opportunity only once won.
func TestOutboundRulesAreTheShippedOnes(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { ack(w) })
	org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL}))
	token := org.login(t)
	opp := org.firstID(t, "SELECT Id FROM Opportunity WHERE Amount != null LIMIT 1")
	for _, change := range []map[string]any{{"Description": "call back next week"}, {"StageName": "Closed Won"}} {
		if r := org.call(t, "PATCH", v+"/sobjects/Opportunity/"+opp, token, change); r.status != 204 {
			t.Fatalf("update: %d %s", r.status, r.body)
		}
	}
	waitIdle(t, org.Server)
	got := rc.messages()
	if len(got) != 1 || len(got[0].msg.Body.Notifications.Notification) != 1 {
		t.Fatalf("want one message (the win), got %d", len(got))
	}
	var names []string
	for name := range sObjectFields(t, got[0].msg, 0) {
		names = append(names, name)
	}
	slices.Sort(names)
	want := []string{"AccountId", "Amount", "CloseDate", "Id", "IsClosed", "IsWon", "LastModifiedDate", "Name", "Pricebook2Id", "StageName", "SystemModstamp"}
	// NetSuite_Sales_Order_Id__c is selected too but empty: xsi:nil is left out.
	names = slices.DeleteFunc(names, func(n string) bool { return n == "NetSuite_Sales_Order_Id__c" })
	if !slices.Equal(names, want) {
		t.Errorf("fields %v, want the shipped workflow's %v", names, want)
	}
}
