package sandbox

import (
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"
)

// recorder collects change events.
type recorder struct {
	mu     sync.Mutex
	events []ChangeEvent
}

func (r *recorder) add(ev ChangeEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recorder) all() []ChangeEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ChangeEvent(nil), r.events...)
}

func TestChangeEvents(t *testing.T) {
	clock := newFixedClock(time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC))
	a := newTestAccount(t, Config{Clock: clock.Now})
	var rec recorder
	a.srv.OnChange(rec.add)
	// a listener may read the sandbox
	var seen []string
	a.srv.OnChange(func(ev ChangeEvent) {
		if r, ok := a.srv.Get(ev.RecordType, ev.ID); ok {
			seen = append(seen, r["id"].(string))
		}
	})

	id := a.created("customer", map[string]any{"companyName": "Evented", "subsidiary": map[string]any{"id": "1"}})
	clock.Advance(time.Minute)
	a.do(http.MethodPatch, recordPath+"customer/"+id, map[string]any{"email": "new@evented.example"})
	clock.Advance(time.Minute)
	if _, err := a.srv.Put("customer", map[string]any{"id": id, "balance": 1200.5, "overdueBalance": 300, "daysOverdue": 45}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	a.do(http.MethodDelete, recordPath+"customer/"+id, nil)
	// refused writes are no changes
	a.do(http.MethodPost, recordPath+"customer", map[string]any{"companyName": "No subsidiary"})

	evs := rec.all()
	type summary struct{ typ, ctx, rec, id string }
	var got []summary
	for _, ev := range evs {
		got = append(got, summary{ev.Type, ev.ExecutionContext, ev.RecordType, ev.ID})
	}
	want := []summary{
		{ChangeCreate, ContextREST, "customer", id}, {ChangeEdit, ContextREST, "customer", id},
		{ChangeEdit, ContextUI, "customer", id}, {ChangeDelete, ContextREST, "customer", id},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events\n got %v\nwant %v", got, want)
	}
	create, edit, uiEdit, del := evs[0], evs[1], evs[2], evs[3]
	if create.OldRecord != nil || create.NewRecord["companyName"] != "Evented" || del.NewRecord != nil || del.OldRecord["id"] != id {
		t.Errorf("create/delete records: %v / %v", create.OldRecord, del.NewRecord)
	}
	if edit.OldRecord["email"] != nil || edit.NewRecord["email"] != "new@evented.example" {
		t.Errorf("edit: old email %v new email %v", edit.OldRecord["email"], edit.NewRecord["email"])
	}
	if !edit.LastModified.Equal(time.Date(2024, 5, 2, 8, 1, 0, 0, time.UTC)) || edit.NewRecord["lastModifiedDate"] != "2024-05-02T08:01:00Z" {
		t.Errorf("edit LastModified %v / %v", edit.LastModified, edit.NewRecord["lastModifiedDate"])
	}
	// Put may set what NetSuite computes, which REST writes cannot
	if uiEdit.NewRecord["balance"] != 1200.5 || uiEdit.NewRecord["daysOverdue"] != 45.0 {
		t.Errorf("UI edit: balance %v daysOverdue %v", uiEdit.NewRecord["balance"], uiEdit.NewRecord["daysOverdue"])
	}
	if len(seen) != 3 {
		t.Errorf("listener read %d records back, want 3 (all but the delete)", len(seen))
	}
}

func TestPutCreatesAndMatchesByExternalID(t *testing.T) {
	a := newTestAccount(t, Config{})
	id, err := a.srv.Put("contact", map[string]any{"firstName": "Ada", "lastName": "Lovelace", "externalId": "0035g00000ADA",
		"company": map[string]any{"id": "102"}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := a.srv.Put("contact", map[string]any{"externalId": "0035g00000ADA", "email": "ada@acme.example"})
	if err != nil || again != id {
		t.Fatalf("second Put: %s %v, want the same record %s", again, err, id)
	}
	c, _ := a.srv.Get("contact", "eid:0035g00000ADA")
	if c["entityId"] != "Ada Lovelace" || c["email"] != "ada@acme.example" || at(c, "subsidiary", "id") != "1" {
		t.Errorf("contact %v", c)
	}
	if _, err := a.srv.Put("salesOrder", map[string]any{"memo": "no customer"}); err == nil {
		t.Error("Put of an invalid sales order succeeded")
	}
	if _, err := a.srv.Put("nosuchtype", map[string]any{}); err == nil {
		t.Error("Put of an unknown type succeeded")
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	first, _ := New(Config{Seed: Seed{Items: 4, Customers: 5}})
	second, _ := New(Config{Seed: Seed{Items: 4, Customers: 5}})
	for _, typ := range []string{"currency", "subsidiary", "priceLevel", "employee", "inventoryItem", "customer"} {
		if !reflect.DeepEqual(first.List(typ), second.List(typ)) {
			t.Errorf("%s differs between two seeds", typ)
		}
	}
	items := first.List("inventoryItem")
	if len(items) != 4 || items[0]["id"] != "1001" || items[3]["itemId"] != "SKU-0004" || items[2]["displayName"] != "Product 003" {
		t.Errorf("items: %d, first %v", len(items), items[0]["id"])
	}
	customers := first.List("customer")
	if len(customers) != 5 {
		t.Fatalf("%d customers", len(customers))
	}
	for _, c := range customers {
		if _, ok := c["externalId"]; ok {
			t.Errorf("seeded customer %v has an externalId", c["id"])
		}
	}
	if at(customers[1], "currency", "refName") != "British Pound" {
		t.Errorf("second customer's currency %v", customers[1]["currency"])
	}
	subs := first.List("subsidiary")
	want := map[string]string{"1": "USD", "2": "GBP", "3": "EUR"}
	for _, s := range subs {
		cur, _ := first.Get("currency", at(s, "currency", "id").(string))
		if cur["symbol"] != want[s["id"].(string)] {
			t.Errorf("subsidiary %v currency %v", s["name"], cur["symbol"])
		}
	}
	if none, _ := New(Config{Seed: Seed{Items: -1, Customers: -1}}); len(none.List("inventoryItem"))+len(none.List("customer")) != 0 {
		t.Error("negative seed sizes still seeded")
	}
}

func TestJSONKeysAreOrderedLikeNetSuite(t *testing.T) {
	got := string(marshalOrdered(map[string]any{"tranId": "SO1", "links": []any{}, "amount": 1, "Zeta": true, "id": "5"}))
	if want := `{"links":[],"amount":1,"id":"5","tranId":"SO1","Zeta":true}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
