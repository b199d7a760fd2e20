package sandbox

import "testing"

// A finance user moving a prospect to a customer status: the customer
// reads back with the status's refName and the Customer stage, and the
// script's webhook carries the new entitystatus.
func TestCustomerStatusChangeFiresTheWebhook(t *testing.T) {
	rc := newHookReceiver(t, acceptAll)
	a := newTestAccount(t, Config{Webhook: fastWebhooks(rc.URL)})
	if err := a.srv.PutFields("customer", "102", map[string]any{"entityStatus": map[string]any{"id": StatusInNegotiation}}); err != nil {
		t.Fatal(err)
	}
	if c, _ := a.srv.Get("customer", "102"); c["searchStage"] != "Prospect" {
		t.Errorf("searchStage %v, want Prospect", c["searchStage"])
	}
	if err := a.srv.PutFields("customer", "102", map[string]any{"entityStatus": map[string]any{"id": StatusClosedWon}}); err != nil {
		t.Fatal(err)
	}
	c, _ := a.srv.Get("customer", "102")
	status, _ := c["entityStatus"].(map[string]any)
	if c["searchStage"] != "Customer" || status["id"] != StatusClosedWon || status["refName"] != "CUSTOMER-Closed Won" {
		t.Errorf("customer stage %v status %v", c["searchStage"], status)
	}
	st, _ := a.srv.Get("customerStatus", StatusClosedWon)
	if stage, _ := st["stage"].(map[string]any); stage["id"] != StageCustomer || st["name"] != "Closed Won" {
		t.Errorf("customerStatus %s: %v", StatusClosedWon, st)
	}
	waitWebhooks(t, a.srv)
	got := rc.accepted()
	if len(got) != 2 || got[1].event.Fields["entitystatus"] != StatusClosedWon {
		t.Fatalf("webhooks %+v, want two, the last with entitystatus %s", got, StatusClosedWon)
	}
	if err := a.srv.PutFields("customer", "102", map[string]any{"entityStatus": map[string]any{"id": "999"}}); err == nil {
		t.Error("a status that does not exist was accepted")
	}
}
