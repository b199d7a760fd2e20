package sandbox

import (
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
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

// TestOutboundRulesFollowTheShippedFlowFilter: which opportunities send is
// read from the shipped flow's entry conditions, not decided in Go: with
// the filter changed to StageName = Negotiation/Review, a win sends
// nothing and a move to that stage sends the message.
func TestOutboundRulesFollowTheShippedFlowFilter(t *testing.T) {
	files := fstest.MapFS{}
	for _, src := range []struct {
		fsys fs.FS
		dir  string
	}{{shipped.Workflows, shipped.WorkflowsDir}, {shipped.Flows, shipped.FlowsDir}} {
		err := fs.WalkDir(src.fsys, src.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			raw, err := fs.ReadFile(src.fsys, p)
			files[p] = &fstest.MapFile{Data: raw}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	won := shipped.FlowsDir + "/Tandem_Opportunity_Won.flow-meta.xml"
	flow := string(files[won].Data)
	changed := strings.Replace(strings.Replace(flow, "<field>IsWon</field>", "<field>StageName</field>", 1),
		"<booleanValue>true</booleanValue>", "<stringValue>Negotiation/Review</stringValue>", 1)
	if changed == flow || strings.Contains(changed, "<booleanValue>true</booleanValue>") {
		t.Fatalf("the shipped flow's filter is no longer IsWon = true:\n%s", flow)
	}
	files[won] = &fstest.MapFile{Data: []byte(changed)}
	rules, err := outboundRulesFrom(files, shipped.WorkflowsDir, files, shipped.FlowsDir)
	if err != nil {
		t.Fatal(err)
	}

	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { ack(w) })
	org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL, Outbound: rules}))
	token := org.login(t)
	opps, err := org.Query("SELECT Id FROM Opportunity WHERE IsClosed = false ORDER BY Name LIMIT 2")
	if err != nil || len(opps) < 2 {
		t.Fatalf("%d open opportunities, %v", len(opps), err)
	}
	for i, stage := range []string{"Closed Won", "Negotiation/Review"} {
		if r := org.call(t, "PATCH", v+"/sobjects/Opportunity/"+opps[i]["Id"].(string), token, map[string]any{"StageName": stage}); r.status != 204 {
			t.Fatalf("update: %d %s", r.status, r.body)
		}
	}
	waitIdle(t, org.Server)
	var sent []string
	for _, m := range rc.messages() {
		for i := range m.msg.Body.Notifications.Notification {
			sent = append(sent, sObjectFields(t, m.msg, i)["StageName"])
		}
	}
	if !slices.Equal(sent, []string{"Negotiation/Review"}) {
		t.Errorf("messages for stages %v, want only Negotiation/Review (the changed filter)", sent)
	}
}
