package sandbox

import (
	"slices"
	"sync"
	"testing"
)

type recorder struct {
	mu     sync.Mutex
	events []ChangeEvent
}

func (r *recorder) add(ev ChangeEvent) { r.mu.Lock(); r.events = append(r.events, ev); r.mu.Unlock() }
func (r *recorder) take() []ChangeEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

func TestChangeEvents(t *testing.T) {
	org := startOrg(t, Config{})
	rec := &recorder{}
	org.OnChange(rec.add)
	token := org.login(t)

	r := org.call(t, "POST", v+"/sobjects/Account", token, map[string]any{"Name": "Echo Co"}, "Sforce-Call-Options", "client=tandem, defaultNamespace=ns")
	var created map[string]any
	r.json(t, &created)
	id := created["id"].(string)
	evs := rec.take()
	if len(evs) != 1 {
		t.Fatalf("events %+v", evs)
	}
	ev := evs[0]
	if ev.ChangeType != "CREATE" || ev.Object != "Account" || ev.RecordID != id || ev.CommitUser != org.IntegrationUser().ID ||
		ev.ChangeOrigin != "com/salesforce/api/rest/62.0;client=tandem" || ev.TransactionKey == "" || ev.Fields["Name"] != "Echo Co" {
		t.Fatalf("create event %+v", ev)
	}

	org.call(t, "PATCH", "/services/data/v58.0/sobjects/Account/"+id, token, map[string]any{"Phone": "123"})
	ev = rec.take()[0]
	if ev.ChangeType != "UPDATE" || ev.ChangeOrigin != "com/salesforce/api/rest/58.0" || !slices.Equal(ev.ChangedFields, []string{"LastModifiedDate", "Phone"}) {
		t.Fatalf("update event %+v", ev)
	}

	if err := org.Update("Account", id, map[string]any{"Website": "https://echo.example"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	ev = rec.take()[0]
	if ev.ChangeOrigin != "" || ev.CommitUser != org.SalesUser().ID {
		t.Fatalf("Go API edit must look like a UI edit: %+v", ev)
	}

	// A line changes its opportunity too, in the same transaction.
	opp := newDeal(t, org)
	rec.take()
	entry := org.firstID(t, "SELECT Id FROM PricebookEntry WHERE CurrencyIsoCode = 'USD' LIMIT 1")
	if _, err := org.Create("OpportunityLineItem", map[string]any{"OpportunityId": opp, "PricebookEntryId": entry, "Quantity": 1, "UnitPrice": 5}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	evs = rec.take()
	if len(evs) != 2 || evs[0].Object != "OpportunityLineItem" || evs[1].Object != "Opportunity" || evs[1].ChangeType != "UPDATE" ||
		evs[0].TransactionKey != evs[1].TransactionKey || !slices.Contains(evs[1].ChangedFields, "Amount") {
		t.Fatalf("line events %+v", evs)
	}

	org.call(t, "DELETE", v+"/sobjects/Account/"+id, token, nil)
	if evs = rec.take(); len(evs) != 1 || evs[0].ChangeType != "DELETE" || evs[0].Fields != nil {
		t.Fatalf("delete events %+v", evs)
	}
	// A failed write changes nothing and tells no one.
	org.call(t, "POST", v+"/sobjects/Account", token, map[string]any{})
	if evs = rec.take(); len(evs) != 0 {
		t.Fatalf("failed write published %+v", evs)
	}
}
