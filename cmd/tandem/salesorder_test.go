package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tandem-sync/tandem/jobs"
)

// TestClosedWonBecomesOneSalesOrder is the spine: a deal closed in the
// Salesforce sandbox reaches the NetSuite sandbox as exactly one sales
// order with every line, and the crosswalk is written back.
func TestClosedWonBecomesOneSalesOrder(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	opp := h.openOpportunities(1)[0]
	oppID := str(opp, "Id")
	// Exactly the request the banner's curl makes.
	req, _ := http.NewRequest(http.MethodPatch, closeDealURL(h.base, "62.0", oppID), strings.NewReader(closeDealBody))
	req.Header.Set("Authorization", "Bearer "+closeDealToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("closing the deal as the banner says: %d", resp.StatusCode)
	}
	h.waitFor("the sales order", func() bool { return len(h.salesOrders(oppID)) > 0 })
	h.settle()

	orders := h.salesOrders(oppID)
	if len(orders) != 1 {
		t.Fatalf("%d sales orders for %s, want 1", len(orders), oppID)
	}
	so := orders[0]
	sf := h.p.sandboxes.sf
	won, _ := sf.Get("Opportunity", oppID)
	if str(won, "NetSuite_Sales_Order_Id__c") != str(so, "id") || str(won, "NetSuite_Sales_Order_Number__c") != str(so, "tranId") || str(so, "tranId") == "" {
		t.Errorf("crosswalk on the opportunity = %q/%q, sales order is %q/%q",
			str(won, "NetSuite_Sales_Order_Id__c"), str(won, "NetSuite_Sales_Order_Number__c"), str(so, "id"), str(so, "tranId"))
	}
	account, _ := sf.Get("Account", str(opp, "AccountId"))
	customerID := str(account, "NetSuite_Id__c")
	customer, ok := h.p.sandboxes.ns.Get("customer", customerID)
	if !ok || str(customer, "externalId") != str(opp, "AccountId") || str(customer, "companyName") != str(account, "Name") {
		t.Errorf("account's NetSuite_Id__c %q names customer %v", customerID, customer)
	}
	if str(so, "entity.id") != customerID {
		t.Errorf("sales order entity %q, want the account's customer %q", str(so, "entity.id"), customerID)
	}
	wantLines := lineItems(opp)
	gotLines := sublist(so, "item")
	if len(gotLines) != len(wantLines) {
		t.Fatalf("%d lines on the sales order, want %d", len(gotLines), len(wantLines))
	}
	wantItems := map[string]int{}
	for _, l := range wantLines {
		wantItems[str(l, "Product2.NetSuite_Item_Id__c")]++
	}
	for _, l := range gotLines {
		wantItems[str(l, "item.id")]--
	}
	for item, n := range wantItems {
		if n != 0 {
			t.Errorf("item %s: %+d lines off", item, n)
		}
	}
	if n := len(h.archived()); n != 0 {
		t.Errorf("%d archived jobs", n)
	}
}

// TestTenCopiesOfAnOutboundMessageMakeOneSalesOrder posts the same
// Outbound Message ten times at once, as Salesforce's re-sends can, on
// the machine's Redis and on the embedded one `make run` uses when
// REDIS_URL is unset.
func TestTenCopiesOfAnOutboundMessageMakeOneSalesOrder(t *testing.T) {
	t.Parallel()
	for name, redisURL := range map[string]string{"redis-server": "", "embedded": "unset"} {
		t.Run(name, func(t *testing.T) {
			env := []string{"TANDEM_SF_OUTBOUND_TOKEN", "obm-token"}
			if redisURL == "unset" {
				env = append(env, "REDIS_URL", "")
			}
			tenCopiesMakeOneSalesOrder(t, startTandem(t, env...))
		})
	}
}

func tenCopiesMakeOneSalesOrder(t *testing.T, h *harness) {
	opp := h.openOpportunities(1)[0]
	oppID := str(opp, "Id")
	// Win it without the sandbox's own notification reaching Tandem first.
	h.p.sandboxes.sf.SetOutboundURL("")
	h.closeWon(oppID)
	msg := outboundMessage(h.p.sandboxes.sf.OrgID(), "04l5e00000Ten01AAA", oppID)
	var wg sync.WaitGroup
	statuses := make([]int, 10)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(h.base+"/webhooks/salesforce/outbound?token=obm-token", "text/xml; charset=utf-8", bytes.NewReader(msg))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("copy %d: status %d", i+1, s)
		}
	}
	h.waitFor("the sales order", func() bool { return len(h.salesOrders(oppID)) > 0 })
	h.settle()
	if n := len(h.salesOrders(oppID)); n != 1 {
		t.Fatalf("ten copies made %d sales orders, want 1", n)
	}
	// Tandem took the first copy and counted nine duplicates, so the
	// flow ran once (an upsert by external id alone would also leave one
	// sales order).
	accepted, dups, runs := 0, 0, 0
	for _, line := range strings.Split(h.logs.String(), "\n") {
		var rec struct {
			Msg        string `json:"msg"`
			Duplicates int    `json:"duplicates"`
		}
		json.Unmarshal([]byte(line), &rec)
		switch {
		case rec.Msg == "outbound message accepted":
			accepted, dups = accepted+1, dups+rec.Duplicates
		case strings.HasPrefix(rec.Msg, "sales order "):
			runs++
		}
	}
	if accepted != 10 || dups != 9 || runs != 1 {
		t.Fatalf("ten copies: %d accepted, %d counted duplicates, the flow ran %d times; want 10, 9, 1", accepted, dups, runs)
	}
}

// TestFaultyNetSuiteStillOneSalesOrderEach closes deals while the NetSuite
// sandbox fails 20% of requests with 5xx (half of them after applying the
// write) and 20% with 429.
func TestFaultyNetSuiteStillOneSalesOrderEach(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	ns := h.p.sandboxes.ns
	ns.SetFaults(nssandboxFaults(0.2, 0.2))
	opps := h.openOpportunities(6)
	for _, o := range opps {
		h.closeWon(str(o, "Id"))
	}
	for _, o := range opps {
		id := str(o, "Id")
		h.waitFor("a sales order for "+id, func() bool {
			won, _ := h.p.sandboxes.sf.Get("Opportunity", id)
			return str(won, "NetSuite_Sales_Order_Id__c") != ""
		})
	}
	h.settle()
	for _, o := range opps {
		if n := len(h.salesOrders(str(o, "Id"))); n != 1 {
			t.Errorf("opportunity %s has %d sales orders, want 1", str(o, "Id"), n)
		}
	}
	if a := h.archived(); len(a) != 0 {
		t.Errorf("%d jobs archived under faults; first: %s", len(a), a[0].LastErr)
	}
	st := ns.Stats()
	if st.Injected5xx == 0 || st.Injected429 == 0 {
		t.Errorf("no faults were injected (%+v): the test proved nothing", st)
	}
	customers := map[string]int{}
	for _, c := range ns.List("customer") {
		if ext := str(c, "externalId"); ext != "" {
			customers[ext]++
		}
	}
	for ext, n := range customers {
		if n != 1 {
			t.Errorf("%d customers with external id %s", n, ext)
		}
	}
}

// TestUnmappedProductArchivesTheJob: a product without a NetSuite item
// fails the job for good, naming the product, and writes no sales order.
func TestUnmappedProductArchivesTheJob(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sf := h.p.sandboxes.sf
	opp := h.openOpportunities(1)[0]
	oppID := str(opp, "Id")
	unmapped, err := sf.Query("SELECT Id, Name FROM Product2 WHERE NetSuite_Item_Id__c = null LIMIT 1")
	if err != nil || len(unmapped) != 1 {
		t.Fatalf("seed has no unmapped product: %v %v", unmapped, err)
	}
	full, _ := sf.Get("Opportunity", oppID)
	entries, err := sf.Query(fmt.Sprintf("SELECT Id FROM PricebookEntry WHERE Product2Id = '%s' AND CurrencyIsoCode = '%s' LIMIT 1",
		str(unmapped[0], "Id"), str(full, "CurrencyIsoCode")))
	if err != nil || len(entries) != 1 {
		t.Fatalf("no %s price book entry for the unmapped product: %v", str(full, "CurrencyIsoCode"), err)
	}
	if _, err := sf.Create("OpportunityLineItem", map[string]any{
		"OpportunityId": oppID, "PricebookEntryId": str(entries[0], "Id"), "Quantity": 2, "UnitPrice": 10,
	}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	h.closeWon(oppID)
	h.waitFor("the archived job", func() bool { return len(h.archived()) > 0 })
	h.settle()
	// Adding the line and winning are two changes, so there may be two
	// notifications; each reads the won opportunity and fails the same way.
	name := str(unmapped[0], "Name")
	for _, a := range h.archived() {
		if a.Type != jobs.TypeOpportunityToSalesOrder || !strings.Contains(a.LastErr, name) || !strings.Contains(a.LastErr, oppID) {
			t.Errorf("archived %s with last error %q, want it to name product %q and opportunity %s", a.Type, a.LastErr, name, oppID)
		}
	}
	if n := len(h.salesOrders(oppID)); n != 0 {
		t.Errorf("%d sales orders written for an opportunity with an unmapped product", n)
	}
}

// TestOpportunityNotWonWritesNothing: a notification for a deal reopened
// before delivery (the shipped rule fires only when won) ends its job
// without writes.
func TestOpportunityNotWonWritesNothing(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	opp := h.openOpportunities(1)[0]
	oppID := str(opp, "Id")
	before := h.p.sandboxes.ns.Stats().Requests
	sf := h.p.sandboxes.sf
	release := h.holdOutbound()
	h.closeWon(oppID)
	if err := sf.Update("Opportunity", oppID, map[string]any{"StageName": "Prospecting"}, sf.SalesUser()); err != nil {
		t.Fatal(err)
	}
	release()
	h.settle()
	if n := len(h.salesOrders(oppID)); n != 0 {
		t.Errorf("%d sales orders for an open opportunity", n)
	}
	if after := h.p.sandboxes.ns.Stats().Requests; after != before {
		t.Errorf("%d NetSuite requests for an open opportunity", after-before)
	}
	if !strings.Contains(h.logs.String(), "opportunity not won") {
		t.Error("the job did not run")
	}
}

func sublist(rec map[string]any, name string) []map[string]any {
	sl, _ := rec[name].(map[string]any)
	items, _ := sl["items"].([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// outboundMessage is an Outbound Message for one opportunity, in the
// shape Salesforce sends.
func outboundMessage(orgID, notificationID, oppID string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>` +
		orgID + `</OrganizationId><ActionId>04k5e000000TNDMAAW</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>https://example.invalid/services/Soap/c/62.0/` + orgID[:15] +
		`</EnterpriseUrl><PartnerUrl>https://example.invalid/services/Soap/u/62.0/` + orgID[:15] + `</PartnerUrl><Notification><Id>` + notificationID +
		`</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>` + oppID +
		`</sf:Id><sf:IsWon>true</sf:IsWon></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>`)
}
